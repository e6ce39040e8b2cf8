// SPDX-License-Identifier: Apache-2.0
// HttpRequest / HttpResponse: the only view of HTTP the rest of trailwatch has. No Boost types
// here, so protocol, auth and service code never depend on the server implementation.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <memory>
#include <optional>
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

// Receives a request body as it arrives instead of HttpRequest::body, so an upload is never held
// whole in memory (S3 PutObject and UploadPart). Called on the connection's I/O thread, one call
// at a time, in order.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // false stops reading the body: the Handler is still called (its sink knows why) and the
  // connection is closed after the answer.
  virtual bool Write(std::string_view bytes) = 0;
};

struct HttpRequest {
  std::string method;     // "GET", "POST", ...
  std::string path;       // the path as sent on the wire, still percent-encoded ("/a%20b")
  std::string raw_query;  // after '?', as sent, without the '?'
  Headers headers;
  std::string body;
  std::string remote_ip;
  bool tls = false;
  // Set when the body was streamed to a sink (see Handler::PlanBody); `body` is then empty.
  std::shared_ptr<BodySink> body_sink;
  // False when the body was not read to its end (the sink stopped it).
  bool body_complete = true;
};

// A byte range of an open file sent as a response body without loading it into memory (S3
// GetObject). Owns the descriptor, so the bytes stay readable even if the file is unlinked
// meanwhile (a concurrent overwrite of the object).
class FileRange {
 public:
  FileRange(int fd, std::uint64_t offset, std::uint64_t length)
      : fd_(fd), offset_(offset), length_(length) {}
  ~FileRange() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileRange(const FileRange&) = delete;
  FileRange& operator=(const FileRange&) = delete;
  int fd() const { return fd_; }
  std::uint64_t offset() const { return offset_; }
  std::uint64_t length() const { return length_; }

 private:
  int fd_;
  std::uint64_t offset_;
  std::uint64_t length_;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the body is these file bytes instead of `body`.
  std::shared_ptr<const FileRange> file;
};

// What a Handler decides about a request's body once its headers are read, before the server
// sends 100 Continue or reads the body.
struct BodyPlan {
  // Answer now without reading the body (a refused upload); the connection is then closed.
  std::optional<HttpResponse> response;
  // Stream the body here instead of buffering it; `limit` replaces the server's body_limit.
  std::shared_ptr<BodySink> sink;
  std::uint64_t limit = 0;
};

// The server calls one Handler for every request, on a worker thread. It must not throw; the
// dispatcher turns anything unexpected into a 500.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual HttpResponse Handle(HttpRequest& request) = 0;
  // Asked on the I/O thread, after the headers of a request with a body are read: whether to
  // call PlanBody for it. Must be cheap; the default (false) buffers every body.
  virtual bool MayPlanBody(const HttpRequest& request) const {
    (void)request;
    return false;
  }
  // Called on a worker thread when MayPlanBody said so. The default buffers the body in
  // HttpRequest::body, bounded by ServerOptions::body_limit.
  virtual BodyPlan PlanBody(HttpRequest& request) {
    (void)request;
    return {};
  }
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
