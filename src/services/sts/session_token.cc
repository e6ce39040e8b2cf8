// SPDX-License-Identifier: Apache-2.0
// GetSessionToken: temporary credentials for an IAM user or the root user, MFA-authenticated when
// SerialNumber and TokenCode are given and valid. GetFederationToken: a federated-user session
// whose permissions are the caller's intersected with the session policies passed (none passed:
// no permissions), as the authorizer evaluates them.
#include "services/iam/mfa_check.h"
#include "services/iam/support.h"
#include "services/sts/sts_service.h"

namespace tw::services::sts {

using protocol::Value;

Result<Value> StsService::GetSessionToken(RequestContext& context, const Value& input) {
  const auth::Principal& caller = context.principal;
  if (caller.type == auth::PrincipalType::kAssumedRole || caller.session_expires_millis) {
    return AwsError::Make("AccessDenied", 403,
                          "Cannot call GetSessionToken with session credentials");
  }
  const bool root = caller.type == auth::PrincipalType::kRoot;
  std::int64_t duration = iam::OptionalInteger(input, "DurationSeconds").value_or(43'200);
  // Root sessions are capped at one hour (a longer request gets one hour), as in AWS.
  if (root && duration > 3600) duration = 3600;

  bool mfa = false;
  if (auto serial = iam::OptionalString(input, "SerialNumber")) {
    auto check = iam::CheckMfaCode(iam_, root ? std::string() : caller.user_name, *serial,
                                   iam::OptionalString(input, "TokenCode").value_or(""),
                                   EpochMillis(context.clock.Now()));
    if (!check) return std::move(check).error();
    if (*check == iam::MfaCheck::kNotUsersDevice) {
      return AwsError::Make("AccessDenied", 403,
                            "MultiFactorAuthentication failed, unable to validate MFA code. "
                            "Please verify your MFA serial number is valid and associated with "
                            "this user.");
    }
    if (*check == iam::MfaCheck::kInvalidCode) {
      return AwsError::Make("AccessDenied", 403,
                            "MultiFactorAuthentication failed with invalid MFA one time pass "
                            "code. ");
    }
    mfa = true;
  }

  iam::SessionRecord session;
  session.principal_type = root ? "root" : "user";
  session.arn = caller.arn;
  session.user_id = caller.user_id;
  session.user_name = caller.user_name;
  session.mfa_authenticated = mfa;
  if (mfa) session.mfa_authenticated_at = EpochMillis(context.clock.Now());
  auto credentials = Issue(context, session, duration);
  if (!credentials) return std::move(credentials).error();
  Value output = Value::MakeStructure();
  output.Set("Credentials", std::move(*credentials));
  return output;
}

Result<Value> StsService::GetFederationToken(RequestContext& context, const Value& input) {
  const auth::Principal& caller = context.principal;
  if (caller.session_expires_millis ||
      (caller.type != auth::PrincipalType::kIamUser && caller.type != auth::PrincipalType::kRoot)) {
    return AwsError::Make("AccessDenied", 403,
                          "Cannot call GetFederationToken with session credentials");
  }
  const bool root = caller.type == auth::PrincipalType::kRoot;
  std::string name(input.GetString("Name"));
  std::int64_t duration = iam::OptionalInteger(input, "DurationSeconds").value_or(43'200);
  // Sessions of the root user last at most one hour (STS API Reference, DurationSeconds).
  if (root && duration > 3600) duration = 3600;
  if (input.Find("Tags")) {
    return AwsError::Make("InvalidParameterValue", 400,
                          "Session tags are not supported by trailwatch (GetFederationToken Tags)");
  }
  auto policies = ReadSessionPolicies(input);
  if (!policies) return std::move(policies).error();

  iam::SessionRecord session;
  session.principal_type = "federated-user";
  session.arn = "arn:aws:sts::" + account_id_ + ":federated-user/" + name;
  session.user_id = account_id_ + ":" + name;
  session.user_name = root ? std::string() : caller.user_name;
  session.session_policy = policies->policy;
  session.session_policy_arns = policies->arns;
  auto credentials = Issue(context, session, duration);
  if (!credentials) return std::move(credentials).error();
  Value user = Value::MakeStructure();
  user.Set("FederatedUserId", session.user_id);
  user.Set("Arn", session.arn);
  Value output = Value::MakeStructure();
  output.Set("Credentials", std::move(*credentials));
  output.Set("FederatedUser", std::move(user));
  if (policies->policy || !policies->arns.empty()) {
    output.Set("PackedPolicySize", PackedPolicySize(*policies));
  }
  return output;
}

}  // namespace tw::services::sts
