#include "runtime/api/group_commit.hpp"

#include <optional>

#include "runtime/engine/metrics.hpp"
#include "runtime/store/error.hpp"

namespace flow::runtime::api {

void TrackGroupCommit::submit(engine::Track track, Done done, Context& context) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(track), std::move(done)});
    ++engine::metrics().tracks_queued;
    if (recorders_ == max_recorders_) return;
    ++recorders_;
  }
  std::vector<Pending> batch;
  while (!(batch = take_batch(batch)).empty()) record(batch, context);
}

std::vector<TrackGroupCommit::Pending> TrackGroupCommit::take_batch(const std::vector<Pending>& done) {
  std::lock_guard lock(mutex_);
  for (const Pending& pending : done) in_progress_.erase(pending.track.email);
  std::vector<Pending> batch;
  for (auto it = queue_.begin(); it != queue_.end() && batch.size() < max_batch_;) {
    if (!in_progress_.insert(it->track.email).second) {
      ++it;  // a contact of this batch or of another in progress: a later batch
      continue;
    }
    batch.push_back(std::move(*it));
    it = queue_.erase(it);
  }
  if (batch.empty()) --recorders_;
  engine::metrics().tracks_queued -= static_cast<int64_t>(batch.size());
  return batch;
}

void TrackGroupCommit::record(std::vector<Pending>& batch, Context& context) {
  std::vector<engine::Track> tracks;
  tracks.reserve(batch.size());
  for (const Pending& pending : batch) tracks.push_back(pending.track);  // the emails stay for take_batch
  std::optional<engine::TrackBatch> recorded;
  std::exception_ptr failure;
  bool session_lost = false;
  try {
    recorded = context.services.engine.track_all(context.db(), tracks);
  } catch (const store::Error& error) {
    failure = std::current_exception();
    session_lost = error.connection_lost();
  } catch (...) {
    failure = std::current_exception();
  }
  if (recorded) {
    ++engine::metrics().track_batches;
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(recorded->tracks[i]));
    return;
  }
  // Without its session every track would fail the same way.
  if (session_lost || batch.size() == 1) {
    for (Pending& pending : batch) pending.done(failure);
    return;
  }
  // One track's failure must not fail the others: each alone, so that only it does.
  for (size_t i = 0; i < batch.size(); ++i) {
    Outcome outcome;
    try {
      outcome = std::move(context.services.engine.track_all(context.db(), std::span(&tracks[i], 1)).tracks.front());
      ++engine::metrics().track_batches;
    } catch (...) {
      outcome = std::current_exception();
    }
    batch[i].done(std::move(outcome));
  }
}

}  // namespace flow::runtime::api
