#include "runtime/engine/metrics.hpp"

namespace flow::runtime::engine {

void Metrics::count_request(std::string_view method, std::string_view route, int status) {
  const std::lock_guard lock(mutex_);
  ++requests_[RequestKey(method, route, status)];
}

std::map<Metrics::RequestKey, uint64_t> Metrics::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

Metrics& metrics() {
  static Metrics instance;
  return instance;
}

}  // namespace flow::runtime::engine
