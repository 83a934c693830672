#include "runtime/engine/deploy.hpp"

#include "bytecode/module_io.hpp"
#include "runtime/engine/error.hpp"
#include "runtime/engine/fingerprint.hpp"
#include "runtime/engine/module_gc.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

namespace {

using Change = DeployedWorkflow::Change;

// A module serialised once, with its hash; stored by the first workflow deployed from it.
struct StoredModule {
  store::Bytes bytes;
  int64_t hash = 0;  // bigint is signed: the hash's bits are stored as they are
  std::string templates;

  explicit StoredModule(const CompiledSource& compiled) : templates(compiled.templates.dump()) {
    const auto serialized = bytecode::serialize(*compiled.module);
    bytes.data.assign(serialized.begin(), serialized.end());
    hash = static_cast<int64_t>(bytecode::module_hash(serialized));
  }
  void store(store::Connection& conn) const {
    conn.exec("INSERT INTO modules (hash, bytes, templates) VALUES ($1, $2, $3::jsonb) ON CONFLICT (hash) DO NOTHING",
              hash, bytes, templates);
  }
};

enum class Mode { CreateOrUpdate, UpdateOnly };

struct Target {
  const bytecode::Workflow& flow;
  std::string_view source;
  const StoredModule& module;
  int64_t fingerprint;
};

DeployedWorkflow create(store::Connection& conn, const Target& target) {
  const auto& flow = target.flow;
  target.module.store(conn);
  const auto row = conn.exec(
                           "INSERT INTO workflows (name, trigger, display_name, description, reentry, enabled, "
                           "source, module_hash, fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                           "RETURNING id, version",
                           flow.name, flow.trigger, flow.display_name, flow.description,
                           flow.reentry == bytecode::Reentry::Allowed, flow.enabled, std::string(target.source),
                           target.module.hash, target.fingerprint)
                       .one();
  return {row.get<int64_t>("id"), flow.name, Change::Created, row.get<int32_t>("version"), {}};
}

// One workflow, inside the caller's transaction. `id` picks the row for UpdateOnly.
DeployedWorkflow deploy_one(store::Connection& conn, const Target& target, Mode mode, int64_t id = 0) {
  const auto& flow = target.flow;
  // FOR UPDATE: the lock check below must not race an enrolment committing meanwhile.
  const auto existing =
      mode == Mode::UpdateOnly
          ? conn.exec("SELECT id, name, trigger, fingerprint, version FROM workflows WHERE id = $1 FOR UPDATE", id)
          : conn.exec("SELECT id, name, trigger, fingerprint, version FROM workflows WHERE name = $1 FOR UPDATE",
                      flow.name);
  if (existing.empty()) {
    if (mode == Mode::UpdateOnly) return {0, flow.name, Change::NotFound, 0, "no workflow " + std::to_string(id)};
    return create(conn, target);
  }
  const auto row = existing.one();
  DeployedWorkflow out{row.get<int64_t>("id"), flow.name, Change::Unchanged, row.get<int32_t>("version"), {}};
  const std::string ref = "workflow `" + flow.name + "` (id " + std::to_string(out.id) + ")";
  if (row.get<std::string>("name") != flow.name) {
    out.change = Change::NotFound;
    out.message = "the source does not define workflow `" + row.get<std::string>("name") + "`";
    return out;
  }
  if (row.get<std::string>("trigger") != flow.trigger) {
    out.change = Change::TriggerChanged;
    out.message = ref + ": its trigger is \"" + row.get<std::string>("trigger") +
                  "\" and a trigger cannot change; deploy it under another name";
    return out;
  }
  target.module.store(conn);
  if (row.get<std::optional<int64_t>>("fingerprint") == target.fingerprint) {
    // Same behaviour: new enrolments may as well run the new module (its source lines are
    // current); executions in flight keep theirs.
    conn.exec("UPDATE workflows SET source = $2, module_hash = $3 WHERE id = $1", out.id, std::string(target.source),
              target.module.hash);
    return out;
  }
  const auto active =
      conn.exec("SELECT count(*) AS n FROM executions WHERE workflow_id = $1 AND status IN ('RUNNING', 'WAITING')",
                out.id)
          .one()
          .get<int64_t>("n");
  if (active > 0) {
    out.change = Change::Locked;
    out.message = ref + " is locked: " + std::to_string(active) +
                  " execution(s) are running or waiting. Disable it (POST /v1/workflows/" + std::to_string(out.id) +
                  "/disable), let them end or cancel them, then deploy the change";
    return out;
  }
  out.version = conn.exec(
                        "UPDATE workflows SET display_name = $2, description = $3, reentry = $4, source = $5, "
                        "module_hash = $6, fingerprint = $7, version = version + 1, updated_at = now() "
                        "WHERE id = $1 RETURNING version",
                        out.id, flow.display_name, flow.description, flow.reentry == bytecode::Reentry::Allowed,
                        std::string(target.source), target.module.hash, target.fingerprint)
                    .one()
                    .get<int32_t>("version");
  out.change = Change::Updated;
  return out;
}

Target target_of(const CompiledSource& compiled, const bytecode::Workflow& flow, const StoredModule& stored) {
  return {flow, compiled.source, stored, static_cast<int64_t>(workflow_fingerprint(*compiled.module, flow))};
}

}  // namespace

std::vector<DeployedWorkflow> deploy_each(store::Connection& conn, const CompiledSource& compiled) {
  const StoredModule stored(compiled);
  std::vector<DeployedWorkflow> out;
  for (const auto& flow : compiled.module->workflows) {
    const Target target = target_of(compiled, flow, stored);
    out.push_back(store::with_transaction(conn, [&](store::Connection& c) {
      lock_deploys(c);
      auto deployed = deploy_one(c, target, Mode::CreateOrUpdate);
      retire_and_collect_modules(c);
      return deployed;
    }));
  }
  return out;
}

std::vector<DeployedWorkflow> deploy(store::Connection& conn, std::string_view source, const bytecode::Module& module) {
  CompiledSource compiled;
  compiled.source = source;
  compiled.module = module;
  auto out = deploy_each(conn, compiled);
  for (const auto& workflow : out) {
    if (!workflow.deployed()) throw Refused(workflow.message);
  }
  return out;
}

std::vector<DeployedWorkflow> create_all(store::Connection& conn, const CompiledSource& compiled) {
  const StoredModule stored(compiled);
  return store::with_transaction(conn, [&](store::Connection& c) {
    lock_deploys(c);
    std::vector<DeployedWorkflow> taken;
    for (const auto& flow : compiled.module->workflows) {
      const auto rows = c.exec("SELECT id FROM workflows WHERE name = $1", flow.name);
      if (rows.empty()) continue;
      const auto id = rows.one().get<int64_t>("id");
      taken.push_back({id, flow.name, Change::Exists, 0,
                       "workflow `" + flow.name + "` (id " + std::to_string(id) +
                           ") exists; change it with PUT /v1/workflows/" + std::to_string(id)});
    }
    if (!taken.empty()) return taken;
    std::vector<DeployedWorkflow> out;
    for (const auto& flow : compiled.module->workflows) out.push_back(create(c, target_of(compiled, flow, stored)));
    retire_and_collect_modules(c);  // the module may have been retired, by a delete of the same source
    return out;
  });
}

DeployedWorkflow update_one(store::Connection& conn, int64_t id, const CompiledSource& compiled,
                            const bytecode::Workflow& workflow) {
  const StoredModule stored(compiled);
  const Target target = target_of(compiled, workflow, stored);
  return store::with_transaction(conn, [&](store::Connection& c) {
    lock_deploys(c);
    auto deployed = deploy_one(c, target, Mode::UpdateOnly, id);
    retire_and_collect_modules(c);
    return deployed;
  });
}

}  // namespace flow::runtime::engine
