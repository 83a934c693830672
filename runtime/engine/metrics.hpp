#pragma once
// The counters behind GET /metrics (docs/runtime.md, "Metrics and logs"): what this flowd
// process did since it started. Gauges that other flowd share (queue depth, executions by
// status, timer lag) are read from the database at scrape time instead, so they are
// right however many processes there are.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace flow::runtime::engine {

class Metrics {
 public:
  // Bumped where the work is done, steps once their transaction has committed.
  std::atomic<uint64_t> events_tracked{0};
  // Group commit of /v1/track (api/group_commit.hpp): transactions that recorded tracks,
  // and tracks waiting for the batch being recorded to commit.
  std::atomic<uint64_t> track_batches{0};
  std::atomic<int64_t> tracks_queued{0};
  std::atomic<uint64_t> steps_run{0};
  std::atomic<uint64_t> emails_sent{0}, emails_retried{0}, emails_failed{0};
  std::atomic<uint64_t> webhooks_done{0}, webhooks_retried{0}, webhooks_failed{0};

  // `route` is the route's pattern ("/v1/contacts/{id}"), never the raw path, so the
  // number of series stays bounded.
  void count_request(std::string_view method, std::string_view route, int status);

  using RequestKey = std::tuple<std::string, std::string, int>;  // method, route, status
  std::map<RequestKey, uint64_t> requests() const;

 private:
  mutable std::mutex mutex_;
  std::map<RequestKey, uint64_t> requests_;
};

// The process's one set of counters, shared by the API threads and the workers.
Metrics& metrics();

}  // namespace flow::runtime::engine
