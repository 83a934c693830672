#include "runtime/api/group_commit.hpp"

#include <optional>
#include <stdexcept>

#include "runtime/engine/metrics.hpp"
#include "runtime/store/error.hpp"

namespace flow::runtime::api {

TrackGroupCommit::TrackGroupCommit(engine::Engine& engine, std::string conninfo, size_t recorders, size_t max_batch)
    : engine_(engine), conninfo_(std::move(conninfo)), max_batch_(max_batch) {
  for (size_t i = 0; i < std::max<size_t>(1, recorders); ++i)
    recorders_.emplace_back([this](std::stop_token stop) { record_until_stopped(stop); });
}

TrackGroupCommit::~TrackGroupCommit() {
  for (auto& recorder : recorders_) recorder.request_stop();
  recorders_.clear();  // joins
  for (Pending& pending : queue_) {
    pending.done(std::make_exception_ptr(store::Error(store::sqlstate::kConnectionFailure, "flowd is stopping", true)));
  }
  engine::metrics().tracks_queued -= static_cast<int64_t>(queue_.size());
}

void TrackGroupCommit::submit(engine::Track track, Done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(track), std::move(done)});
  }
  ++engine::metrics().tracks_queued;
  changed_.notify_one();
}

void TrackGroupCommit::record_until_stopped(std::stop_token stop) {
  std::optional<store::Connection> db;  // opened for the first batch, again after a loss
  std::vector<Pending> batch;
  while (!(batch = take_batch(batch, stop)).empty()) record(batch, db);
}

std::vector<TrackGroupCommit::Pending> TrackGroupCommit::take_batch(const std::vector<Pending>& done,
                                                                    std::stop_token stop) {
  std::vector<Pending> batch;
  std::unique_lock lock(mutex_);
  for (const Pending& pending : done) in_progress_.erase(pending.track.email);
  if (!done.empty()) changed_.notify_all();  // a contact another recorder skipped may be free now
  changed_.wait(lock, stop, [&] {
    for (auto it = queue_.begin(); it != queue_.end() && batch.size() < max_batch_;) {
      if (!in_progress_.insert(it->track.email).second) {
        ++it;  // a contact of this batch or of another in progress: a later batch
        continue;
      }
      batch.push_back(std::move(*it));
      it = queue_.erase(it);
    }
    return !batch.empty();
  });
  engine::metrics().tracks_queued -= static_cast<int64_t>(batch.size());
  return batch;
}

void TrackGroupCommit::record(std::vector<Pending>& batch, std::optional<store::Connection>& db) {
  std::vector<engine::Track> tracks;
  tracks.reserve(batch.size());
  for (const Pending& pending : batch) tracks.push_back(pending.track);  // the emails stay for take_batch
  std::optional<engine::TrackBatch> recorded;
  std::exception_ptr failure;
  bool session_lost = false;
  try {
    if (!db) db.emplace(conninfo_);
    recorded = engine_.track_all(*db, tracks);
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
  // Without its session every track would fail the same way; the next batch opens another.
  if (session_lost || batch.size() == 1) {
    if (session_lost) db.reset();
    for (Pending& pending : batch) pending.done(failure);
    return;
  }
  // One track's failure must not fail the others: each alone, so that only it does.
  for (size_t i = 0; i < batch.size(); ++i) {
    Outcome outcome;
    try {
      outcome = std::move(engine_.track_all(*db, std::span(&tracks[i], 1)).tracks.front());
      ++engine::metrics().track_batches;
    } catch (...) {
      outcome = std::current_exception();
    }
    batch[i].done(std::move(outcome));
  }
}

}  // namespace flow::runtime::api
