#include "runtime/api/router.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "runtime/api/api_error.hpp"
#include "runtime/engine/error.hpp"
#include "runtime/engine/metrics.hpp"
#include "runtime/store/error.hpp"

namespace flow::runtime::api {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    const size_t end = std::min(path.find('/', start), path.size());
    segments.emplace_back(path.substr(start, end - start));
    start = end;
  }
  return segments;
}

bool is_capture(std::string_view segment) { return segment.size() > 2 && segment.front() == '{' && segment.back() == '}'; }

std::optional<Params> match(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return std::nullopt;
  Params params;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (is_capture(pattern[i])) params.emplace(pattern[i].substr(1, pattern[i].size() - 2), path[i]);
    else if (pattern[i] != path[i]) return std::nullopt;
  }
  return params;
}

std::string_view bearer_token(const http::Request& request) {
  const auto header = request.headers.find("Authorization");
  if (!header) return {};
  constexpr std::string_view kScheme = "Bearer ";
  if (header->size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i)  // the scheme is case-insensitive
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != std::tolower(static_cast<unsigned char>(kScheme[i]))) return {};
  return header->substr(kScheme.size());
}

// The path as logs show it. A route with a secret in its path (an unsubscribe `{token}`)
// is logged by its pattern: a debug log must not hand out working links.
std::string_view loggable_path(std::string_view pattern, const http::Request& request) {
  return pattern.find("{token}") != std::string_view::npos ? pattern : std::string_view(request.target);
}

}  // namespace

void Router::add(std::string method, std::string pattern, Access needs, RouteHandler handler) {
  auto segments = split_path(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), needs, std::move(handler)});
}

http::Response Router::operator()(const http::Request& request) const {
  const auto start = std::chrono::steady_clock::now();
  std::string_view route = "unmatched";
  http::Response response = route_request(request, route);
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  engine::metrics().count_request(request.method, route, response.status);
  spdlog::debug("{} {} {} {:.1f}ms", request.method, loggable_path(route, request), response.status, took.count());
  return response;
}

http::Response Router::route_request(const http::Request& request, std::string_view& route) const {
  const std::vector<std::string> path = split_path(request.target);
  std::string allowed;
  for (const Route& candidate : routes_) {
    auto params = match(candidate.segments, path);
    if (!params) continue;
    if (candidate.method == request.method || (candidate.method == "GET" && request.method == "HEAD")) {
      route = candidate.pattern;
      return dispatch(candidate, request, std::move(*params));
    }
    allowed += (allowed.empty() ? "" : ", ") + candidate.method;
  }
  if (allowed.empty()) return http::json_error(404, "not_found", "no route " + request.target);
  http::Response response = http::json_error(405, "method_not_allowed", request.method + " is not allowed here");
  response.headers.set("Allow", allowed);
  return response;
}

http::Response Router::dispatch(const Route& route, const http::Request& request, Params params) const {
  Context context(services_, request, std::move(params));
  try {
    return authorize_and_run(route, context);
  } catch (const ApiError& error) {
    return http::json_error(error.status(), error.code(), error.what());
  } catch (const engine::Refused& refused) {
    return http::json_error(422, "refused", refused.what());
  } catch (const store::Error& error) {
    spdlog::error("{} {}: {}", request.method, loggable_path(route.pattern, request), error.what());
    if (error.connection_lost()) {
      Context::drop_session();  // the next request on this thread reconnects
      return http::json_error(503, "database_unavailable", "the database is unavailable, try again");
    }
    return http::json_error(500, "internal", "internal error");
  }
}

http::Response Router::authorize_and_run(const Route& route, Context& context) const {
  if (route.needs != Access::None) {
    context.access = services_.keys.access(bearer_token(context.request));
    if (context.access == Access::None) {
      http::Response response = http::json_error(401, "unauthorized", "a valid API key is required (Authorization: Bearer sk_… or pk_…)");
      response.headers.set("WWW-Authenticate", "Bearer");
      return response;
    }
    if (route.needs == Access::Secret && context.access != Access::Secret) {
      return http::json_error(403, "forbidden", "this route needs the secret key (sk_…); the public key may only track events");
    }
  }
  return route.handler(context);
}

}  // namespace flow::runtime::api
