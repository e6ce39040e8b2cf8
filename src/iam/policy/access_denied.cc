// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/access_denied.h"

namespace tw::iam::policy {

std::string_view PolicyTypeNoun(PolicyType type) {
  switch (type) {
    case PolicyType::kIdentity:
      return "identity-based policy";
    case PolicyType::kResource:
      return "resource-based policy";
    case PolicyType::kPermissionsBoundary:
      return "permissions boundary";
    case PolicyType::kSession:
      return "session policy";
    case PolicyType::kServiceControl:
      return "service control policy";
    case PolicyType::kResourceControl:
      return "resource control policy";
    case PolicyType::kVpcEndpoint:
      return "VPC endpoint policy";
  }
  return "policy";
}

std::string AccessDeniedMessage(const EvalResult& result, std::string_view principal_arn,
                                std::string_view action, std::string_view resource) {
  if (result.decision == Decision::kAllow) return {};
  std::string message = "User: ";
  message += principal_arn;
  message += " is not authorized to perform: ";
  message += action;
  if (!resource.empty()) {
    message += " on resource: ";
    message += resource;
  }
  std::string_view noun = PolicyTypeNoun(result.decided_by);
  if (result.decision == Decision::kExplicitDeny) {
    message += " with an explicit deny in ";
    message += result.decided_by == PolicyType::kIdentity ? "an " : "a ";
    message += noun;
  } else {
    message += " because no ";
    message += noun;
    message += " allows the ";
    message += action;
    message += " action";
  }
  return message;
}

}  // namespace tw::iam::policy
