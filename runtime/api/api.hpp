#pragma once
// flowd's HTTP API (docs/runtime.md, "API") as an http::Handler: every route of routes.hpp
// behind one Router.
#include "runtime/api/context.hpp"
#include "runtime/http/message.hpp"

namespace flow::runtime::api {

// `services` must outlive the handler.
http::Handler make_api(Services& services);

}  // namespace flow::runtime::api
