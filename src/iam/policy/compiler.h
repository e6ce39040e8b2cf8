// SPDX-License-Identifier: Apache-2.0
// PolicyDocument -> CompiledPolicy: the form evaluation runs on. Actions are lower-cased glob
// matchers (actions match case-insensitively), resources are ARN-segment matchers (case-sensitive),
// condition values are parsed once into numbers, dates, CIDRs, patterns. Compile a stored policy
// once (at write time or on first use) and share it: a CompiledPolicy is immutable and safe to
// evaluate from many threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "iam/policy/conditions.h"
#include "iam/policy/document.h"
#include "iam/policy/pattern.h"
#include "iam/policy/request.h"

namespace tw::iam::policy {

// How a resource-based policy statement's Principal names the caller; the evaluation logic
// differs (IAM User Guide, "Policy evaluation logic": a grant to the user or session ARN stands
// on its own, a grant to the role is still capped by boundary and session policies, a grant to
// the account is a delegation that the identity policies must confirm).
enum class PrincipalMatch : std::uint8_t { kNone, kAccount, kRole, kDirect, kAnyone };

struct CompiledStatement {
  std::uint16_t index = 0;  // position in the Statement array, 0-based
  std::optional<std::string> sid;
  Effect effect = Effect::kAllow;

  bool not_action = false;
  std::vector<Pattern> actions;  // lower-cased

  bool has_resource = false;
  bool not_resource = false;
  std::vector<ArnPattern> resources;

  bool has_principal = false;
  bool not_principal = false;
  PrincipalSpec principal;

  std::vector<CompiledCondition> conditions;

  // REQUIRES: lower_action is lower-case.
  bool MatchesAction(std::string_view lower_action) const;
  // has_resource false (trust policies): the statement is about the resource it is attached to.
  bool MatchesResource(std::string_view resource, const VariableSource* variables) const;
  PrincipalMatch MatchPrincipal(const RequestPrincipal& principal) const;
};

struct CompiledPolicy {
  PolicyVersion version = PolicyVersion::kAbsent;
  std::optional<std::string> id;
  std::vector<CompiledStatement> statements;
};

// Parses and compiles. Rejects what would make evaluation unsound (grammar errors, unknown
// operators, unparseable Date values) with the MalformedPolicyDocument error IAM gives; the
// kind-specific write-time rules are ValidatePolicyDocument's (stored policies passed it).
Result<CompiledPolicy> CompilePolicy(std::string_view json);
CompiledPolicy CompileDocument(const PolicyDocument& document);

}  // namespace tw::iam::policy
