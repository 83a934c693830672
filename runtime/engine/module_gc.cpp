#include "runtime/engine/module_gc.hpp"

namespace flow::runtime::engine {

namespace {

// pg_advisory_xact_lock key of deploys: "Depl" in ASCII (migrations use "Flow").
constexpr int64_t kDeployLock = 0x4465706C;

constexpr const char* kRunByAWorkflow = "EXISTS (SELECT 1 FROM workflows w WHERE w.module_hash = m.hash)";

}  // namespace

void lock_deploys(store::Connection& conn) { conn.exec("SELECT pg_advisory_xact_lock($1)", kDeployLock); }

int64_t retire_and_collect_modules(store::Connection& conn, std::chrono::seconds grace) {
  conn.defer(std::string("UPDATE modules m SET retired_at = now() WHERE retired_at IS NULL AND NOT ") +
             kRunByAWorkflow);
  conn.defer(std::string("UPDATE modules m SET retired_at = NULL WHERE retired_at IS NOT NULL AND ") +
             kRunByAWorkflow);
  // A module a workflow runs is never retired after the statements above; the test is kept
  // so that a delete can never fail on workflows' foreign key. The live executions are found
  // through the partial index executions_active_module (migration 2).
  return conn
      .exec(std::string("DELETE FROM modules m WHERE retired_at < now() - make_interval(secs => $1) AND NOT ") +
                kRunByAWorkflow +
                " AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.module_hash = m.hash "
                "AND e.status IN ('RUNNING', 'WAITING'))",
            static_cast<double>(grace.count()))
      .affected_rows();
}

}  // namespace flow::runtime::engine
