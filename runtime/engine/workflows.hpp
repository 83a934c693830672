#pragma once
// The deployed workflows as the API shows and manages them: listing with execution counts by
// status, one with its source, enable/disable, delete, and the module a workflow runs now.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bytecode/module.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

struct WorkflowInfo {
  int64_t id = 0;
  std::string name, display_name, description, trigger;
  bool enabled = false, reentry = false;
  int32_t version = 0;
  uint64_t module_hash = 0;
  std::string created_at, updated_at;  // ISO 8601
  std::map<std::string, int64_t> executions;  // every status, 0 when none
  std::optional<std::string> source;          // only from find_workflow
};

std::vector<WorkflowInfo> list_workflows(store::Connection& conn);
std::optional<WorkflowInfo> find_workflow(store::Connection& conn, int64_t id);

// False when there is no such workflow. Disabled, it starts no new executions; events still
// resume its waiting ones.
bool set_enabled(store::Connection& conn, int64_t id, bool enabled);

struct Deletion {
  enum class Outcome { Deleted, NotFound, Active } outcome = Outcome::Deleted;
  int64_t active = 0;  // RUNNING or WAITING executions, when Active
};

// Refused while the workflow has RUNNING or WAITING executions; otherwise deletes it with its
// ended executions and their step history, in one transaction. Outbox and webhook rows stay:
// they are the record of what was sent (and a queued email still goes out).
Deletion delete_workflow(store::Connection& conn, int64_t id);

// The module the workflows' rows name now, read and deserialised, with the workflow's name;
// for the step graph and the templates. nullopt when there is no such workflow.
struct WorkflowModule {
  std::string name;
  bytecode::Module module;
};
std::optional<WorkflowModule> workflow_module(store::Connection& conn, int64_t id);
// The templates of the modules the workflows run now, as written (compile_source.hpp), by
// name; where two modules define a name, the one deployed last wins.
nlohmann::json deployed_templates(store::Connection& conn);

}  // namespace flow::runtime::engine
