// SPDX-License-Identifier: Apache-2.0
#include "server/config.h"

#include <charconv>

namespace tw::server {

bool ParseListen(const std::string& text, std::string& host, std::uint16_t& port) {
  std::string_view s = text;
  std::string_view host_part;
  std::string_view port_part;
  if (s.starts_with('[')) {
    auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      return false;
    }
    host_part = s.substr(1, close - 1);
    port_part = s.substr(close + 2);
  } else {
    auto colon = s.rfind(':');
    if (colon == std::string_view::npos) return false;
    host_part = s.substr(0, colon);
    port_part = s.substr(colon + 1);
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port_part.data(), port_part.data() + port_part.size(), value);
  if (ec != std::errc() || ptr != port_part.data() + port_part.size() || value > 65535) {
    return false;
  }
  host = host_part.empty() ? "127.0.0.1" : std::string(host_part);
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace tw::server
