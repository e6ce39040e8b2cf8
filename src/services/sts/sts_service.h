// SPDX-License-Identifier: Apache-2.0
// STS: GetCallerIdentity, AssumeRole, GetSessionToken and GetFederationToken. GetCallerIdentity
// answers from the authenticated principal alone. AssumeRole and GetSessionToken issue temporary
// credentials (ASIA... key, secret, long random session token, expiry) stored through the IAM
// store's sts_sessions table, where authentication (server/credential_store.cc) finds them.
// AssumeRole evaluates the role's trust policy as the resource-based policy (it must allow)
// together with the caller's identity policies, with the policy engine. Files: sts_service.cc
// (registration, GetCallerIdentity, credential issue), assume_role.cc, session_token.cc.
//
// Thread-safe: no state of its own; the store is thread-safe.
#pragma once

#include <string>

#include "services/iam/iam_store.h"
#include "services/iam/managed_policies.h"
#include "services/service.h"

namespace tw::services::sts {

// Registers GetCallerIdentity only (for callers without an IAM store, as the dispatcher tests).
void Register(OperationTable& table);

// GetCallerIdentity: UserId, Account and Arn of the principal that signed the request. For the
// root user AWS answers UserId = the account id and Arn = arn:aws:iam::<account>:root.
Result<protocol::Value> GetCallerIdentity(RequestContext& context, const protocol::Value& input);

class StsService {
 public:
  StsService(iam::IamStore& iam, std::string account_id)
      : iam_(iam),
        account_id_(std::move(account_id)),
        catalog_(iam::ManagedPolicyCatalog::Embedded()) {}

  // GetCallerIdentity, AssumeRole, GetSessionToken, GetFederationToken.
  void Register(OperationTable& table);

  Result<protocol::Value> AssumeRole(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetSessionToken(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetFederationToken(RequestContext& context, const protocol::Value& input);

 private:
  // The identity-based policy documents of the caller (an IAM user with its groups, or a role
  // session's role), and the permissions boundary document if one is set.
  struct CallerPolicies {
    std::vector<std::pair<std::string, std::string>> identity;  // (id, document)
    std::optional<std::string> boundary;
  };
  // The session policies of an AssumeRole / GetFederationToken request, validated.
  struct SessionPolicies {
    std::optional<std::string> policy;
    std::vector<std::string> arns;
  };
  Result<SessionPolicies> ReadSessionPolicies(const protocol::Value& input);
  static std::int64_t PackedPolicySize(const SessionPolicies& policies);
  Result<CallerPolicies> LoadCallerPolicies(const auth::Principal& principal);
  Result<std::string> ManagedPolicyDocument(const std::string& arn);
  Status AddEntityPolicies(iam::EntityKind kind, const std::string& name, CallerPolicies& out);
  // Creates and stores credentials for `session` (principal fields filled by the caller) valid
  // for `duration_seconds`, and returns the Credentials output structure.
  Result<protocol::Value> Issue(RequestContext& context, iam::SessionRecord& session,
                                std::int64_t duration_seconds);

  iam::IamStore& iam_;
  const std::string account_id_;
  const iam::ManagedPolicyCatalog& catalog_;
};

}  // namespace tw::services::sts
