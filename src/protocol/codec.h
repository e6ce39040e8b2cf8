// SPDX-License-Identifier: Apache-2.0
// A Codec turns one AWS wire protocol into Values and back, driven only by the service model:
// it parses a request into a Value shaped like the operation's input, and writes an output Value
// or an AwsError the way that protocol does on the wire. Codecs are stateless and thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "http/message.h"
#include "protocol/model.h"
#include "protocol/value.h"

namespace tw::protocol {

struct ResponseMeta {
  std::string request_id;
  // The request's HTTP method: REST protocols send no body in answer to HEAD (errors included).
  std::string method;
};

class Codec {
 public:
  virtual ~Codec() = default;
  virtual Protocol protocol() const = 0;

  // Parses the request into a structure Value of operation.input (an empty structure when the
  // operation has no input). Wire-level malformation (bad JSON, a non-number for an integer, bad
  // base64, ...) is the protocol's own error (SerializationException, MalformedQueryString, ...).
  // Constraint checks (required, lengths, patterns) are not done here: see validate.h.
  virtual Result<Value> ParseRequest(const http::HttpRequest& request, const ServiceModel& service,
                                     const Operation& operation) const = 0;

  // Writes a successful response: `output` is a structure Value of operation.output (ignored when
  // the operation has none).
  virtual http::HttpResponse WriteResponse(const ServiceModel& service, const Operation& operation,
                                           const Value& output, const ResponseMeta& meta) const = 0;

  // Writes an error in the protocol's error format, with the request-id headers.
  virtual http::HttpResponse WriteError(const ServiceModel& service, const AwsError& error,
                                        const ResponseMeta& meta) const = 0;
};

}  // namespace tw::protocol
