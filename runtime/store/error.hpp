#pragma once
// Every failure of the store is an Error: the server's SQLSTATE (empty for a client-side
// misuse such as reading NULL into a non-optional) and a message fit for a log line.
#include <stdexcept>
#include <string>

namespace flow::runtime::store {

namespace sqlstate {
inline constexpr const char* kSerializationFailure = "40001";
inline constexpr const char* kDeadlockDetected = "40P01";
inline constexpr const char* kInFailedTransaction = "25P02";
inline constexpr const char* kCannotConnect = "08001";
inline constexpr const char* kConnectionFailure = "08006";
}  // namespace sqlstate

class Error : public std::runtime_error {
 public:
  // `connection_lost`: the session is gone (network, server restart, failover), so the
  // statement may or may not have taken effect and the connection must be re-established.
  Error(std::string sqlstate, const std::string& message, bool connection_lost = false);

  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }
  // A conflict with a concurrent transaction: running the transaction again may succeed.
  bool is_transient_conflict() const;

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

}  // namespace flow::runtime::store
