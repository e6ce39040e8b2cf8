// SPDX-License-Identifier: Apache-2.0
// Helpers for the codec golden tests: loading recorded wire requests and writing/reading the
// response fixtures. TW_UPDATE_GOLDEN=1 in the environment rewrites response fixtures instead of
// comparing (then re-verify them with tests/golden/protocol/verify_responses.py).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "http/message.h"

namespace tw::protocol::testing {

inline std::filesystem::path GoldenDir(const std::string& protocol) {
  return std::filesystem::path(TW_SOURCE_DIR) / "tests/golden/protocol" / protocol;
}

inline std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Parses "<METHOD> <target> HTTP/1.1\r\nName: value\r\n...\r\n\r\n<body>".
inline http::HttpRequest ParseHttpFixture(const std::string& raw) {
  http::HttpRequest request;
  std::size_t head_end = raw.find("\r\n\r\n");
  std::string head = raw.substr(0, head_end);
  request.body = head_end == std::string::npos ? "" : raw.substr(head_end + 4);
  std::size_t line_end = head.find("\r\n");
  std::string line = head.substr(0, line_end);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = line.rfind(' ');
  request.method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t q = target.find('?');
  request.path = target.substr(0, q);
  if (q != std::string::npos) request.raw_query = target.substr(q + 1);
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    std::size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string field = head.substr(pos, end - pos);
    std::size_t colon = field.find(':');
    std::string value = field.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    request.headers.Add(field.substr(0, colon), value);
    pos = end + 2;
  }
  return request;
}

inline std::string RenderResponse(const http::HttpResponse& response) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + "\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  return out + "\r\n" + response.body;
}

inline bool UpdateGolden() {
  const char* v = std::getenv("TW_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

}  // namespace tw::protocol::testing
