// SPDX-License-Identifier: Apache-2.0
// Authorization descriptors: for each operation trailwatch serves, what AWS authorizes — the IAM
// action(s), the request resource ARN(s) built from the validated input, the principal, account
// and region, and the service condition keys (s3:prefix, iam:PolicyARN, aws:RequestTag/...). One
// table per service in authz_<service>.cc; the PolicyAuthorizer evaluates every AuthzCheck a
// descriptor yields and the first one denied denies the call. Sources: the Service Authorization
// Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/) per service.
// Pure functions over the input and an optional read-only lookup; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/principal.h"
#include "iam/policy/request.h"
#include "protocol/value.h"

namespace tw::server {

// One authorization decision a call needs (CopyObject needs two: read the source, write the
// destination).
struct AuthzCheck {
  std::string action;    // "s3:GetObject"
  std::string resource;  // an ARN, or "*" for actions without resource-level permissions
  iam::policy::ContextKeys context;  // service keys: s3:prefix, iam:PolicyARN, aws:RequestTag/..
  std::string bucket;                // S3: the bucket whose policy is the resource-based policy
  std::string trust_role;            // sts:AssumeRole: the role whose trust policy must allow
  // Set for checks of one item of a batch that the service answers item by item (DeleteObjects'
  // keys): a refusal is reported for that item instead of failing the call.
  std::optional<std::size_t> item;
};

// What a descriptor may look up: the path and tags of IAM entities (request resources carry the
// path; aws:ResourceTag/* the tags). Implementations are thread-safe.
class AuthzLookup {
 public:
  enum class Kind { kUser, kGroup, kRole };
  struct Entity {
    std::string path;
    std::vector<std::pair<std::string, std::string>> tags;
  };
  virtual ~AuthzLookup() = default;
  virtual std::optional<Entity> FindIamEntity(Kind kind, std::string_view name) const = 0;
};

struct AuthzInput {
  const auth::Principal& principal;
  std::string_view account_id;  // the account this server serves (owns every resource)
  std::string_view region;
  const protocol::Value& input;
  const AuthzLookup* lookup = nullptr;  // null: IAM paths default to "/"
};

using Describer = std::vector<AuthzCheck> (*)(std::string_view operation, const AuthzInput& in);

struct ServiceAuthz {
  std::string_view service;
  // The operations with an entry. Empty with whole_model: the describer is a rule that covers
  // every operation of the service's model (CloudWatch and SNS name their resources uniformly).
  std::vector<std::string_view> operations;
  bool whole_model = false;
  Describer describe = nullptr;
};

// Null for a service without a table.
const ServiceAuthz* FindServiceAuthz(std::string_view service);
// True when the table has an entry for the operation.
bool HasAuthzEntry(std::string_view service, std::string_view operation);
// The checks of a call; an operation without an entry gets "<service>:<Operation>" on "*", so a
// forgotten entry still needs a policy (fail closed).
std::vector<AuthzCheck> DescribeCall(std::string_view service, std::string_view operation,
                                     const AuthzInput& in);

// The per-service tables (authz_<service>.cc).
const ServiceAuthz& IamAuthz();
const ServiceAuthz& S3Authz();
const ServiceAuthz& LogsAuthz();
const ServiceAuthz& StsAuthz();
const ServiceAuthz& CloudTrailAuthz();
const ServiceAuthz& CloudWatchAuthz();
const ServiceAuthz& SnsAuthz();
const ServiceAuthz& TrailwatchAuthz();

// Helpers the tables share.
std::string InputString(const protocol::Value& input, std::string_view member);
// Tags member (list of {Key,Value}, or a map for Logs) -> aws:RequestTag/<k> and aws:TagKeys.
void AddRequestTags(const protocol::Value* tags, iam::policy::ContextKeys& context);
// A list of tag keys (Untag*) -> aws:TagKeys.
void AddTagKeys(const protocol::Value* keys, iam::policy::ContextKeys& context);

}  // namespace tw::server
