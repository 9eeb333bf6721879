#include "common/trusted_proxies.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace jogtrack {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(entry) for each comma-separated, trimmed entry, right to left while f returns true.
template <class F>
void each_from_right(std::string_view list, F&& f) {
  while (true) {
    const auto comma = list.rfind(',');
    const std::string_view entry = trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
    if (!f(entry) || comma == std::string_view::npos) return;
    list = list.substr(0, comma);
  }
}

bool same_prefix(const IpAddress& a, const IpAddress& b, int prefix) {
  const int whole = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a.bytes.data(), b.bytes.data(), static_cast<std::size_t>(whole)) != 0) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string z(text);  // inet_pton needs a terminated string
  IpAddress a;
  if (inet_pton(AF_INET, z.c_str(), a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, z.c_str(), a.bytes.data()) != 1) return std::nullopt;
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(a.bytes.data(), kMapped, sizeof kMapped) == 0) {
    std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
    std::memset(a.bytes.data() + 4, 0, 12);
    return a;
  }
  a.v6 = true;
  return a;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

TrustedProxies TrustedProxies::parse(std::string_view list) {
  TrustedProxies result;
  if (trim(list).empty()) return result;
  each_from_right(list, [&](std::string_view entry) {
    const auto slash = entry.find('/');
    const auto address = IpAddress::parse(entry.substr(0, slash));
    if (!address) throw std::invalid_argument("'" + std::string(entry) + "' is not an IP address or CIDR block");
    const int bits = address->v6 ? 128 : 32;
    int prefix = bits;
    if (slash != std::string_view::npos) {
      const std::string_view digits = entry.substr(slash + 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 || prefix > bits)
        throw std::invalid_argument("'" + std::string(entry) + "' has no valid prefix length (0.." +
                                    std::to_string(bits) + ")");
    }
    result.blocks_.insert(result.blocks_.begin(), Block{*address, prefix});
    return true;
  });
  return result;
}

bool TrustedProxies::contains(const IpAddress& address) const {
  for (const auto& b : blocks_)
    if (b.network.v6 == address.v6 && same_prefix(b.network, address, b.prefix)) return true;
  return false;
}

std::string TrustedProxies::client_address(std::string_view peer, std::string_view forwarded_for) const {
  const auto peer_address = IpAddress::parse(peer);
  if (!peer_address) return std::string(peer);
  IpAddress client = *peer_address;
  if (!contains(client) || trim(forwarded_for).empty()) return client.to_string();
  each_from_right(forwarded_for, [&](std::string_view entry) {
    const auto hop = IpAddress::parse(entry);
    if (!hop) return false;  // garbage: keep the trusted hop that handed it over
    client = *hop;
    return contains(client);
  });
  return client.to_string();
}

}  // namespace jogtrack
