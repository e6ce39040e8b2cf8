// SPDX-License-Identifier: Apache-2.0
// AssumeRole: the trust policy (resource-based, must allow) and the caller's identity policies,
// evaluated by the policy engine as AWS does (iam-policy-evaluation.md: a trust policy naming the
// caller's ARN in the same account allows on its own; naming the account delegates to identity
// policies).
#include "common/time_format.h"
#include "iam/policy/evaluator.h"
#include "services/iam/errors.h"
#include "services/iam/mfa_check.h"
#include "services/iam/support.h"
#include "services/sts/sts_service.h"

namespace tw::services::sts {

using protocol::Value;
namespace policy = ::tw::iam::policy;

namespace {

AwsError NotAuthorized(const auth::Principal& caller, std::string_view role_arn) {
  return AwsError::Make(
      "AccessDenied", 403,
      "User: " + caller.arn +
          " is not authorized to perform: sts:AssumeRole on resource: " + std::string(role_arn));
}

AwsError ValidationError(std::string message) {
  return AwsError::Make("ValidationError", 400, std::move(message));
}

}  // namespace

Result<std::string> StsService::ManagedPolicyDocument(const std::string& arn) {
  if (iam::IsAwsManagedArn(arn)) {
    const iam::AwsManagedPolicy* managed = catalog_.Find(arn);
    if (!managed) return iam::NoSuchEntity("Policy " + arn + " was not found.");
    return managed->document;
  }
  auto record = iam_.GetPolicy(arn);
  if (!record) return std::move(record).error();
  auto version = iam_.GetPolicyVersion(arn, record->default_version);
  if (!version) return std::move(version).error();
  return version->document;
}

Status StsService::AddEntityPolicies(iam::EntityKind kind, const std::string& name,
                                     CallerPolicies& out) {
  auto inline_names = iam_.ListInlinePolicies(kind, name);
  if (!inline_names) return std::move(inline_names).error();
  for (const auto& policy_name : *inline_names) {
    auto doc = iam_.GetInlinePolicy(kind, name, policy_name);
    if (!doc) return std::move(doc).error();
    out.identity.emplace_back(
        std::string(iam::EntityKindName(kind)) + "/" + name + "/" + policy_name, doc->document);
  }
  auto attached = iam_.ListAttachedPolicies(kind, name);
  if (!attached) return std::move(attached).error();
  for (const auto& arn : *attached) {
    auto doc = ManagedPolicyDocument(arn);
    if (!doc) return std::move(doc).error();
    out.identity.emplace_back(arn, std::move(*doc));
  }
  return {};
}

Result<StsService::CallerPolicies> StsService::LoadCallerPolicies(
    const auth::Principal& principal) {
  CallerPolicies out;
  std::optional<std::string> boundary;
  if (principal.type == auth::PrincipalType::kIamUser) {
    auto user = iam_.GetUser(principal.user_name);
    if (!user) return std::move(user).error();
    boundary = user->permissions_boundary;
    if (Status st = AddEntityPolicies(iam::EntityKind::kUser, user->name, out); !st) {
      return std::move(st).error();
    }
    auto groups = iam_.ListGroupsForUser(user->name);
    if (!groups) return std::move(groups).error();
    for (const auto& group : *groups) {
      if (Status st = AddEntityPolicies(iam::EntityKind::kGroup, group.name, out); !st) {
        return std::move(st).error();
      }
    }
  } else if (principal.type == auth::PrincipalType::kAssumedRole) {
    // Role sessions carry the role's name in user_name (server/credential_store.cc).
    auto role = iam_.GetRole(principal.user_name);
    if (!role) return std::move(role).error();
    boundary = role->permissions_boundary;
    if (Status st = AddEntityPolicies(iam::EntityKind::kRole, role->name, out); !st) {
      return std::move(st).error();
    }
  }
  if (boundary) {
    auto doc = ManagedPolicyDocument(*boundary);
    if (!doc) return std::move(doc).error();
    out.boundary = std::move(*doc);
  }
  return out;
}

Result<Value> StsService::AssumeRole(RequestContext& context, const Value& input) {
  const auth::Principal& caller = context.principal;
  std::string role_arn(input.GetString("RoleArn"));
  std::string session_name(input.GetString("RoleSessionName"));
  if (caller.type == auth::PrincipalType::kRoot) {
    return AwsError::Make("AccessDenied", 403, "Roles may not be assumed by root accounts.");
  }
  // arn:aws:iam::<account>:role<path><name>
  const std::string prefix = "arn:aws:iam::" + account_id_ + ":role/";
  if (!role_arn.starts_with(prefix)) return NotAuthorized(caller, role_arn);
  std::string role_name = iam::NameFromArn(role_arn);
  auto role = iam_.GetRole(role_name);
  if (!role) {
    if (role.error().code == "NoSuchEntity") return NotAuthorized(caller, role_arn);
    return std::move(role).error();
  }
  const std::string stored_arn = iam::IamArn(account_id_, "role", role->path, role->name);
  if (stored_arn != role_arn) return NotAuthorized(caller, role_arn);

  const bool chained = caller.type == auth::PrincipalType::kAssumedRole;
  std::int64_t duration = iam::OptionalInteger(input, "DurationSeconds").value_or(3600);
  if (chained && duration > 3600) {
    return ValidationError(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.");
  }
  if (duration > role->max_session_duration) {
    return ValidationError(
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }

  auto session_policies = ReadSessionPolicies(input);
  if (!session_policies) return std::move(session_policies).error();
  std::optional<std::string>& session_policy = session_policies->policy;
  std::vector<std::string>& policy_arns = session_policies->arns;

  bool mfa = caller.mfa_authenticated;
  std::optional<std::int64_t> mfa_at = mfa ? caller.mfa_authenticated_millis : std::nullopt;
  // A caller of another account: its identity policies and MFA devices live in that account's
  // IAM store, which this service does not read. The request path's authorizer has already
  // evaluated it by the cross-account rule (the caller's own policies and this role's trust
  // policy must both allow) before this handler runs.
  const bool other_account = caller.account_id != account_id_;
  if (auto serial = iam::OptionalString(input, "SerialNumber"); serial && other_account) {
    return AwsError::Make("AccessDenied", 403,
                          "trailwatch does not check the MFA devices of callers from another "
                          "account (SerialNumber with a cross-account AssumeRole)");
  }
  if (auto serial = iam::OptionalString(input, "SerialNumber")) {
    auto check = iam::CheckMfaCode(
        iam_, caller.type == auth::PrincipalType::kIamUser ? caller.user_name : std::string(),
        *serial, iam::OptionalString(input, "TokenCode").value_or(""),
        EpochMillis(context.clock.Now()));
    if (!check) return std::move(check).error();
    if (*check != iam::MfaCheck::kValid) {
      return AwsError::Make("AccessDenied", 403,
                            "MultiFactorAuthentication failed with invalid MFA one time pass "
                            "code. ");
    }
    mfa = true;
    mfa_at = EpochMillis(context.clock.Now());
  }

  // The decision: trust policy (resource-based, required) and the caller's identity policies.
  auto decide = [&]() -> Status {
    auto trust = policy::CompilePolicy(role->assume_role_policy);
    if (!trust) return std::move(trust).error();
    auto loaded = LoadCallerPolicies(caller);
    if (!loaded) return std::move(loaded).error();
    std::vector<policy::CompiledPolicy> compiled;
    compiled.reserve(loaded->identity.size() + 1);
    policy::PolicySet set;
    set.resource_policy_required = true;
    set.resource.push_back({&*trust, stored_arn});
    for (const auto& [id, doc] : loaded->identity) {
      auto c = policy::CompilePolicy(doc);
      if (!c) continue;  // stored documents were validated on write
      compiled.push_back(std::move(*c));
      set.identity.push_back({&compiled.back(), id});
    }
    if (loaded->boundary) {
      auto c = policy::CompilePolicy(*loaded->boundary);
      set.permissions_boundary.emplace();
      if (c) {
        compiled.push_back(std::move(*c));
        set.permissions_boundary->push_back({&compiled.back(), "boundary"});
      }
    }
    policy::Request request;
    request.action = "sts:AssumeRole";
    request.resource = stored_arn;
    request.principal.kind =
        chained ? policy::CallerKind::kAssumedRole : policy::CallerKind::kIamUser;
    request.principal.arn = caller.arn;
    request.principal.account_id = caller.account_id;
    request.principal.user_id = caller.user_id;
    if (chained) {
      auto caller_role = iam_.GetRole(caller.user_name);
      if (caller_role) {
        request.principal.role_arn =
            iam::IamArn(account_id_, "role", caller_role->path, caller_role->name);
      }
    } else {
      request.principal.user_name = caller.user_name;
    }
    request.context.Set("aws:MultiFactorAuthPresent", mfa ? "true" : "false");
    request.context.Set("aws:CurrentTime", FormatIso8601(EpochMillis(context.clock.Now()), false));
    request.context.Set("sts:RoleSessionName", session_name);
    if (auto external_id = iam::OptionalString(input, "ExternalId")) {
      request.context.Set("sts:ExternalId", *external_id);
    }
    policy::AddPrincipalContextKeys(request);
    if (policy::Evaluate(set, request).decision != policy::Decision::kAllow) {
      return NotAuthorized(caller, role_arn);
    }
    return {};
  };
  if (!other_account) {
    if (Status allowed = decide(); !allowed) return std::move(allowed).error();
  }

  iam::SessionRecord session;
  session.principal_type = "assumed-role";
  session.arn = "arn:aws:sts::" + account_id_ + ":assumed-role/" + role->name + "/" + session_name;
  session.user_id = role->id + ":" + session_name;
  session.user_name = role->name;
  session.role_arn = stored_arn;
  session.mfa_authenticated = mfa;
  session.mfa_authenticated_at = mfa_at;
  session.session_policy = session_policy;
  session.session_policy_arns = policy_arns;
  auto credentials = Issue(context, session, duration);
  if (!credentials) return std::move(credentials).error();
  Value user = Value::MakeStructure();
  user.Set("AssumedRoleId", session.user_id);
  user.Set("Arn", session.arn);
  Value output = Value::MakeStructure();
  output.Set("Credentials", std::move(*credentials));
  output.Set("AssumedRoleUser", std::move(user));
  if (session_policy || !policy_arns.empty()) {
    output.Set("PackedPolicySize", PackedPolicySize(*session_policies));
  }
  return output;
}

Result<StsService::SessionPolicies> StsService::ReadSessionPolicies(const Value& input) {
  SessionPolicies out;
  out.policy = iam::OptionalString(input, "Policy");
  if (out.policy) {
    if (Status st = policy::ValidatePolicyDocument(*out.policy, policy::PolicyKind::kIdentity);
        !st) {
      return std::move(st).error();
    }
  }
  if (const Value* arns = input.Find("PolicyArns"); arns && arns->is_list()) {
    // "You can pass up to 10 managed policy ARNs" (STS API Reference, AssumeRole PolicyArns).
    if (arns->as_list().size() > 10) {
      return ValidationError(
          "1 validation error detected: Value at 'policyArns' failed to "
          "satisfy constraint: Member must have length less than or equal to "
          "10");
    }
    for (const Value& item : arns->as_list()) {
      std::string arn(item.GetString("arn"));
      if (!ManagedPolicyDocument(arn)) {
        return AwsError::Make("InvalidParameterValue", 400,
                              "The policy " + arn + " does not exist or is not attachable.");
      }
      out.arns.push_back(std::move(arn));
    }
  }
  return out;
}

std::int64_t StsService::PackedPolicySize(const SessionPolicies& policies) {
  // STS reports how much of the packed session-policy quota the request used, in percent.
  std::size_t size = policies.policy ? policies.policy->size() : 0;
  return static_cast<std::int64_t>((size + 100 * policies.arns.size()) * 100 / 2048 + 1);
}

}  // namespace tw::services::sts
