#pragma once
// API keys (docs/runtime.md, "API keys"): a secret key `sk_…` for every route and a public
// key `pk_…` that may only track events (it can sit in a web page). Only their SHA-256
// digests are stored, in flow_settings; a generated key is shown once, when it is made.
#include <optional>
#include <string>
#include <string_view>

#include "runtime/store/connection.hpp"

namespace flow::runtime::api {

enum class Access { None, Public, Secret };

class Keys {
 public:
  // The keys given by configuration (either may be empty), or else the stored ones; keys
  // neither given nor stored are generated and stored (two flowd starting at once agree on
  // one pair). `generated` receives the plain keys only when this call made them.
  struct Generated {
    std::string secret, public_key;
  };
  static Keys load(store::Connection& conn, std::string_view secret, std::string_view public_key,
                   std::optional<Generated>& generated);

  // What an `Authorization: Bearer <key>` value grants.
  Access access(std::string_view bearer) const;

  static std::string sha256_hex(std::string_view text);

 private:
  std::string secret_digest_, public_digest_;
};

}  // namespace flow::runtime::api
