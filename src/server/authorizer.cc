// SPDX-License-Identifier: Apache-2.0
#include "server/authorizer.h"

#include "common/time_format.h"
#include "iam/policy/access_denied.h"
#include "iam/policy/evaluator.h"

namespace tw::server {
namespace {

using iam::policy::CallerKind;
using iam::policy::Decision;
using iam::policy::EvalResult;
using iam::policy::Request;

bool IsJson(protocol::Protocol protocol) {
  return protocol == protocol::Protocol::kJson || protocol == protocol::Protocol::kRpcV2Cbor ||
         protocol == protocol::Protocol::kRestJson;
}

CallerKind KindOf(auth::PrincipalType type) {
  switch (type) {
    case auth::PrincipalType::kRoot:
      return CallerKind::kAccountRoot;
    case auth::PrincipalType::kIamUser:
      return CallerKind::kIamUser;
    case auth::PrincipalType::kAssumedRole:
      return CallerKind::kAssumedRole;
    case auth::PrincipalType::kFederatedUser:
      return CallerKind::kFederatedUser;
    case auth::PrincipalType::kAwsService:
      return CallerKind::kService;
  }
  return CallerKind::kIamUser;
}

// SNS names its actions with an upper-case prefix in its messages ("SNS:CreateTopic").
std::string DisplayAction(std::string_view service, const std::string& action) {
  if (service == "sns" && action.starts_with("sns:")) return "SNS:" + action.substr(4);
  return action;
}

// The global condition keys of the request (IAM User Guide, "AWS global condition context
// keys"): what the request carries, not what the principal is (AddPrincipalContextKeys adds that).
void AddGlobalKeys(const AuthorizationRequest& call, const ResolvedPrincipal& resolved,
                   std::int64_t now_millis, iam::policy::ContextKeys& context) {
  context.Set("aws:CurrentTime", FormatIso8601(now_millis, /*with_millis=*/false));
  context.Set("aws:EpochTime", std::to_string(now_millis / 1000));
  context.Set("aws:RequestedRegion", std::string(call.region));
  // True only when the request reached trailwatch over TLS (a TLS proxy in front is invisible).
  context.Set("aws:SecureTransport", call.http && call.http->tls ? "true" : "false");
  context.Set("aws:ViaAWSService", "false");
  context.Set("aws:PrincipalIsAWSService",
              call.principal.type == auth::PrincipalType::kAwsService ? "true" : "false");
  if (call.http) {
    if (!call.http->remote_ip.empty()) context.Set("aws:SourceIp", call.http->remote_ip);
    context.Set("aws:UserAgent", std::string(call.http->headers.Get("User-Agent")));
  }
  // Present only for temporary credentials: long-term access keys carry no MFA information, so
  // the key is absent (and "Bool ... false" conditions do not match them unless IfExists).
  const auth::Principal& p = call.principal;
  if (p.session_expires_millis) {
    context.Set("aws:MultiFactorAuthPresent", p.mfa_authenticated ? "true" : "false");
    if (p.session_issued_millis) {
      context.Set("aws:TokenIssueTime", FormatIso8601(*p.session_issued_millis, false));
    }
  }
  // Seconds since the MFA code was checked; only when MFA authenticated the credentials.
  if (p.mfa_authenticated && p.mfa_authenticated_millis) {
    std::int64_t age = (now_millis - *p.mfa_authenticated_millis) / 1000;
    context.Set("aws:MultiFactorAuthAge", std::to_string(age < 0 ? 0 : age));
  }
  for (const auto& [key, value] : resolved.tags) context.Set("aws:PrincipalTag/" + key, value);
}

}  // namespace

bool IsPermissionFree(std::string_view service, std::string_view operation) {
  return service == "sts" && (operation == "GetCallerIdentity" || operation == "GetSessionToken");
}

AwsError AccessDeniedError(std::string_view service, protocol::Protocol protocol,
                           std::string message) {
  if (service == "sns") return AwsError::Make("AuthorizationError", 403, std::move(message));
  return AwsError::From(
      IsJson(protocol) ? ErrorCode::kAccessDeniedException : ErrorCode::kAccessDenied,
      std::move(message));
}

AwsError ImplicitDenyError(const auth::Principal& principal, std::string_view action,
                           protocol::Protocol protocol) {
  std::string message =
      "User: " + principal.arn + " is not authorized to perform: " + std::string(action) +
      " because no identity-based policy allows the " + std::string(action) + " action";
  return AccessDeniedError(action.substr(0, action.find(':')), protocol, std::move(message));
}

Status AccountRootAuthorizer::Authorize(const AuthorizationRequest& call) const {
  if (call.principal.type == auth::PrincipalType::kRoot &&
      call.principal.account_id == account_id_) {
    return {};
  }
  if (IsPermissionFree(call.service.name(), call.operation.name)) return {};
  return ImplicitDenyError(call.principal, call.service.name() + ":" + call.operation.name,
                           call.protocol);
}

Status PolicyAuthorizer::Authorize(const AuthorizationRequest& call) const {
  const std::string& service = call.service.name();
  // Unauthenticated operations (AssumeRoleWithWebIdentity/SAML) are authorized by the role's
  // trust policy inside the operation, as in AWS; there is no caller to evaluate.
  if (call.operation.auth_none) return {};
  if (IsPermissionFree(service, call.operation.name)) return {};

  // Federated users cannot call IAM, nor STS beyond GetCallerIdentity, whatever their policies
  // say (STS API Reference, GetFederationToken: "Permissions").
  if (call.principal.type == auth::PrincipalType::kFederatedUser &&
      (service == "iam" || service == "sts")) {
    EvalResult refused;
    refused.decision = Decision::kImplicitDeny;
    refused.decided_by = iam::policy::PolicyType::kSession;
    std::string action = service + ":" + call.operation.name;
    return AccessDeniedError(
        service, call.protocol,
        iam::policy::AccessDeniedMessage(refused, call.principal.arn, action, "*"));
  }
  auto resolved = deps_.resolver.Resolve(call.principal);
  if (!resolved) return std::move(resolved).error();
  const ResolvedPrincipal& policies = **resolved;

  AuthzInput in{call.principal, deps_.account_id, call.region, call.input, &deps_.resolver};
  std::vector<AuthzCheck> checks = DescribeCall(service, call.operation.name, in);
  const bool own_root = call.principal.type == auth::PrincipalType::kRoot &&
                        call.principal.account_id == deps_.account_id;

  Request request;
  request.principal.kind = KindOf(call.principal.type);
  request.principal.arn = call.principal.arn;
  request.principal.account_id = call.principal.account_id;
  request.principal.role_arn = policies.role_arn;
  request.principal.user_id = call.principal.user_id;
  if (call.principal.type == auth::PrincipalType::kIamUser) {
    request.principal.user_name = call.principal.user_name;
  }
  // A service principal (kAwsService) carries its service name in `arn`
  // ("cloudtrail.amazonaws.com"): the name a resource policy's "Principal": {"Service": ...}
  // matches and aws:PrincipalServiceName reports.
  if (call.principal.type == auth::PrincipalType::kAwsService) {
    request.principal.service = call.principal.arn;
  }
  AddGlobalKeys(call, policies, EpochMillis(deps_.clock.Now()), request.context);
  iam::policy::AddPrincipalContextKeys(request);
  const iam::policy::ContextKeys base = request.context;

  for (AuthzCheck& check : checks) {
    iam::policy::PolicySet set = policies.set;
    std::shared_ptr<const iam::policy::CompiledPolicy> resource_policy;
    std::string resource_id;
    // Whose resource it is: a bucket's owner; otherwise this server's account, which owns every
    // other resource, except for S3 calls on no bucket (ListBuckets) or on a bucket that does not
    // exist, which act in the caller's own account. A principal of another account is then
    // evaluated by the cross-account rule: its own policies and the resource-based policy must
    // both allow.
    request.resource_account.clear();
    if (service != "s3") request.resource_account = deps_.account_id;
    if (!check.bucket.empty() && deps_.bucket_policies) {
      auto bucket = deps_.bucket_policies(check.bucket);
      if (!bucket) return std::move(bucket).error();
      if (*bucket) {
        request.resource_account = (*bucket)->owner_account_id;
        if ((*bucket)->policy) {
          resource_id = "bucket/" + check.bucket;
          auto compiled =
              deps_.resolver.Compile(resource_id, *(*bucket)->policy, *(*bucket)->policy);
          if (!compiled) return std::move(compiled).error();
          resource_policy = std::move(compiled).value();
        }
      }
    }
    if (!check.trust_role.empty()) {
      auto trust = deps_.resolver.TrustPolicy(check.trust_role);
      if (!trust) return std::move(trust).error();
      resource_policy = std::move(trust).value();
      resource_id = "trust/" + check.trust_role;
      set.resource_policy_required = true;
    }
    // The account's root user may do everything in its account; only an explicit Deny in a
    // resource-based policy (or a trust policy that does not name it) can stop it.
    if (own_root && !resource_policy && !set.resource_policy_required) continue;
    if (resource_policy) set.resource.push_back({resource_policy.get(), resource_id});

    request.action = check.action;
    request.resource = check.resource;
    request.context = base;
    for (const auto& entry : check.context.entries()) {
      if (entry.multivalued) {
        request.context.SetMulti(entry.lower_key, entry.values);
      } else if (!entry.values.empty()) {
        request.context.Set(entry.lower_key, entry.values.front());
      }
    }
    EvalResult result = iam::policy::Evaluate(set, request);
    if (result.decision == Decision::kAllow) continue;
    if (result.decision == Decision::kImplicitDeny &&
        call.principal.type == auth::PrincipalType::kIamUser &&
        ((check.action == "iam:ChangePassword" && check.resource == call.principal.arn) ||
         check.action == "iam:GetAccountPasswordPolicy") &&
        deps_.users_may_change_password && deps_.users_may_change_password()) {
      continue;
    }
    if (check.item && call.denied_items) {
      call.denied_items->push_back(*check.item);
      continue;
    }
    std::string action = DisplayAction(service, check.action);
    if (service == "s3") {
      // S3 explains a denial only to callers of the bucket owner's own account (and
      // organization), and quotes the resource ARN; everyone else, service principals included,
      // gets the bare "Access Denied" (S3 User Guide, "Troubleshoot access denied (403
      // Forbidden) errors in Amazon S3").
      const bool same_account = call.principal.type != auth::PrincipalType::kAwsService &&
                                (request.resource_account.empty() ||
                                 request.resource_account == call.principal.account_id);
      if (!same_account) return AccessDeniedError(service, call.protocol, "Access Denied");
      return AccessDeniedError(service, call.protocol,
                               iam::policy::AccessDeniedMessage(result, call.principal.arn, action,
                                                                "\"" + check.resource + "\""));
    }
    return AccessDeniedError(
        service, call.protocol,
        iam::policy::AccessDeniedMessage(result, call.principal.arn, action, check.resource));
  }
  return {};
}

}  // namespace tw::server
