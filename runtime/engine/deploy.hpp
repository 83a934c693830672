#pragma once
// Deploying a compiled module: one workflows row per workflow in it, each holding the whole
// module (frames name the module by hash, so a workflow runs only with the module its
// executions started in).
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/module.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

struct DeployedWorkflow {
  int64_t id = 0;
  std::string name;
  enum class Change { Created, Updated, Unchanged } change = Change::Created;
};

// In one transaction: inserts the module's new workflows and updates the changed ones.
// Refuses (Refused, nothing written) when a workflow's trigger would change (triggers are
// permanent), or when a changed workflow has RUNNING or WAITING executions (it is locked
// until they end or are cancelled; their frames belong to the old module). `source` is the
// .flow text the module was compiled from, kept for the API to show.
std::vector<DeployedWorkflow> deploy(store::Connection& conn, std::string_view source, const bytecode::Module& module);

}  // namespace flow::runtime::engine
