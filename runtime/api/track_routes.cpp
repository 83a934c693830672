// GET /healthz and POST /v1/track (recorded by group commit).
#include "runtime/api/api_error.hpp"
#include "runtime/api/group_commit.hpp"
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

void track(Context& context, http::Respond respond, TrackGroupCommit& group_commit) {
  engine::Track track = engine::checked(parse_track(context.json_body()));
  group_commit.submit(
      std::move(track),
      [respond = std::move(respond)](TrackGroupCommit::Outcome outcome) {
        if (auto* failure = std::get_if<std::exception_ptr>(&outcome)) {
          try {
            std::rethrow_exception(*failure);
          } catch (...) {
            return respond(error_response("POST /v1/track"));
          }
        }
        const auto& result = std::get<engine::TrackResult>(outcome);
        ++engine::metrics().events_tracked;
        respond(json_response({{"success", true},
                               {"contact", result.contact_id},
                               {"event", result.event_id},
                               {"started", result.started},
                               {"resumed", result.resumed}}));
      });
}

}  // namespace

void add_track_routes(Router& router, Services& services) {
  router.add("GET", "/healthz", Access::None, [](Context&) { return json_response({{"status", "ok"}}); });
  router.add_deferred("POST", "/v1/track", Access::Public, [&tracks = services.tracks](Context& context, http::Respond respond) {
    track(context, std::move(respond), tracks);
  });
}

}  // namespace flow::runtime::api
