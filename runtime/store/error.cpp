#include "runtime/store/error.hpp"

namespace flow::runtime::store {

namespace {
std::string describe(const std::string& sqlstate, const std::string& message) {
  return sqlstate.empty() ? message : message + " (SQLSTATE " + sqlstate + ")";
}
}  // namespace

Error::Error(std::string sqlstate, const std::string& message, bool connection_lost)
    : std::runtime_error(describe(sqlstate, message)), sqlstate_(std::move(sqlstate)), connection_lost_(connection_lost) {}

bool Error::is_transient_conflict() const {
  return sqlstate_ == sqlstate::kSerializationFailure || sqlstate_ == sqlstate::kDeadlockDetected;
}

}  // namespace flow::runtime::store
