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
std::string_view loggable_path(std::string_view pattern, std::string_view target) {
  return pattern.find("{token}") != std::string_view::npos ? pattern : target;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Access needs, RouteHandler handler) {
  add_deferred(std::move(method), std::move(pattern), needs,
               [handler = std::move(handler)](Context& context, http::Respond respond) { respond(handler(context)); });
}

void Router::add_deferred(std::string method, std::string pattern, Access needs, DeferredRouteHandler handler) {
  auto segments = split_path(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), needs, std::move(handler)});
}

void Router::operator()(const http::Request& request, http::Respond respond) const {
  Params params;
  std::optional<http::Response> unrouted;
  const Route* route = find(request, params, unrouted);
  // Counted and logged when answered, which a deferred route does after this returns.
  const std::string_view pattern = route ? std::string_view(route->pattern) : "unmatched";
  http::Respond counted = [start = std::chrono::steady_clock::now(), method = request.method, pattern,
                           path = std::string(route ? loggable_path(pattern, request.target) : request.target),
                           respond = std::move(respond)](http::Response response) {
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    engine::metrics().count_request(method, pattern, response.status);
    spdlog::debug("{} {} {} {:.1f}ms", method, path, response.status, took.count());
    respond(std::move(response));
  };
  if (!route) return counted(std::move(*unrouted));
  dispatch(*route, request, std::move(params), counted);
}

const Router::Route* Router::find(const http::Request& request, Params& params,
                                  std::optional<http::Response>& unrouted) const {
  const std::vector<std::string> path = split_path(request.target);
  std::string allowed;
  for (const Route& candidate : routes_) {
    auto matched = match(candidate.segments, path);
    if (!matched) continue;
    if (candidate.method == request.method || (candidate.method == "GET" && request.method == "HEAD")) {
      params = std::move(*matched);
      return &candidate;
    }
    allowed += (allowed.empty() ? "" : ", ") + candidate.method;
  }
  if (allowed.empty()) {
    unrouted = http::json_error(404, "not_found", "no route " + request.target);
  } else {
    unrouted = http::json_error(405, "method_not_allowed", request.method + " is not allowed here");
    unrouted->headers.set("Allow", allowed);
  }
  return nullptr;
}

void Router::dispatch(const Route& route, const http::Request& request, Params params,
                      const http::Respond& respond) const {
  Context context(services_, request, std::move(params));
  try {
    if (auto refused = refusal(route, context)) return respond(std::move(*refused));
    route.handler(context, respond);
  } catch (...) {
    respond(error_response(request.method + " " + std::string(loggable_path(route.pattern, request.target))));
  }
}

std::optional<http::Response> Router::refusal(const Route& route, Context& context) const {
  if (route.needs == Access::None) return std::nullopt;
  context.access = services_.keys.access(bearer_token(context.request));
  if (context.access == Access::None) {
    http::Response response = http::json_error(401, "unauthorized", "a valid API key is required (Authorization: Bearer sk_… or pk_…)");
    response.headers.set("WWW-Authenticate", "Bearer");
    return response;
  }
  if (route.needs == Access::Secret && context.access != Access::Secret) {
    return http::json_error(403, "forbidden", "this route needs the secret key (sk_…); the public key may only track events");
  }
  return std::nullopt;
}

http::Response error_response(std::string_view where) {
  try {
    throw;
  } catch (const ApiError& error) {
    return http::json_error(error.status(), error.code(), error.what());
  } catch (const engine::Refused& refused) {
    return http::json_error(422, "refused", refused.what());
  } catch (const store::Error& error) {
    spdlog::error("{}: {}", where, error.what());
    if (error.connection_lost()) {
      Context::drop_session();  // the next request on this thread reconnects
      return http::json_error(503, "database_unavailable", "the database is unavailable, try again");
    }
    return http::json_error(500, "internal", "internal error");
  } catch (const std::exception& error) {
    spdlog::error("{}: {}", where, error.what());
  } catch (...) {
    spdlog::error("{}: a non-exception was thrown", where);
  }
  return http::json_error(500, "internal_error", "internal server error");
}

}  // namespace flow::runtime::api
