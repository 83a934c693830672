#pragma once
// What a route handler works with: the request, its path parameters, decoded query and
// JSON body, and this thread's database session.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/api/group_commit.hpp"
#include "runtime/api/keys.hpp"
#include "runtime/api/unsubscribe_token.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/http/message.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::api {

// Shared by every request; owned by flowd and outliving the HTTP server.
struct Services {
  engine::Engine& engine;
  std::string conninfo;
  Keys keys;
  UnsubscribeTokens unsubscribe_tokens;
  TrackGroupCommit& tracks;  // records /v1/track events (group commit)
};

using Params = std::map<std::string, std::string, std::less<>>;

class Context {
 public:
  Context(Services& services, const http::Request& request, Params params)
      : services(services), request(request), params_(std::move(params)) {}

  Services& services;
  const http::Request& request;
  Access access = Access::None;  // what the request's key granted

  // A `{name}` of the route's pattern.
  const std::string& param(std::string_view name) const;
  // A `{name}` that must be a positive integer id; 404 otherwise (no such resource).
  int64_t id_param(std::string_view name) const;
  // A query parameter, percent-decoded; nullopt when absent.
  std::optional<std::string> query(std::string_view name) const;
  // A query parameter that must be a whole number from 1 to `max`; `fallback` when absent,
  // 422 otherwise.
  int64_t query_number(std::string_view name, int64_t fallback, int64_t max) const;
  // The body parsed as JSON; 400 when it is not JSON.
  nlohmann::json json_body() const;

  // This thread's session (the server runs handlers on several threads; a Connection is not
  // thread-safe). Opened on first use, dropped by the router when the connection is lost.
  store::Connection& db();
  static void drop_session();

 private:
  Params params_;
};

// A 2xx response with a JSON body.
http::Response json_response(const nlohmann::json& body, int status = 200);

}  // namespace flow::runtime::api
