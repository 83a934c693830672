#pragma once
// `flowd serve --flows DIR` at start-up: every DIR/*.flow compiled as one program (like
// `flowc check DIR/*.flow`) and deployed.
#include <filesystem>

#include "runtime/store/connection.hpp"

namespace flow::flowd {

// False when the flows do not compile (the diagnostics are on stderr): flowd must not start
// with a program it cannot run. A deploy the engine refuses (a changed workflow with
// executions in flight) is logged with the way out and the running version is kept: true.
bool deploy_flows(runtime::store::Connection& conn, const std::filesystem::path& dir);

}  // namespace flow::flowd
