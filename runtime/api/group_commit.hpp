#pragma once
// Group commit of /v1/track (docs/runtime.md, "Track"): the tracks that arrive while a batch
// is being recorded are recorded together by the next, in one transaction whose statements
// take arrays (engine::track_all), so that a batch of 32 costs PostgreSQL about what one
// track did. Batches are recorded by threads of their own, each with its own database
// session, never by the HTTP threads: a thread that recorded batch after batch under load
// would keep its own connection's answer, and the next read of every connection it had
// answered, waiting in Asio's queue until it stopped. No waiting for company either: a
// recorder takes whatever is queued when it is free, so at low load a track is a batch of
// one.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <variant>
#include <vector>

#include "runtime/engine/engine.hpp"
#include "runtime/engine/track.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::api {

class TrackGroupCommit {
 public:
  using Outcome = std::variant<engine::TrackResult, std::exception_ptr>;
  using Done = std::function<void(Outcome)>;

  // Starts `recorders` threads recording with `engine` on sessions of `conninfo`.
  TrackGroupCommit(engine::Engine& engine, std::string conninfo, size_t recorders, size_t max_batch = kMaxBatch);
  // stop().
  ~TrackGroupCommit();
  TrackGroupCommit(const TrackGroupCommit&) = delete;
  TrackGroupCommit& operator=(const TrackGroupCommit&) = delete;

  // Queues `track`; a recorder calls `done` with what it did or what went wrong. A batch
  // names each contact once and a contact named by a batch in progress waits for a later
  // one, so that a contact's next track sees the one before it committed.
  void submit(engine::Track track, Done done);

  // Lets the recorders finish the batches in progress and joins them; a track still queued
  // fails as if the database session were lost (503, try again). Call it once the HTTP
  // server has stopped, before it is destroyed: an answer goes to one of its connections.
  // Idempotent.
  void stop();

  static constexpr size_t kMaxBatch = 64;

 private:
  struct Pending {
    engine::Track track;
    Done done;
  };
  void record_until_stopped(std::stop_token stop);
  // Waits for queued tracks of contacts that no batch in progress names and takes the
  // oldest, up to max_batch_, now in progress; none once stopping. `finished`: the contacts
  // of the batch this recorder recorded last, no longer in progress.
  std::vector<Pending> take_batch(const std::vector<std::string>& finished, std::stop_token stop);
  void record(std::vector<Pending>& batch, std::optional<store::Connection>& db);

  engine::Engine& engine_;
  const std::string conninfo_;
  const size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable_any changed_;          // a track queued, or a batch finished
  std::deque<Pending> queue_;
  std::unordered_set<std::string> in_progress_;  // the contacts (emails) of batches in progress
  std::vector<std::jthread> recorders_;          // last: stopped and joined first
};

}  // namespace flow::runtime::api
