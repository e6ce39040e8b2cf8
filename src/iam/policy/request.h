// SPDX-License-Identifier: Apache-2.0
// The request an authorization decision is about: who (RequestPrincipal), what (action), on what
// (resource and its owning account) and the request context keys conditions test. Built by the
// caller (the dispatcher, or the policy simulator from ContextEntries); read-only during
// evaluation, so one Request may be evaluated from several threads.
// Context keys: IAM User Guide, "AWS global condition context keys" and "Multivalued context keys".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/policy/pattern.h"

namespace tw::iam::policy {

// Who signed the request ("Principal key values" table of the IAM User Guide).
enum class CallerKind : std::uint8_t {
  kAccountRoot,
  kIamUser,
  kAssumedRole,    // a role session (AssumeRole, web identity, SAML, EC2 instance role)
  kFederatedUser,  // a GetFederationToken session
  kService,        // an AWS service principal ("lambda.amazonaws.com")
  kAnonymous,      // unsigned S3/SNS requests
};

struct RequestPrincipal {
  CallerKind kind = CallerKind::kIamUser;
  // arn:aws:iam::<acct>:root, ...:user/<path/>name, arn:aws:sts::<acct>:assumed-role/R/S,
  // arn:aws:sts::<acct>:federated-user/N. Empty for services and anonymous callers.
  std::string arn;
  std::string account_id;
  // For role sessions: the role's own ARN with its path. A resource-based policy naming the role
  // applies to all of its sessions (IAM User Guide, "AWS JSON policy elements: Principal").
  std::string role_arn;
  std::string service;             // kService: "ec2.amazonaws.com"
  std::string federated_provider;  // web identity / SAML sessions: the provider a trust names
  std::string canonical_user;      // S3 canonical user ID, when known
  std::string user_name;           // IAM users only: aws:username
  std::string user_id;             // AIDA..., AROA...:session, account id for root: aws:userid
};

// Condition context keys: case-insensitive names, each single-valued or multivalued (a list, as
// aws:TagKeys). Implements VariableSource for ${...} substitution (single-valued keys only).
class ContextKeys final : public VariableSource {
 public:
  struct Entry {
    std::string lower_key;
    std::vector<std::string> values;
    bool multivalued = false;
  };

  // Replaces any earlier value of the key.
  void Set(std::string_view key, std::string value);
  void SetMulti(std::string_view key, std::vector<std::string> values);
  bool Has(std::string_view key) const;

  // REQUIRES: lower_key is lower-case (compiled conditions store it so).
  const Entry* FindLower(std::string_view lower_key) const;
  std::optional<std::string_view> LookupVariable(std::string_view lower_key) const override;
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

struct Request {
  std::string action;    // "s3:GetObject" in any case: actions match case-insensitively
  std::string resource;  // an ARN, or "*" for actions without resource-level permissions
  // The account that owns the resource; empty means the principal's own account.
  std::string resource_account;
  RequestPrincipal principal;
  ContextKeys context;
};

// Adds the principal-derived global keys a request always carries unless already set:
// aws:PrincipalArn (the role ARN, not the session ARN, for role sessions), aws:PrincipalAccount,
// aws:PrincipalType, aws:userid, aws:username (IAM users only).
void AddPrincipalContextKeys(Request& request);

}  // namespace tw::iam::policy
