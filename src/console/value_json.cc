// SPDX-License-Identifier: Apache-2.0
#include "console/value_json.h"

#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "common/crypto.h"
#include "common/time_format.h"

namespace tw::console {
namespace json = boost::json;
using protocol::Shape;
using protocol::ShapeType;
using protocol::Value;

namespace {

constexpr int kMaxDepth = 32;

AwsError Bad(const std::string& path, std::string_view what) {
  return AwsError::From(ErrorCode::kSerializationException,
                        (path.empty() ? std::string("input") : path) + ": " + std::string(what));
}

std::string Join(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

Result<Value> Convert(const json::value& in, const Shape& shape, const std::string& path,
                      int depth);

Result<Value> ConvertStructure(const json::value& in, const Shape& shape, const std::string& path,
                               int depth) {
  if (!in.is_object()) return Bad(path, "expected an object for " + shape.name);
  Value out = Value::MakeStructure();
  for (const auto& [key, item] : in.as_object()) {
    const protocol::Member* member = shape.FindMember(key);
    if (!member || !member->shape) {
      return Bad(Join(path, key), "is not a member of " + shape.name);
    }
    if (item.is_null()) continue;  // an absent member
    auto converted = Convert(item, *member->shape, Join(path, key), depth + 1);
    if (!converted) return converted.error();
    out.Set(member->name, std::move(converted).value());
  }
  return out;
}

Result<Value> Convert(const json::value& in, const Shape& shape, const std::string& path,
                      int depth) {
  if (depth > kMaxDepth) return Bad(path, "is nested too deeply");
  switch (shape.type) {
    case ShapeType::kStructure:
      return ConvertStructure(in, shape, path, depth);
    case ShapeType::kList: {
      if (!in.is_array()) return Bad(path, "expected an array");
      if (!shape.member || !shape.member->shape) return Bad(path, "has no item shape");
      Value out = Value::MakeList();
      std::size_t index = 0;
      for (const json::value& item : in.as_array()) {
        auto converted = Convert(item, *shape.member->shape,
                                 path + "[" + std::to_string(index++) + "]", depth + 1);
        if (!converted) return converted.error();
        out.Push(std::move(converted).value());
      }
      return out;
    }
    case ShapeType::kMap: {
      if (!in.is_object()) return Bad(path, "expected an object");
      if (!shape.value || !shape.value->shape) return Bad(path, "has no value shape");
      Value out = Value::MakeMap();
      for (const auto& [key, item] : in.as_object()) {
        auto converted = Convert(item, *shape.value->shape, Join(path, key), depth + 1);
        if (!converted) return converted.error();
        out.Set(std::string(key), std::move(converted).value());
      }
      return out;
    }
    case ShapeType::kString:
      if (!in.is_string()) return Bad(path, "expected a string");
      return Value(std::string(in.as_string()));
    case ShapeType::kBoolean:
      if (!in.is_bool()) return Bad(path, "expected true or false");
      return Value(in.as_bool());
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kBigInteger:
      if (in.is_int64()) return Value(in.as_int64());
      if (in.is_uint64() &&
          in.as_uint64() <= std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
        return Value(static_cast<std::int64_t>(in.as_uint64()));
      }
      if (in.is_double() && std::trunc(in.as_double()) == in.as_double() &&
          std::fabs(in.as_double()) < 9.0e15) {
        return Value(static_cast<std::int64_t>(in.as_double()));
      }
      return Bad(path, "expected an integer");
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigDecimal:
      if (in.is_int64()) return Value(static_cast<double>(in.as_int64()));
      if (in.is_uint64()) return Value(static_cast<double>(in.as_uint64()));
      if (in.is_double()) return Value(in.as_double());
      return Bad(path, "expected a number");
    case ShapeType::kTimestamp: {
      if (in.is_string()) {
        auto millis = ParseIso8601(in.as_string());
        if (!millis) return Bad(path, "expected an ISO 8601 timestamp");
        return Value(protocol::Timestamp{*millis});
      }
      double seconds = 0;
      if (in.is_int64()) {
        seconds = static_cast<double>(in.as_int64());
      } else if (in.is_uint64()) {
        seconds = static_cast<double>(in.as_uint64());
      } else if (in.is_double()) {
        seconds = in.as_double();
      } else {
        return Bad(path, "expected a timestamp (ISO 8601 or epoch seconds)");
      }
      if (!std::isfinite(seconds) || std::fabs(seconds) > 1.0e13) {
        return Bad(path, "timestamp out of range");
      }
      return Value(protocol::Timestamp{static_cast<std::int64_t>(std::llround(seconds * 1000))});
    }
    case ShapeType::kBlob: {
      if (!in.is_string()) return Bad(path, "expected a base64 string");
      auto bytes = Base64Decode(in.as_string());
      if (!bytes) return Bad(path, "is not valid base64");
      return Value(protocol::Blob{std::move(*bytes)});
    }
  }
  return Bad(path, "has an unsupported shape");
}

json::value Render(const Value& value, const Shape* shape) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return nullptr;
    case Value::Kind::kBool:
      return value.as_bool();
    case Value::Kind::kInteger:
      return value.as_integer();
    case Value::Kind::kDouble:
      return value.as_double();
    case Value::Kind::kString:
      return json::string(value.as_string());
    case Value::Kind::kBlob:
      return json::string(Base64Encode(value.as_blob().bytes));
    case Value::Kind::kTimestamp:
      return json::string(FormatIso8601(value.as_timestamp().epoch_millis));
    case Value::Kind::kList: {
      json::array out;
      const Shape* item = shape && shape->member ? shape->member->shape : nullptr;
      for (const Value& v : value.as_list()) out.push_back(Render(v, item));
      return out;
    }
    case Value::Kind::kMap: {
      json::object out;
      const Shape* item = shape && shape->value ? shape->value->shape : nullptr;
      for (const auto& [key, v] : value.entries()) out[key] = Render(v, item);
      return out;
    }
    case Value::Kind::kStructure: {
      json::object out;
      for (const auto& [name, v] : value.entries()) {
        const protocol::Member* member = shape ? shape->FindMember(name) : nullptr;
        out[name] = Render(v, member ? member->shape : nullptr);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

Result<Value> JsonToValue(const json::value& in, const Shape* shape) {
  if (!shape) {
    if (!in.is_object() || !in.as_object().empty()) {
      return Bad("", "this operation takes no input members");
    }
    return Value::MakeStructure();
  }
  return Convert(in, *shape, "", 0);
}

json::value ValueToJson(const Value& value, const Shape* shape) { return Render(value, shape); }

}  // namespace tw::console
