// SPDX-License-Identifier: Apache-2.0
// QueryCodec: the AWS `query` protocol (IAM, STS, SNS, and CloudWatch for older clients).
// Requests are flat name=value form parameters (POST body, or the query string of a GET) that
// this codec folds back into the operation's input shape: `A.B` for nested structures,
// `Name.member.N` for lists (`Name.N` when flattened), `Name.entry.N.key/value` for maps.
// Responses are `<OpResponse><OpResult>...</OpResult><ResponseMetadata>` XML documents and errors
// are `<ErrorResponse><Error>` documents. Stateless; thread-safe.
//
// Malformed values (a non-number for an integer, bad base64, a bad date) are rejected the way the
// query services reject a parameter that fails validation: HTTP 400 with the service's own
// validation code (ValidationError for IAM and STS, InvalidParameter for SNS,
// InvalidParameterValue for CloudWatch) and a message naming the parameter and what it must be.
// A malformed percent-escape is MalformedQueryString. Unknown parameters are ignored, as AWS does.
#pragma once

#include "protocol/codec.h"

namespace tw::protocol {

class QueryCodec final : public Codec {
 public:
  Protocol protocol() const override { return Protocol::kQuery; }

  Result<Value> ParseRequest(const http::HttpRequest& request, const ServiceModel& service,
                             const Operation& operation) const override;
  http::HttpResponse WriteResponse(const ServiceModel& service, const Operation& operation,
                                   const Value& output, const ResponseMeta& meta) const override;
  http::HttpResponse WriteError(const ServiceModel& service, const AwsError& error,
                                const ResponseMeta& meta) const override;
};

// The error a query service answers for a parameter whose value does not parse.
AwsError QueryParameterError(const ServiceModel& service, std::string message);

}  // namespace tw::protocol
