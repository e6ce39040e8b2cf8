// SPDX-License-Identifier: Apache-2.0
// What a service implementation sees and provides. A service registers one handler per operation
// it implements in an OperationTable; the dispatcher has already authenticated, parsed, validated
// and authorized the request when a handler runs, and it serializes and audits the result, so a
// handler is only the operation's own logic: Value in, Result<Value> out. Handlers are called
// concurrently from the worker pool and must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "http/message.h"
#include "protocol/value.h"

namespace tw::services {

// A request body the dispatcher streamed to storage as it arrived (S3 PutObject and UploadPart),
// already checked against its declared length, SHA-256, chunk signatures and checksums. The
// handler commits it (durable, named by `id`) or drops it (its temporary file is removed).
struct StoredBody {
  std::string id;
  std::uint64_t size = 0;
  std::string md5;  // raw 16 bytes
};

class BodyFile {
 public:
  virtual ~BodyFile() = default;
  virtual Status Append(std::string_view bytes) = 0;
  virtual Result<StoredBody> Commit() = 0;
};

struct RequestContext {
  std::string_view request_id;
  const auth::Principal& principal;  // authenticated and authorized caller
  std::string_view region;           // from the SigV4 credential scope
  const Clock& clock;
  RandomSource& random;
  const http::HttpRequest& http;  // source address, user agent; rarely needed by services
  // Operations authorized per item (S3 DeleteObjects: s3:DeleteObject per key): the indexes of
  // the items authorization refused, ascending, which the handler reports item by item.
  std::vector<std::size_t> denied_items = {};
  // The streamed body of a PutObject/UploadPart (the input's Body is then empty), or null.
  BodyFile* streamed_body = nullptr;
};

using OperationHandler =
    std::function<Result<protocol::Value>(RequestContext& context, const protocol::Value& input)>;

// Implemented operations, keyed by (botocore service name, operation name).
class OperationTable {
 public:
  void Add(std::string service, std::string operation, OperationHandler handler) {
    handlers_[{std::move(service), std::move(operation)}] = std::move(handler);
  }
  const OperationHandler* Find(std::string_view service, std::string_view operation) const {
    auto it = handlers_.find(std::pair<std::string, std::string>(service, operation));
    return it == handlers_.end() ? nullptr : &it->second;
  }
  bool Has(std::string_view service, std::string_view operation) const {
    return Find(service, operation) != nullptr;
  }

 private:
  std::map<std::pair<std::string, std::string>, OperationHandler> handlers_;
};

}  // namespace tw::services
