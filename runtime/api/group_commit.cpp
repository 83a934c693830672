#include "runtime/api/group_commit.hpp"

#include <optional>

#include "runtime/engine/metrics.hpp"
#include "runtime/store/error.hpp"

namespace flow::runtime::api {

TrackGroupCommit::TrackGroupCommit(engine::Engine& engine, std::string conninfo, size_t recorders, size_t max_batch)
    : engine_(engine), conninfo_(std::move(conninfo)), max_batch_(max_batch) {
  for (size_t i = 0; i < std::max<size_t>(1, recorders); ++i)
    recorders_.emplace_back([this](std::stop_token stop) { record_until_stopped(stop); });
}

TrackGroupCommit::~TrackGroupCommit() { stop(); }

void TrackGroupCommit::stop() {
  for (auto& recorder : recorders_) recorder.request_stop();
  recorders_.clear();  // joins
  std::deque<Pending> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(queue_);
    engine::metrics().tracks_queued -= static_cast<int64_t>(left.size());
  }
  for (Pending& pending : left) {
    pending.done(std::make_exception_ptr(store::Error(store::sqlstate::kConnectionFailure, "flowd is stopping", true)));
  }
}

void TrackGroupCommit::submit(engine::Track track, Done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(track), std::move(done)});
    ++engine::metrics().tracks_queued;
  }
  changed_.notify_one();
}

void TrackGroupCommit::record_until_stopped(std::stop_token stop) {
  std::optional<store::Connection> db;  // opened for the first batch, again after a loss
  std::vector<std::string> finished;
  for (;;) {
    // Dropped once recorded: its answers hold their connections, which the server waits for.
    std::vector<Pending> batch = take_batch(finished, stop);
    if (batch.empty()) return;
    finished.clear();
    for (const Pending& pending : batch) finished.push_back(pending.track.email);
    record(batch, db);
  }
}

std::vector<TrackGroupCommit::Pending> TrackGroupCommit::take_batch(const std::vector<std::string>& finished,
                                                                    std::stop_token stop) {
  std::vector<Pending> batch;
  std::unique_lock lock(mutex_);
  for (const std::string& contact : finished) in_progress_.erase(contact);
  if (!finished.empty()) changed_.notify_all();  // a contact another recorder skipped may be free now
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
  for (Pending& pending : batch) tracks.push_back(std::move(pending.track));
  // A track as a batch of its own; the session is dropped when lost, opened again when needed.
  const auto record_all = [&](std::span<const engine::Track> some) {
    try {
      if (!db) db.emplace(conninfo_);
      engine::TrackBatch recorded = engine_.track_all(*db, some);
      ++engine::metrics().track_batches;
      return recorded;
    } catch (const store::Error& error) {
      if (error.connection_lost()) db.reset();
      throw;
    }
  };
  std::optional<engine::TrackBatch> recorded;
  std::exception_ptr failure;
  try {
    recorded = record_all(tracks);
  } catch (...) {
    failure = std::current_exception();
  }
  if (recorded) {
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(recorded->tracks[i]));
    return;
  }
  // Without its session every track would fail the same way.
  if (!db || batch.size() == 1) {
    for (Pending& pending : batch) pending.done(failure);
    return;
  }
  // One track's failure must not fail the others: each alone, so that only it does.
  for (size_t i = 0; i < batch.size(); ++i) {
    Outcome outcome;
    try {
      outcome = std::move(record_all(std::span(&tracks[i], 1)).tracks.front());
    } catch (...) {
      outcome = std::current_exception();
    }
    batch[i].done(std::move(outcome));
  }
}

}  // namespace flow::runtime::api
