// SPDX-License-Identifier: Apache-2.0
// CloudTrail: event history (LookupEvents) over the calls the TrailRecorder stores. Trails, S3 and
// CloudWatch Logs delivery and digests arrive with the rest of the CloudTrail issue.
// Thread-safe.
#pragma once

#include "services/cloudtrail/event_history.h"
#include "services/cloudtrail/trail_recorder.h"
#include "services/service.h"

namespace tw::services::cloudtrail {

class CloudTrailService {
 public:
  CloudTrailService(EventHistory& history, TrailRecorder& recorder, std::string account_id)
      : history_(history), recorder_(recorder), account_id_(std::move(account_id)) {}

  void Register(OperationTable& table);

  // LookupEvents: at most one lookup attribute, newest first, 50 per page, 90 days back.
  Result<protocol::Value> LookupEvents(RequestContext& context, const protocol::Value& input);

 private:
  EventHistory& history_;
  TrailRecorder& recorder_;
  std::string account_id_;
};

}  // namespace tw::services::cloudtrail
