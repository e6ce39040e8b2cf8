// SPDX-License-Identifier: Apache-2.0
// Console passwords: login profiles and ChangePassword. Passwords are checked against the account
// password policy, hashed with argon2id at once and never kept, logged or returned in clear.
#include <cctype>

#include "services/iam/credential_crypto.h"
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {
namespace {

// IAM remembers at most 24 earlier passwords (PasswordReusePrevention's maximum).
constexpr std::size_t kPasswordHistoryLimit = 24;

Value LoginProfileValue(const LoginProfileRecord& profile) {
  Value v = Value::MakeStructure();
  v.Set("UserName", profile.user_name);
  v.Set("CreateDate", TimestampValue(profile.created_at));
  v.Set("PasswordResetRequired", profile.password_reset_required);
  return v;
}

}  // namespace

void IamService::RegisterCredentials(OperationTable& table) {
  using Member = Result<Value> (IamService::*)(RequestContext&, const Value&);
  auto add = [&](const char* operation, Member member) {
    table.Add("iam", operation, [this, member](RequestContext& context, const Value& input) {
      return (this->*member)(context, input);
    });
  };
  add("CreateLoginProfile", &IamService::CreateLoginProfile);
  add("GetLoginProfile", &IamService::GetLoginProfile);
  add("UpdateLoginProfile", &IamService::UpdateLoginProfile);
  add("DeleteLoginProfile", &IamService::DeleteLoginProfile);
  add("ChangePassword", &IamService::ChangePassword);
  add("UpdateAccountPasswordPolicy", &IamService::UpdateAccountPasswordPolicy);
  add("GetAccountPasswordPolicy", &IamService::GetAccountPasswordPolicy);
  add("DeleteAccountPasswordPolicy", &IamService::DeleteAccountPasswordPolicy);
  add("CreateVirtualMFADevice", &IamService::CreateVirtualMFADevice);
  add("EnableMFADevice", &IamService::EnableMFADevice);
  add("ResyncMFADevice", &IamService::ResyncMFADevice);
  add("DeactivateMFADevice", &IamService::DeactivateMFADevice);
  add("DeleteVirtualMFADevice", &IamService::DeleteVirtualMFADevice);
  add("ListMFADevices", &IamService::ListMFADevices);
  add("ListVirtualMFADevices", &IamService::ListVirtualMFADevices);
  add("GenerateCredentialReport", &IamService::GenerateCredentialReport);
  add("GetCredentialReport", &IamService::GetCredentialReport);
}

Result<Value> IamService::CreateLoginProfile(RequestContext& context, const Value& input) {
  std::string user_name = SubjectUserName(context, input);
  if (user_name.empty()) {
    // The root user's password is not an IAM login profile.
    return NoSuchEntity("Login Profile for User root cannot be found.");
  }
  auto user = store_.GetUser(user_name);
  if (!user) return std::move(user).error();
  std::optional<std::string> password = OptionalString(input, "Password");
  if (!password) {
    // Passwordless login profiles exist in IAM (for password reset flows); trailwatch needs one.
    return InvalidInput("Password is required.");
  }
  if (Status st = CheckNewPassword(user->name, *password); !st) return std::move(st).error();
  auto hash = HashPassword(*password);
  if (!hash) return std::move(hash).error();
  LoginProfileRecord profile;
  profile.user_name = user->name;
  profile.password_hash = std::move(*hash);
  profile.password_reset_required = BoolMember(input, "PasswordResetRequired");
  profile.created_at = NowSeconds(EpochMillis(context.clock.Now()));
  if (Status st = store_.CreateLoginProfile(user->name, profile); !st) {
    return std::move(st).error();
  }
  Value output = Value::MakeStructure();
  output.Set("LoginProfile", LoginProfileValue(profile));
  return output;
}

Result<Value> IamService::GetLoginProfile(RequestContext& context, const Value& input) {
  std::string user_name = SubjectUserName(context, input);
  if (user_name.empty()) return NoSuchEntity("Login Profile for User root cannot be found.");
  auto profile = store_.GetLoginProfile(user_name);
  if (!profile) return std::move(profile).error();
  Value output = Value::MakeStructure();
  output.Set("LoginProfile", LoginProfileValue(*profile));
  return output;
}

Result<Value> IamService::UpdateLoginProfile(RequestContext& context, const Value& input) {
  std::string user_name = SubjectUserName(context, input);
  if (user_name.empty()) return NoSuchEntity("Login Profile for User root cannot be found.");
  auto profile = store_.GetLoginProfile(user_name);
  if (!profile) return std::move(profile).error();
  std::optional<std::string> hash;
  if (auto password = OptionalString(input, "Password")) {
    if (Status st = CheckNewPassword(profile->user_name, *password); !st) {
      return std::move(st).error();
    }
    auto hashed = HashPassword(*password);
    if (!hashed) return std::move(hashed).error();
    hash = std::move(*hashed);
  }
  std::optional<bool> reset;
  if (input.Find("PasswordResetRequired")) reset = BoolMember(input, "PasswordResetRequired");
  if (Status st =
          store_.SetPassword(user_name, hash, reset, NowSeconds(EpochMillis(context.clock.Now())),
                             kPasswordHistoryLimit);
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DeleteLoginProfile(RequestContext& context, const Value& input) {
  std::string user_name = SubjectUserName(context, input);
  if (user_name.empty()) return NoSuchEntity("Login Profile for User root cannot be found.");
  if (Status st = store_.DeleteLoginProfile(user_name); !st) return std::move(st).error();
  return Value::MakeStructure();
}

Result<Value> IamService::ChangePassword(RequestContext& context, const Value& input) {
  if (context.principal.type != auth::PrincipalType::kIamUser) {
    // The root user changes its password in the console only; role sessions have none.
    return AwsError::Make("InvalidUserType", 400, "Only IAM Users can change their own password.");
  }
  const std::string& user_name = context.principal.user_name;
  auto profile = store_.GetLoginProfile(user_name);
  if (!profile) return std::move(profile).error();
  if (!VerifyPasswordHash(profile->password_hash, input.GetString("OldPassword"))) {
    // AWS does not document this case's code; an authentication failure reads as AccessDenied.
    return AwsError::Make("AccessDenied", 403, "The old password is incorrect.");
  }
  std::string_view new_password = input.GetString("NewPassword");
  if (Status st = CheckNewPassword(user_name, new_password); !st) return std::move(st).error();
  if (VerifyPasswordHash(profile->password_hash, new_password)) {
    return AwsError::Make("PasswordPolicyViolation", 400,
                          "Password should not be the same as the current password.");
  }
  auto hash = HashPassword(new_password);
  if (!hash) return std::move(hash).error();
  // A changed password satisfies PasswordResetRequired.
  if (Status st =
          store_.SetPassword(user_name, *hash, false, NowSeconds(EpochMillis(context.clock.Now())),
                             kPasswordHistoryLimit);
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

bool IamService::VerifyConsolePassword(std::string_view user_name, std::string_view password,
                                       std::int64_t now_millis) {
  auto profile = store_.GetLoginProfile(user_name);
  if (!profile) {
    // Spend the same time as a real check, so timing does not reveal which users have one.
    VerifyPasswordHash(
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
        "1s5wVZ5cB3qJXyV2n9pT9mYQyGf8Ed5JQO8C3cPzUek",
        password);
    return false;
  }
  if (!VerifyPasswordHash(profile->password_hash, password)) return false;
  (void)store_.RecordPasswordUse(user_name, NowSeconds(now_millis));
  return true;
}

}  // namespace tw::services::iam
