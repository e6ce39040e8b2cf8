// SPDX-License-Identifier: Apache-2.0
#include "server/authorizer.h"

namespace tw::server {

AwsError ImplicitDenyError(const auth::Principal& principal, std::string_view action,
                           protocol::Protocol protocol) {
  std::string message =
      "User: " + principal.arn + " is not authorized to perform: " + std::string(action) +
      " because no identity-based policy allows the " + std::string(action) + " action";
  bool json = protocol == protocol::Protocol::kJson || protocol == protocol::Protocol::kRpcV2Cbor ||
              protocol == protocol::Protocol::kRestJson;
  return AwsError::From(json ? ErrorCode::kAccessDeniedException : ErrorCode::kAccessDenied,
                        std::move(message));
}

Status AccountRootAuthorizer::Authorize(const auth::Principal& principal,
                                        const protocol::ServiceModel& service,
                                        const protocol::Operation& operation,
                                        const protocol::Value& /*input*/,
                                        protocol::Protocol protocol) const {
  if (principal.type == auth::PrincipalType::kRoot && principal.account_id == account_id_) {
    return {};
  }
  // "No permissions are required to perform this operation" (STS API reference): even a principal
  // whose policies deny everything can ask who it is.
  if (service.name() == "sts" && operation.name == "GetCallerIdentity") return {};
  // botocore's service names are the IAM action prefixes of the seven services we serve.
  return ImplicitDenyError(principal, service.name() + ":" + operation.name, protocol);
}

}  // namespace tw::server
