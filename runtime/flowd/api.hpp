#pragma once
// flowd's HTTP API as a Handler: routes, request validation and the JSON shapes; the work
// itself is the engine's.
#include <string>

#include "runtime/engine/engine.hpp"
#include "runtime/http/message.hpp"

namespace flow::flowd {

// `engine` must outlive the handler. Each HTTP thread opens its own session to `conninfo`
// on first use (a Connection is not thread-safe) and keeps it for the thread's life.
runtime::http::Handler make_api(std::string conninfo, runtime::engine::Engine& engine);

}  // namespace flow::flowd
