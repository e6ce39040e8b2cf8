// SPDX-License-Identifier: Apache-2.0
// GetSessionToken: temporary credentials for an IAM user or the root user, MFA-authenticated when
// SerialNumber and TokenCode are given and valid.
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
  auto credentials = Issue(context, session, duration);
  if (!credentials) return std::move(credentials).error();
  Value output = Value::MakeStructure();
  output.Set("Credentials", std::move(*credentials));
  return output;
}

}  // namespace tw::services::sts
