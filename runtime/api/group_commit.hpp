#pragma once
// Group commit of /v1/track (docs/runtime.md, "Track"): the tracks that arrive while one
// batch is being recorded are recorded together by the next, in one transaction whose
// statements take arrays (engine::track_all), so that a batch of 32 costs PostgreSQL about
// what one track did. No thread of its own and no waiting for company: a request that finds
// fewer than `max_recorders` batches in progress records one at once, on its own HTTP
// thread and database session, and goes on recording batches until none is queued; the
// others are answered from that thread when theirs commits. More than one recorder lets
// PostgreSQL work on one batch while flowd runs the next one's executions; fewer recorders
// than HTTP threads leave a thread to read requests.
#include <algorithm>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_set>
#include <variant>

#include "runtime/api/context.hpp"
#include "runtime/engine/track.hpp"

namespace flow::runtime::api {

class TrackGroupCommit {
 public:
  using Outcome = std::variant<engine::TrackResult, std::exception_ptr>;
  using Done = std::function<void(Outcome)>;

  explicit TrackGroupCommit(size_t max_recorders, size_t max_batch = kMaxBatch)
      : max_recorders_(std::max<size_t>(1, max_recorders)), max_batch_(max_batch) {}

  // Records `track` and calls `done` with what it did or what went wrong, on this thread or
  // the thread recording the batch it joins. A batch names each contact once: the next
  // track of a contact waits for a later batch, so that it sees the first committed: it is
  // taken only once no batch in progress names the contact.
  void submit(engine::Track track, Done done, Context& context);

  static constexpr size_t kMaxBatch = 64;

 private:
  struct Pending {
    engine::Track track;
    Done done;
  };
  // The oldest queued tracks of distinct contacts that no batch in progress names, up to
  // max_batch_, now in progress; none when there is none, and this thread stops recording.
  // `done`: the batch this thread recorded last, no longer in progress.
  std::vector<Pending> take_batch(const std::vector<Pending>& done);
  void record(std::vector<Pending>& batch, Context& context);

  const size_t max_recorders_, max_batch_;
  std::mutex mutex_;
  std::deque<Pending> queue_;
  size_t recorders_ = 0;                         // threads recording batches
  std::unordered_set<std::string> in_progress_;  // the contacts (emails) of their batches
};

}  // namespace flow::runtime::api
