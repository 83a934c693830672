#include "runtime/api/keys.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "runtime/store/transaction.hpp"

namespace flow::runtime::api {

namespace {

std::string hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

std::string random_key(std::string_view prefix) {
  std::array<unsigned char, 24> bytes{};
  if (RAND_bytes(bytes.data(), bytes.size()) != 1) throw std::runtime_error("no randomness for an API key");
  return std::string(prefix) + hex(bytes.data(), bytes.size());
}

// The digest stored under `name`: the given key's, else the stored one, else a new key's.
std::string digest_of(store::Connection& conn, const char* name, std::string_view given, std::string_view prefix,
                      std::string& made) {
  if (!given.empty()) {
    if (!given.starts_with(prefix)) {
      throw std::runtime_error(std::string(name) + " must start with " + std::string(prefix));
    }
    return Keys::sha256_hex(given);
  }
  const std::string candidate = random_key(prefix);
  // ON CONFLICT: another flowd stored one first; theirs wins and ours was never shown.
  const auto inserted = conn.exec(
      "INSERT INTO flow_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value", name,
      Keys::sha256_hex(candidate));
  if (!inserted.empty()) {
    made = candidate;
    return inserted.one().get<std::string>(0);
  }
  return conn.exec("SELECT value FROM flow_settings WHERE key = $1", name).one().get<std::string>(0);
}

}  // namespace

std::string Keys::sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return hex(digest.data(), size);
}

Keys Keys::load(store::Connection& conn, std::string_view secret, std::string_view public_key,
                std::optional<Generated>& generated) {
  Generated made;
  Keys keys;
  keys.secret_digest_ = digest_of(conn, "secret_key_sha256", secret, "sk_", made.secret);
  keys.public_digest_ = digest_of(conn, "public_key_sha256", public_key, "pk_", made.public_key);
  if (!made.secret.empty() || !made.public_key.empty()) generated = std::move(made);
  else generated.reset();
  return keys;
}

Access Keys::access(std::string_view bearer) const {
  if (bearer.empty()) return Access::None;
  const std::string digest = sha256_hex(bearer);
  if (digest == secret_digest_) return Access::Secret;
  if (digest == public_digest_) return Access::Public;
  return Access::None;
}

}  // namespace flow::runtime::api
