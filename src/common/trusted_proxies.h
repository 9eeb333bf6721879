// Which peers may name the client's address (X-Forwarded-For): CIDR blocks and the walk over the header.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jogtrack {

// An IPv4 or IPv6 address (IPv4-mapped IPv6 addresses count as IPv4).
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  // inet_pton's forms, optionally with IPv6 in brackets ("[::1]"); nullopt otherwise.
  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;  // inet_ntop's canonical form
};

class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody
  // A comma-separated list of CIDR blocks ("10.0.0.0/8, 2001:db8::/32"); a bare
  // address is a single host. Host bits under the prefix are ignored. Throws
  // std::invalid_argument naming the first bad entry.
  static TrustedProxies parse(std::string_view list);

  bool empty() const { return blocks_.empty(); }
  bool contains(const IpAddress& address) const;

  // The address to treat as the client's. The peer's own address, unless the
  // peer is trusted: then X-Forwarded-For is read from the right and the first
  // address that is not a trusted proxy wins (nginx's real_ip_recursive);
  // when every entry is trusted, the left-most one. An entry that is not an
  // address stops the walk at the last trusted hop. Addresses come back in
  // canonical form, so one client is one throttle key.
  std::string client_address(std::string_view peer, std::string_view forwarded_for) const;

 private:
  struct Block {
    IpAddress network;
    int prefix = 0;
  };
  std::vector<Block> blocks_;
};

}  // namespace jogtrack
