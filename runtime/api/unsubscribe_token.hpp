#pragma once
// The token of a contact's unsubscribe link (docs/runtime.md, "Unsubscribe"):
// `<contact id>.<MAC>`, the MAC being HMAC-SHA256 of the id under a server secret
// (truncated to 128 bits, base64url). Anyone holding the link may unsubscribe that one
// contact and no other; there is nothing to store per email.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/store/connection.hpp"

namespace flow::runtime::api {

class UnsubscribeTokens {
 public:
  explicit UnsubscribeTokens(std::string secret) : secret_(std::move(secret)) {}

  // The configured secret (at least 16 characters), or else the one stored in flow_settings
  // under `unsubscribe_secret`, generated and stored by the first flowd that needed it. It
  // is stored as it is, not as a digest: every flowd must sign with it, and links already
  // sent must keep working after a restart.
  static UnsubscribeTokens load(store::Connection& conn, std::string_view configured);

  std::string token(int64_t contact_id) const;
  // The contact a token was made for; nullopt when it was not made with this secret.
  std::optional<int64_t> contact_of(std::string_view token) const;

 private:
  std::string mac(int64_t contact_id) const;

  std::string secret_;
};

}  // namespace flow::runtime::api
