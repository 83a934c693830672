#pragma once
#include <optional>
// The core of flowd: tracking events and running due executions against one database, with
// the clock injected so tests and demos can jump time. Holds no state another flowd would
// need (only a cache of immutable programs), so several may share the database.
#include <functional>
#include <string>
#include <string_view>

#include "runtime/engine/program_cache.hpp"
#include "runtime/engine/track.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

struct Options {
  std::function<double()> clock;  // seconds since the epoch
  // The `unsubscribeUrl` templates see, per contact.
  std::function<std::string(int64_t contact_id)> unsubscribe_url = [](int64_t) { return std::string(); };
  // A track runs the executions it starts up to their first suspension inside its own
  // transaction (docs/runtime.md, "Track"), instead of leaving them to a worker's claim:
  // one transaction, claim and NOTIFY fewer per execution. Off, the workers start them.
  bool start_on_track = true;
};

class Engine {
 public:
  explicit Engine(Options options) : options_(std::move(options)) {}

  TrackResult track(store::Connection& conn, const TrackRequest& request);
  // engine::track_all by the engine's clock; tracks of distinct contacts.
  TrackBatch track_all(store::Connection& conn, std::span<const Track> tracks);

  // Claims up to `limit` executions due by the clock, kClaimBatch to a transaction (claimed
  // with SKIP LOCKED, so workers never wait for each other), and activates them. Returns
  // how many ran. A batch shares its BEGIN, claim and COMMIT; it holds its contacts' locks
  // until the last of its activations, which a concurrent track of one of them waits for.
  int run_due(store::Connection& conn, int limit);
  static constexpr int kClaimBatch = 16;
  // For a session that runs run_due. Its statements are the claim, whose generic plan walks
  // executions_due in order (claim_sql), and lookups and writes by key. Left to choose,
  // PostgreSQL planned the claim again for each call when no claim had run while the
  // database was young (so with --start-on-track): 0.12 ms a claim, 829 ms for 100,000
  // timers. Without seq scans: a generic plan made while a table is a page or two would
  // scan it however large it grows, where an activation's batched writes (`= ANY` of ids)
  // want its primary key.
  static constexpr std::string_view kWorkerSessionSetup =
      "SELECT set_config('plan_cache_mode', 'force_generic_plan', false), set_config('enable_seqscan', 'off', false)";

  // Seconds from the clock's now until the earliest live execution is due (negative: one
  // is due already, perhaps locked by a transaction in progress); nullopt when none waits
  // for a time. A worker sleeps that long, so that a timer runs when it falls due.
  std::optional<double> seconds_until_due(store::Connection& conn) const;

  // The injected clock, for work done outside track/run_due (cancellation).
  double now() const { return options_.clock(); }

 private:
  Options options_;
  ProgramCache programs_;
};

}  // namespace flow::runtime::engine
