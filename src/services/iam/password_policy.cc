// SPDX-License-Identifier: Apache-2.0
// The account password policy, and the check every password set (CreateLoginProfile,
// UpdateLoginProfile, ChangePassword) goes through.
#include <cctype>

#include "services/iam/credential_crypto.h"
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {
namespace {

AwsError Violation(std::string message) {
  return AwsError::Make("PasswordPolicyViolation", 400, std::move(message));
}

// IAM's symbols: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '
bool IsPolicySymbol(char ch) {
  return std::string_view("!@#$%^&*()_+-=[]{}|'").find(ch) != std::string_view::npos;
}

}  // namespace

Status IamService::CheckNewPassword(std::string_view user_name, std::string_view password) {
  auto policy = store_.GetPasswordPolicy();
  if (!policy) return std::move(policy).error();
  bool upper = false, lower = false, digit = false, symbol = false;
  for (char ch : password) {
    unsigned char c = static_cast<unsigned char>(ch);
    upper |= std::isupper(c) != 0;
    lower |= std::islower(c) != 0;
    digit |= std::isdigit(c) != 0;
    symbol |= IsPolicySymbol(ch);
  }
  if (!policy->has_value()) {
    // IAM's default policy when the account has none: at least 8 characters and three of the four
    // character types.
    if (password.size() < 8) return Violation("Password should have a minimum length of 8");
    if (int(upper) + int(lower) + int(digit) + int(symbol) < 3) {
      return Violation(
          "Password should contain at least three of: uppercase letters, lowercase letters, "
          "numbers, symbols");
    }
    return {};
  }
  const PasswordPolicyRecord& p = **policy;
  if (static_cast<std::int64_t>(password.size()) < p.minimum_length) {
    return Violation("Password should have a minimum length of " +
                     std::to_string(p.minimum_length));
  }
  if (p.require_lowercase && !lower) {
    return Violation("Password should have at least one lowercase letter");
  }
  if (p.require_uppercase && !upper) {
    return Violation("Password should have at least one uppercase letter");
  }
  if (p.require_numbers && !digit) return Violation("Password should have at least one number");
  if (p.require_symbols && !symbol) return Violation("Password should have at least one symbol");
  if (p.password_reuse_prevention && !user_name.empty()) {
    // The current password counts as the newest of the remembered ones.
    std::vector<std::string> hashes;
    if (auto current = store_.GetLoginProfile(user_name)) hashes.push_back(current->password_hash);
    auto history = store_.PasswordHistory(user_name);
    if (history) hashes.insert(hashes.end(), history->begin(), history->end());
    const auto remembered = static_cast<std::size_t>(*p.password_reuse_prevention);
    for (std::size_t i = 0; i < hashes.size() && i < remembered; ++i) {
      if (VerifyPasswordHash(hashes[i], password)) {
        return Violation("Password should not be one of your previous " +
                         std::to_string(remembered) + " passwords");
      }
    }
  }
  return {};
}

Result<Value> IamService::UpdateAccountPasswordPolicy(RequestContext&, const Value& input) {
  PasswordPolicyRecord p;
  p.minimum_length = OptionalInteger(input, "MinimumPasswordLength").value_or(6);
  p.require_symbols = BoolMember(input, "RequireSymbols");
  p.require_numbers = BoolMember(input, "RequireNumbers");
  p.require_uppercase = BoolMember(input, "RequireUppercaseCharacters");
  p.require_lowercase = BoolMember(input, "RequireLowercaseCharacters");
  p.allow_users_to_change = BoolMember(input, "AllowUsersToChangePassword");
  p.max_password_age = OptionalInteger(input, "MaxPasswordAge");
  p.password_reuse_prevention = OptionalInteger(input, "PasswordReusePrevention");
  p.hard_expiry = BoolMember(input, "HardExpiry");
  // Members left out take their defaults (IAM replaces the whole policy).
  if (Status st = store_.PutPasswordPolicy(p); !st) return std::move(st).error();
  return Value::MakeStructure();
}

Result<Value> IamService::GetAccountPasswordPolicy(RequestContext&, const Value&) {
  auto policy = store_.GetPasswordPolicy();
  if (!policy) return std::move(policy).error();
  if (!policy->has_value()) {
    return NoSuchEntity("The Password Policy with domain name " + account_id_ +
                        " cannot be found.");
  }
  const PasswordPolicyRecord& p = **policy;
  Value v = Value::MakeStructure();
  v.Set("MinimumPasswordLength", p.minimum_length);
  v.Set("RequireSymbols", p.require_symbols);
  v.Set("RequireNumbers", p.require_numbers);
  v.Set("RequireUppercaseCharacters", p.require_uppercase);
  v.Set("RequireLowercaseCharacters", p.require_lowercase);
  v.Set("AllowUsersToChangePassword", p.allow_users_to_change);
  v.Set("ExpirePasswords", p.max_password_age.has_value());
  if (p.max_password_age) v.Set("MaxPasswordAge", *p.max_password_age);
  if (p.password_reuse_prevention) v.Set("PasswordReusePrevention", *p.password_reuse_prevention);
  v.Set("HardExpiry", p.hard_expiry);
  Value output = Value::MakeStructure();
  output.Set("PasswordPolicy", std::move(v));
  return output;
}

Result<Value> IamService::DeleteAccountPasswordPolicy(RequestContext&, const Value&) {
  if (Status st = store_.DeletePasswordPolicy(); !st) return std::move(st).error();
  return Value::MakeStructure();
}

}  // namespace tw::services::iam
