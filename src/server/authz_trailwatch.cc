// SPDX-License-Identifier: Apache-2.0
// trailwatch's own operations (models/trailwatch.json): the action is trailwatch:<Operation>
// (trailwatch:ImportCloudTrail, trailwatch:BackfillMetricFilters, trailwatch:ReplayAlarms). The
// import and the backfill write a log group, so their resource is that group's ARN in the form
// Logs uses (arn:aws:logs:<region>:<acct>:log-group:<name>:log-stream:, matched by
// log-group:<name>:*); ReplayAlarms acts on the account's alarms and is authorized on "*". The
// root user is allowed implicitly, like every action.
#include "server/authz_table.h"

namespace tw::server {
namespace {

std::vector<AuthzCheck> DescribeTrailwatch(std::string_view operation, const AuthzInput& in) {
  AuthzCheck check;
  check.action = "trailwatch:" + std::string(operation);
  std::string group = InputString(in.input, "logGroupName");
  check.resource = group.empty()
                       ? "*"
                       : "arn:aws:logs:" + std::string(in.region) + ":" +
                             std::string(in.account_id) + ":log-group:" + group + ":log-stream:";
  return {std::move(check)};
}

}  // namespace

const ServiceAuthz& TrailwatchAuthz() {
  static const ServiceAuthz kTable{"trailwatch",
                                   {"ImportCloudTrail", "BackfillMetricFilters", "ReplayAlarms"},
                                   false,
                                   &DescribeTrailwatch};
  return kTable;
}

}  // namespace tw::server
