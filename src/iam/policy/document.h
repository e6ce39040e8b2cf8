// SPDX-License-Identifier: Apache-2.0
// The policy document as written (the AST): what the parser produces from JSON and what the
// validator and the compiler read. Values keep their original spelling so error messages can quote
// them; the compiler derives the fast matching form. Plain values; thread-compatible.
// Grammar: IAM User Guide, "Grammar of the IAM JSON policy language"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "iam/policy/condition_operator.h"

namespace tw::iam::policy {

// "Version": absent, "2008-10-17" or "2012-10-17". Policy variables are substituted only in
// 2012-10-17 documents (IAM User Guide, "IAM policy elements: Variables and tags").
enum class PolicyVersion : std::uint8_t { kAbsent, k2008, k2012 };

enum class Effect : std::uint8_t { kAllow, kDeny };

// The keys of a Principal object. "*" on its own is PrincipalSpec::any.
enum class PrincipalType : std::uint8_t { kAws, kService, kFederated, kCanonicalUser };

struct PrincipalSpec {
  bool any = false;          // "Principal": "*"
  bool string_form = false;  // "Principal": "<not *>": invalid grammar, rejected by the validator
  std::vector<std::pair<PrincipalType, std::string>> entries;
};

// One key under one operator: "StringEquals": {"aws:username": ["a", "b"]}.
struct ConditionClause {
  std::string op_text;  // as written, for messages
  ConditionOperator op;
  std::string key;                  // as written (matching is case-insensitive)
  std::vector<std::string> values;  // JSON numbers and booleans are kept as their text
};

struct Statement {
  std::optional<std::string> sid;
  Effect effect = Effect::kAllow;
  std::string effect_text;  // as written: the legacy parser rejects "allow" after syntax passes

  bool has_action = false;
  bool not_action = false;
  std::vector<std::string> actions;

  bool has_resource = false;
  bool not_resource = false;
  std::vector<std::string> resources;

  bool has_principal = false;
  bool not_principal = false;
  PrincipalSpec principal;

  std::vector<ConditionClause> conditions;
  // Operators not recognised but with an empty body ("Condition": {"x": {}}): IAM accepts them and
  // they constrain nothing, so they are kept only for the record.
  std::vector<std::string> empty_unknown_operators;
};

struct PolicyDocument {
  PolicyVersion version = PolicyVersion::kAbsent;
  std::optional<std::string> id;
  bool statement_is_array = false;
  std::vector<Statement> statements;
};

}  // namespace tw::iam::policy
