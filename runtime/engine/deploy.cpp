#include "runtime/engine/deploy.hpp"

#include "bytecode/module_io.hpp"
#include "runtime/engine/error.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

namespace {

DeployedWorkflow deploy_one(store::Connection& conn, std::string_view source, const store::Bytes& bytes, int64_t hash,
                            const bytecode::Workflow& flow) {
  const bool reentry = flow.reentry == bytecode::Reentry::Allowed;
  // FOR UPDATE: the lock check below must not race an enrolment committing meanwhile.
  const auto existing = conn.exec("SELECT id, trigger, module_hash FROM workflows WHERE name = $1 FOR UPDATE", flow.name);
  if (existing.empty()) {
    const auto id = conn.exec(
                            "INSERT INTO workflows (name, trigger, display_name, description, reentry, enabled, source, "
                            "module, module_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                            flow.name, flow.trigger, flow.display_name, flow.description, reentry, flow.enabled,
                            std::string(source), bytes, hash)
                        .one()
                        .get<int64_t>("id");
    return {id, flow.name, DeployedWorkflow::Change::Created};
  }
  const auto row = existing.one();
  const auto id = row.get<int64_t>("id");
  if (row.get<std::string>("trigger") != flow.trigger) {
    throw Refused("workflow `" + flow.name + "`: its trigger is \"" + row.get<std::string>("trigger") +
                  "\" and a trigger cannot change; deploy it under another name");
  }
  if (row.get<int64_t>("module_hash") == hash) return {id, flow.name, DeployedWorkflow::Change::Unchanged};
  const auto active =
      conn.exec("SELECT count(*) AS n FROM executions WHERE workflow_id = $1 AND status IN ('RUNNING', 'WAITING')", id)
          .one()
          .get<int64_t>("n");
  if (active > 0) {
    throw Refused("workflow `" + flow.name + "` is locked: " + std::to_string(active) +
                  " execution(s) are running or waiting; disable it and let them end or cancel them first");
  }
  conn.exec(
      "UPDATE workflows SET display_name = $2, description = $3, reentry = $4, enabled = $5, source = $6, module = $7, "
      "module_hash = $8, version = version + 1, updated_at = now() WHERE id = $1",
      id, flow.display_name, flow.description, reentry, flow.enabled, std::string(source), bytes, hash);
  return {id, flow.name, DeployedWorkflow::Change::Updated};
}

}  // namespace

std::vector<DeployedWorkflow> deploy(store::Connection& conn, std::string_view source, const bytecode::Module& module) {
  const auto serialized = bytecode::serialize(module);
  const store::Bytes bytes{std::string(serialized.begin(), serialized.end())};
  // bigint is signed: the hash's bits are stored as they are.
  const auto hash = static_cast<int64_t>(bytecode::module_hash(serialized));
  return store::with_transaction(conn, [&](store::Connection& c) {
    std::vector<DeployedWorkflow> out;
    for (const auto& flow : module.workflows) out.push_back(deploy_one(c, source, bytes, hash, flow));
    return out;
  });
}

}  // namespace flow::runtime::engine
