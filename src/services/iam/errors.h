// SPDX-License-Identifier: Apache-2.0
// The IAM errors, with the codes and HTTP statuses of the IAM model's error shapes and the
// messages IAM writes. Shared by the handlers and the store. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/aws_error.h"
#include "services/iam/iam_store.h"

namespace tw::services::iam {

AwsError NoSuchEntity(std::string message);             // 404
AwsError EntityAlreadyExists(std::string message);      // 409
AwsError DeleteConflict(std::string message);           // 409
AwsError LimitExceeded(std::string message);            // 409
AwsError MalformedPolicyDocument(std::string message);  // 400
AwsError InvalidInput(std::string message);             // 400

// "The user with name alice cannot be found."
AwsError EntityNotFound(EntityKind kind, std::string_view name);
// "User with name alice already exists."
AwsError EntityExists(EntityKind kind, std::string_view name);
// GetPolicy and friends: "Policy arn:aws:iam::123456789012:policy/p was not found."
AwsError PolicyNotFound(std::string_view arn);
// Attach*Policy, permissions boundaries: "Policy <arn> does not exist or is not attachable."
AwsError PolicyNotAttachable(std::string_view arn);
// "Cannot exceed quota for <quota>: <limit>", IAM's LimitExceeded wording.
AwsError QuotaExceeded(std::string_view quota, std::size_t limit);

}  // namespace tw::services::iam
