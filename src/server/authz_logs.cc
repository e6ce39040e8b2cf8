// SPDX-License-Identifier: Apache-2.0
// CloudWatch Logs' table (Service Authorization Reference, "Actions defined by Amazon CloudWatch
// Logs"). The action is logs:<Operation>. The request resource of a log-group call is
// arn:aws:logs:<region>:<acct>:log-group:<name>:log-stream: (the form AWS's AccessDenied
// messages show, matched by the documented policy form log-group:<name>:*); of a stream call
// (PutLogEvents, GetLogEvents) ...:log-group:<name>:log-stream:<stream>; DescribeLogGroups
// without a name ...:log-group::log-stream:. Tag operations act on resourceArn.
#include "server/authz_table.h"

namespace tw::server {
namespace {

std::vector<AuthzCheck> DescribeLogs(std::string_view operation, const AuthzInput& in) {
  const protocol::Value& input = in.input;
  std::string prefix =
      "arn:aws:logs:" + std::string(in.region) + ":" + std::string(in.account_id) + ":log-group:";
  std::string group = InputString(input, "logGroupName");
  if (group.empty()) {
    // logGroupIdentifier: a name or an ARN (with or without the trailing ":*").
    std::string identifier = InputString(input, "logGroupIdentifier");
    if (identifier.starts_with("arn:")) {
      auto at = identifier.find(":log-group:");
      if (at != std::string::npos) {
        identifier = identifier.substr(at + 11);
        if (identifier.ends_with(":*")) identifier.resize(identifier.size() - 2);
      }
    }
    group = identifier;
  }
  AuthzCheck check;
  check.action = "logs:" + std::string(operation);
  std::string stream = InputString(input, "logStreamName");
  if (std::string arn = InputString(input, "resourceArn"); !arn.empty()) {
    check.resource = arn;
  } else if (operation == "TestMetricFilter") {
    check.resource = "*";
  } else if (!stream.empty() && (operation == "PutLogEvents" || operation == "GetLogEvents")) {
    check.resource = prefix + group + ":log-stream:" + stream;
  } else {
    check.resource = prefix + group + ":log-stream:";
  }
  if (input.is_object()) {
    if (operation == "UntagLogGroup") {
      AddTagKeys(input.Find("tags"), check.context);
    } else if (operation == "UntagResource") {
      AddTagKeys(input.Find("tagKeys"), check.context);
    } else {
      AddRequestTags(input.Find("tags"), check.context);
    }
  }
  std::vector<AuthzCheck> checks;
  checks.push_back(std::move(check));
  // A subscription filter with a role passes it to CloudWatch Logs: iam:PassRole on the role,
  // with iam:PassedToService (Service Authorization Reference, dependent action).
  if (operation == "PutSubscriptionFilter") {
    if (std::string role = InputString(input, "roleArn"); !role.empty()) {
      AuthzCheck pass;
      pass.action = "iam:PassRole";
      pass.resource = role;
      pass.context.Set("iam:PassedToService", "logs.amazonaws.com");
      checks.push_back(std::move(pass));
    }
  }
  return checks;
}

}  // namespace

const ServiceAuthz& LogsAuthz() {
  static const ServiceAuthz kTable{"logs",
                                   {"CreateLogGroup",
                                    "CreateLogStream",
                                    "DeleteLogGroup",
                                    "DeleteLogStream",
                                    "DeleteMetricFilter",
                                    "DeleteRetentionPolicy",
                                    "DescribeLogGroups",
                                    "DescribeLogStreams",
                                    "DescribeMetricFilters",
                                    "FilterLogEvents",
                                    "GetLogEvents",
                                    "ListTagsForResource",
                                    "ListTagsLogGroup",
                                    "PutLogEvents",
                                    "PutMetricFilter",
                                    "PutRetentionPolicy",
                                    "TagLogGroup",
                                    "TagResource",
                                    "TestMetricFilter",
                                    "UntagLogGroup",
                                    "UntagResource",
                                    "PutSubscriptionFilter",
                                    "DescribeSubscriptionFilters",
                                    "DeleteSubscriptionFilter"},
                                   false,
                                   &DescribeLogs};
  return kTable;
}

}  // namespace tw::server
