#pragma once
// Deploying a compiled module, workflow by workflow. The module is stored once under its hash
// (the modules table); each workflow row names the module it runs now, and each execution
// the module it started with, so executions keep running their own code after an edit. A
// workflow counts as changed only when its fingerprint (fingerprint.hpp: its code, the
// templates it sends, its settings) changed, so editing one workflow of a directory neither
// redeploys nor locks its siblings.
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/module.hpp"
#include "runtime/engine/compile_source.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

struct DeployedWorkflow {
  int64_t id = 0;  // 0 when there is no such workflow (NotFound) or it was not created
  std::string name;
  enum class Change {
    Created,
    Updated,         // a new version
    Unchanged,       // same fingerprint: the row now names the new module, same version
    Exists,          // create only: a workflow of that name exists
    NotFound,        // update only: the workflow is gone
    Locked,          // changed, with RUNNING or WAITING executions: the deployed version stays
    TriggerChanged,  // triggers are permanent
  } change = Change::Created;
  int32_t version = 0;
  std::string message;  // why it was refused, and the way out
  bool deployed() const {
    return change == Change::Created || change == Change::Updated || change == Change::Unchanged;
  }
};

// `compiled` must hold a module (it compiled); its source is kept for the API to show.

// Each workflow of the module in its own transaction: a refused one (locked, trigger
// changed) keeps its deployed version and the others still deploy. (flowd --flows.)
std::vector<DeployedWorkflow> deploy_each(store::Connection& conn, const CompiledSource& compiled);

// deploy_each of `module` compiled from `source`, then Refused with the first refusal's
// message, if any.
std::vector<DeployedWorkflow> deploy(store::Connection& conn, std::string_view source, const bytecode::Module& module);

// Every workflow of the module is new: all are created in one transaction, or none when a
// name is taken (those come back as Exists). (POST /v1/workflows.)
std::vector<DeployedWorkflow> create_all(store::Connection& conn, const CompiledSource& compiled);

// Deploys only `workflow` (of the module) over the existing workflow `id` of the same name;
// the module's other workflows are ignored. (PUT /v1/workflows/{id}.)
DeployedWorkflow update_one(store::Connection& conn, int64_t id, const CompiledSource& compiled,
                            const bytecode::Workflow& workflow);

}  // namespace flow::runtime::engine
