#include "runtime/delivery/address_policy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace flow::runtime::delivery {

namespace {

// The IPv4 address in host byte order.
AddressKind ipv4_kind(uint32_t ip) {
  auto in = [ip](uint32_t network, int prefix) { return (ip >> (32 - prefix)) == (network >> (32 - prefix)); };
  if (in(0x7F000000, 8)) return AddressKind::loopback;
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10) || in(0xA9FE0000, 16))
    return AddressKind::private_network;
  if (in(0x00000000, 8) || in(0xE0000000, 4) || in(0xF0000000, 4)) return AddressKind::unusable;  // 240/4 holds 255.255.255.255
  return AddressKind::global;
}

uint32_t ipv4_at(const uint8_t* bytes) {
  return uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 | bytes[3];
}

AddressKind ipv6_kind(const uint8_t (&ip)[16]) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static constexpr uint8_t kNat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(ip, kMapped, 12) == 0 || std::memcmp(ip, kNat64, 12) == 0) return ipv4_kind(ipv4_at(ip + 12));
  if (std::all_of(ip, ip + 12, [](uint8_t b) { return b == 0; })) {
    const uint32_t low = ipv4_at(ip + 12);
    return low == 1 ? AddressKind::loopback : AddressKind::unusable;  // ::1; ::, deprecated IPv4-compatible
  }
  if ((ip[0] & 0xFE) == 0xFC) return AddressKind::private_network;                  // fc00::/7 unique local
  if (ip[0] == 0xFE && (ip[1] & 0x80) == 0x80) return AddressKind::private_network;  // fe80::/10, fec0::/10
  if (ip[0] == 0xFF) return AddressKind::unusable;                                   // multicast
  return AddressKind::global;
}

}  // namespace

bool AddressPolicy::allows(AddressKind kind) const {
  switch (kind) {
    case AddressKind::global: return true;
    case AddressKind::loopback: return allow_loopback;
    case AddressKind::private_network: return allow_private;
    case AddressKind::unusable: return false;
  }
  return false;
}

AddressKind address_kind(const sockaddr& address) {
  if (address.sa_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    return ipv4_kind(ntohl(v4.sin_addr.s_addr));
  }
  if (address.sa_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    return ipv6_kind(v6.sin6_addr.s6_addr);
  }
  return AddressKind::unusable;
}

AddressKind address_kind(std::string_view ip) {
  const std::string text(ip);
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
  } else {
    throw std::invalid_argument("not an IP address: \"" + text + "\"");
  }
  return address_kind(reinterpret_cast<const sockaddr&>(storage));
}

std::string address_text(const sockaddr& address) {
  char buffer[INET6_ADDRSTRLEN] = "?";
  if (address.sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, buffer, sizeof buffer);
  else if (address.sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, buffer, sizeof buffer);
  return buffer;
}

}  // namespace flow::runtime::delivery
