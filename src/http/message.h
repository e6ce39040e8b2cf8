// SPDX-License-Identifier: Apache-2.0
// HttpRequest / HttpResponse: the only view of HTTP the rest of trailwatch has. No Boost types
// here, so protocol, auth and service code never depend on the server implementation.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace tw::http {

// Header fields in arrival order; names compare case-insensitively. Duplicates are kept (SigV4
// joins their values with ',').
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  void Add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  // Replaces every field of that name with one.
  void Set(std::string_view name, std::string value);
  void Remove(std::string_view name);
  // The first value, or nullptr.
  const std::string* Find(std::string_view name) const;
  std::string_view Get(std::string_view name) const {
    const std::string* v = Find(name);
    return v ? std::string_view(*v) : std::string_view();
  }
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  const std::vector<Field>& fields() const { return fields_; }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

struct HttpRequest {
  std::string method;     // "GET", "POST", ...
  std::string path;       // the path as sent on the wire, still percent-encoded ("/a%20b")
  std::string raw_query;  // after '?', as sent, without the '?'
  Headers headers;
  std::string body;
  std::string remote_ip;
  bool tls = false;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
};

// The server calls one Handler for every request, on a worker thread. It must not throw; the
// dispatcher turns anything unexpected into a 500.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual HttpResponse Handle(HttpRequest& request) = 0;
};

inline void Headers::Set(std::string_view name, std::string value) {
  Remove(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

inline void Headers::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return IEquals(f.first, name); });
}

inline const std::string* Headers::Find(std::string_view name) const {
  for (const Field& f : fields_) {
    if (IEquals(f.first, name)) return &f.second;
  }
  return nullptr;
}

}  // namespace tw::http
