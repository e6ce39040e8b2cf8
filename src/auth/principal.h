// SPDX-License-Identifier: Apache-2.0
// Principal: who an authenticated request acts as. Produced by authentication from an access key
// (and session token), consumed by authorization, services and CloudTrail's userIdentity.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tw::auth {

// kFederatedUser: a GetFederationToken session (arn:aws:sts::<acct>:federated-user/<name>).
enum class PrincipalType { kRoot, kIamUser, kAssumedRole, kFederatedUser, kAwsService };

struct Principal {
  PrincipalType type = PrincipalType::kRoot;
  std::string account_id;
  std::string arn;      // arn:aws:iam::000000000000:root, ...:user/alice, ...:assumed-role/r/s
  std::string user_id;  // the account id for root; AIDA... for users; AROA...:session for roles
  // empty for root; the role's name for role sessions; for federated users the IAM user that
  // called GetFederationToken (empty when the root user did)
  std::string user_name;
  std::string access_key_id;
  bool mfa_authenticated = false;
  std::optional<std::int64_t> session_expires_millis;  // temporary credentials only
  std::optional<std::int64_t> session_issued_millis;   // temporary credentials: aws:TokenIssueTime
  // When the MFA code that authenticated the session was checked (aws:MultiFactorAuthAge).
  std::optional<std::int64_t> mfa_authenticated_millis;
  // Session policies passed to AssumeRole / GetFederationToken (Policy, PolicyArns): the
  // authorizer intersects the principal's permissions with them.
  std::optional<std::string> session_policy;
  std::vector<std::string> session_policy_arns;
  bool has_session_policies() const {
    return session_policy.has_value() || !session_policy_arns.empty();
  }
};

}  // namespace tw::auth
