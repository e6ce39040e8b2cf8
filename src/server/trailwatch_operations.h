// SPDX-License-Identifier: Apache-2.0
// trailwatch's own operations (models/trailwatch.json, signing name "trailwatch"), which AWS does
// not have: ImportCloudTrail stores the records of one CloudTrail log file in event history and
// in a log group; BackfillMetricFilters runs named metric filters over events a group already
// has; ReplayAlarms evaluates alarms over a past span. They span three services (CloudTrail, Logs,
// CloudWatch), so they live here in the composition layer, which may use all of them, rather
// than in a service (services never include each other). They are reached only through the
// dispatcher, so they are signed, validated, authorized (trailwatch:<Operation>) and recorded in
// CloudTrail like every API call. Thread-safe (the services are).
//
// ImportCloudTrail, in order: every record is parsed and checked first (one bad record rejects
// the whole request with InvalidParameterException and nothing is written); then the events go
// to event history in one transaction (owned by the importing account, kept 90 days from the
// import — EventHistory::AppendImported); the ones history did not have yet go to the log group
// (created if missing), in streams named like CloudTrail's <recipientAccountId>_CloudTrail_
// <awsRegion>, with the record's text as message and eventTime as timestamp, where the group's
// metric filters produce datapoints at those times. History is the ledger that makes a re-import
// a no-op. A crash between the two writes leaves events in history but not in the group (the two
// live in different database files); that window is not closed.
#pragma once

#include <string>

#include "services/cloudtrail/event_history.h"
#include "services/cloudwatch/cloudwatch_service.h"
#include "services/logs/logs_service.h"
#include "services/service.h"

namespace tw::server {

class TrailwatchOperations {
 public:
  TrailwatchOperations(services::cloudtrail::EventHistory& history,
                       services::logs::LogsService& logs,
                       services::cloudwatch::CloudWatchService& cloudwatch)
      : history_(history), logs_(logs), cloudwatch_(cloudwatch) {}

  void Register(services::OperationTable& table);

  Result<protocol::Value> ImportCloudTrail(services::RequestContext& context,
                                           const protocol::Value& input);
  Result<protocol::Value> BackfillMetricFilters(services::RequestContext& context,
                                                const protocol::Value& input);
  Result<protocol::Value> ReplayAlarms(services::RequestContext& context,
                                       const protocol::Value& input);

 private:
  services::cloudtrail::EventHistory& history_;
  services::logs::LogsService& logs_;
  services::cloudwatch::CloudWatchService& cloudwatch_;
};

}  // namespace tw::server
