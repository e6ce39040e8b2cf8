// SPDX-License-Identifier: Apache-2.0
// CloudTrail: event history (LookupEvents) over the calls the TrailRecorder stores, and trails
// (trails.cc): create/update/delete/describe with AWS's validations (name rules, the bucket
// policy letting cloudtrail.amazonaws.com write, the CloudWatch Logs group and role), logging
// state and status, event and Insights selectors, tags, and the public keys digests are signed
// with. Delivery itself is the TrailDeliverer's. Thread-safe.
#pragma once

#include "services/cloudtrail/event_history.h"
#include "services/cloudtrail/signing_keys.h"
#include "services/cloudtrail/trail_deliverer.h"
#include "services/cloudtrail/trail_recorder.h"
#include "services/cloudtrail/trail_registry.h"
#include "services/cloudtrail/trail_targets.h"
#include "services/service.h"

namespace tw::services::cloudtrail {

// What trails need; absent, only event history is served.
struct TrailDeps {
  TrailRegistry& registry;
  TrailTargets& targets;
  SigningKeys& keys;
  TrailDeliverer& deliverer;
};

class CloudTrailService {
 public:
  CloudTrailService(EventHistory& history, TrailRecorder& recorder, std::string account_id,
                    std::optional<TrailDeps> trails = std::nullopt)
      : history_(history),
        recorder_(recorder),
        account_id_(std::move(account_id)),
        trails_(std::move(trails)) {}

  void Register(OperationTable& table);

  // LookupEvents: at most one lookup attribute, newest first, 50 per page, 90 days back.
  Result<protocol::Value> LookupEvents(RequestContext& context, const protocol::Value& input);

  // trails.cc
  Result<protocol::Value> CreateTrail(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> UpdateTrail(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> DeleteTrail(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetTrail(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> DescribeTrails(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> ListTrails(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetTrailStatus(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> StartLogging(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> StopLogging(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> PutEventSelectors(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetEventSelectors(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> PutInsightSelectors(RequestContext& context,
                                              const protocol::Value& input);
  Result<protocol::Value> GetInsightSelectors(RequestContext& context,
                                              const protocol::Value& input);
  Result<protocol::Value> AddTags(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> RemoveTags(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> ListTags(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> ListPublicKeys(RequestContext& context, const protocol::Value& input);

 private:
  Result<TrailRegistry::TrailPtr> FindTrail(RequestContext& context, std::string_view name,
                                            bool home_region_only);
  Result<TrailRegistry::TrailPtr> FindTaggedTrail(RequestContext& context, const std::string& arn);
  // The destination checks CreateTrail and UpdateTrail make.
  Status CheckBucket(const Trail& trail);
  Status CheckLogs(const Trail& trail);

  EventHistory& history_;
  TrailRecorder& recorder_;
  std::string account_id_;
  std::optional<TrailDeps> trails_;
};

// InvalidTrailNameException's rules: 3-128 characters of letters, digits, '.', '_', '-',
// starting and ending with a letter or digit, no two of '.', '_', '-' adjacent, not an IP
// address. The message for the first rule broken; empty when valid.
std::string TrailNameProblem(std::string_view name);

}  // namespace tw::services::cloudtrail
