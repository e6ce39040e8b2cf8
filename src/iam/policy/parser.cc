// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/parser.h"

#include <simdjson.h>

#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tw::iam::policy {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Every grammar error carries the same AWS message, so the helpers below return bool and the
// public function turns false into the AwsError.
template <typename T>
using Parsed = std::optional<T>;

bool HasDuplicateKeys(simdjson::dom::object object) {
  // Policy objects are small; a linear scan beats hashing for the usual 2-9 keys.
  std::vector<std::string_view> seen;
  for (auto field : object) {
    for (std::string_view key : seen) {
      if (key == field.key) return true;
    }
    seen.push_back(field.key);
  }
  return false;
}

// JSON scalars in condition values keep their text: IAM compares a JSON number 10 and the string
// "10" alike, and a JSON true like "true".
Parsed<std::string> ScalarText(element value) {
  switch (value.type()) {
    case element_type::STRING:
      return std::string(std::string_view(value.get_string()));
    case element_type::INT64:
      return std::to_string(int64_t(value.get_int64()));
    case element_type::UINT64:
      return std::to_string(uint64_t(value.get_uint64()));
    case element_type::DOUBLE: {
      double d = double(value.get_double());
      char buffer[64];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
      if (ec != std::errc()) return std::nullopt;
      return std::string(buffer, end);
    }
    case element_type::BOOL:
      return std::string(bool(value.get_bool()) ? "true" : "false");
    default:
      return std::nullopt;
  }
}

// Action, Resource and the Principal values: a string or an array of strings.
bool StringOrStrings(element value, std::vector<std::string>& out) {
  if (value.type() == element_type::STRING) {
    out.emplace_back(std::string_view(value.get_string()));
    return true;
  }
  if (value.type() != element_type::ARRAY) return false;
  for (element item : simdjson::dom::array(value)) {
    if (item.type() != element_type::STRING) return false;
    out.emplace_back(std::string_view(item.get_string()));
  }
  return true;
}

bool ParsePrincipal(element value, PrincipalSpec& out) {
  if (value.type() == element_type::STRING) {
    std::string_view text = value.get_string();
    if (text == "*") {
      out.any = true;
      return true;
    }
    // "Principal": "arn:..." is not IAM grammar; it is kept (as an AWS principal) so that the
    // validator can reject it with IAM's message and so that evaluation of an unvalidated
    // document reads it the only sensible way.
    out.string_form = true;
    out.entries.emplace_back(PrincipalType::kAws, std::string(text));
    return true;
  }
  if (value.type() != element_type::OBJECT) return false;
  simdjson::dom::object object(value);
  if (HasDuplicateKeys(object) || object.size() == 0) return false;
  for (auto field : object) {
    PrincipalType type;
    if (field.key == "AWS") {
      type = PrincipalType::kAws;
    } else if (field.key == "Service") {
      type = PrincipalType::kService;
    } else if (field.key == "Federated") {
      type = PrincipalType::kFederated;
    } else if (field.key == "CanonicalUser") {
      type = PrincipalType::kCanonicalUser;
    } else {
      return false;
    }
    std::vector<std::string> values;
    if (!StringOrStrings(field.value, values)) return false;
    for (auto& v : values) out.entries.emplace_back(type, std::move(v));
  }
  return true;
}

bool ParseCondition(element value, Statement& statement) {
  if (value.type() != element_type::OBJECT) return false;
  simdjson::dom::object operators(value);
  if (HasDuplicateKeys(operators)) return false;
  for (auto op_field : operators) {
    if (op_field.value.type() != element_type::OBJECT) return false;
    simdjson::dom::object keys(op_field.value);
    if (HasDuplicateKeys(keys)) return false;
    std::optional<ConditionOperator> op = ParseConditionOperator(op_field.key);
    if (!op) {
      // IAM accepts an unknown operator whose block is empty (it constrains nothing) and rejects
      // one with keys; an unknown operator is never evaluated as true or false here.
      if (keys.size() != 0) return false;
      statement.empty_unknown_operators.emplace_back(op_field.key);
      continue;
    }
    for (auto key_field : keys) {
      ConditionClause clause;
      clause.op_text = std::string(op_field.key);
      clause.op = *op;
      clause.key = std::string(key_field.key);
      if (key_field.value.type() == element_type::ARRAY) {
        for (element item : simdjson::dom::array(key_field.value)) {
          auto text = ScalarText(item);
          if (!text) return false;
          clause.values.push_back(std::move(*text));
        }
      } else {
        auto text = ScalarText(key_field.value);
        if (!text) return false;
        clause.values.push_back(std::move(*text));
      }
      statement.conditions.push_back(std::move(clause));
    }
  }
  return true;
}

bool ParseStatement(element value, Statement& out) {
  if (value.type() != element_type::OBJECT) return false;
  simdjson::dom::object object(value);
  if (HasDuplicateKeys(object)) return false;
  bool has_effect = false;
  for (auto field : object) {
    std::string_view key = field.key;
    if (key == "Sid") {
      if (field.value.type() != element_type::STRING) return false;
      out.sid = std::string(std::string_view(field.value.get_string()));
    } else if (key == "Effect") {
      if (field.value.type() != element_type::STRING) return false;
      out.effect_text = std::string(std::string_view(field.value.get_string()));
      // Case-insensitive here; the legacy stage rejects a wrong case with its own message.
      std::string lower;
      for (char c : out.effect_text) lower += static_cast<char>(std::tolower(c));
      if (lower == "allow") {
        out.effect = Effect::kAllow;
      } else if (lower == "deny") {
        out.effect = Effect::kDeny;
      } else {
        return false;
      }
      has_effect = true;
    } else if (key == "Action" || key == "NotAction") {
      if (out.has_action) return false;  // both Action and NotAction
      out.has_action = true;
      out.not_action = key == "NotAction";
      if (!StringOrStrings(field.value, out.actions)) return false;
    } else if (key == "Resource" || key == "NotResource") {
      if (out.has_resource) return false;
      out.has_resource = true;
      out.not_resource = key == "NotResource";
      if (!StringOrStrings(field.value, out.resources)) return false;
    } else if (key == "Principal" || key == "NotPrincipal") {
      if (out.has_principal) return false;
      out.has_principal = true;
      out.not_principal = key == "NotPrincipal";
      if (!ParsePrincipal(field.value, out.principal)) return false;
    } else if (key == "Condition") {
      if (!ParseCondition(field.value, out)) return false;
    } else {
      return false;
    }
  }
  return has_effect;
}

bool ParseDocument(element root, PolicyDocument& out) {
  if (root.type() != element_type::OBJECT) return false;
  simdjson::dom::object object(root);
  if (HasDuplicateKeys(object)) return false;
  bool has_statement = false;
  for (auto field : object) {
    std::string_view key = field.key;
    if (key == "Version") {
      if (field.value.type() != element_type::STRING) return false;
      std::string_view version = field.value.get_string();
      if (version == "2012-10-17") {
        out.version = PolicyVersion::k2012;
      } else if (version == "2008-10-17") {
        out.version = PolicyVersion::k2008;
      } else {
        return false;
      }
    } else if (key == "Id") {
      if (field.value.type() != element_type::STRING) return false;
      out.id = std::string(std::string_view(field.value.get_string()));
    } else if (key == "Statement") {
      has_statement = true;
      if (field.value.type() == element_type::OBJECT) {
        Statement statement;
        if (!ParseStatement(field.value, statement)) return false;
        out.statements.push_back(std::move(statement));
      } else if (field.value.type() == element_type::ARRAY) {
        out.statement_is_array = true;
        for (element item : simdjson::dom::array(field.value)) {
          Statement statement;
          if (!ParseStatement(item, statement)) return false;
          out.statements.push_back(std::move(statement));
        }
      } else {
        return false;
      }
    } else {
      return false;
    }
  }
  return has_statement && !out.statements.empty();
}

}  // namespace

AwsError MalformedPolicy(std::string message) {
  return AwsError::From(ErrorCode::kMalformedPolicyDocument, std::move(message));
}

Result<PolicyDocument> ParsePolicyDocument(std::string_view json) {
  // One parser per call: validation runs at write time, not per request, and a shared parser
  // would need a lock.
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) {
    return MalformedPolicy(std::string(kSyntaxErrorMessage));
  }
  PolicyDocument document;
  if (!ParseDocument(root, document)) return MalformedPolicy(std::string(kSyntaxErrorMessage));
  return document;
}

}  // namespace tw::iam::policy
