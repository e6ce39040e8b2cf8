// SPDX-License-Identifier: Apache-2.0
#include "protocol/json/json_codec.h"

#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/crypto.h"
#include "common/strings.h"
#include "protocol/json/json_reader.h"
#include "protocol/json/wire_common.h"

namespace tw::protocol {
namespace {

namespace json = boost::json;

// The messages follow the wording AWS JSON services use for type mismatches ("NUMBER_VALUE can
// not be converted to a String", "Start of list found where not expected"), so that a client's
// logs read the same against trailwatch as against AWS.
std::string TokenName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return "STRING_VALUE";
    case json::kind::bool_:
      return "BOOLEAN_VALUE";
    case json::kind::null:
      return "NULL_VALUE";
    default:
      return "NUMBER_VALUE";
  }
}

AwsError TypeError(const json::value& v, std::string_view target) {
  if (v.is_object())
    return wire::SerializationError("Start of structure or map found where not expected.");
  if (v.is_array()) return wire::SerializationError("Start of list found where not expected");
  return wire::SerializationError(TokenName(v) + " can not be converted to " + std::string(target));
}

Value GenericFromJson(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return Value();
    case json::kind::bool_:
      return Value(v.get_bool());
    case json::kind::int64:
      return Value(v.get_int64());
    case json::kind::uint64:
      if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Value(static_cast<double>(v.get_uint64()));
      }
      return Value(static_cast<std::int64_t>(v.get_uint64()));
    case json::kind::double_:
      return Value(v.get_double());
    case json::kind::string:
      return Value(std::string_view(v.get_string()));
    case json::kind::array: {
      Value list = Value::MakeList();
      for (const json::value& item : v.get_array()) list.Push(GenericFromJson(item));
      return list;
    }
    case json::kind::object: {
      Value map = Value::MakeMap();
      for (const auto& field : v.get_object()) {
        map.entries().emplace_back(std::string(field.key()), GenericFromJson(field.value()));
      }
      return map;
    }
  }
  return Value();
}

Result<Value> ParseInteger(const json::value& v, const Shape& shape) {
  bool is_int32 = shape.type == ShapeType::kInteger;
  std::string_view target = is_int32 ? "an Integer" : "a Long";
  std::int64_t lo = is_int32 ? std::numeric_limits<std::int32_t>::min()
                             : std::numeric_limits<std::int64_t>::min();
  std::int64_t hi = is_int32 ? std::numeric_limits<std::int32_t>::max()
                             : std::numeric_limits<std::int64_t>::max();
  auto out_of_range = [&] {
    return wire::SerializationError("Numeric value out of range of " + std::string(target));
  };
  if (v.is_int64()) {
    std::int64_t i = v.get_int64();
    if (i < lo || i > hi) return out_of_range();
    return Value(i);
  }
  if (v.is_uint64()) return out_of_range();  // boost only uses uint64 beyond INT64_MAX
  if (v.is_double()) {
    // Integral numbers written with an exponent or ".0" are accepted; fractions are not.
    double d = v.get_double();
    if (!std::isfinite(d) || d != std::trunc(d)) {
      return wire::SerializationError("NUMBER_VALUE with a fraction can not be converted to " +
                                      std::string(target));
    }
    // hi + 1 is a power of two, so the comparison is exact in double arithmetic.
    double upper = is_int32 ? static_cast<double>(hi) + 1.0 : 9223372036854775808.0;
    if (d < static_cast<double>(lo) || d >= upper) return out_of_range();
    return Value(static_cast<std::int64_t>(d));
  }
  return TypeError(v, target);
}

Result<Value> ParseFloating(const json::value& v, const Shape& shape) {
  std::string_view target = shape.type == ShapeType::kFloat ? "a Float" : "a Double";
  if (v.is_number()) {
    double d = v.to_number<double>();
    if (!std::isfinite(d))
      return wire::SerializationError("Numeric value out of range of a Double");
    return Value(d);
  }
  // botocore sends non-finite floats as these strings (Serializer._handle_float).
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (s == "NaN") return Value(std::numeric_limits<double>::quiet_NaN());
    if (s == "Infinity") return Value(std::numeric_limits<double>::infinity());
    if (s == "-Infinity") return Value(-std::numeric_limits<double>::infinity());
  }
  return TypeError(v, target);
}

Result<Value> FromJson(const json::value& v, const Shape& shape, int depth) {
  if (depth > wire::kMaxDepth)
    return wire::SerializationError("Request document nested too deeply");
  if (shape.document) return GenericFromJson(v);
  switch (shape.type) {
    case ShapeType::kStructure: {
      if (!v.is_object()) return TypeError(v, "a Structure");
      const json::object& object = v.get_object();
      Value out = Value::MakeStructure();
      for (const Member& member : shape.members) {
        const std::string& wire_name =
            member.location_name.empty() ? member.name : member.location_name;
        const json::value* field = object.if_contains(wire_name);
        if (field == nullptr || field->is_null()) continue;  // null means absent
        Result<Value> parsed = FromJson(*field, *member.shape, depth + 1);
        if (!parsed) return std::move(parsed).error();
        out.entries().emplace_back(member.name, std::move(parsed).value());
      }
      if (shape.is_union && out.entries().size() > 1) {
        return wire::SerializationError("Union " + shape.name +
                                        " must have exactly one member set");
      }
      return out;
    }
    case ShapeType::kList: {
      if (!v.is_array()) return TypeError(v, "a List");
      Value out = Value::MakeList();
      out.as_list().reserve(v.get_array().size());
      for (const json::value& item : v.get_array()) {
        if (item.is_null()) continue;
        Result<Value> parsed = FromJson(item, *shape.member->shape, depth + 1);
        if (!parsed) return std::move(parsed).error();
        out.Push(std::move(parsed).value());
      }
      return out;
    }
    case ShapeType::kMap: {
      if (!v.is_object()) return TypeError(v, "a Map");
      Value out = Value::MakeMap();
      for (const auto& field : v.get_object()) {
        if (field.value().is_null()) continue;
        Result<Value> parsed = FromJson(field.value(), *shape.value->shape, depth + 1);
        if (!parsed) return std::move(parsed).error();
        out.entries().emplace_back(std::string(field.key()), std::move(parsed).value());
      }
      return out;
    }
    case ShapeType::kString:
      if (!v.is_string()) return TypeError(v, "a String");
      return Value(std::string_view(v.get_string()));
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kBigInteger:
      return ParseInteger(v, shape);
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigDecimal:
      return ParseFloating(v, shape);
    case ShapeType::kBoolean:
      if (!v.is_bool()) return TypeError(v, "a Boolean");
      return Value(v.get_bool());
    case ShapeType::kTimestamp: {
      // Epoch seconds, fractions allowed. Strings (ISO 8601) are refused: every AWS SDK sends
      // numbers for the JSON protocols, and Smithy's awsJson specs allow nothing else.
      if (!v.is_number()) return TypeError(v, "a Timestamp");
      auto millis = wire::EpochSecondsToMillis(v.to_number<double>());
      if (v.is_int64()) {
        std::int64_t s = v.get_int64();
        if (s > std::numeric_limits<std::int64_t>::max() / 1000 ||
            s < std::numeric_limits<std::int64_t>::min() / 1000) {
          millis.reset();
        } else {
          millis = s * 1000;  // exact, no double rounding for large whole seconds
        }
      }
      if (!millis) return wire::SerializationError("Timestamp out of range");
      return Value(Timestamp{*millis});
    }
    case ShapeType::kBlob: {
      if (!v.is_string()) return TypeError(v, "a Blob");
      auto bytes = Base64Decode(std::string_view(v.get_string()));
      if (!bytes) return wire::SerializationError("Base64 encoded value is invalid");
      return Value(Blob{std::move(*bytes)});
    }
  }
  return wire::SerializationError("Unsupported shape type");
}

// --- Writing ---------------------------------------------------------------------------------

void AppendString(std::string& out, std::string_view raw) {
  // botocore decodes bodies strictly, so invalid UTF-8 is repaired (U+FFFD) before escaping.
  if (wire::IsValidUtf8(raw)) {
    AppendJsonString(out, raw);
    return;
  }
  std::string sanitized;
  wire::AppendValidUtf8(sanitized, raw);
  AppendJsonString(out, sanitized);
}

void AppendDouble(std::string& out, double d) {
  // JSON has no non-finite numbers; AWS SDKs read these strings for float and double members.
  if (std::isnan(d)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), d);  // shortest text that round-trips
  std::string_view text(buf, static_cast<std::size_t>(result.ptr - buf));
  out += text;
  // A double member stays a float in dynamic clients (Python would read "5" as int).
  if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

void AppendTimestamp(std::string& out, std::int64_t millis) {
  std::uint64_t magnitude =
      millis < 0 ? 0 - static_cast<std::uint64_t>(millis) : static_cast<std::uint64_t>(millis);
  if (millis < 0) out.push_back('-');
  out += std::to_string(magnitude / 1000);
  unsigned fraction = static_cast<unsigned>(magnitude % 1000);
  if (fraction != 0) {
    char digits[4] = {static_cast<char>('0' + fraction / 100),
                      static_cast<char>('0' + fraction / 10 % 10),
                      static_cast<char>('0' + fraction % 10), 0};
    std::string_view f(digits, 3);
    while (f.back() == '0') f.remove_suffix(1);
    out.push_back('.');
    out += f;
  }
}

void WriteGeneric(std::string& out, const Value& v);

void WriteShaped(std::string& out, const Value& v, const Shape* shape) {
  if (shape == nullptr || shape->document) return WriteGeneric(out, v);
  switch (shape->type) {
    case ShapeType::kStructure: {
      if (!v.is_object()) return WriteGeneric(out, v);
      out.push_back('{');
      bool first = true;
      for (const Member& member : shape->members) {
        const Value* field = v.Find(member.name);
        if (field == nullptr || field->is_null()) continue;
        if (!first) out.push_back(',');
        first = false;
        AppendString(out, member.location_name.empty() ? member.name : member.location_name);
        out.push_back(':');
        WriteShaped(out, *field, member.shape);
      }
      out.push_back('}');
      return;
    }
    case ShapeType::kList: {
      if (!v.is_list()) return WriteGeneric(out, v);
      out.push_back('[');
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out.push_back(',');
        first = false;
        WriteShaped(out, item, shape->member->shape);
      }
      out.push_back(']');
      return;
    }
    case ShapeType::kMap: {
      if (!v.is_object()) return WriteGeneric(out, v);
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.entries()) {
        if (item.is_null()) continue;
        if (!first) out.push_back(',');
        first = false;
        AppendString(out, key);
        out.push_back(':');
        WriteShaped(out, item, shape->value->shape);
      }
      out.push_back('}');
      return;
    }
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigDecimal:
      if (v.is_number()) return AppendDouble(out, v.as_double());
      return WriteGeneric(out, v);
    case ShapeType::kBlob:
      if (v.is_string()) return AppendString(out, Base64Encode(v.as_string()));
      return WriteGeneric(out, v);
    default:
      return WriteGeneric(out, v);
  }
}

void WriteGeneric(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Value::Kind::kInteger:
      out += std::to_string(v.as_integer());
      return;
    case Value::Kind::kDouble:
      return AppendDouble(out, v.as_double());
    case Value::Kind::kString:
      return AppendString(out, v.as_string());
    case Value::Kind::kBlob:
      return AppendString(out, Base64Encode(v.as_blob().bytes));
    case Value::Kind::kTimestamp:
      return AppendTimestamp(out, v.as_timestamp().epoch_millis);
    case Value::Kind::kList: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out.push_back(',');
        first = false;
        WriteGeneric(out, item);
      }
      out.push_back(']');
      return;
    }
    case Value::Kind::kMap:
    case Value::Kind::kStructure: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.entries()) {
        if (!first) out.push_back(',');
        first = false;
        AppendString(out, key);
        out.push_back(':');
        WriteGeneric(out, item);
      }
      out.push_back('}');
      return;
    }
  }
}

std::string ContentType(const ServiceModel& service) {
  return "application/x-amz-json-" +
         (service.json_version().empty() ? std::string("1.0") : service.json_version());
}

}  // namespace

Result<Value> ParseJsonBody(std::string_view body, const Shape* shape) {
  std::string_view trimmed = body;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\n' ||
                              trimmed.front() == '\r' || trimmed.front() == '\t')) {
    trimmed.remove_prefix(1);
  }
  if (trimmed.empty()) return Value::MakeStructure();  // AWS treats an empty body as {}
  JsonReadError read_error;
  auto document = ReadJson(body, wire::kMaxDepth, &read_error);
  if (!document) {
    return wire::SerializationError("The request body is not valid JSON: " + read_error.message);
  }
  if (document->is_null()) return Value::MakeStructure();
  if (shape == nullptr) {
    if (!document->is_object()) return TypeError(*document, "a Structure");
    return Value::MakeStructure();
  }
  return FromJson(*document, *shape, 0);
}

std::string WriteJsonBody(const Value& value, const Shape& shape) {
  std::string out;
  if (!value.is_object()) return "{}";
  WriteShaped(out, value, &shape);
  return out;
}

Result<Value> JsonCodec::ParseRequest(const http::HttpRequest& request, const ServiceModel&,
                                      const Operation& operation) const {
  Result<std::string> body = wire::DecodeRequestBody(request);
  if (!body) return std::move(body).error();
  return ParseJsonBody(*body, operation.input);
}

http::HttpResponse JsonCodec::WriteResponse(const ServiceModel& service, const Operation& operation,
                                            const Value& output, const ResponseMeta& meta) const {
  http::HttpResponse response;
  response.status = 200;
  response.headers.Add("x-amzn-RequestId", meta.request_id);
  response.headers.Add("Content-Type", ContentType(service));
  // Operations without an output shape answer an empty object, as AWS JSON services do.
  response.body = operation.output ? WriteJsonBody(output, *operation.output) : "{}";
  return response;
}

http::HttpResponse JsonCodec::WriteError(const ServiceModel& service, const AwsError& error,
                                         const ResponseMeta& meta) const {
  wire::ErrorIdentity identity = wire::IdentifyError(service, error);
  http::HttpResponse response;
  response.status = error.http_status;
  response.headers.Add("x-amzn-RequestId", meta.request_id);
  response.headers.Add("x-amzn-ErrorType", identity.type);
  if (service.aws_query_compatible()) {
    response.headers.Add("x-amzn-query-error", wire::QueryErrorHeader(identity, error));
  }
  response.headers.Add("Content-Type", ContentType(service));
  std::string& out = response.body;
  out += "{\"__type\":";
  AppendString(out, identity.type);
  out += ',';
  AppendString(out, identity.message_member);
  out += ':';
  AppendString(out, error.message);
  for (const auto& [name, value] : error.extra) {
    if (name == "__type" || name == identity.message_member) continue;
    out += ',';
    AppendString(out, name);
    out += ':';
    AppendString(out, value);
  }
  for (const auto& [name, json] : error.extra_json) {
    out += ',';
    AppendString(out, name);
    out += ':';
    out += json;
  }
  out += '}';
  return response;
}

}  // namespace tw::protocol
