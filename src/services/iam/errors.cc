// SPDX-License-Identifier: Apache-2.0
#include "services/iam/errors.h"

#include <utility>

namespace tw::services::iam {

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return "user";
    case EntityKind::kGroup:
      return "group";
    case EntityKind::kRole:
      return "role";
  }
  return "user";
}

AwsError NoSuchEntity(std::string message) {
  return AwsError::Make("NoSuchEntity", 404, std::move(message));
}
AwsError EntityAlreadyExists(std::string message) {
  return AwsError::Make("EntityAlreadyExists", 409, std::move(message));
}
AwsError DeleteConflict(std::string message) {
  return AwsError::Make("DeleteConflict", 409, std::move(message));
}
AwsError LimitExceeded(std::string message) {
  return AwsError::Make("LimitExceeded", 409, std::move(message));
}
AwsError MalformedPolicyDocument(std::string message) {
  return AwsError::Make("MalformedPolicyDocument", 400, std::move(message));
}
AwsError InvalidInput(std::string message) {
  return AwsError::Make("InvalidInput", 400, std::move(message));
}

AwsError EntityNotFound(EntityKind kind, std::string_view name) {
  return NoSuchEntity("The " + std::string(EntityKindName(kind)) + " with name " +
                      std::string(name) + " cannot be found.");
}

AwsError EntityExists(EntityKind kind, std::string_view name) {
  std::string label(EntityKindName(kind));
  label[0] = static_cast<char>(label[0] - 'a' + 'A');
  return EntityAlreadyExists(label + " with name " + std::string(name) + " already exists.");
}

AwsError PolicyNotFound(std::string_view arn) {
  return NoSuchEntity("Policy " + std::string(arn) + " was not found.");
}

AwsError PolicyNotAttachable(std::string_view arn) {
  return NoSuchEntity("Policy " + std::string(arn) + " does not exist or is not attachable.");
}

AwsError QuotaExceeded(std::string_view quota, std::size_t limit) {
  return LimitExceeded("Cannot exceed quota for " + std::string(quota) + ": " +
                       std::to_string(limit));
}

}  // namespace tw::services::iam
