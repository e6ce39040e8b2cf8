// SPDX-License-Identifier: Apache-2.0
// CloudTrailTargets: the composition root's implementation of CloudTrail's TrailTargets over the
// S3, Logs and IAM services and the IAM policy engine. Bucket policies are evaluated for the
// service principal cloudtrail.amazonaws.com (PrincipalIsAWSService, SourceArn/SourceAccount and
// s3:x-amz-acl in the context); the CloudWatch Logs role is checked as a session of that role
// (its trust policy for sts:AssumeRole by cloudtrail.amazonaws.com, then its identity policies
// and permissions boundary). Thread-safe (the resolver caches compiled policies).
#pragma once

#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "server/policy_set_resolver.h"
#include "services/cloudtrail/trail_targets.h"
#include "services/iam/iam_service.h"
#include "services/logs/logs_service.h"
#include "services/logs/logs_store.h"
#include "services/s3/s3_service.h"

namespace tw::server {

class CloudTrailTargets final : public services::cloudtrail::TrailTargets {
 public:
  CloudTrailTargets(services::s3::S3Service& s3, services::logs::LogsService& logs,
                    services::logs::LogsStore& logs_store, services::iam::IamStore& iam_store,
                    const services::iam::IamService& iam, std::string account_id,
                    const Clock& clock);

  Result<services::cloudtrail::BucketAccess> BucketAllows(
      const std::string& bucket, const std::string& action, const std::string& resource,
      const std::vector<services::cloudtrail::ContextKey>& context) override;
  Status PutObject(const std::string& bucket, const std::string& key, std::string body,
                   const std::string& content_type,
                   const std::map<std::string, std::string>& metadata) override;
  Result<std::optional<bool>> RoleTrusts(const std::string& role_arn,
                                         const std::string& service) override;
  Result<bool> RoleAllows(const std::string& role_arn, const std::string& action,
                          const std::string& resource) override;
  Result<bool> LogGroupExists(const std::string& account, const std::string& region,
                              const std::string& group) override;
  Status EnsureLogStream(const std::string& account, const std::string& region,
                         const std::string& group, const std::string& stream) override;
  Status PutLogEvents(const std::string& account, const std::string& region,
                      const std::string& group, const std::string& stream,
                      const std::vector<services::cloudtrail::LogEventOut>& events) override;

 private:
  void AddServiceKeys(iam::policy::Request& request) const;

  services::s3::S3Service& s3_;
  services::logs::LogsService& logs_;
  services::logs::LogsStore& logs_store_;
  std::string account_id_;
  const Clock& clock_;
  SecureRandom random_;
  PolicySetResolver resolver_;
};

}  // namespace tw::server
