// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/validate_document.h"

#include <utility>

#include "iam/policy/parser.h"
#include "iam/policy/validator.h"

namespace tw::iam::policy {

Status ValidatePolicyDocument(std::string_view document, PolicyKind kind) {
  return ValidatePolicyDocument(document, kind, ValidationOptions{});
}

Status ValidatePolicyDocument(std::string_view document, PolicyKind kind,
                              const ValidationOptions& options) {
  Result<PolicyDocument> parsed = ParsePolicyDocument(document);
  if (!parsed) return std::move(parsed).error();
  return ValidateDocument(*parsed, kind, options);
}

}  // namespace tw::iam::policy
