// The webhook address guard's classification of IP addresses.
#include <gtest/gtest.h>

#include "runtime/delivery/address_policy.hpp"

namespace flow::runtime::delivery {
namespace {

TEST(DeliveryAddress, ClassifiesIpv4) {
  EXPECT_EQ(address_kind("93.184.216.34"), AddressKind::global);
  EXPECT_EQ(address_kind("127.0.0.1"), AddressKind::loopback);
  EXPECT_EQ(address_kind("127.255.0.9"), AddressKind::loopback);
  for (const char* ip : {"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "169.254.169.254"})
    EXPECT_EQ(address_kind(ip), AddressKind::private_network) << ip;
  EXPECT_EQ(address_kind("172.32.0.1"), AddressKind::global);
  EXPECT_EQ(address_kind("100.128.0.1"), AddressKind::global);
  for (const char* ip : {"0.0.0.0", "224.0.0.1", "255.255.255.255"})
    EXPECT_EQ(address_kind(ip), AddressKind::unusable) << ip;
}

TEST(DeliveryAddress, ClassifiesIpv6IncludingEmbeddedIpv4) {
  EXPECT_EQ(address_kind("2606:2800:220:1::1"), AddressKind::global);
  EXPECT_EQ(address_kind("::1"), AddressKind::loopback);
  EXPECT_EQ(address_kind("::"), AddressKind::unusable);
  EXPECT_EQ(address_kind("fd12::1"), AddressKind::private_network);
  EXPECT_EQ(address_kind("fe80::1"), AddressKind::private_network);
  EXPECT_EQ(address_kind("ff02::1"), AddressKind::unusable);
  EXPECT_EQ(address_kind("::ffff:10.0.0.1"), AddressKind::private_network);
  EXPECT_EQ(address_kind("::ffff:127.0.0.1"), AddressKind::loopback);
  EXPECT_EQ(address_kind("64:ff9b::a9fe:a9fe"), AddressKind::private_network);  // NAT64 of 169.254.169.254
  EXPECT_THROW(address_kind("example.test"), std::invalid_argument);
}

TEST(DeliveryAddress, PolicyAllowsOnlyWhatItSays) {
  const AddressPolicy strict;
  EXPECT_TRUE(strict.allows(AddressKind::global));
  EXPECT_FALSE(strict.allows(AddressKind::loopback));
  EXPECT_FALSE(strict.allows(AddressKind::private_network));
  const AddressPolicy local{.allow_private = false, .allow_loopback = true};
  EXPECT_TRUE(local.allows(AddressKind::loopback));
  EXPECT_FALSE(local.allows(AddressKind::private_network));
  const AddressPolicy open{.allow_private = true, .allow_loopback = true};
  EXPECT_FALSE(open.allows(AddressKind::unusable));
}

}  // namespace
}  // namespace flow::runtime::delivery
