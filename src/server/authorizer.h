// SPDX-License-Identifier: Apache-2.0
// The authorization step of the request path. Every operation of every service passes through
// Authorize before its handler runs; the dispatcher has no other way to reach a handler.
// PolicyAuthorizer is the real one: IAM policy evaluation (src/iam/policy) over the caller's
// identity policies, permissions boundary and, for S3, the bucket policy, with the request's
// global condition keys. AccountRootAuthorizer is the policy-free rule (root allowed, everyone
// else implicitly denied) that tests use. Both are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/result.h"
#include "http/message.h"
#include "protocol/model.h"
#include "protocol/value.h"
#include "server/policy_set_resolver.h"

namespace tw::server {

// Everything about a call that authorization may look at.
struct AuthorizationRequest {
  const auth::Principal& principal;
  const protocol::ServiceModel& service;
  const protocol::Operation& operation;
  const protocol::Value& input;
  protocol::Protocol protocol;
  const http::HttpRequest* http = nullptr;  // source address, user agent; null in some tests
  std::string_view region = "us-east-1";    // the SigV4 scope's region
  // Receives the item indexes of per-item checks (AuthzCheck::item) that were refused; such
  // refusals do not fail the call. Null: a refused per-item check fails the call like any other.
  std::vector<std::size_t>* denied_items = nullptr;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // Ok, or AccessDenied (query and XML services) / AccessDeniedException (JSON services) /
  // AuthorizationError (SNS) with AWS's message naming the principal, action and resource.
  virtual Status Authorize(const AuthorizationRequest& request) const = 0;
};

class AccountRootAuthorizer final : public Authorizer {
 public:
  explicit AccountRootAuthorizer(std::string account_id) : account_id_(std::move(account_id)) {}
  Status Authorize(const AuthorizationRequest& request) const override;

 private:
  std::string account_id_;
};

// The bucket policy and owner of a bucket (S3Service::BucketPolicy); nullopt: no such bucket.
struct BucketPolicyDoc {
  std::string owner_account_id;
  std::optional<std::string> policy;
};
using BucketPolicySource =
    std::function<Result<std::optional<BucketPolicyDoc>>(std::string_view bucket)>;

struct PolicyAuthorizerDeps {
  std::string account_id;
  PolicySetResolver& resolver;
  BucketPolicySource bucket_policies;  // may be empty: no resource policies
  const Clock& clock;
  // Whether the account password policy has AllowUsersToChangePassword, which lets every IAM
  // user call iam:ChangePassword on itself and iam:GetAccountPasswordPolicy without a policy
  // that allows them (an explicit Deny still wins). Empty: never.
  std::function<bool()> users_may_change_password = {};
};

class PolicyAuthorizer final : public Authorizer {
 public:
  explicit PolicyAuthorizer(PolicyAuthorizerDeps deps) : deps_(std::move(deps)) {}
  Status Authorize(const AuthorizationRequest& request) const override;

 private:
  PolicyAuthorizerDeps deps_;
};

// True for the calls AWS lets any authenticated principal make without a policy:
// sts:GetCallerIdentity and sts:GetSessionToken ("No permissions are required", STS API
// Reference).
bool IsPermissionFree(std::string_view service, std::string_view operation);

// The access-denied error of a protocol: AccessDenied (403) for query and XML services,
// AccessDeniedException (400) for JSON services, AuthorizationError (403) for SNS.
AwsError AccessDeniedError(std::string_view service, protocol::Protocol protocol,
                           std::string message);

// "User: <arn> is not authorized to perform: <action> because no identity-based policy allows
// the <action> action", for operations without a resource.
AwsError ImplicitDenyError(const auth::Principal& principal, std::string_view action,
                           protocol::Protocol protocol);

}  // namespace tw::server
