#pragma once
// Routes of the API: a method and a path pattern ("/v1/workflows/{id}") with the key it
// needs and its handler. The router answers what no handler should have to: 404 for an
// unknown path, 405 (with Allow) for a known path and another method, 401/403 for a
// missing or insufficient key, and the JSON error for anything a handler throws.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/api/context.hpp"
#include "runtime/api/keys.hpp"
#include "runtime/http/message.hpp"

namespace flow::runtime::api {

using RouteHandler = std::function<http::Response(Context&)>;
// A route that may answer after it returns, from another thread: it calls `respond` once.
// What it needs of the Context it must copy before it returns.
using DeferredRouteHandler = std::function<void(Context&, http::Respond)>;

class Router {
 public:
  explicit Router(Services& services) : services_(services) {}

  void add(std::string method, std::string pattern, Access needs, RouteHandler handler);
  void add_deferred(std::string method, std::string pattern, Access needs, DeferredRouteHandler handler);
  // An http::Handler.
  void operator()(const http::Request& request, http::Respond respond) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;                // as added: the `route` label of metrics
    std::vector<std::string> segments;  // "{name}" captures one segment
    Access needs;
    DeferredRouteHandler handler;
  };
  // The route of the request, with its parameters; nullptr and the 404 or 405 otherwise.
  const Route* find(const http::Request& request, Params& params, std::optional<http::Response>& unrouted) const;
  void dispatch(const Route& route, const http::Request& request, Params params, const http::Respond& respond) const;
  // The 401 or 403 the request's key earns, if any.
  std::optional<http::Response> refusal(const Route& route, Context& context) const;

  Services& services_;
  std::vector<Route> routes_;
};

// The answer to what a handler threw (the current exception): an ApiError's own status,
// 422 for engine::Refused, 503 for a lost database session (this thread's is dropped, to be
// opened again by the next request), 500 otherwise; logged unless it is the client's fault.
// Call it inside a catch block.
// `where`: the method and path, for the log.
http::Response error_response(std::string_view where);

}  // namespace flow::runtime::api
