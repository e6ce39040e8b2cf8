// SPDX-License-Identifier: Apache-2.0
// Pieces the JSON (awsJson 1.0/1.1) and Smithy RPC v2 CBOR codecs share: request-body decoding
// (Content-Encoding gzip, which botocore uses for CloudWatch PutMetricData bodies over 10 KiB),
// the SerializationException both protocols answer malformed input with, epoch-seconds <->
// milliseconds conversion, and how an AwsError is named on the wire (the `__type` shape name and,
// for awsQueryCompatible services, the `x-amzn-query-error: Code;Sender` header that lets query-era
// clients see the same error code the query protocol would have sent). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/message.h"
#include "protocol/model.h"

namespace tw::protocol::wire {

// Upper bound on a decompressed request body. AWS caps PutMetricData at 1 MB and PutLogEvents at
// 1,048,576 bytes; 16 MiB leaves room without letting a gzip bomb exhaust memory.
inline constexpr std::size_t kMaxDecodedBodyBytes = 16u << 20;
// Nesting limit for JSON and CBOR request documents. The deepest input of our models is about
// ten levels; 64 stops stack exhaustion by hostile input long before it matters.
inline constexpr int kMaxDepth = 64;

// The request body with any Content-Encoding removed (identity or gzip; x-gzip accepted).
// Another encoding or a corrupt/oversized stream is a SerializationException.
Result<std::string> DecodeRequestBody(const http::HttpRequest& request);

// The 400 SerializationException JSON and CBOR services answer undecodable input with.
AwsError SerializationError(std::string message);

// Epoch seconds (possibly fractional) to milliseconds, rounded to the nearest millisecond;
// nullopt for NaN, infinities and values whose milliseconds do not fit in 64 bits.
std::optional<std::int64_t> EpochSecondsToMillis(double seconds);

// How an error is named on the wire.
struct ErrorIdentity {
  const Shape* shape = nullptr;  // the modeled error shape, when the service has one for the code
  std::string type;              // shape name (or the code itself when unmodeled): `__type`
  std::string query_code;        // the code the query protocol would send (awsQueryCompatible)
  // The member name the shape uses for its message ("message", or "Message" in some shapes).
  std::string message_member = "message";
};
ErrorIdentity IdentifyError(const ServiceModel& service, const AwsError& error);

// "Code;Sender" / "Code;Receiver": the x-amzn-query-error header value.
std::string QueryErrorHeader(const ErrorIdentity& identity, const AwsError& error);

// The Smithy namespace of the service's shapes ("com.amazonaws.cloudwatch"), for absolute shape
// IDs in rpc-v2-cbor `__type`. botocore models do not carry it; AWS namespaces are the serviceId
// lower-cased without spaces ("CloudWatch Logs" -> "com.amazonaws.cloudwatchlogs").
std::string SmithyNamespace(const ServiceModel& service);

// Appends `s` with invalid UTF-8 sequences replaced by U+FFFD, so that a stored value with broken
// bytes cannot make a client's response decoder fail (botocore decodes bodies as strict UTF-8).
void AppendValidUtf8(std::string& out, std::string_view s);
bool IsValidUtf8(std::string_view s);

}  // namespace tw::protocol::wire
