// SPDX-License-Identifier: Apache-2.0
// The authorization decision: AWS's policy evaluation logic over compiled policies, as a pure
// function of (PolicySet, Request). No I/O, no clock (aws:CurrentTime is a context key), no
// allocation beyond the result's diagnostics. Thread-safe: evaluates shared immutable policies.
// Logic: IAM User Guide, "Policy evaluation logic" and "Cross-account policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
//   1. an explicit Deny in any applicable policy wins;
//   2. Organizations SCPs (IAM principals of member accounts) and RCPs must allow at every level;
//      a VPC endpoint policy, when the request came through one, must allow;
//   3. same account: an Allow in a resource-based policy naming the user, the session or anyone
//      suffices; an Allow naming the role is still capped by boundary and session policy; an
//      Allow naming the account delegates to the identity policies;
//      cross account: the principal's side (identity, boundary, session) must allow AND the
//      resource-based policy must allow;
//   4. identity-based policies must allow (the account root user is allowed in its own account);
//   5. the permissions boundary, if set, must allow; 6. session policies, if passed, must allow;
//   7. otherwise implicit deny.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/policy/compiler.h"
#include "iam/policy/request.h"

namespace tw::iam::policy {

enum class Decision : std::uint8_t { kAllow, kExplicitDeny, kImplicitDeny };

// Which kind of policy a statement came from, or which kind decided a denial. The names follow
// AWS's AccessDenied message endings.
enum class PolicyType : std::uint8_t {
  kIdentity,  // user/group/role inline or managed policies
  kResource,  // resource-based policy (or the role trust policy for sts:AssumeRole*)
  kPermissionsBoundary,
  kSession,
  kServiceControl,   // Organizations SCP
  kResourceControl,  // Organizations RCP
  kVpcEndpoint,
};

// A policy taking part in an evaluation; the caller owns the policy and the id.
struct PolicyRef {
  const CompiledPolicy* policy = nullptr;
  std::string_view
      id;  // e.g. the managed policy ARN, "user/alice/inline-name", "PolicyInputList.1"
};

struct PolicySet {
  std::vector<PolicyRef> identity;
  std::vector<PolicyRef> resource;
  // Set only when the principal has a permissions boundary / the session carries session
  // policies. An empty vector that is set allows nothing.
  std::optional<std::vector<PolicyRef>> permissions_boundary;
  std::optional<std::vector<PolicyRef>> session;
  // One entry per level of the organization (root, OUs, account); empty = not in an organization.
  std::vector<std::vector<PolicyRef>> service_control_levels;
  std::vector<std::vector<PolicyRef>> resource_control_levels;
  std::optional<std::vector<PolicyRef>> vpc_endpoint;
  // The resource-based policy must itself allow, even within one account: role trust policies
  // (sts:AssumeRole*) and KMS key policies ("Policy evaluation logic": exceptions).
  bool resource_policy_required = false;
};

struct MatchedStatement {
  std::string_view policy_id;
  PolicyType policy_type = PolicyType::kIdentity;
  std::uint16_t index = 0;
  std::string_view sid;
  Effect effect = Effect::kAllow;
};

struct EvalResult {
  Decision decision = Decision::kImplicitDeny;
  // For a deny: the kind of policy that denied explicitly, or whose missing Allow decided.
  PolicyType decided_by = PolicyType::kIdentity;
  // Explicit deny: the Deny statements that matched. Allow: the Allow statements that matched.
  std::vector<MatchedStatement> matched;
  // Condition keys (lower-cased) that matched statements referenced but the request lacked.
  std::vector<std::string> missing_context_keys;
};

EvalResult Evaluate(const PolicySet& policies, const Request& request);

}  // namespace tw::iam::policy
