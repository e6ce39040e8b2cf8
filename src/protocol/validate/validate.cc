// SPDX-License-Identifier: Apache-2.0
#include "protocol/validate/validate.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <set>
#include <utility>

#include "protocol/validate/pattern.h"
#include "protocol/validate/service_errors.h"

namespace tw::protocol {
namespace {

using Kind = ValidationFailure::Kind;

// AWS paths use the member name with only the first letter lowered: "SAMLOptions" becomes
// "sAMLOptions" ("advancedSecurityOptions.sAMLOptions.masterUserName" in OpenSearch errors).
std::string LowerFirst(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') {
    out[0] = static_cast<char>(out[0] - 'A' + 'a');
  }
  return out;
}

std::string Join(const std::string& parent, std::string_view child) {
  return parent.empty() ? std::string(child) : parent + "." + std::string(child);
}

std::string WireName(const Member& member) {
  return member.location_name.empty() ? member.name : member.location_name;
}

// The servers are Java: a string's length is String.length(), UTF-16 code units, so a
// character outside the Basic Multilingual Plane counts twice.
std::int64_t Utf16Length(std::string_view utf8) {
  std::int64_t units = 0;
  for (char c : utf8) {
    auto byte = static_cast<std::uint8_t>(c);
    if ((byte & 0xC0) == 0x80) continue;  // continuation byte
    units += (byte & 0xF8) == 0xF0 ? 2 : 1;
  }
  return units;
}

// Java's Double.toString: plain decimal in [1e-3, 1e7), else "d.dddE<exp>"; always a fraction.
std::string JavaDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buffer[64];
  double magnitude = std::fabs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    auto end = std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::fixed).ptr;
    std::string text(buffer, end);
    if (text.find('.') == std::string::npos) text += ".0";
    return text;
  }
  auto end = std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::scientific).ptr;
  std::string text(buffer, end);  // "1.5e+07", "1e-05"
  std::size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  std::string exponent = text.substr(e + 1);
  bool negative = exponent[0] == '-';
  exponent = exponent.substr(1);
  while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
  return mantissa + "E" + (negative ? "-" : "") + exponent;
}

bool IsIntegral(ShapeType type) {
  return type != ShapeType::kFloat && type != ShapeType::kDouble && type != ShapeType::kBigDecimal;
}

std::string FormatLimit(double limit, ShapeType type) {
  if (IsIntegral(type) && std::fabs(limit) < 9.2e18) {
    return std::to_string(static_cast<std::int64_t>(limit));
  }
  return JavaDouble(limit);
}

// java.util.Date.toString() in UTC, which is how a timestamp prints in a Java message.
std::string JavaDate(std::int64_t epoch_millis) {
  std::time_t seconds = static_cast<std::time_t>(epoch_millis / 1000);
  if (epoch_millis < 0 && epoch_millis % 1000 != 0) --seconds;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%a %b %d %H:%M:%S UTC %Y", &tm);
  return std::string(buffer, n);
}

// The value as AWS prints it between the quotes: Java's toString of the request object. Lists
// are "[a, b]" and maps "{k=v}" (java.util); structures use the AWS SDK for Java's POJO form
// "{Key: value,Other: value}" (an assumption: Coral's own toString is not public).
std::string Render(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBool:
      return value.as_bool() ? "true" : "false";
    case Value::Kind::kInteger:
      return std::to_string(value.as_integer());
    case Value::Kind::kDouble:
      return JavaDouble(value.as_double());
    case Value::Kind::kString:
      return value.as_string();
    case Value::Kind::kBlob: {
      // java.nio.ByteBuffer.toString() of a freshly wrapped buffer.
      std::string n = std::to_string(value.as_blob().bytes.size());
      return "java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]";
    }
    case Value::Kind::kTimestamp:
      return JavaDate(value.as_timestamp().epoch_millis);
    case Value::Kind::kList: {
      std::string out = "[";
      for (const Value& item : value.as_list()) {
        if (out.size() > 1) out += ", ";
        out += Render(item);
      }
      return out + "]";
    }
    case Value::Kind::kMap: {
      std::string out = "{";
      for (const auto& [key, item] : value.entries()) {
        if (out.size() > 1) out += ", ";
        out += key + "=" + Render(item);
      }
      return out + "}";
    }
    case Value::Kind::kStructure: {
      std::string out = "{";
      for (const auto& [key, item] : value.entries()) {
        if (out.size() > 1) out += ",";
        out += key + ": " + Render(item);
      }
      return out + "}";
    }
  }
  return {};
}

// A value that is or contains a sensitive shape is never echoed.
bool ContainsSensitive(const Shape& shape, std::set<const Shape*>& seen) {
  if (shape.sensitive) return true;
  if (!seen.insert(&shape).second) return false;
  for (const Member& m : shape.members) {
    if (ContainsSensitive(*m.shape, seen)) return true;
  }
  for (const Member* m : {shape.member.get(), shape.key.get(), shape.value.get()}) {
    if (m && ContainsSensitive(*m->shape, seen)) return true;
  }
  return false;
}

std::optional<std::string> Shown(const Shape& shape, const Value& value) {
  std::set<const Shape*> seen;
  if (ContainsSensitive(shape, seen)) return std::nullopt;
  return "'" + Render(value) + "'";
}

std::string LengthAtMost(double max) {
  return "Member must have length less than or equal to " + FormatLimit(max, ShapeType::kLong);
}
std::string LengthAtLeast(double min) {
  return "Member must have length greater than or equal to " + FormatLimit(min, ShapeType::kLong);
}
std::string ValueAtMost(double max, ShapeType type) {
  return "Member must have value less than or equal to " + FormatLimit(max, type);
}
std::string ValueAtLeast(double min, ShapeType type) {
  return "Member must have value greater than or equal to " + FormatLimit(min, type);
}
std::string PatternText(const Shape& shape) {
  return "Member must satisfy regular expression pattern: " + shape.pattern;
}
std::string EnumText(const Shape& shape) {
  std::string out = "Member must satisfy enum value set: [";
  for (std::size_t i = 0; i < shape.enum_values.size(); ++i) {
    if (i > 0) out += ", ";
    out += shape.enum_values[i];
  }
  return out + "]";
}

bool IsNumeric(ShapeType type) {
  switch (type) {
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigInteger:
    case ShapeType::kBigDecimal:
      return true;
    default:
      return false;
  }
}

// One constraint failure of a scalar, before it is placed at a path.
struct ScalarFailure {
  Kind kind;
  std::string constraint;
};

// The failures of one scalar value, in the order AWS lists them for a single member: pattern
// before length ("Value '' at 'roleArn' ... pattern ...; Value '' at 'roleArn' ... length
// greater than or equal to 20", STS), then enum. Values of the wrong kind are the codecs'
// business and not checked here.
std::vector<ScalarFailure> CheckScalar(const Shape& shape, const Value& value) {
  std::vector<ScalarFailure> out;
  if (shape.type == ShapeType::kString && value.is_string()) {
    const std::string& text = value.as_string();
    if (!shape.pattern.empty()) {
      auto compiled = CompilePattern(shape.pattern);
      if (!compiled) {
        out.push_back({Kind::kUnsupportedPattern, compiled.error().message});
      } else if (!(*compiled)->Matches(text)) {
        out.push_back({Kind::kPattern, PatternText(shape)});
      }
    }
    std::int64_t length = Utf16Length(text);
    if (shape.max && static_cast<double>(length) > *shape.max) {
      out.push_back({Kind::kLength, LengthAtMost(*shape.max)});
    }
    if (shape.min && static_cast<double>(length) < *shape.min) {
      out.push_back({Kind::kLength, LengthAtLeast(*shape.min)});
    }
    if (!shape.enum_values.empty()) {
      bool known = false;
      for (const std::string& e : shape.enum_values) known = known || e == text;
      if (!known) out.push_back({Kind::kEnum, EnumText(shape)});
    }
  } else if (shape.type == ShapeType::kBlob && value.is_blob()) {
    auto length = static_cast<double>(value.as_blob().bytes.size());
    if (shape.max && length > *shape.max) out.push_back({Kind::kLength, LengthAtMost(*shape.max)});
    if (shape.min && length < *shape.min) out.push_back({Kind::kLength, LengthAtLeast(*shape.min)});
  } else if (IsNumeric(shape.type) && value.is_number()) {
    // Limits in our models are small integers, exact as doubles, so comparing as double is
    // exact for every int64 that could be near them.
    double number = value.as_double();
    if (shape.max && number > *shape.max) {
      out.push_back({Kind::kRange, ValueAtMost(*shape.max, shape.type)});
    }
    if (shape.min && number < *shape.min) {
      out.push_back({Kind::kRange, ValueAtLeast(*shape.min, shape.type)});
    }
  }
  return out;
}

// Every constraint of a scalar shape, as AWS lists them for list items and map keys/values:
// "[Member must have length less than or equal to 64, Member must have length greater than or
// equal to 1, Member must satisfy regular expression pattern: [0-9a-zA-Z-]*]" (QuickSight,
// boto/boto3/issues/2601; CodePipeline, awslabs/aws-service-catalog-factory/issues/279).
std::string AllConstraints(const Shape& shape) {
  std::vector<std::string> parts;
  if (shape.type == ShapeType::kString || shape.type == ShapeType::kBlob) {
    if (shape.max) parts.push_back(LengthAtMost(*shape.max));
    if (shape.min) parts.push_back(LengthAtLeast(*shape.min));
  } else if (IsNumeric(shape.type)) {
    if (shape.max) parts.push_back(ValueAtMost(*shape.max, shape.type));
    if (shape.min) parts.push_back(ValueAtLeast(*shape.min, shape.type));
  }
  if (shape.type == ShapeType::kString && !shape.pattern.empty()) {
    parts.push_back(PatternText(shape));
  }
  if (shape.type == ShapeType::kString && !shape.enum_values.empty()) {
    parts.push_back(EnumText(shape));
  }
  std::string out = "[";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ", ";
    out += parts[i];
  }
  return out + "]";
}

// Where a value sits, as a chain of stack frames, rendered only when a failure is reported:
// valid requests (the common case) build no path strings at all.
struct PathNode {
  enum class Kind { kMember, kListItem, kMapValue };
  PathNode(const PathNode* parent_node, Kind node_kind) : parent(parent_node), kind(node_kind) {}

  const PathNode* parent = nullptr;
  Kind kind = Kind::kMember;
  const Member* member = nullptr;  // kMember
  std::size_t index = 0;           // kListItem, kMapValue: 1-based
  std::string_view item_wire;      // kListItem: "member" or the item's locationName
  std::string_view key;            // kMapValue
  bool flattened = false;          // kListItem, kMapValue (query wire form)
};

// AWS's path: "tags.1.member.key"; a structure-valued map entry is named by its key (no public
// example shows one failing, so this follows Java's Map.toString naming).
std::string AwsPath(const PathNode* node) {
  if (node == nullptr) return {};
  std::string segment;
  switch (node->kind) {
    case PathNode::Kind::kMember:
      segment = LowerFirst(node->member->name);
      break;
    case PathNode::Kind::kListItem:
      segment = std::to_string(node->index) + ".member";
      break;
    case PathNode::Kind::kMapValue:
      segment = std::string(node->key);
      break;
  }
  return Join(AwsPath(node->parent), segment);
}

// The query protocol's name for the same spot: "Tags.member.1.Key", "Attributes.entry.1.value".
std::string QueryPath(const PathNode* node) {
  if (node == nullptr) return {};
  std::string segment;
  switch (node->kind) {
    case PathNode::Kind::kMember:
      segment = WireName(*node->member);
      break;
    case PathNode::Kind::kListItem:
      segment = node->flattened ? std::to_string(node->index)
                                : std::string(node->item_wire) + "." + std::to_string(node->index);
      break;
    case PathNode::Kind::kMapValue:
      segment = (node->flattened ? "" : "entry.") + std::to_string(node->index) + "." +
                std::string(node->item_wire);
      break;
  }
  return Join(QueryPath(node->parent), segment);
}

class Walker {
 public:
  std::vector<ValidationFailure> Take() { return std::move(failures_); }

  void Structure(const Shape& shape, const Value& value, const PathNode* path) {
    for (const Member& member : shape.members) {
      const Value* v = value.is_object() ? value.Find(member.name) : nullptr;
      PathNode node(path, PathNode::Kind::kMember);
      node.member = &member;
      if (v == nullptr || v->is_null()) {
        if (member.required) {
          std::set<const Shape*> seen;
          Add(Kind::kMissing, &node, member,
              ContainsSensitive(*member.shape, seen) ? std::nullopt
                                                     : std::optional<std::string>("null"),
              "Member must not be null", false);
        }
        continue;
      }
      Check(member, *member.shape, *v, &node);
    }
  }

 private:
  void Add(Kind kind, const PathNode* path, const Member& owner,
           std::optional<std::string> rendered, std::string constraint, bool empty_string) {
    failures_.push_back({kind, AwsPath(path), QueryPath(path), std::move(rendered),
                         std::move(constraint), &owner, empty_string});
  }

  // True when the scalar breaks a constraint of its shape. Unsupported patterns are reported on
  // their own (at `path`) so they are never mistaken for a 400.
  bool ScalarFails(const Shape& shape, const Value& item, const Member& owner,
                   const PathNode* path) {
    bool fails = false;
    for (ScalarFailure& f : CheckScalar(shape, item)) {
      if (f.kind == Kind::kUnsupportedPattern) {
        Add(f.kind, path, owner, std::nullopt, std::move(f.constraint), false);
      } else {
        fails = true;
      }
    }
    return fails;
  }

  void CheckCount(const Member& owner, const Shape& shape, const Value& value, std::size_t count,
                  const PathNode* path) {
    auto n = static_cast<double>(count);
    if (shape.max && n > *shape.max) {
      Add(Kind::kLength, path, owner, Shown(shape, value), LengthAtMost(*shape.max), false);
    }
    if (shape.min && n < *shape.min) {
      Add(Kind::kLength, path, owner, Shown(shape, value), LengthAtLeast(*shape.min), false);
    }
  }

  void Check(const Member& owner, const Shape& shape, const Value& value, const PathNode* path) {
    switch (shape.type) {
      case ShapeType::kStructure:
        Structure(shape, value, path);
        return;
      case ShapeType::kList:
        if (value.is_list()) List(owner, shape, value, path);
        return;
      case ShapeType::kMap:
        if (value.is_map() || value.is_structure()) Map(owner, shape, value, path);
        return;
      default:
        for (ScalarFailure& f : CheckScalar(shape, value)) {
          bool empty = value.is_string() && value.as_string().empty();
          Add(f.kind, path, owner, Shown(shape, value), std::move(f.constraint), empty);
        }
        return;
    }
  }

  void List(const Member& owner, const Shape& shape, const Value& value, const PathNode* path) {
    const Value::List& items = value.as_list();
    // The list's own length first, then its items ("2 validation errors detected: <length>;
    // <enum at .2.>", Cognito, floci-io/floci/pull/2867).
    CheckCount(owner, shape, value, items.size(), path);
    const Member& item_member = *shape.member;
    const Shape& item = *item_member.shape;
    if (item.IsScalar()) {
      // Scalar items are judged together at the list: "Value '[CAPABILITY_IAM, ...]' at
      // 'capabilities' failed to satisfy constraint: Member must satisfy constraint: [Member
      // must satisfy enum value set: [...]]" (CloudFormation,
      // CodeGenieApp/serverless-express/issues/59).
      bool fails = false;
      for (const Value& v : items) {
        if (!v.is_null()) fails |= ScalarFails(item, v, owner, path);
      }
      if (fails) {
        Add(Kind::kListItems, path, owner, Shown(shape, value),
            "Member must satisfy constraint: " + AllConstraints(item), false);
      }
      return;
    }
    PathNode node(path, PathNode::Kind::kListItem);
    node.item_wire = item_member.location_name.empty()
                         ? std::string_view("member")
                         : std::string_view(item_member.location_name);
    node.flattened = shape.flattened || owner.flattened;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].is_null()) continue;
      node.index = i + 1;
      Check(owner, item, items[i], &node);
    }
  }

  void Map(const Member& owner, const Shape& shape, const Value& value, const PathNode* path) {
    const Value::Entries& entries = value.entries();
    CheckCount(owner, shape, value, entries.size(), path);
    const Shape& key_shape = *shape.key->shape;
    const Shape& value_shape = *shape.value->shape;
    PathNode node(path, PathNode::Kind::kMapValue);
    node.item_wire = shape.value->location_name.empty()
                         ? std::string_view("value")
                         : std::string_view(shape.value->location_name);
    node.flattened = shape.flattened || owner.flattened;
    bool keys_fail = false;
    bool values_fail = false;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto& [key, item] = entries[i];
      keys_fail |= ScalarFails(key_shape, Value(key), owner, path);
      if (item.is_null()) continue;
      if (value_shape.IsScalar()) {
        values_fail |= ScalarFails(value_shape, item, owner, path);
      } else {
        node.index = i + 1;
        node.key = key;
        Check(owner, value_shape, item, &node);
      }
    }
    // "Map keys must satisfy constraint: [...]" (boto/boto3/issues/2601) and "Map value must
    // satisfy constraint: [...]" (awslabs/aws-service-catalog-factory/issues/279).
    if (keys_fail) {
      Add(Kind::kMapKeys, path, owner, Shown(shape, value),
          "Map keys must satisfy constraint: " + AllConstraints(key_shape), false);
    }
    if (values_fail) {
      Add(Kind::kMapValues, path, owner, Shown(shape, value),
          "Map value must satisfy constraint: " + AllConstraints(value_shape), false);
    }
  }

  std::vector<ValidationFailure> failures_;
};

std::string FrameworkMessage(const std::vector<ValidationFailure>& failures) {
  // "1 validation error detected: ..." / "2 validation errors detected: ...; ...", no trailing
  // period (STS raw XML in JuliaCloud/AWSCore.jl/pull/38, newscorpaus/consigliere/issues/18).
  std::string out =
      std::to_string(failures.size()) +
      (failures.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (std::size_t i = 0; i < failures.size(); ++i) {
    if (i > 0) out += "; ";
    out += DescribeFailure(failures[i]);
  }
  return out;
}

bool IsMissingForCloudWatch(const ValidationFailure& f) {
  // CloudWatch's query front end treats an empty parameter as absent: "Dimensions.member.1.Value="
  // is answered with "The parameter ...Value is required." (amazon-kinesis-producer/issues/393).
  return f.kind == Kind::kMissing ||
         (f.kind == Kind::kLength && f.empty_string && f.member != nullptr && f.member->required);
}

}  // namespace

std::vector<ValidationFailure> Validate(const Shape& input, const Value& value) {
  Walker walker;
  if (input.type == ShapeType::kStructure) walker.Structure(input, value, nullptr);
  return walker.Take();
}

std::string DescribeFailure(const ValidationFailure& failure) {
  std::string out = "Value ";
  if (failure.rendered_value) out += *failure.rendered_value + " ";
  out += "at '" + failure.path + "' failed to satisfy constraint: " + failure.constraint;
  return out;
}

AwsError ValidationErrorFor(const ServiceModel& service,
                            const std::vector<ValidationFailure>& failures) {
  for (const ValidationFailure& f : failures) {
    if (f.kind == Kind::kUnsupportedPattern) {
      return AwsError::From(ErrorCode::kInternalFailure, f.constraint);
    }
  }
  const ServiceValidationErrors& row = ValidationErrorsOf(service.name());
  switch (row.style) {
    case ValidationStyle::kFramework:
      return AwsError::From(row.code, FrameworkMessage(failures));
    case ValidationStyle::kCloudWatch: {
      std::string message;
      for (const ValidationFailure& f : failures) {
        if (!IsMissingForCloudWatch(f)) continue;
        if (!message.empty()) message += "\n";
        message += "The parameter " + f.query_path + " is required.";
      }
      if (!message.empty()) return AwsError::From(row.missing_code, std::move(message));
      return AwsError::From(row.code, FrameworkMessage(failures));
    }
    case ValidationStyle::kS3: {
      for (const ValidationFailure& f : failures) {
        if (f.kind == Kind::kMissing && f.member != nullptr &&
            f.member->location == Location::kBody) {
          return AwsError::From(row.missing_code,
                                "The XML you provided was not well-formed or did not validate "
                                "against our published schema");
        }
      }
      return AwsError::From(row.code, FrameworkMessage(failures));
    }
  }
  return AwsError::From(row.code, FrameworkMessage(failures));
}

Status ValidateInput(const ServiceModel& service, const Operation& operation, const Value& input) {
  if (operation.input == nullptr) return {};
  std::vector<ValidationFailure> failures = Validate(*operation.input, input);
  if (failures.empty()) return {};
  return ValidationErrorFor(service, failures);
}

}  // namespace tw::protocol
