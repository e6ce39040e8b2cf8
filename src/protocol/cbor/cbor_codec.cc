// SPDX-License-Identifier: Apache-2.0
#include "protocol/cbor/cbor_codec.h"

#include <cmath>
#include <limits>
#include <optional>

#include "protocol/cbor/cbor_reader.h"
#include "protocol/cbor/cbor_writer.h"
#include "protocol/json/wire_common.h"

namespace tw::protocol {
namespace {

using Type = CborItem::Type;

constexpr std::string_view kContentType = "application/cbor";

std::string_view TypeName(const CborItem& item) {
  switch (item.type) {
    case Type::kUnsigned:
    case Type::kNegative:
      return "an integer";
    case Type::kBytes:
      return "a byte string";
    case Type::kText:
      return "a text string";
    case Type::kArray:
      return "an array";
    case Type::kMap:
      return "a map";
    case Type::kTag:
      return "a tagged item";
    case Type::kFloat:
      return "a float";
    case Type::kBool:
      return "a boolean";
    case Type::kNull:
    case Type::kUndefined:
      return "null";
  }
  return "an item";
}

AwsError Mismatch(const CborItem& item, const Shape& shape) {
  return wire::SerializationError("Expected a value for " + shape.name + " but found " +
                                  std::string(TypeName(item)));
}

bool IsNull(const CborItem& item) {
  return item.type == Type::kNull || item.type == Type::kUndefined;
}

// An integral CBOR number as int64, when it is one and fits.
std::optional<std::int64_t> AsInt64(const CborItem& item) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (item.type == Type::kUnsigned) {
    if (item.number > kMax) return std::nullopt;
    return static_cast<std::int64_t>(item.number);
  }
  if (item.type == Type::kNegative) {
    if (item.number > kMax) return std::nullopt;  // below INT64_MIN
    return -1 - static_cast<std::int64_t>(item.number);
  }
  return std::nullopt;
}

bool IsInteger(const CborItem& item) {
  return item.type == Type::kUnsigned || item.type == Type::kNegative;
}

Result<Value> Generic(const CborItem& item, int depth) {
  if (depth > wire::kMaxDepth)
    return wire::SerializationError("Request document nested too deeply");
  switch (item.type) {
    case Type::kUnsigned:
    case Type::kNegative:
      if (auto i = AsInt64(item)) return Value(*i);
      return Value(item.type == Type::kUnsigned ? static_cast<double>(item.number)
                                                : -1.0 - static_cast<double>(item.number));
    case Type::kBytes:
      return Value(Blob{item.bytes});
    case Type::kText:
      return Value(item.bytes);
    case Type::kFloat:
      return Value(item.float_value);
    case Type::kBool:
      return Value(item.bool_value);
    case Type::kNull:
    case Type::kUndefined:
      return Value();
    case Type::kTag:
      if (item.number == 1 && (IsInteger(item.items[0]) || item.items[0].type == Type::kFloat)) {
        double seconds = item.items[0].type == Type::kFloat
                             ? item.items[0].float_value
                             : (item.items[0].type == Type::kUnsigned
                                    ? static_cast<double>(item.items[0].number)
                                    : -1.0 - static_cast<double>(item.items[0].number));
        if (auto millis = wire::EpochSecondsToMillis(seconds)) return Value(Timestamp{*millis});
      }
      return wire::SerializationError("Unsupported CBOR tag " + std::to_string(item.number));
    case Type::kArray: {
      Value list = Value::MakeList();
      for (const CborItem& element : item.items) {
        Result<Value> v = Generic(element, depth + 1);
        if (!v) return std::move(v).error();
        list.Push(std::move(v).value());
      }
      return list;
    }
    case Type::kMap: {
      Value map = Value::MakeMap();
      for (std::size_t i = 0; i + 1 < item.items.size(); i += 2) {
        if (item.items[i].type != Type::kText) {
          return wire::SerializationError("CBOR map keys must be text strings");
        }
        Result<Value> v = Generic(item.items[i + 1], depth + 1);
        if (!v) return std::move(v).error();
        map.Set(item.items[i].bytes, std::move(v).value());
      }
      return map;
    }
  }
  return Value();
}

Result<Value> FromCbor(const CborItem& item, const Shape& shape, int depth) {
  if (depth > wire::kMaxDepth)
    return wire::SerializationError("Request document nested too deeply");
  if (shape.document) return Generic(item, depth);
  switch (shape.type) {
    case ShapeType::kStructure: {
      if (item.type != Type::kMap) return Mismatch(item, shape);
      // Collected by member index so the structure comes out in model order.
      std::vector<std::optional<Value>> found(shape.members.size());
      for (std::size_t i = 0; i + 1 < item.items.size(); i += 2) {
        const CborItem& key = item.items[i];
        if (key.type != Type::kText) {
          return wire::SerializationError("CBOR map keys must be text strings");
        }
        const CborItem& value = item.items[i + 1];
        for (std::size_t m = 0; m < shape.members.size(); ++m) {
          const Member& member = shape.members[m];
          // rpc-v2-cbor keys are member names; botocore's serializer uses locationName when a
          // model sets one, so both are accepted.
          if (key.bytes != member.name &&
              (member.location_name.empty() || key.bytes != member.location_name)) {
            continue;
          }
          if (IsNull(value)) {
            found[m].reset();
            break;
          }
          Result<Value> parsed = FromCbor(value, *member.shape, depth + 1);
          if (!parsed) return std::move(parsed).error();
          found[m] = std::move(parsed).value();
          break;
        }
      }
      Value out = Value::MakeStructure();
      for (std::size_t m = 0; m < found.size(); ++m) {
        if (found[m]) out.entries().emplace_back(shape.members[m].name, std::move(*found[m]));
      }
      if (shape.is_union && out.entries().size() > 1) {
        return wire::SerializationError("Union " + shape.name +
                                        " must have exactly one member set");
      }
      return out;
    }
    case ShapeType::kList: {
      if (item.type != Type::kArray) return Mismatch(item, shape);
      Value out = Value::MakeList();
      out.as_list().reserve(item.items.size());
      for (const CborItem& element : item.items) {
        if (IsNull(element)) continue;
        Result<Value> parsed = FromCbor(element, *shape.member->shape, depth + 1);
        if (!parsed) return std::move(parsed).error();
        out.Push(std::move(parsed).value());
      }
      return out;
    }
    case ShapeType::kMap: {
      if (item.type != Type::kMap) return Mismatch(item, shape);
      Value out = Value::MakeMap();
      for (std::size_t i = 0; i + 1 < item.items.size(); i += 2) {
        if (item.items[i].type != Type::kText) {
          return wire::SerializationError("CBOR map keys must be text strings");
        }
        if (IsNull(item.items[i + 1])) continue;
        Result<Value> parsed = FromCbor(item.items[i + 1], *shape.value->shape, depth + 1);
        if (!parsed) return std::move(parsed).error();
        out.Set(item.items[i].bytes, std::move(parsed).value());
      }
      return out;
    }
    case ShapeType::kString:
      if (item.type != Type::kText) return Mismatch(item, shape);
      return Value(item.bytes);
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kBigInteger: {
      std::optional<std::int64_t> v;
      if (IsInteger(item)) {
        v = AsInt64(item);
        if (!v) return wire::SerializationError("Numeric value out of range for " + shape.name);
      } else if (item.type == Type::kFloat && std::isfinite(item.float_value) &&
                 item.float_value == std::trunc(item.float_value) &&
                 std::fabs(item.float_value) < 9.2e18) {
        v = static_cast<std::int64_t>(item.float_value);  // an integral float loses nothing
      } else {
        return Mismatch(item, shape);
      }
      if (shape.type == ShapeType::kInteger && (*v < std::numeric_limits<std::int32_t>::min() ||
                                                *v > std::numeric_limits<std::int32_t>::max())) {
        return wire::SerializationError("Numeric value out of range for " + shape.name);
      }
      return Value(*v);
    }
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigDecimal:
      // The spec lets floating-point values travel as integers when that loses nothing.
      if (item.type == Type::kFloat) return Value(item.float_value);
      if (auto i = AsInt64(item)) return Value(static_cast<double>(*i));
      if (IsInteger(item)) {
        return Value(item.type == Type::kUnsigned ? static_cast<double>(item.number)
                                                  : -1.0 - static_cast<double>(item.number));
      }
      return Mismatch(item, shape);
    case ShapeType::kBoolean:
      if (item.type != Type::kBool) return Mismatch(item, shape);
      return Value(item.bool_value);
    case ShapeType::kBlob:
      if (item.type != Type::kBytes) return Mismatch(item, shape);
      return Value(Blob{item.bytes});
    case ShapeType::kTimestamp: {
      if (item.type != Type::kTag || item.number != 1) {
        return wire::SerializationError("Expected a tag 1 epoch timestamp for " + shape.name);
      }
      const CborItem& inner = item.items[0];
      std::optional<std::int64_t> millis;
      if (auto seconds = AsInt64(inner)) {
        if (*seconds <= std::numeric_limits<std::int64_t>::max() / 1000 &&
            *seconds >= std::numeric_limits<std::int64_t>::min() / 1000) {
          millis = *seconds * 1000;
        }
      } else if (inner.type == Type::kFloat) {
        millis = wire::EpochSecondsToMillis(inner.float_value);
      } else if (!IsInteger(inner)) {
        return wire::SerializationError("Expected a number in the tag 1 timestamp for " +
                                        shape.name);
      }
      if (!millis) return wire::SerializationError("Timestamp out of range for " + shape.name);
      return Value(Timestamp{*millis});
    }
  }
  return wire::SerializationError("Unsupported shape type");
}

// --- Writing ---------------------------------------------------------------------------------

void WriteGeneric(CborWriter& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return w.Null();
    case Value::Kind::kBool:
      return w.Bool(v.as_bool());
    case Value::Kind::kInteger:
      return w.Int(v.as_integer());
    case Value::Kind::kDouble:
      return w.Double(v.as_double());
    case Value::Kind::kString:
      return w.Text(v.as_string());
    case Value::Kind::kBlob:
      return w.Bytes(v.as_blob().bytes);
    case Value::Kind::kTimestamp:
      return w.Timestamp(v.as_timestamp().epoch_millis);
    case Value::Kind::kList:
      w.ArrayStart(v.as_list().size());
      for (const Value& item : v.as_list()) WriteGeneric(w, item);
      return;
    case Value::Kind::kMap:
    case Value::Kind::kStructure:
      w.MapStart(v.entries().size());
      for (const auto& [key, item] : v.entries()) {
        w.Text(key);
        WriteGeneric(w, item);
      }
      return;
  }
}

void WriteShaped(CborWriter& w, const Value& v, const Shape* shape) {
  if (shape == nullptr || shape->document) return WriteGeneric(w, v);
  switch (shape->type) {
    case ShapeType::kStructure: {
      if (!v.is_object()) return WriteGeneric(w, v);
      std::size_t count = 0;
      for (const Member& member : shape->members) {
        const Value* field = v.Find(member.name);
        if (field != nullptr && !field->is_null()) ++count;
      }
      w.MapStart(count);
      for (const Member& member : shape->members) {
        const Value* field = v.Find(member.name);
        if (field == nullptr || field->is_null()) continue;
        w.Text(member.name);  // rpc-v2-cbor ignores locationName
        WriteShaped(w, *field, member.shape);
      }
      return;
    }
    case ShapeType::kList:
      if (!v.is_list()) return WriteGeneric(w, v);
      w.ArrayStart(v.as_list().size());
      for (const Value& item : v.as_list()) WriteShaped(w, item, shape->member->shape);
      return;
    case ShapeType::kMap: {
      if (!v.is_object()) return WriteGeneric(w, v);
      std::size_t count = 0;
      for (const auto& entry : v.entries()) count += entry.second.is_null() ? 0 : 1;
      w.MapStart(count);
      for (const auto& [key, item] : v.entries()) {
        if (item.is_null()) continue;
        w.Text(key);
        WriteShaped(w, item, shape->value->shape);
      }
      return;
    }
    case ShapeType::kFloat:
      if (v.is_number()) return w.Float(v.as_double());
      return WriteGeneric(w, v);
    case ShapeType::kDouble:
    case ShapeType::kBigDecimal:
      if (v.is_number()) return w.Double(v.as_double());
      return WriteGeneric(w, v);
    case ShapeType::kBlob:
      if (v.is_string()) return w.Bytes(v.as_string());
      return WriteGeneric(w, v);
    default:
      return WriteGeneric(w, v);
  }
}

void AddCommonHeaders(http::HttpResponse& response, const ResponseMeta& meta) {
  response.headers.Add("x-amzn-RequestId", meta.request_id);
  response.headers.Add("smithy-protocol", "rpc-v2-cbor");
}

}  // namespace

Result<Value> ParseCborBody(std::string_view body, const Shape* shape) {
  if (body.empty()) return Value::MakeStructure();
  std::string error;
  std::optional<CborItem> root = ReadCbor(body, &error);
  if (!root) return wire::SerializationError("The request body is not valid CBOR: " + error);
  if (IsNull(*root)) return Value::MakeStructure();
  if (root->type != Type::kMap) {
    return wire::SerializationError("The request body must be a CBOR map");
  }
  if (shape == nullptr) return Value::MakeStructure();
  return FromCbor(*root, *shape, 0);
}

std::string WriteCborBody(const Value& value, const Shape& shape) {
  std::string out;
  CborWriter writer(out);
  if (!value.is_object()) {
    writer.MapStart(0);
    return out;
  }
  WriteShaped(writer, value, &shape);
  return out;
}

Result<Value> CborCodec::ParseRequest(const http::HttpRequest& request, const ServiceModel&,
                                      const Operation& operation) const {
  Result<std::string> body = wire::DecodeRequestBody(request);
  if (!body) return std::move(body).error();
  return ParseCborBody(*body, operation.input);
}

http::HttpResponse CborCodec::WriteResponse(const ServiceModel&, const Operation& operation,
                                            const Value& output, const ResponseMeta& meta) const {
  http::HttpResponse response;
  response.status = 200;
  AddCommonHeaders(response, meta);
  // Operations without an output shape (Smithy Unit) answer no body and no Content-Type.
  if (operation.output != nullptr) {
    response.headers.Add("Content-Type", std::string(kContentType));
    response.body = WriteCborBody(output, *operation.output);
  }
  return response;
}

http::HttpResponse CborCodec::WriteError(const ServiceModel& service, const AwsError& error,
                                         const ResponseMeta& meta) const {
  wire::ErrorIdentity identity = wire::IdentifyError(service, error);
  http::HttpResponse response;
  response.status = error.http_status;
  AddCommonHeaders(response, meta);
  if (service.aws_query_compatible()) {
    response.headers.Add("x-amzn-query-error", wire::QueryErrorHeader(identity, error));
  }
  response.headers.Add("Content-Type", std::string(kContentType));
  std::size_t extras = 0;
  for (const auto& entry : error.extra) {
    if (entry.first != "__type" && entry.first != identity.message_member) ++extras;
  }
  CborWriter w(response.body);
  w.MapStart(2 + extras);
  // The spec wants the absolute shape ID; clients keep what follows '#'.
  w.Text("__type");
  w.Text(wire::SmithyNamespace(service) + "#" + identity.type);
  w.Text(identity.message_member);
  w.Text(error.message);
  for (const auto& [name, value] : error.extra) {
    if (name == "__type" || name == identity.message_member) continue;
    w.Text(name);
    w.Text(value);
  }
  return response;
}

}  // namespace tw::protocol
