// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/compiler.h"

#include <utility>

#include "common/strings.h"
#include "iam/policy/parser.h"
#include "iam/policy/validator.h"

namespace tw::iam::policy {
namespace {

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "arn:aws:iam::123456789012:root" -> "123456789012"; empty otherwise.
std::string_view RootArnAccount(std::string_view arn) {
  std::string_view parts[6];
  if (!SplitArn(arn, parts) || parts[0] != "arn" || parts[2] != "iam" || parts[5] != "root") {
    return {};
  }
  return parts[4];
}

PrincipalMatch MatchEntry(PrincipalType type, std::string_view value, const RequestPrincipal& p) {
  switch (type) {
    case PrincipalType::kAws: {
      // "Principal": {"AWS": "*"} is equivalent to "Principal": "*" (Principal element page).
      if (value == "*") return PrincipalMatch::kAnyone;
      if (p.kind == CallerKind::kAnonymous || p.kind == CallerKind::kService) {
        return PrincipalMatch::kNone;
      }
      std::string_view account = IsAccountId(value) ? value : RootArnAccount(value);
      if (!account.empty()) {
        return account == p.account_id ? PrincipalMatch::kAccount : PrincipalMatch::kNone;
      }
      if (p.kind == CallerKind::kAssumedRole && !p.role_arn.empty() && value == p.role_arn) {
        return PrincipalMatch::kRole;
      }
      return value == p.arn ? PrincipalMatch::kDirect : PrincipalMatch::kNone;
    }
    case PrincipalType::kService:
      return p.kind == CallerKind::kService && value == p.service ? PrincipalMatch::kDirect
                                                                  : PrincipalMatch::kNone;
    case PrincipalType::kFederated:
      return !p.federated_provider.empty() && value == p.federated_provider
                 ? PrincipalMatch::kDirect
                 : PrincipalMatch::kNone;
    case PrincipalType::kCanonicalUser:
      return !p.canonical_user.empty() && value == p.canonical_user ? PrincipalMatch::kDirect
                                                                    : PrincipalMatch::kNone;
  }
  return PrincipalMatch::kNone;
}

}  // namespace

bool CompiledStatement::MatchesAction(std::string_view lower_action) const {
  bool listed = false;
  for (const Pattern& p : actions) {
    if (p.Matches(lower_action, nullptr)) {
      listed = true;
      break;
    }
  }
  return listed != not_action;
}

bool CompiledStatement::MatchesResource(std::string_view resource,
                                        const VariableSource* variables) const {
  if (!has_resource) return true;
  bool listed = false;
  for (const ArnPattern& p : resources) {
    if (p.Matches(resource, variables)) {
      listed = true;
      break;
    }
  }
  return listed != not_resource;
}

PrincipalMatch CompiledStatement::MatchPrincipal(const RequestPrincipal& p) const {
  // A resource-based statement without Principal applies to nobody.
  if (!has_principal) return PrincipalMatch::kNone;
  PrincipalMatch best = PrincipalMatch::kNone;
  if (principal.any) {
    best = PrincipalMatch::kAnyone;
  } else {
    for (const auto& [type, value] : principal.entries) {
      PrincipalMatch m = MatchEntry(type, value, p);
      if (m > best) best = m;
    }
  }
  if (!not_principal) return best;
  // NotPrincipal: everyone except those listed. Naming the account in NotPrincipal excludes only
  // the account root user, not the account's users and roles (NotPrincipal element page).
  if (best == PrincipalMatch::kAccount && p.kind != CallerKind::kAccountRoot) {
    return PrincipalMatch::kAnyone;
  }
  return best == PrincipalMatch::kNone ? PrincipalMatch::kAnyone : PrincipalMatch::kNone;
}

CompiledPolicy CompileDocument(const PolicyDocument& document) {
  CompiledPolicy policy;
  policy.version = document.version;
  policy.id = document.id;
  bool variables = document.version == PolicyVersion::k2012;
  std::uint16_t index = 0;
  for (const Statement& s : document.statements) {
    CompiledStatement c;
    c.index = index++;
    c.sid = s.sid;
    c.effect = s.effect;
    c.not_action = s.not_action;
    PatternOptions action_options{.wildcards = true, .variables = false, .case_insensitive = false};
    for (const std::string& a : s.actions) {
      c.actions.push_back(Pattern::Compile(ToLower(a), action_options));
    }
    c.has_resource = s.has_resource;
    c.not_resource = s.not_resource;
    for (const std::string& r : s.resources)
      c.resources.push_back(ArnPattern::Compile(r, variables));
    c.has_principal = s.has_principal;
    c.not_principal = s.not_principal;
    c.principal = s.principal;
    for (const ConditionClause& clause : s.conditions) {
      c.conditions.push_back(CompiledCondition::Compile(clause, document.version));
    }
    policy.statements.push_back(std::move(c));
  }
  return policy;
}

Result<CompiledPolicy> CompilePolicy(std::string_view json) {
  Result<PolicyDocument> document = ParsePolicyDocument(json);
  if (!document) return std::move(document).error();
  if (Status dates = CheckDateValues(*document); !dates) return std::move(dates).error();
  return CompileDocument(*document);
}

}  // namespace tw::iam::policy
