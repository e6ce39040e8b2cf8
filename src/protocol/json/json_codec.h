// SPDX-License-Identifier: Apache-2.0
// The AWS JSON protocol codec, versions 1.0 and 1.1 (CloudWatch Logs and CloudTrail speak 1.1,
// CloudWatch speaks 1.0 in awsQueryCompatible mode for boto3 1.43 and aws CLI v1): a JSON object
// body whose keys are member names (locationName when the model sets one), timestamps as epoch
// seconds, blobs as base64, and errors as {"__type": ..., "message": ...} with x-amzn-ErrorType.
// For awsQueryCompatible services every error also carries `x-amzn-query-error: Code;Sender`,
// which botocore and the JS SDK use to report the code the query protocol would have sent
// (InvalidParameterValue rather than the shape name InvalidParameterValueException).
// Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "protocol/codec.h"

namespace tw::protocol {

class JsonCodec final : public Codec {
 public:
  Protocol protocol() const override { return Protocol::kJson; }

  Result<Value> ParseRequest(const http::HttpRequest& request, const ServiceModel& service,
                             const Operation& operation) const override;
  http::HttpResponse WriteResponse(const ServiceModel& service, const Operation& operation,
                                   const Value& output, const ResponseMeta& meta) const override;
  http::HttpResponse WriteError(const ServiceModel& service, const AwsError& error,
                                const ResponseMeta& meta) const override;
};

// The JSON body rules on their own, for reuse (rest-json bodies, tests). An empty body is `{}`;
// `shape` may be null (an operation without input), which yields an empty structure.
Result<Value> ParseJsonBody(std::string_view body, const Shape* shape);
// Serializes a structure Value shaped by `shape` (members in model order, absent ones omitted).
std::string WriteJsonBody(const Value& value, const Shape& shape);

}  // namespace tw::protocol
