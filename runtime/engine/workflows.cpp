#include "runtime/engine/workflows.hpp"

#include "runtime/engine/program_cache.hpp"
#include "runtime/engine/module_gc.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

namespace {

constexpr const char* kStatuses[] = {"RUNNING", "WAITING", "COMPLETED", "EXITED", "FAILED", "CANCELLED"};

constexpr const char* kColumns =
    "SELECT id, name, display_name, description, trigger, enabled, reentry, version, module_hash, "
    "to_json(created_at) #>> '{}' AS created_at, to_json(updated_at) #>> '{}' AS updated_at";

WorkflowInfo info_of(const store::Row& row) {
  WorkflowInfo info;
  info.id = row.get<int64_t>("id");
  info.name = row.get<std::string>("name");
  info.display_name = row.get<std::string>("display_name");
  info.description = row.get<std::string>("description");
  info.trigger = row.get<std::string>("trigger");
  info.enabled = row.get<bool>("enabled");
  info.reentry = row.get<bool>("reentry");
  info.version = row.get<int32_t>("version");
  info.module_hash = static_cast<uint64_t>(row.get<int64_t>("module_hash"));
  info.created_at = row.get<std::string>("created_at");
  info.updated_at = row.get<std::string>("updated_at");
  for (const char* status : kStatuses) info.executions[status] = 0;
  return info;
}

// Counts by status of the given workflows (all when `id` is null), into `infos`.
void add_counts(store::Connection& conn, std::vector<WorkflowInfo>& infos, std::optional<int64_t> id) {
  std::map<int64_t, WorkflowInfo*> by_id;
  for (auto& info : infos) by_id[info.id] = &info;
  const auto rows = conn.exec(
      "SELECT workflow_id, status, count(*) AS n FROM executions WHERE $1::bigint IS NULL OR workflow_id = $1 "
      "GROUP BY workflow_id, status",
      id);
  for (const auto& row : rows) {
    const auto found = by_id.find(row.get<int64_t>("workflow_id"));
    if (found != by_id.end()) found->second->executions[row.get<std::string>("status")] = row.get<int64_t>("n");
  }
}

}  // namespace

std::vector<WorkflowInfo> list_workflows(store::Connection& conn) {
  std::vector<WorkflowInfo> out;
  for (const auto& row : conn.exec(std::string(kColumns) + " FROM workflows ORDER BY id")) out.push_back(info_of(row));
  add_counts(conn, out, std::nullopt);
  return out;
}

std::optional<WorkflowInfo> find_workflow(store::Connection& conn, int64_t id) {
  const auto rows = conn.exec(std::string(kColumns) + ", source FROM workflows WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  std::vector<WorkflowInfo> out{info_of(rows.one())};
  out.front().source = rows.one().get<std::string>("source");
  add_counts(conn, out, id);
  return out.front();
}

bool set_enabled(store::Connection& conn, int64_t id, bool enabled) {
  return conn.exec("UPDATE workflows SET enabled = $2, updated_at = now() WHERE id = $1", id, enabled)
             .affected_rows() > 0;
}

Deletion delete_workflow(store::Connection& conn, int64_t id) {
  return store::with_transaction(conn, [&](store::Connection& c) {
    lock_deploys(c);
    // The row lock keeps /v1/track from enrolling a contact while this decides (track's
    // enrolment reads the row; deploy takes the same lock).
    if (c.exec("SELECT 1 FROM workflows WHERE id = $1 FOR UPDATE", id).empty()) {
      return Deletion{Deletion::Outcome::NotFound, 0};
    }
    const auto active =
        c.exec("SELECT count(*) AS n FROM executions WHERE workflow_id = $1 AND status IN ('RUNNING', 'WAITING')", id)
            .one()
            .get<int64_t>("n");
    if (active > 0) return Deletion{Deletion::Outcome::Active, active};
    c.exec(
        "DELETE FROM step_history h USING executions e WHERE e.workflow_id = $1 AND h.contact_id = e.contact_id "
        "AND h.execution_id = e.id",
        id);
    c.exec("DELETE FROM executions WHERE workflow_id = $1", id);
    c.exec("DELETE FROM workflows WHERE id = $1", id);
    retire_and_collect_modules(c);
    return Deletion{Deletion::Outcome::Deleted, 0};
  });
}

std::optional<WorkflowModule> workflow_module(store::Connection& conn, int64_t id) {
  const auto rows = conn.exec("SELECT name, module_hash FROM workflows WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  const auto row = rows.one();
  return WorkflowModule{row.get<std::string>("name"),
                        load_module(conn, static_cast<uint64_t>(row.get<int64_t>("module_hash")))};
}

nlohmann::json deployed_templates(store::Connection& conn) {
  std::map<std::string, nlohmann::json> by_name;
  const auto rows = conn.exec(
      "SELECT m.templates::text AS templates FROM modules m JOIN workflows w ON w.module_hash = m.hash "
      "GROUP BY m.hash ORDER BY max(w.updated_at) DESC, m.hash");
  for (const auto& row : rows) {
    for (auto& entry : nlohmann::json::parse(row.get<std::string>("templates"))) {
      by_name.try_emplace(entry.at("name").get<std::string>(), std::move(entry));
    }
  }
  nlohmann::json out = nlohmann::json::array();
  for (auto& [name, entry] : by_name) out.push_back(std::move(entry));
  return out;
}

}  // namespace flow::runtime::engine
