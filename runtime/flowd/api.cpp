#include "runtime/flowd/api.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "runtime/engine/error.hpp"
#include "runtime/store/error.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::flowd {

namespace http = runtime::http;
namespace engine = runtime::engine;
namespace store = runtime::store;
using nlohmann::json;

namespace {

http::Response json_ok(const json& body) {
  http::Response response;
  response.body = body.dump();
  return response;
}

// The /v1/track body as a TrackRequest, or the 422 that says which field is wrong.
std::variant<engine::TrackRequest, http::Response> parse_track(const json& body) {
  const auto invalid = [](std::string_view message) { return http::json_error(422, "invalid_request", message); };
  if (!body.is_object()) return invalid("the body must be a JSON object");
  engine::TrackRequest request;
  const auto event = body.find("event");
  if (event == body.end() || !event->is_string() || event->get<std::string>().empty()) {
    return invalid("`event` must be a non-empty string");
  }
  request.event = event->get<std::string>();
  const auto email = body.find("email");
  if (email == body.end() || !email->is_string()) return invalid("`email` must be a string");
  request.email = email->get<std::string>();
  if (const auto subscribed = body.find("subscribed"); subscribed != body.end() && !subscribed->is_null()) {
    if (!subscribed->is_boolean()) return invalid("`subscribed` must be a boolean");
    request.subscribed = subscribed->get<bool>();
  }
  if (const auto data = body.find("data"); data != body.end() && !data->is_null()) {
    if (!data->is_object()) return invalid("`data` must be an object");
    request.data = *data;
  }
  return request;
}

class Api {
 public:
  Api(std::string conninfo, engine::Engine& engine) : conninfo_(std::move(conninfo)), engine_(engine) {}

  http::Response operator()(const http::Request& request) {
    if (request.target == "/healthz") {
      if (request.method != "GET") return method_not_allowed();
      return json_ok({{"status", "ok"}});
    }
    if (request.target == "/v1/track") {
      if (request.method != "POST") return method_not_allowed();
      return track(request);
    }
    return http::json_error(404, "not_found", "no such route");
  }

 private:
  static http::Response method_not_allowed() { return http::json_error(405, "method_not_allowed", "method not allowed"); }

  http::Response track(const http::Request& request) {
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return http::json_error(400, "malformed_json", "the body is not valid JSON");
    auto parsed = parse_track(body);
    if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
    const auto& track_request = std::get<engine::TrackRequest>(parsed);
    try {
      store::Connection& conn = connection();
      const engine::TrackResult result = store::with_transaction(
          conn, [&](store::Connection& c) { return engine_.track(c, track_request); });
      return json_ok({{"success", true}, {"contact", result.contact_id}, {"event", result.event_id}});
    } catch (const engine::Refused& refused) {
      return http::json_error(422, "refused", refused.what());
    } catch (const store::Error& error) {
      spdlog::error("track: {}", error.what());
      if (error.connection_lost()) session_.reset();  // the next request on this thread reconnects
      return http::json_error(503, "database_unavailable", "the database is unavailable, try again");
    }
  }

  // This thread's session: the server runs the handler on several threads at once.
  store::Connection& connection() {
    if (!session_) session_.emplace(conninfo_);
    return *session_;
  }

  std::string conninfo_;
  engine::Engine& engine_;
  static thread_local std::optional<store::Connection> session_;
};

thread_local std::optional<store::Connection> Api::session_;

}  // namespace

http::Handler make_api(std::string conninfo, engine::Engine& engine) {
  auto api = std::make_shared<Api>(std::move(conninfo), engine);
  return [api](const http::Request& request) { return (*api)(request); };
}

}  // namespace flow::flowd
