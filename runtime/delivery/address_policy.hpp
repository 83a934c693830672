#pragma once
// Which IP addresses a webhook may connect to. Webhook URLs come from workflow authors, so
// without a guard a workflow could reach flowd's own network (the database, a cloud
// metadata service at 169.254.169.254, admin ports on loopback). The webhook client
// checks the address of every socket it opens, after DNS, so a name that resolves to a
// public address when checked and a private one when used (DNS rebinding) gains nothing.
#include <sys/socket.h>

#include <string>
#include <string_view>

namespace flow::runtime::delivery {

enum class AddressKind {
  global,    // the public Internet
  loopback,  // 127/8, ::1
  private_network,  // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), 169.254/16 and fe80::/10 (link-local), fc00::/7
  unusable,  // unspecified (0/8, ::), multicast, broadcast and reserved: never a webhook receiver
};

struct AddressPolicy {
  bool allow_private = false;
  bool allow_loopback = false;

  bool allows(AddressKind kind) const;
};

// IPv4, IPv6, and IPv4 inside IPv6 (::ffff:a.b.c.d, 64:ff9b::/96) by the address inside.
AddressKind address_kind(const sockaddr& address);

// The same for an IP literal; throws std::invalid_argument for anything else.
AddressKind address_kind(std::string_view ip);

// "10.0.0.1", "::1": for error messages.
std::string address_text(const sockaddr& address);

}  // namespace flow::runtime::delivery
