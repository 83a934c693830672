#pragma once
// /v1/track: an event of a contact, recorded with everything it causes in one transaction
// (docs/runtime.md, "Track"), so an accepted event is never lost or half-applied.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/engine/activation.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

struct TrackRequest {
  std::string event;
  std::string email;
  std::optional<bool> subscribed;  // unchanged when absent
  nlohmann::json data = nlohmann::json::object();  // merged into the contact's data
};

struct TrackResult {
  int64_t contact_id = 0;
  int64_t event_id = 0;
  std::vector<int64_t> started;  // executions enrolled by this event
  std::vector<int64_t> resumed;  // waiting executions this event woke
};

// Workers look for due executions at least this often (flowd's worker loop waits no
// longer); a track whose new execution falls due sooner NOTIFYs them.
constexpr std::chrono::milliseconds kWorkerRecheck{1000};

// Names flowd records itself and a client may not send: `email.*`, `contact.subscribed`,
// `contact.unsubscribed`.
bool is_reserved_event(std::string_view name);

// A request checked and normalised (the email trimmed and lower-cased, the data as JSON
// text), ready to be recorded alone or in a batch. Throws Refused for a bad request.
struct Track {
  std::string email;
  std::string event;
  std::optional<bool> subscribed;
  std::string data_json;
};
Track checked(const TrackRequest& request);

struct TrackBatch {
  std::vector<TrackResult> tracks;  // in the order of the requests
  size_t steps = 0;                 // step history rows written by the executions they started
};

// Records tracks of distinct contacts in one transaction, each as if alone: upserts the
// contact, records the event (at `now`, seconds since the epoch), enrols the contact in
// every enabled workflow triggered by it (honouring re-entry), wakes the contact's
// executions waiting for it, and NOTIFYs flow_work on commit for the executions a worker
// has to run. With `start`, the new executions run to their first suspension in this
// transaction (activate_all); without, a worker starts them. The statements take arrays, so
// a batch costs about what one track does (group commit, docs/runtime.md "Track"). Throws
// std::invalid_argument when two tracks name one contact: the second must see the first
// committed, so it belongs to a later batch.
TrackBatch track_all(store::Connection& conn, std::span<const Track> tracks, double now,
                     const std::optional<ActivationContext>& start = std::nullopt);

// One request, checked, as a batch of one.
TrackResult track(store::Connection& conn, const TrackRequest& request, double now,
                  const std::optional<ActivationContext>& start = std::nullopt);

}  // namespace flow::runtime::engine
