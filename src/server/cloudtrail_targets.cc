// SPDX-License-Identifier: Apache-2.0
#include "server/cloudtrail_targets.h"

#include "common/time_format.h"
#include "iam/policy/evaluator.h"

namespace tw::server {
namespace {

using iam::policy::CallerKind;
using iam::policy::Decision;
using services::cloudtrail::BucketAccess;

constexpr char kCloudTrail[] = "cloudtrail.amazonaws.com";

std::string RoleName(const std::string& role_arn) {
  return role_arn.substr(role_arn.find_last_of('/') + 1);
}

}  // namespace

CloudTrailTargets::CloudTrailTargets(services::s3::S3Service& s3, services::logs::LogsService& logs,
                                     services::logs::LogsStore& logs_store,
                                     services::iam::IamStore& iam_store,
                                     const services::iam::IamService& iam, std::string account_id,
                                     const Clock& clock)
    : s3_(s3),
      logs_(logs),
      logs_store_(logs_store),
      account_id_(std::move(account_id)),
      clock_(clock),
      resolver_(iam_store, services::iam::ManagedPolicyCatalog::Embedded(),
                [&iam] { return iam.generation(); }) {}

void CloudTrailTargets::AddServiceKeys(iam::policy::Request& request) const {
  const std::int64_t now = EpochMillis(clock_.Now());
  request.context.Set("aws:CurrentTime", FormatIso8601(now, /*with_millis=*/false));
  request.context.Set("aws:EpochTime", std::to_string(now / 1000));
  request.context.Set("aws:SecureTransport", "true");
  request.context.Set("aws:PrincipalIsAWSService", "true");
  request.context.Set("aws:PrincipalServiceName", kCloudTrail);
}

Result<BucketAccess> CloudTrailTargets::BucketAllows(
    const std::string& bucket, const std::string& action, const std::string& resource,
    const std::vector<services::cloudtrail::ContextKey>& context) {
  auto info = s3_.BucketPolicy(bucket);
  if (!info) return std::move(info).error();
  if (!*info) return BucketAccess::kNoSuchBucket;
  if (!(*info)->policy) return BucketAccess::kDenied;
  const std::string id = "bucket/" + bucket;
  auto compiled = resolver_.Compile(id, *(*info)->policy, *(*info)->policy);
  if (!compiled) return std::move(compiled).error();
  iam::policy::Request request;
  request.principal.kind = CallerKind::kService;
  request.principal.service = kCloudTrail;
  request.action = action;
  request.resource = resource;
  request.resource_account = (*info)->owner_account_id;
  AddServiceKeys(request);
  for (const auto& entry : context) request.context.Set(entry.key, entry.value);
  iam::policy::AddPrincipalContextKeys(request);
  iam::policy::PolicySet set;
  set.resource.push_back({compiled->get(), id});
  return iam::policy::Evaluate(set, request).decision == Decision::kAllow ? BucketAccess::kAllowed
                                                                          : BucketAccess::kDenied;
}

Status CloudTrailTargets::PutObject(const std::string& bucket, const std::string& key,
                                    std::string body, const std::string& content_type,
                                    const std::map<std::string, std::string>& metadata) {
  return s3_.StoreObject(bucket, key, body, content_type, metadata, EpochMillis(clock_.Now()),
                         random_);
}

Result<std::optional<bool>> CloudTrailTargets::RoleTrusts(const std::string& role_arn,
                                                          const std::string& service) {
  auto trust = resolver_.TrustPolicy(RoleName(role_arn));
  if (!trust) return std::move(trust).error();
  if (!*trust) return std::optional<bool>();
  iam::policy::Request request;
  request.principal.kind = CallerKind::kService;
  request.principal.service = service;
  request.action = "sts:AssumeRole";
  request.resource = role_arn;
  AddServiceKeys(request);
  request.context.Set("aws:PrincipalServiceName", service);
  iam::policy::AddPrincipalContextKeys(request);
  iam::policy::PolicySet set;
  set.resource.push_back({trust->get(), "trust"});
  set.resource_policy_required = true;
  return std::optional<bool>(iam::policy::Evaluate(set, request).decision == Decision::kAllow);
}

Result<bool> CloudTrailTargets::RoleAllows(const std::string& role_arn, const std::string& action,
                                           const std::string& resource) {
  auth::Principal session;
  session.type = auth::PrincipalType::kAssumedRole;
  session.account_id = account_id_;
  session.arn =
      "arn:aws:sts::" + account_id_ + ":assumed-role/" + RoleName(role_arn) + "/CloudTrailSession";
  auto resolved = resolver_.Resolve(session);
  if (!resolved) return std::move(resolved).error();
  if (!(*resolved)->exists) return false;
  iam::policy::Request request;
  request.principal.kind = CallerKind::kAssumedRole;
  request.principal.arn = session.arn;
  request.principal.account_id = account_id_;
  request.principal.role_arn = (*resolved)->role_arn;
  request.action = action;
  request.resource = resource;
  const std::int64_t now = EpochMillis(clock_.Now());
  request.context.Set("aws:CurrentTime", FormatIso8601(now, /*with_millis=*/false));
  request.context.Set("aws:EpochTime", std::to_string(now / 1000));
  request.context.Set("aws:SecureTransport", "true");
  request.context.Set("aws:ViaAWSService", "false");
  iam::policy::AddPrincipalContextKeys(request);
  return iam::policy::Evaluate((*resolved)->set, request).decision == Decision::kAllow;
}

Result<bool> CloudTrailTargets::LogGroupExists(const std::string& account,
                                               const std::string& region,
                                               const std::string& group) {
  auto found = logs_store_.FindLogGroup(services::logs::GroupKey{account, region, group});
  if (!found) return std::move(found).error();
  return found->has_value();
}

Status CloudTrailTargets::EnsureLogStream(const std::string& account, const std::string& region,
                                          const std::string& group, const std::string& stream) {
  return logs_.EnsureLogStream(account, region, group, stream);
}

Status CloudTrailTargets::PutLogEvents(
    const std::string& account, const std::string& region, const std::string& group,
    const std::string& stream, const std::vector<services::cloudtrail::LogEventOut>& events) {
  std::vector<services::logs::InputEvent> input;
  input.reserve(events.size());
  for (const auto& e : events) input.push_back({e.timestamp_millis, e.message});
  auto appended = logs_.IngestEvents(account, region, group, stream, input);
  if (!appended) return std::move(appended).error();
  return {};
}

}  // namespace tw::server
