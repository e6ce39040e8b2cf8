// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the CloudWatch Logs handlers: the service's errors with AWS's messages, ARNs,
// opaque pagination tokens, the GetLogEvents "f/..." / "b/..." tokens, and how a request names
// its log group (logGroupName or logGroupIdentifier). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/aws_error.h"
#include "common/result.h"
#include "protocol/value.h"
#include "services/logs/logs_store.h"
#include "services/service.h"

namespace tw::services::logs {

// AWS's exact texts (ResourceNotFoundException / ResourceAlreadyExistsException). Note the
// "already exists" messages have no final period while the "does not exist" ones do.
inline constexpr std::string_view kGroupNotFound = "The specified log group does not exist.";
inline constexpr std::string_view kStreamNotFound = "The specified log stream does not exist.";
inline constexpr std::string_view kGroupExists = "The specified log group already exists";
inline constexpr std::string_view kStreamExists = "The specified log stream already exists";
inline constexpr std::string_view kFilterNotFound = "The specified metric filter does not exist.";

AwsError InvalidParameter(std::string message);
AwsError ResourceNotFound(std::string_view message);
AwsError ResourceAlreadyExists(std::string_view message);
AwsError LimitExceeded(std::string message);
AwsError TooManyTags(std::string message);

// "aws", "aws-cn" or "aws-us-gov" for a Region.
std::string_view PartitionOf(std::string_view region);
// arn:<partition>:logs:<region>:<account>:log-group:<name> (logGroupArn; `arn` adds ":*").
std::string LogGroupArn(std::string_view account_id, std::string_view region,
                        std::string_view name);
std::string LogStreamArn(std::string_view account_id, std::string_view region,
                         std::string_view group, std::string_view stream);

// The log group name in a log-group ARN of this account and Region (with or without ":*");
// nullopt for anything else.
std::optional<std::string> GroupNameFromArn(std::string_view arn, std::string_view account_id,
                                            std::string_view region);

// The group an operation addresses: logGroupName, or logGroupIdentifier (a name or an ARN);
// exactly one of them (InvalidParameterException otherwise). An ARN of another account or Region
// yields a name that will not be found.
Result<GroupKey> ResolveGroup(const RequestContext& context, const protocol::Value& input);
GroupKey KeyFor(const RequestContext& context, std::string name);

// Opaque pagination tokens: the fields of a keyset position, length-prefixed and base64-encoded,
// tagged with the operation so one operation's token is refused by another.
std::string EncodePageToken(std::string_view kind, const std::vector<std::string>& fields);
std::optional<std::vector<std::string>> DecodePageToken(std::string_view kind,
                                                        std::string_view token);
AwsError InvalidNextToken();

// GetLogEvents tokens, shaped like AWS's ("f/" or "b/", 56 digits, "/s"): a position between two
// events in (timestamp, id) order.
std::string EncodeEventToken(bool forward, const EventCursor& cursor);
struct EventToken {
  bool forward = true;
  EventCursor cursor;
};
std::optional<EventToken> DecodeEventToken(std::string_view token);

// A 56-digit decimal string (eventId, sequence tokens): `a` and `b` zero-padded.
std::string DigitString(std::int64_t a, std::int64_t b);

// The uploadSequenceToken / nextSequenceToken after a stream's n-th upload.
std::string SequenceToken(std::int64_t upload_sequence);

// Member helpers: nullopt when absent.
std::optional<std::string> OptionalString(const protocol::Value& input, std::string_view name);
std::optional<std::int64_t> OptionalInteger(const protocol::Value& input, std::string_view name);
bool BoolMember(const protocol::Value& input, std::string_view name);
// A map member (tags) as sorted key/value pairs.
TagList StringMap(const protocol::Value& input, std::string_view name);
protocol::Value TagsValue(const TagList& tags);

}  // namespace tw::services::logs
