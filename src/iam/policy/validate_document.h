// SPDX-License-Identifier: Apache-2.0
// The contract IAM's write operations use to check a policy document before storing it
// (CreatePolicy, CreatePolicyVersion, Put*Policy, CreateRole/UpdateAssumeRolePolicy, and later
// PutBucketPolicy and SNS topic policies). The policy engine (this folder) implements it with the
// same parser that evaluation uses, so a stored policy always compiles. Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/result.h"

namespace tw::iam::policy {

// What a document is for; the grammar differs (a resource or trust policy needs Principal, an
// identity policy must not have one; a trust policy's actions are sts:AssumeRole*...).
enum class PolicyKind {
  kIdentity,  // managed and inline policies of users, groups and roles; permissions boundaries
  kResource,  // S3 bucket policies, SNS topic policies
  kTrust,     // role trust (assume-role) policies
};

// Ok, or the AwsError IAM returns for that document: code MalformedPolicyDocument (HTTP 400) with
// AWS's message ("Syntax errors in policy.", "Policy document should not specify a principal.",
// "Has prohibited field Resource", ...). Size limits are per operation and are checked by the
// caller, not here.
Status ValidatePolicyDocument(std::string_view document, PolicyKind kind);

// Operation-specific strictness on top of the kind's grammar.
struct ValidationOptions {
  // CreatePolicy and CreatePolicyVersion (managed policies) reject a document without
  // "Version": "2012-10-17" ("Policy document must be version 2012-10-17 or greater."); inline
  // policies and trust policies accept 2008-10-17 or no Version.
  bool require_current_version = false;
};
Status ValidatePolicyDocument(std::string_view document, PolicyKind kind,
                              const ValidationOptions& options);

}  // namespace tw::iam::policy
