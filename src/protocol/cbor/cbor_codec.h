// SPDX-License-Identifier: Apache-2.0
// The Smithy RPC v2 CBOR codec (CloudWatch as the newest SDKs call it): the body is one CBOR map
// keyed by member names, blobs are byte strings, timestamps are tag 1 over epoch seconds (integer
// or float), and null (or undefined) means absent. Responses carry `smithy-protocol: rpc-v2-cbor`
// and Content-Type application/cbor; errors are a CBOR map with `__type` (the error's absolute
// shape ID) and `message`, plus `x-amzn-query-error` for awsQueryCompatible services. Input is
// read with the bounded reader in cbor_reader.h. Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "protocol/codec.h"

namespace tw::protocol {

class CborCodec final : public Codec {
 public:
  Protocol protocol() const override { return Protocol::kRpcV2Cbor; }

  Result<Value> ParseRequest(const http::HttpRequest& request, const ServiceModel& service,
                             const Operation& operation) const override;
  http::HttpResponse WriteResponse(const ServiceModel& service, const Operation& operation,
                                   const Value& output, const ResponseMeta& meta) const override;
  http::HttpResponse WriteError(const ServiceModel& service, const AwsError& error,
                                const ResponseMeta& meta) const override;
};

// The CBOR body rules on their own (tests, fuzzing). An empty body is an empty structure;
// `shape` may be null (an operation without input).
Result<Value> ParseCborBody(std::string_view body, const Shape* shape);
// Serializes a structure Value shaped by `shape` into a CBOR map.
std::string WriteCborBody(const Value& value, const Shape& shape);

}  // namespace tw::protocol
