// SPDX-License-Identifier: Apache-2.0
// The model-driven mapping between Values and XML shared by the query protocol (responses) and
// rest-xml (request bodies and responses): element names (locationName, the flattened-list rule),
// lists (<member> wrappers or flattened repeats), maps (<entry><key/><value/></entry>), XML
// attributes and namespaces, and the text form of every scalar type. Also the scalar text codec
// used for query parameters, URI labels, query strings and headers. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "protocol/model.h"
#include "protocol/value.h"
#include "protocol/xml/xml_reader.h"
#include "protocol/xml/xml_writer.h"

namespace tw::protocol::xml {

// The member's wire name: its locationName, else the member name.
std::string_view WireName(const Member& member);
// The element name a member takes inside its parent element. For a flattened list whose item
// carries a locationName, the repeated elements are named after the item (botocore and the AWS
// SDKs agree on this), otherwise after the member.
std::string_view ElementName(const Member& member);
// The effective timestampFormat of a member: member override, shape override, else `fallback`.
std::string_view TimestampFormatOf(const Member* member, const Shape& shape,
                                   std::string_view fallback);

enum class TimestampStyle {
  kIsoMillisIfAny,  // query protocol: "2015-08-30T12:36:00Z", fraction only when non-zero
  kIsoAlwaysMillis  // S3: "2015-08-30T12:36:00.000Z"
};

struct XmlStyle {
  TimestampStyle timestamps = TimestampStyle::kIsoMillisIfAny;
};

// The text of a scalar Value for `shape` ("true", "1.5", "Infinity", base64 for blobs, the
// timestamp in `timestamp_format`: iso8601 | rfc822 | unixTimestamp).
std::string FormatScalar(const Value& value, const Shape& shape, std::string_view timestamp_format,
                         TimestampStyle style = TimestampStyle::kIsoMillisIfAny);

// Why a scalar text did not parse, for the caller's own error message.
struct ScalarError {
  std::string expected;  // "an integer", "a boolean", ...
};
// Parses scalar text for `shape`. Integers are range-checked (int32 for integer, int64 for long);
// timestamps accept `timestamp_format` first, then ISO 8601, RFC 1123 and epoch seconds.
std::optional<Value> ParseScalar(std::string_view text, const Shape& shape,
                                 std::string_view timestamp_format, ScalarError* error = nullptr);

// Writes `value` as the member's element(s) (several for flattened lists and maps).
void WriteMember(XmlWriter& writer, const Member& member, const Value& value,
                 const XmlStyle& style);
// Writes the element `name` for a structure value, with its namespace and attribute members.
void WriteStructureElement(XmlWriter& writer, std::string_view name, const Shape& shape,
                           const Value& value, const XmlStyle& style, const Member* member);
// Writes the body members of a structure (those without a REST location) as child elements, in
// the Value's order; members not in the shape and nulls are skipped.
void WriteBodyMembers(XmlWriter& writer, const Shape& shape, const Value& value,
                      const XmlStyle& style);
// xmlns / xmlns:prefix attributes for a member's or a shape's namespace.
void WriteNamespace(XmlWriter& writer, const Shape& shape, const Member* member);

// Reads `node` as `shape`. For structures only body members are read (REST locations are the
// codec's business). Errors are MalformedXML with a message naming the element.
Result<Value> ReadXml(const XmlNode& node, const Shape& shape);

}  // namespace tw::protocol::xml
