// SPDX-License-Identifier: Apache-2.0
// The authorization step of the request path. Every operation of every service passes through
// Authorize before its handler runs; the dispatcher has no other way to reach a handler. Until the
// IAM policy engine lands, the only policy-free rule AWS has is the one implemented here: the root
// user of an account may do everything in it, and any other principal is implicitly denied.
#pragma once

#include <string>

#include "auth/principal.h"
#include "common/result.h"
#include "protocol/model.h"
#include "protocol/value.h"

namespace tw::server {

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // Ok, or AccessDenied (query and XML services) / AccessDeniedException (JSON services) with
  // AWS's message naming the principal, the action and the resource.
  virtual Status Authorize(const auth::Principal& principal, const protocol::ServiceModel& service,
                           const protocol::Operation& operation, const protocol::Value& input,
                           protocol::Protocol protocol) const = 0;
};

class AccountRootAuthorizer final : public Authorizer {
 public:
  explicit AccountRootAuthorizer(std::string account_id) : account_id_(std::move(account_id)) {}
  Status Authorize(const auth::Principal& principal, const protocol::ServiceModel& service,
                   const protocol::Operation& operation, const protocol::Value& input,
                   protocol::Protocol protocol) const override;

 private:
  std::string account_id_;
};

// The access-denied error of a protocol, in AWS's words: "User: <arn> is not authorized to
// perform: <action> because no identity-based policy allows the <action> action".
AwsError ImplicitDenyError(const auth::Principal& principal, std::string_view action,
                           protocol::Protocol protocol);

}  // namespace tw::server
