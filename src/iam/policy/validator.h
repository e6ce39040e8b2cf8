// SPDX-License-Identifier: Apache-2.0
// IAM's write-time checks on a parsed document, in the order IAM applies them, each failing with
// the message IAM returns (MalformedPolicyDocument, HTTP 400): principal rules per kind, Version,
// the "legacy parsing" stage (Effect case, Date values, resource ARN shape), unique Sids, actions
// and resources present, resource ARN format, action vendor prefixes, trust-policy actions.
// Messages as observed from IAM (CreatePolicy/PutUserPolicy/CreateRole responses recorded by
// moto's tests/test_iam/test_iam_policies.py and public issue reports). Pure; thread-safe.
#pragma once

#include "common/result.h"
#include "iam/policy/document.h"
#include "iam/policy/validate_document.h"

namespace tw::iam::policy {

Status ValidateDocument(const PolicyDocument& document, PolicyKind kind,
                        const ValidationOptions& options);

// The one legacy-stage check evaluation depends on: every Date condition value parses
// ("The policy failed legacy parsing" otherwise).
Status CheckDateValues(const PolicyDocument& document);

}  // namespace tw::iam::policy
