#pragma once
// Routes of the API: a method and a path pattern ("/v1/workflows/{id}") with the key it
// needs and its handler. The router answers what no handler should have to: 404 for an
// unknown path, 405 (with Allow) for a known path and another method, 401/403 for a
// missing or insufficient key, and the JSON error for anything a handler throws.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/api/context.hpp"
#include "runtime/api/keys.hpp"
#include "runtime/http/message.hpp"

namespace flow::runtime::api {

using RouteHandler = std::function<http::Response(Context&)>;

class Router {
 public:
  explicit Router(Services& services) : services_(services) {}

  void add(std::string method, std::string pattern, Access needs, RouteHandler handler);
  http::Response operator()(const http::Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;                // as added: the `route` label of metrics
    std::vector<std::string> segments;  // "{name}" captures one segment
    Access needs;
    RouteHandler handler;
  };
  // Finds the route (naming its pattern in `route`) and answers.
  http::Response route_request(const http::Request& request, std::string_view& route) const;
  http::Response dispatch(const Route& route, const http::Request& request, Params params) const;
  http::Response authorize_and_run(const Route& route, Context& context) const;

  Services& services_;
  std::vector<Route> routes_;
};

}  // namespace flow::runtime::api
