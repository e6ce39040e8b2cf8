// SPDX-License-Identifier: Apache-2.0
// Principal: who an authenticated request acts as. Produced by authentication from an access key
// (and session token), consumed by authorization, services and CloudTrail's userIdentity.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tw::auth {

enum class PrincipalType { kRoot, kIamUser, kAssumedRole, kAwsService };

struct Principal {
  PrincipalType type = PrincipalType::kRoot;
  std::string account_id;
  std::string arn;        // arn:aws:iam::000000000000:root, ...:user/alice, ...:assumed-role/r/s
  std::string user_id;    // the account id for root; AIDA... for users; AROA...:session for roles
  std::string user_name;  // empty for root
  std::string access_key_id;
  bool mfa_authenticated = false;
  std::optional<std::int64_t> session_expires_millis;  // temporary credentials only
};

}  // namespace tw::auth
