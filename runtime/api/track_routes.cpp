// GET /healthz and POST /v1/track.
#include "runtime/api/api_error.hpp"
#include "runtime/api/routes.hpp"
#include "runtime/engine/metrics.hpp"
#include "runtime/engine/track.hpp"

namespace flow::runtime::api {

namespace {

using nlohmann::json;

// The /v1/track body as a TrackRequest; 422 naming the field that is wrong.
engine::TrackRequest parse_track(const json& body) {
  if (!body.is_object()) throw invalid_request("the body must be a JSON object");
  engine::TrackRequest request;
  const auto event = body.find("event");
  if (event == body.end() || !event->is_string() || event->get<std::string>().empty()) {
    throw invalid_request("`event` must be a non-empty string");
  }
  request.event = event->get<std::string>();
  const auto email = body.find("email");
  if (email == body.end() || !email->is_string()) throw invalid_request("`email` must be a string");
  request.email = email->get<std::string>();
  if (const auto subscribed = body.find("subscribed"); subscribed != body.end() && !subscribed->is_null()) {
    if (!subscribed->is_boolean()) throw invalid_request("`subscribed` must be a boolean");
    request.subscribed = subscribed->get<bool>();
  }
  if (const auto data = body.find("data"); data != body.end() && !data->is_null()) {
    if (!data->is_object()) throw invalid_request("`data` must be an object");
    request.data = *data;
  }
  return request;
}

http::Response track(Context& context) {
  const engine::TrackRequest request = parse_track(context.json_body());
  // engine::track runs its own transaction (with retries).
  const engine::TrackResult result = context.services.engine.track(context.db(), request);
  ++engine::metrics().events_tracked;
  return json_response({{"success", true},
                        {"contact", result.contact_id},
                        {"event", result.event_id},
                        {"started", result.started},
                        {"resumed", result.resumed}});
}

}  // namespace

void add_track_routes(Router& router) {
  router.add("GET", "/healthz", Access::None, [](Context&) { return json_response({{"status", "ok"}}); });
  router.add("POST", "/v1/track", Access::Public, track);
}

}  // namespace flow::runtime::api
