// SPDX-License-Identifier: Apache-2.0
// Helpers for the SigV4 tests: an in-memory CredentialProvider and a parser for the HTTP request
// files of the AWS signing test suite. Not thread-safe (tests only).
#pragma once

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "http/message.h"

namespace tw::auth::testing {

class FakeCredentialProvider final : public CredentialProvider {
 public:
  void Add(Credential credential) {
    std::string id = credential.access_key_id;
    credentials_[id] = std::move(credential);
  }
  void Add(std::string id, std::string secret, std::optional<std::string> token = std::nullopt) {
    Credential c;
    c.access_key_id = std::move(id);
    c.secret_access_key = std::move(secret);
    c.session_token = std::move(token);
    c.principal.account_id = "000000000000";
    c.principal.arn = "arn:aws:iam::000000000000:root";
    c.principal.access_key_id = c.access_key_id;
    Add(std::move(c));
  }
  std::optional<Credential> Find(std::string_view access_key_id) const override {
    auto it = credentials_.find(std::string(access_key_id));
    if (it == credentials_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, Credential> credentials_;
};

inline std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// "METHOD target HTTP/1.1\nName:value\n  continuation\n\nbody". The target may hold spaces
// (the suite writes paths unencoded), so the version is taken from the end of the line.
inline http::HttpRequest ParseSuiteRequest(std::string_view text) {
  http::HttpRequest request;
  std::size_t eol = text.find('\n');
  std::string_view line = text.substr(0, eol);
  std::size_t first = line.find(' ');
  std::size_t last = line.rfind(' ');
  request.method = std::string(line.substr(0, first));
  std::string_view target = line.substr(first + 1, last - first - 1);
  std::size_t q = target.find('?');
  request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request.raw_query = std::string(target.substr(q + 1));
  std::size_t pos = eol == std::string_view::npos ? text.size() : eol + 1;
  std::string name, value;
  bool have = false;
  while (pos < text.size()) {
    eol = text.find('\n', pos);
    line = text.substr(pos, eol == std::string_view::npos ? text.npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    if (line.empty()) {
      request.body = std::string(text.substr(pos));
      break;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      value += "\n";
      value += line;
      continue;
    }
    if (have) request.headers.Add(name, value);
    std::size_t colon = line.find(':');
    name = std::string(line.substr(0, colon));
    value = std::string(line.substr(colon + 1));
    have = true;
  }
  if (have) request.headers.Add(name, value);
  return request;
}

}  // namespace tw::auth::testing
