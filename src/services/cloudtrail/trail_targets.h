// SPDX-License-Identifier: Apache-2.0
// TrailTargets: what CloudTrail needs from S3, IAM and CloudWatch Logs to validate and deliver
// trails, as one narrow interface the composition root implements over those services and the
// IAM policy engine (server/cloudtrail_targets), so CloudTrail depends on none of them. Every
// access check is made as AWS makes it: as the service principal cloudtrail.amazonaws.com against
// the bucket policy, and as the CloudWatch Logs role (its trust policy and its policies).
// Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tw::services::cloudtrail {

enum class BucketAccess { kAllowed, kDenied, kNoSuchBucket };

struct ContextKey {
  std::string key;
  std::string value;
};

struct LogEventOut {
  std::int64_t timestamp_millis = 0;
  std::string message;
};

class TrailTargets {
 public:
  virtual ~TrailTargets() = default;

  // Whether the bucket policy lets cloudtrail.amazonaws.com perform `action` on `resource` with
  // the request context `context` (aws:SourceArn, aws:SourceAccount, s3:x-amz-acl).
  virtual Result<BucketAccess> BucketAllows(const std::string& bucket, const std::string& action,
                                            const std::string& resource,
                                            const std::vector<ContextKey>& context) = 0;
  // Stores an object as CloudTrail does (the caller checked the bucket policy); `metadata` are
  // user metadata (x-amz-meta-*) names without the prefix.
  virtual Status PutObject(const std::string& bucket, const std::string& key, std::string body,
                           const std::string& content_type,
                           const std::map<std::string, std::string>& metadata) = 0;

  // nullopt inside: the role does not exist. Otherwise whether its trust policy lets `service`
  // sts:AssumeRole.
  virtual Result<std::optional<bool>> RoleTrusts(const std::string& role_arn,
                                                 const std::string& service) = 0;
  // Whether the role's own policies allow `action` on `resource`.
  virtual Result<bool> RoleAllows(const std::string& role_arn, const std::string& action,
                                  const std::string& resource) = 0;

  virtual Result<bool> LogGroupExists(const std::string& account, const std::string& region,
                                      const std::string& group) = 0;
  virtual Status EnsureLogStream(const std::string& account, const std::string& region,
                                 const std::string& group, const std::string& stream) = 0;
  // Appends chronological events to an existing stream (metric filters run on them).
  virtual Status PutLogEvents(const std::string& account, const std::string& region,
                              const std::string& group, const std::string& stream,
                              const std::vector<LogEventOut>& events) = 0;
};

}  // namespace tw::services::cloudtrail
