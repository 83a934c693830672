#pragma once
// `flowd serve --flows DIR` at start-up: every DIR/*.flow compiled as one program (like
// `flowc check DIR/*.flow`) and deployed workflow by workflow.
#include <filesystem>

#include "runtime/store/connection.hpp"

namespace flow::flowd {

// False when the flows do not compile (the diagnostics are on stderr): flowd must not start
// with a program it cannot run. A workflow the engine refuses (changed while executions are
// in flight, or a changed trigger) is logged with the way out and keeps its running version;
// the other workflows still deploy: true.
bool deploy_flows(runtime::store::Connection& conn, const std::filesystem::path& dir);

}  // namespace flow::flowd
