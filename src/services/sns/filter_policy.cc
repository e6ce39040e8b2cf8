// SPDX-License-Identifier: Apache-2.0
#include "services/sns/filter_policy.h"

#include <algorithm>
#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <vector>

#include "common/strings.h"

namespace tw::services::sns {
namespace {

namespace json = boost::json;

AwsError PolicyError(std::string reason) {
  return AwsError::Make("InvalidParameter", 400,
                        "Invalid parameter: FilterPolicy: " + std::move(reason));
}

std::optional<double> AsNumber(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nullopt;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

Status ValidateNumeric(const json::value& v) {
  if (!v.is_array() || v.as_array().empty()) return PolicyError("numeric must be a list");
  const auto& a = v.as_array();
  if (a.size() != 2 && a.size() != 4) return PolicyError("Value of numeric must be a list");
  for (std::size_t i = 0; i < a.size(); i += 2) {
    if (!a[i].is_string()) return PolicyError("Unrecognized numeric range operator");
    std::string_view op = a[i].as_string();
    if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") {
      return PolicyError("Unrecognized numeric range operator: " + std::string(op));
    }
    if (!AsNumber(a[i + 1])) return PolicyError("Value of " + std::string(op) + " must be numeric");
  }
  return {};
}

Status ValidateCondition(const json::value& c) {
  if (c.is_string() || AsNumber(c) || c.is_null()) return {};
  if (!c.is_object() || c.as_object().size() != 1) {
    return PolicyError("Match value must be String, number, true, false, or null");
  }
  const auto& [key, value] = *c.as_object().begin();
  if (key == "numeric") return ValidateNumeric(value);
  if (key == "prefix" || key == "suffix" || key == "equals-ignore-case") {
    if (!value.is_string())
      return PolicyError(std::string(key) + " match pattern must be a string");
    return {};
  }
  if (key == "exists") {
    if (!value.is_bool()) return PolicyError("exists match pattern must be either true or false.");
    return {};
  }
  if (key == "anything-but") {
    if (value.is_string() || AsNumber(value)) return {};
    if (value.is_array()) {
      for (const auto& item : value.as_array()) {
        if (!item.is_string() && !AsNumber(item)) {
          return PolicyError("Inside anything but list, start|null|boolean is not supported.");
        }
      }
      return {};
    }
    if (value.is_object() && value.as_object().size() == 1 &&
        value.as_object().contains("prefix") && value.as_object().at("prefix").is_string()) {
      return {};
    }
    return PolicyError("Value of anything-but must be an array or single string/number value.");
  }
  return PolicyError("Unrecognized match type " + std::string(key));
}

Status ValidateObject(const json::object& policy, int depth) {
  if (policy.empty()) return PolicyError("Empty policy");
  for (const auto& [key, value] : policy) {
    if (key == "$or") {
      if (!value.is_array() || value.as_array().size() < 2) {
        return PolicyError("Or relationship must contain at least two policies");
      }
      for (const auto& sub : value.as_array()) {
        if (!sub.is_object()) return PolicyError("Or relationship items must be objects");
        if (Status st = ValidateObject(sub.as_object(), depth + 1); !st) return st;
      }
      continue;
    }
    if (value.is_object()) {
      if (depth > 5) return PolicyError("Filter policy is too deep");
      if (Status st = ValidateObject(value.as_object(), depth + 1); !st) return st;
      continue;
    }
    if (!value.is_array()) {
      return PolicyError("\"" + std::string(key) + "\" must be an object or an array");
    }
    for (const auto& condition : value.as_array()) {
      if (Status st = ValidateCondition(condition); !st) return st;
    }
  }
  return {};
}

bool NumericMatch(const json::array& a, double x) {
  for (std::size_t i = 0; i + 1 < a.size(); i += 2) {
    std::string_view op = a[i].as_string();
    double bound = *AsNumber(a[i + 1]);
    bool ok = op == "="    ? x == bound
              : op == "<"  ? x < bound
              : op == "<=" ? x <= bound
              : op == ">"  ? x > bound
                           : x >= bound;
    if (!ok) return false;
  }
  return true;
}

bool Equal(const json::value& a, const json::value& b) {
  auto na = AsNumber(a), nb = AsNumber(b);
  if (na && nb) return *na == *nb;
  if (a.is_string() && b.is_string()) return a.as_string() == b.as_string();
  return a == b;
}

// One condition against the values present for a key (none when the key is absent).
bool ConditionMatches(const json::value& c, const std::vector<json::value>& values) {
  if (c.is_object()) {
    const auto& [key, arg] = *c.as_object().begin();
    if (key == "exists") return arg.as_bool() == !values.empty();
    if (key == "anything-but") {
      if (values.empty()) return true;
      for (const auto& v : values) {
        bool excluded = false;
        if (arg.is_object()) {
          excluded =
              v.is_string() && StartsWith(v.as_string(), arg.as_object().at("prefix").as_string());
        } else if (arg.is_array()) {
          for (const auto& item : arg.as_array()) excluded = excluded || Equal(item, v);
        } else {
          excluded = Equal(arg, v);
        }
        if (!excluded) return true;
      }
      return false;
    }
    for (const auto& v : values) {
      if (key == "numeric") {
        if (auto x = AsNumber(v); x && NumericMatch(arg.as_array(), *x)) return true;
      } else if (v.is_string()) {
        std::string_view s = v.as_string();
        std::string_view p = arg.as_string();
        if (key == "prefix" && StartsWith(s, p)) return true;
        if (key == "suffix" && EndsWith(s, p)) return true;
        if (key == "equals-ignore-case" && IEquals(s, p)) return true;
      }
    }
    return false;
  }
  for (const auto& v : values) {
    if (Equal(c, v)) return true;
  }
  return false;
}

bool KeyMatches(const json::value& conditions, const std::vector<json::value>& values) {
  for (const auto& c : conditions.as_array()) {
    if (ConditionMatches(c, values)) return true;
  }
  return false;
}

bool BodyObjectMatches(const json::object& policy, const json::object* body);

std::vector<json::value> BodyValues(const json::object* body, std::string_view key) {
  std::vector<json::value> out;
  if (!body) return out;
  auto it = body->find(key);
  if (it == body->end()) return out;
  if (it->value().is_array()) {
    for (const auto& v : it->value().as_array()) out.push_back(v);
  } else {
    out.push_back(it->value());
  }
  return out;
}

bool BodyObjectMatches(const json::object& policy, const json::object* body) {
  for (const auto& [key, value] : policy) {
    if (key == "$or") {
      bool any = false;
      for (const auto& sub : value.as_array())
        any = any || BodyObjectMatches(sub.as_object(), body);
      if (!any) return false;
    } else if (value.is_object()) {
      const json::object* nested = nullptr;
      if (body) {
        auto it = body->find(key);
        if (it != body->end() && it->value().is_object()) nested = &it->value().as_object();
      }
      if (!BodyObjectMatches(value.as_object(), nested)) return false;
    } else if (!KeyMatches(value, BodyValues(body, key))) {
      return false;
    }
  }
  return true;
}

std::vector<json::value> AttributeValues(const MessageAttributes& attributes,
                                         std::string_view key) {
  std::vector<json::value> out;
  auto it = attributes.find(std::string(key));
  if (it == attributes.end()) return out;
  const auto& a = it->second;
  if (StartsWith(a.data_type, "String.Array")) {
    boost::system::error_code ec;
    auto parsed = json::parse(a.value, ec);
    if (!ec && parsed.is_array()) {
      for (const auto& v : parsed.as_array()) out.push_back(v);
      return out;
    }
  }
  if (StartsWith(a.data_type, "Number")) {
    try {
      out.emplace_back(std::stod(a.value));
      return out;
    } catch (const std::exception&) {
    }
  }
  out.emplace_back(a.value);
  return out;
}

bool AttributeObjectMatches(const json::object& policy, const MessageAttributes& attributes) {
  for (const auto& [key, value] : policy) {
    if (key == "$or") {
      bool any = false;
      for (const auto& sub : value.as_array()) {
        any = any || AttributeObjectMatches(sub.as_object(), attributes);
      }
      if (!any) return false;
    } else if (!value.is_array() || !KeyMatches(value, AttributeValues(attributes, key))) {
      return false;
    }
  }
  return true;
}

std::optional<json::object> ParsePolicy(std::string_view policy) {
  boost::system::error_code ec;
  auto parsed = json::parse(policy, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  return parsed.as_object();
}

}  // namespace

namespace {

// The "total combination of values" of SNS's filter policy constraints: each leaf array counts
// its number of values times the depth of its key (1 at the top), the leaves of one object
// multiply, and the branches of "$or" add up (SNS Developer Guide, "Filter policy constraints").
double Combinations(const json::object& object, int depth) {
  double product = 1;
  for (const auto& [key, value] : object) {
    if (key == "$or" && value.is_array()) {
      double sum = 0;
      for (const auto& branch : value.as_array()) {
        if (branch.is_object()) sum += Combinations(branch.as_object(), depth);
      }
      product *= sum;
    } else if (value.is_object()) {
      product *= Combinations(value.as_object(), depth + 1);
    } else if (value.is_array()) {
      product *= static_cast<double>(depth) * static_cast<double>(value.as_array().size());
    }
  }
  return product;
}

// The keys that count towards the five-key limit: the top-level keys, with the largest "$or"
// branch standing in for the "$or" key.
std::size_t CountedKeys(const json::object& object) {
  std::size_t keys = 0;
  std::size_t widest_branch = 0;
  for (const auto& [key, value] : object) {
    if (key == "$or" && value.is_array()) {
      for (const auto& branch : value.as_array()) {
        if (branch.is_object())
          widest_branch = std::max(widest_branch, CountedKeys(branch.as_object()));
      }
    } else {
      ++keys;
    }
  }
  return keys + widest_branch;
}

bool HasNestedKeys(const json::object& object) {
  for (const auto& [key, value] : object) {
    if (key == "$or" && value.is_array()) {
      for (const auto& branch : value.as_array()) {
        if (branch.is_object() && HasNestedKeys(branch.as_object())) return true;
      }
    } else if (value.is_object()) {
      return true;
    }
  }
  return false;
}

}  // namespace

Status ValidateFilterPolicy(std::string_view policy) {
  if (policy.size() > 256 * 1024) return PolicyError("Filter policy is too long");
  boost::system::error_code ec;
  auto parsed = json::parse(policy, ec);
  if (ec) return PolicyError("failed to parse JSON. " + ec.message());
  if (!parsed.is_object()) return PolicyError("Filter policy must be a JSON object");
  if (parsed.as_object().empty()) return {};  // "{}" clears the policy
  if (Status st = ValidateObject(parsed.as_object(), 0); !st) return st;
  if (CountedKeys(parsed.as_object()) > kMaxFilterPolicyKeys) {
    return PolicyError("Filter policy can not have more than 5 keys");
  }
  if (Combinations(parsed.as_object(), 1) > kMaxFilterPolicyCombinations) {
    return PolicyError("Filter policy is too complex");
  }
  return {};
}

Status ValidateFilterPolicyScope(std::string_view policy, std::string_view scope) {
  if (scope == "MessageBody" || policy.empty()) return {};
  boost::system::error_code ec;
  auto parsed = json::parse(policy, ec);
  if (ec || !parsed.is_object()) return {};
  if (HasNestedKeys(parsed.as_object())) {
    return AwsError::Make(
        "InvalidParameter", 400,
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter "
        "policy");
  }
  return {};
}

bool MatchesAttributes(std::string_view policy, const MessageAttributes& attributes) {
  auto parsed = ParsePolicy(policy);
  if (!parsed || parsed->empty()) return true;
  return AttributeObjectMatches(*parsed, attributes);
}

bool MatchesBody(std::string_view policy, std::string_view body) {
  auto parsed = ParsePolicy(policy);
  if (!parsed || parsed->empty()) return true;
  boost::system::error_code ec;
  auto message = json::parse(body, ec);
  if (ec || !message.is_object()) return false;
  return BodyObjectMatches(*parsed, &message.as_object());
}

}  // namespace tw::services::sns
