// SPDX-License-Identifier: Apache-2.0
#include "protocol/xml/xml_shape.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"

namespace tw::protocol::xml {
namespace {

std::string FormatIsoAlwaysMillis(std::int64_t epoch_millis) {
  std::string s = FormatIso8601(epoch_millis, /*with_millis=*/false);  // "...:SSZ"
  std::int64_t ms = epoch_millis % 1000;
  if (ms < 0) ms += 1000;
  s.insert(s.size() - 1, fmt::format(".{:03d}", ms));
  return s;
}

std::string FormatEpochSeconds(std::int64_t epoch_millis) {
  std::int64_t seconds = epoch_millis / 1000;
  std::int64_t ms = epoch_millis % 1000;
  if (ms < 0) {
    ms += 1000;
    --seconds;
  }
  if (ms == 0) return std::to_string(seconds);
  std::string frac = fmt::format("{:03d}", ms);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return std::to_string(seconds) + "." + frac;
}

std::string FormatDouble(double d) {
  // AWS spells the IEEE specials this way on every XML and query wire.
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", d);  // shortest text that round-trips exactly
}

std::optional<std::int64_t> ParseEpochSeconds(std::string_view text) {
  double seconds = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), seconds, std::chars_format::fixed);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(seconds)) {
    return std::nullopt;
  }
  double millis = std::round(seconds * 1000.0);
  if (std::fabs(millis) > 9.0e15) return std::nullopt;  // far outside any AWS date
  return static_cast<std::int64_t>(millis);
}

std::optional<std::int64_t> ParseTimestampText(std::string_view text, std::string_view format) {
  if (format == "unixTimestamp") {
    if (auto v = ParseEpochSeconds(text)) return v;
  } else if (format == "rfc822") {
    if (auto v = ParseHttpDate(text)) return v;
  }
  if (auto v = ParseIso8601(text)) return v;
  if (auto v = ParseHttpDate(text)) return v;
  return ParseEpochSeconds(text);
}

AwsError MalformedElement(std::string_view element, std::string_view expected) {
  return AwsError::From(ErrorCode::kMalformedXML,
                        fmt::format("The XML you provided was not well-formed or did not validate "
                                    "against our published schema: element {} must be {}",
                                    element, expected));
}

bool IsBodyMember(const Member& m) { return m.location == Location::kBody; }

}  // namespace

std::string_view WireName(const Member& member) {
  return member.location_name.empty() ? std::string_view(member.name)
                                      : std::string_view(member.location_name);
}

std::string_view ElementName(const Member& member) {
  const Shape& shape = *member.shape;
  if (shape.type == ShapeType::kList && (shape.flattened || member.flattened) && shape.member &&
      !shape.member->location_name.empty()) {
    return shape.member->location_name;
  }
  return WireName(member);
}

std::string_view TimestampFormatOf(const Member* member, const Shape& shape,
                                   std::string_view fallback) {
  if (member && !member->timestamp_format.empty()) return member->timestamp_format;
  if (!shape.timestamp_format.empty()) return shape.timestamp_format;
  return fallback;
}

std::string FormatScalar(const Value& value, const Shape& shape, std::string_view timestamp_format,
                         TimestampStyle style) {
  switch (value.kind()) {
    case Value::Kind::kBool:
      return value.as_bool() ? "true" : "false";
    case Value::Kind::kInteger:
      if (shape.type == ShapeType::kTimestamp) {
        return FormatScalar(Value(Timestamp{value.as_integer()}), shape, timestamp_format, style);
      }
      return std::to_string(value.as_integer());
    case Value::Kind::kDouble:
      return FormatDouble(value.as_double());
    case Value::Kind::kString:
      if (shape.type == ShapeType::kBlob) return Base64Encode(value.as_string());
      return value.as_string();
    case Value::Kind::kBlob:
      return Base64Encode(value.as_blob().bytes);
    case Value::Kind::kTimestamp: {
      std::int64_t ms = value.as_timestamp().epoch_millis;
      if (timestamp_format == "rfc822") return FormatHttpDate(ms);
      if (timestamp_format == "unixTimestamp") return FormatEpochSeconds(ms);
      return style == TimestampStyle::kIsoAlwaysMillis ? FormatIsoAlwaysMillis(ms)
                                                       : FormatIso8601(ms, true);
    }
    default:
      return {};  // containers and nulls have no scalar text
  }
}

std::optional<Value> ParseScalar(std::string_view text, const Shape& shape,
                                 std::string_view timestamp_format, ScalarError* error) {
  auto fail = [&](std::string_view expected) -> std::optional<Value> {
    if (error) error->expected = std::string(expected);
    return std::nullopt;
  };
  switch (shape.type) {
    case ShapeType::kString:
    case ShapeType::kBigInteger:
    case ShapeType::kBigDecimal:
      return Value(std::string(text));
    case ShapeType::kBoolean: {
      std::string_view t = Trim(text);
      if (IEquals(t, "true")) return Value(true);
      if (IEquals(t, "false")) return Value(false);
      return fail("a boolean (true or false)");
    }
    case ShapeType::kInteger:
    case ShapeType::kLong: {
      std::string_view t = Trim(text);
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      const bool is_int = shape.type == ShapeType::kInteger;
      if (t.empty() || ec != std::errc() || end != t.data() + t.size() ||
          (is_int && (v < std::numeric_limits<std::int32_t>::min() ||
                      v > std::numeric_limits<std::int32_t>::max()))) {
        return fail(is_int ? "an integer" : "a long integer");
      }
      return Value(v);
    }
    case ShapeType::kFloat:
    case ShapeType::kDouble: {
      std::string_view t = Trim(text);
      if (t == "NaN") return Value(std::numeric_limits<double>::quiet_NaN());
      if (t == "Infinity") return Value(std::numeric_limits<double>::infinity());
      if (t == "-Infinity") return Value(-std::numeric_limits<double>::infinity());
      double v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) {
        return fail("a number");
      }
      return Value(v);
    }
    case ShapeType::kTimestamp: {
      if (auto ms = ParseTimestampText(Trim(text), timestamp_format)) return Value(Timestamp{*ms});
      return fail("a timestamp");
    }
    case ShapeType::kBlob: {
      if (auto bytes = Base64Decode(Trim(text))) return Value(Blob{std::move(*bytes)});
      return fail("base64-encoded binary data");
    }
    default:
      return fail("a scalar value");
  }
}

void WriteNamespace(XmlWriter& writer, const Shape& shape, const Member* member) {
  if (member && !member->xml_namespace_uri.empty()) {
    if (member->xml_namespace_prefix.empty()) {
      writer.Attribute("xmlns", member->xml_namespace_uri);
    } else {
      writer.Attribute("xmlns:" + member->xml_namespace_prefix, member->xml_namespace_uri);
    }
    return;
  }
  if (shape.xml_namespace_uri.empty()) return;
  // The model tables keep only the uri of a shape-level namespace. Its prefix is the one the
  // shape's own attribute members use (S3's Grantee: xmlns:xsi with an xsi:type attribute).
  for (const Member& m : shape.members) {
    std::string_view name = WireName(m);
    std::size_t colon = name.find(':');
    if (m.xml_attribute && colon != std::string_view::npos) {
      writer.Attribute("xmlns:" + std::string(name.substr(0, colon)), shape.xml_namespace_uri);
      return;
    }
  }
  writer.Attribute("xmlns", shape.xml_namespace_uri);
}

void WriteBodyMembers(XmlWriter& writer, const Shape& shape, const Value& value,
                      const XmlStyle& style) {
  if (!value.is_object()) return;
  for (const auto& [name, item] : value.entries()) {
    const Member* m = shape.FindMember(name);
    if (!m || !IsBodyMember(*m) || m->xml_attribute || item.is_null()) continue;
    WriteMember(writer, *m, item, style);
  }
}

void WriteStructureElement(XmlWriter& writer, std::string_view name, const Shape& shape,
                           const Value& value, const XmlStyle& style, const Member* member) {
  writer.StartElement(name);
  WriteNamespace(writer, shape, member);
  if (value.is_object()) {
    for (const auto& [member_name, item] : value.entries()) {
      const Member* m = shape.FindMember(member_name);
      if (!m || !m->xml_attribute || item.is_null()) continue;
      writer.Attribute(WireName(*m),
                       FormatScalar(item, *m->shape, TimestampFormatOf(m, *m->shape, "iso8601"),
                                    style.timestamps));
    }
  }
  WriteBodyMembers(writer, shape, value, style);
  writer.EndElement();
}

namespace {

void WriteValue(XmlWriter& writer, std::string_view name, const Member& member, const Value& value,
                const XmlStyle& style);

void WriteMapEntries(XmlWriter& writer, std::string_view entry_name, const Shape& map,
                     const Value& value, const XmlStyle& style) {
  if (!value.is_object()) return;
  std::string_view key_name = map.key->location_name.empty()
                                  ? std::string_view("key")
                                  : std::string_view(map.key->location_name);
  std::string_view value_name = map.value->location_name.empty()
                                    ? std::string_view("value")
                                    : std::string_view(map.value->location_name);
  for (const auto& [key, item] : value.entries()) {
    writer.StartElement(entry_name);
    writer.Element(key_name, key);
    if (!item.is_null()) WriteValue(writer, value_name, *map.value, item, style);
    writer.EndElement();
  }
}

void WriteValue(XmlWriter& writer, std::string_view name, const Member& member, const Value& value,
                const XmlStyle& style) {
  const Shape& shape = *member.shape;
  switch (shape.type) {
    case ShapeType::kStructure:
      WriteStructureElement(writer, name, shape, value, style, &member);
      return;
    case ShapeType::kList: {
      if (!value.is_list()) return;
      const Member& item_member = *shape.member;
      if (shape.flattened || member.flattened) {
        for (const Value& item : value.as_list())
          WriteValue(writer, name, item_member, item, style);
        return;
      }
      std::string_view item_name = item_member.location_name.empty()
                                       ? std::string_view("member")
                                       : std::string_view(item_member.location_name);
      writer.StartElement(name);
      WriteNamespace(writer, shape, &member);
      for (const Value& item : value.as_list()) {
        WriteValue(writer, item_name, item_member, item, style);
      }
      writer.EndElement();
      return;
    }
    case ShapeType::kMap:
      if (shape.flattened || member.flattened) {
        WriteMapEntries(writer, name, shape, value, style);
      } else {
        writer.StartElement(name);
        WriteMapEntries(writer, "entry", shape, value, style);
        writer.EndElement();
      }
      return;
    default:
      writer.Element(name, FormatScalar(value, shape, TimestampFormatOf(&member, shape, "iso8601"),
                                        style.timestamps));
  }
}

}  // namespace

void WriteMember(XmlWriter& writer, const Member& member, const Value& value,
                 const XmlStyle& style) {
  WriteValue(writer, ElementName(member), member, value, style);
}

namespace {

Result<Value> ReadNode(const XmlNode& node, const Shape& shape, const Member* member);

Result<Value> ReadMapEntries(const std::vector<const XmlNode*>& entries, const Shape& map) {
  std::string_view key_name = map.key->location_name.empty()
                                  ? std::string_view("key")
                                  : std::string_view(map.key->location_name);
  std::string_view value_name = map.value->location_name.empty()
                                    ? std::string_view("value")
                                    : std::string_view(map.value->location_name);
  Value out = Value::MakeMap();
  for (const XmlNode* entry : entries) {
    const XmlNode* key = entry->Child(key_name);
    if (!key) return MalformedElement(entry->name, "a map entry with a " + std::string(key_name));
    Value item;
    if (const XmlNode* v = entry->Child(value_name)) {
      Result<Value> parsed = ReadNode(*v, *map.value->shape, map.value.get());
      if (!parsed) return std::move(parsed).error();
      item = std::move(*parsed);
    }
    out.Set(key->text, std::move(item));
  }
  return out;
}

Result<Value> ReadStructure(const XmlNode& node, const Shape& shape) {
  Value out = Value::MakeStructure();
  for (const Member& m : shape.members) {
    if (!IsBodyMember(m)) continue;
    if (m.xml_attribute) {
      if (const std::string* attr = node.FindAttribute(WireName(m))) {
        ScalarError why;
        auto v = ParseScalar(*attr, *m.shape, TimestampFormatOf(&m, *m.shape, "iso8601"), &why);
        if (!v) return MalformedElement(WireName(m), why.expected);
        out.Set(m.name, std::move(*v));
      }
      continue;
    }
    const Shape& ms = *m.shape;
    std::string_view element = ElementName(m);
    const bool flattened = (ms.type == ShapeType::kList || ms.type == ShapeType::kMap) &&
                           (ms.flattened || m.flattened);
    if (flattened) {
      std::vector<const XmlNode*> repeats;
      for (const XmlNode& child : node.children) {
        if (LocalName(child.name) == element) repeats.push_back(&child);
      }
      if (repeats.empty()) continue;
      if (ms.type == ShapeType::kMap) {
        Result<Value> map = ReadMapEntries(repeats, ms);
        if (!map) return std::move(map).error();
        out.Set(m.name, std::move(*map));
        continue;
      }
      Value list = Value::MakeList();
      for (const XmlNode* item : repeats) {
        Result<Value> v = ReadNode(*item, *ms.member->shape, ms.member.get());
        if (!v) return std::move(v).error();
        list.Push(std::move(*v));
      }
      out.Set(m.name, std::move(list));
      continue;
    }
    if (const XmlNode* child = node.Child(element)) {
      Result<Value> v = ReadNode(*child, ms, &m);
      if (!v) return std::move(v).error();
      out.Set(m.name, std::move(*v));
    }
  }
  return out;
}

Result<Value> ReadNode(const XmlNode& node, const Shape& shape, const Member* member) {
  switch (shape.type) {
    case ShapeType::kStructure:
      return ReadStructure(node, shape);
    case ShapeType::kList: {
      // Item element names are not checked: SDKs agree on them and AWS ignores them.
      Value list = Value::MakeList();
      for (const XmlNode& item : node.children) {
        Result<Value> v = ReadNode(item, *shape.member->shape, shape.member.get());
        if (!v) return std::move(v).error();
        list.Push(std::move(*v));
      }
      return list;
    }
    case ShapeType::kMap: {
      std::vector<const XmlNode*> entries;
      for (const XmlNode& entry : node.children) entries.push_back(&entry);
      return ReadMapEntries(entries, shape);
    }
    default: {
      ScalarError why;
      auto v = ParseScalar(node.text, shape, TimestampFormatOf(member, shape, "iso8601"), &why);
      if (!v) return MalformedElement(LocalName(node.name), why.expected);
      return std::move(*v);
    }
  }
}

}  // namespace

Result<Value> ReadXml(const XmlNode& node, const Shape& shape) {
  return ReadNode(node, shape, nullptr);
}

}  // namespace tw::protocol::xml
