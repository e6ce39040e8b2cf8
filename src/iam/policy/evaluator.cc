// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/evaluator.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace tw::iam::policy {
namespace {

struct LayerScan {
  bool allow = false;
  bool deny = false;
  PrincipalMatch best_allow_principal = PrincipalMatch::kNone;
};

class Scanner {
 public:
  Scanner(const Request& request, std::string_view lower_action, bool has_boundary,
          EvalResult& result)
      : request_(request),
        lower_action_(lower_action),
        has_boundary_(has_boundary),
        result_(result) {}

  // principal_aware: resource-style policies (resource, RCP, VPC endpoint) match the Principal
  // element; identity-style policies apply to the caller implicitly.
  // A VPC endpoint policy statement without Principal applies to every principal.
  LayerScan Scan(const std::vector<PolicyRef>& refs, PolicyType type, bool principal_aware) {
    LayerScan scan;
    for (const PolicyRef& ref : refs) {
      if (ref.policy == nullptr) continue;
      for (const CompiledStatement& s : ref.policy->statements) {
        PrincipalMatch principal = PrincipalMatch::kAnyone;
        if (!s.MatchesAction(lower_action_)) continue;
        // An identity-style statement without Resource is invalid and never applies; a trust
        // policy statement has none and applies to the role it is attached to.
        if (!principal_aware && !s.has_resource) continue;
        if (!s.MatchesResource(request_.resource, &request_.context)) continue;
        if (principal_aware && (s.has_principal || type != PolicyType::kVpcEndpoint)) {
          principal = s.MatchPrincipal(request_.principal);
          // NotPrincipal with Deny always denies a principal that has a permissions boundary
          // (IAM User Guide, "AWS JSON policy elements: NotPrincipal").
          if (principal == PrincipalMatch::kNone && s.not_principal && s.effect == Effect::kDeny &&
              has_boundary_) {
            principal = PrincipalMatch::kAnyone;
          }
          if (principal == PrincipalMatch::kNone) continue;
        }
        if (!ConditionsHold(s)) continue;
        MatchedStatement m{ref.id, type, s.index, s.sid ? std::string_view(*s.sid) : "", s.effect};
        if (s.effect == Effect::kDeny) {
          scan.deny = true;
          denies_.push_back(m);
        } else {
          scan.allow = true;
          scan.best_allow_principal = std::max(scan.best_allow_principal, principal);
          allows_.push_back(m);
        }
      }
    }
    return scan;
  }

  std::vector<MatchedStatement>& allows() { return allows_; }
  std::vector<MatchedStatement>& denies() { return denies_; }

 private:
  bool ConditionsHold(const CompiledStatement& s) {
    bool all = true;
    // Every clause is evaluated (no short cut) so MissingContextValues lists all absent keys of
    // the statements that otherwise apply, as the policy simulator does.
    for (const CompiledCondition& c : s.conditions) {
      bool missing = false;
      if (!c.Evaluate(request_.context, &missing)) all = false;
      if (missing) NoteMissing(c.lower_key());
    }
    return all;
  }

  void NoteMissing(std::string_view key) {
    for (const std::string& k : result_.missing_context_keys) {
      if (k == key) return;
    }
    result_.missing_context_keys.emplace_back(key);
  }

  const Request& request_;
  std::string_view lower_action_;
  bool has_boundary_;
  EvalResult& result_;
  std::vector<MatchedStatement> allows_;
  std::vector<MatchedStatement> denies_;
};

EvalResult Deny(EvalResult result, Decision decision, PolicyType by) {
  result.decision = decision;
  result.decided_by = by;
  return result;
}

}  // namespace

EvalResult Evaluate(const PolicySet& set, const Request& request) {
  EvalResult result;
  // Lower-case the action once; policy actions were lower-cased at compile time.
  char buffer[128];
  std::string long_action;
  std::string_view lower_action;
  if (request.action.size() <= sizeof buffer) {
    for (std::size_t i = 0; i < request.action.size(); ++i) {
      buffer[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(request.action[i])));
    }
    lower_action = std::string_view(buffer, request.action.size());
  } else {
    for (char c : request.action) {
      long_action += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    lower_action = long_action;
  }

  const RequestPrincipal& principal = request.principal;
  const bool iam_principal =
      principal.kind != CallerKind::kAnonymous && principal.kind != CallerKind::kService;
  // SCPs limit the IAM principals of member accounts only (anonymous and service principals are
  // not theirs); RCPs limit access to the organization's resources by any non-service caller.
  const bool scps_apply = iam_principal && !set.service_control_levels.empty();
  const bool rcps_apply =
      principal.kind != CallerKind::kService && !set.resource_control_levels.empty();

  Scanner scanner(request, lower_action, iam_principal && set.permissions_boundary.has_value(),
                  result);
  LayerScan none;
  std::vector<LayerScan> scp;
  if (scps_apply) {
    for (const auto& level : set.service_control_levels) {
      scp.push_back(scanner.Scan(level, PolicyType::kServiceControl, false));
    }
  }
  std::vector<LayerScan> rcp;
  if (rcps_apply) {
    for (const auto& level : set.resource_control_levels) {
      rcp.push_back(scanner.Scan(level, PolicyType::kResourceControl, true));
    }
  }
  LayerScan endpoint =
      set.vpc_endpoint ? scanner.Scan(*set.vpc_endpoint, PolicyType::kVpcEndpoint, true) : none;
  LayerScan boundary =
      iam_principal && set.permissions_boundary
          ? scanner.Scan(*set.permissions_boundary, PolicyType::kPermissionsBoundary, false)
          : none;
  LayerScan session =
      iam_principal && set.session ? scanner.Scan(*set.session, PolicyType::kSession, false) : none;
  LayerScan identity =
      iam_principal ? scanner.Scan(set.identity, PolicyType::kIdentity, false) : none;
  LayerScan resource = scanner.Scan(set.resource, PolicyType::kResource, true);

  // 1. Explicit deny anywhere wins; the message names the first kind in AWS's evaluation order.
  if (!scanner.denies().empty()) {
    result.matched = std::move(scanner.denies());
    PolicyType by = result.matched.front().policy_type;
    const PolicyType order[] = {PolicyType::kServiceControl, PolicyType::kResourceControl,
                                PolicyType::kVpcEndpoint,    PolicyType::kPermissionsBoundary,
                                PolicyType::kSession,        PolicyType::kIdentity,
                                PolicyType::kResource};
    for (PolicyType t : order) {
      bool found = false;
      for (const auto& m : result.matched) found = found || m.policy_type == t;
      if (found) {
        by = t;
        break;
      }
    }
    return Deny(std::move(result), Decision::kExplicitDeny, by);
  }

  // 2. Guardrails: every SCP and RCP level, and the endpoint policy, must allow.
  for (const LayerScan& level : scp) {
    if (!level.allow)
      return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kServiceControl);
  }
  for (const LayerScan& level : rcp) {
    if (!level.allow)
      return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kResourceControl);
  }
  if (set.vpc_endpoint && !endpoint.allow) {
    return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kVpcEndpoint);
  }

  auto allow = [&result, &scanner]() {
    result.decision = Decision::kAllow;
    result.matched = std::move(scanner.allows());
    return std::move(result);
  };

  const PrincipalMatch granted = resource.best_allow_principal;
  // Anonymous and service callers have no identity policies: only a resource-based grant counts.
  if (!iam_principal) {
    if (granted != PrincipalMatch::kNone) return allow();
    return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kResource);
  }

  const bool same_account =
      request.resource_account.empty() || request.resource_account == principal.account_id;
  // The root user cannot have identity policies; in its own account everything is allowed to it.
  const bool identity_allows = principal.kind == CallerKind::kAccountRoot || identity.allow;
  const bool boundary_allows = !set.permissions_boundary || boundary.allow;
  // A federated-user session always carries the GetFederationToken policy: none means no access.
  const bool session_allows =
      set.session ? session.allow : principal.kind != CallerKind::kFederatedUser;

  if (same_account && !set.resource_policy_required) {
    // A grant to the user, the session ARN or to anyone is not capped by the boundary or the
    // session policy (GetFederationToken: "granted in addition to the permissions that are
    // granted by the session policies").
    if (granted == PrincipalMatch::kDirect || granted == PrincipalMatch::kAnyone) return allow();
    if (!identity_allows && granted != PrincipalMatch::kRole) {
      return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kIdentity);
    }
  } else if (same_account) {
    // Trust and key policies: the resource policy must name the caller; naming the account
    // delegates to the identity policies.
    if (granted == PrincipalMatch::kNone) {
      return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kResource);
    }
    if (granted == PrincipalMatch::kDirect || granted == PrincipalMatch::kAnyone) return allow();
    if (granted == PrincipalMatch::kAccount && !identity_allows) {
      return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kIdentity);
    }
  } else if (!identity_allows) {
    return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kIdentity);
  }
  if (!boundary_allows) {
    return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kPermissionsBoundary);
  }
  if (!session_allows)
    return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kSession);
  if (!same_account && granted == PrincipalMatch::kNone) {
    return Deny(std::move(result), Decision::kImplicitDeny, PolicyType::kResource);
  }
  return allow();
}

}  // namespace tw::iam::policy
