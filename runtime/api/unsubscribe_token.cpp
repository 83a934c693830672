#include "runtime/api/unsubscribe_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "runtime/api/base64url.hpp"
#include "runtime/api/numbers.hpp"

namespace flow::runtime::api {

namespace {

constexpr const char* kSettingKey = "unsubscribe_secret";
constexpr size_t kMinSecretSize = 16;
constexpr size_t kMacSize = 16;  // of SHA-256's 32 bytes: 128 bits keep a link short and unguessable

std::string generated_secret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), bytes.size()) != 1) throw std::runtime_error("no randomness for the unsubscribe secret");
  return base64url_encode({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

}  // namespace

UnsubscribeTokens UnsubscribeTokens::load(store::Connection& conn, std::string_view configured) {
  if (!configured.empty()) {
    if (configured.size() < kMinSecretSize) {
      throw std::runtime_error("the unsubscribe secret must have at least " + std::to_string(kMinSecretSize) +
                               " characters");
    }
    return UnsubscribeTokens(std::string(configured));
  }
  // ON CONFLICT: another flowd stored one first, and everybody signs with theirs.
  conn.exec("INSERT INTO flow_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", kSettingKey,
            generated_secret());
  return UnsubscribeTokens(
      conn.exec("SELECT value FROM flow_settings WHERE key = $1", kSettingKey).one().get<std::string>(0));
}

std::string UnsubscribeTokens::mac(int64_t contact_id) const {
  const std::string message = "unsubscribe:" + std::to_string(contact_id);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(), &size)) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return base64url_encode({reinterpret_cast<const char*>(digest.data()), kMacSize});
}

std::string UnsubscribeTokens::token(int64_t contact_id) const {
  return std::to_string(contact_id) + "." + mac(contact_id);
}

std::optional<int64_t> UnsubscribeTokens::contact_of(std::string_view token) const {
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto parsed = parse_int64(token.substr(0, dot));
  if (!parsed || *parsed <= 0) return std::nullopt;
  const int64_t id = *parsed;
  const std::string expected = mac(id);
  const std::string_view given = token.substr(dot + 1);
  // Constant time, so the MAC cannot be found a byte at a time from response times.
  if (given.size() != expected.size() || CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  return id;
}

}  // namespace flow::runtime::api
