// SPDX-License-Identifier: Apache-2.0
// CloudWatch Logs' table (Service Authorization Reference, "Actions defined by Amazon CloudWatch
// Logs"). The action is logs:<Operation>. The request resource of a log-group call is
// arn:aws:logs:<region>:<acct>:log-group:<name>:log-stream: (the form AWS's AccessDenied
// messages show, matched by the documented policy form log-group:<name>:*); of a stream call
// (PutLogEvents, GetLogEvents) ...:log-group:<name>:log-stream:<stream>; DescribeLogGroups
// without a name ...:log-group::log-stream:. Tag operations act on resourceArn. StartQuery is
// checked once per log group it reads (the parameters, or for SQL/PPL the groups the query
// names); the other Logs Insights operations have no resource (*).
#include "server/authz_table.h"
#include "services/logs/insights/parser.h"

namespace tw::server {
namespace {

// A log group name from a logGroupIdentifier (a name or an ARN, with or without ":*").
std::string GroupFromIdentifier(std::string identifier) {
  if (identifier.starts_with("arn:")) {
    auto at = identifier.find(":log-group:");
    if (at != std::string::npos) {
      identifier = identifier.substr(at + 11);
      if (identifier.ends_with(":*")) identifier.resize(identifier.size() - 2);
    }
  }
  return identifier;
}

std::vector<AuthzCheck> DescribeStartQuery(const AuthzInput& in) {
  const protocol::Value& input = in.input;
  std::vector<std::string> groups;
  if (std::string name = InputString(input, "logGroupName"); !name.empty()) groups.push_back(name);
  for (const char* member : {"logGroupNames", "logGroupIdentifiers"}) {
    if (const protocol::Value* list = input.is_object() ? input.Find(member) : nullptr;
        list != nullptr && list->is_list()) {
      for (const protocol::Value& item : list->as_list()) {
        if (item.is_string()) groups.push_back(GroupFromIdentifier(item.as_string()));
      }
    }
  }
  if (groups.empty()) {
    namespace insights = services::logs::insights;
    auto language = insights::LanguageFromName(InputString(input, "queryLanguage"));
    if (language) {
      auto parsed = insights::Parse(*language, InputString(input, "queryString"));
      if (parsed.ok()) groups = parsed.query.sources;
    }
  }
  std::vector<AuthzCheck> checks;
  for (const std::string& group : groups) {
    AuthzCheck check;
    check.action = "logs:StartQuery";
    check.resource = "arn:aws:logs:" + std::string(in.region) + ":" + std::string(in.account_id) +
                     ":log-group:" + group + ":log-stream:";
    checks.push_back(std::move(check));
  }
  if (checks.empty()) {
    // Nothing to read (the request will fail validation); still an authorized call.
    AuthzCheck check;
    check.action = "logs:StartQuery";
    check.resource = "*";
    checks.push_back(std::move(check));
  }
  return checks;
}

std::vector<AuthzCheck> DescribeLogs(std::string_view operation, const AuthzInput& in) {
  const protocol::Value& input = in.input;
  if (operation == "StartQuery") return DescribeStartQuery(in);
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
  } else if (operation == "TestMetricFilter" || operation == "GetQueryResults" ||
             operation == "StopQuery" || operation == "DescribeQueries" ||
             operation == "GetLogRecord" || operation == "PutQueryDefinition" ||
             operation == "DescribeQueryDefinitions" || operation == "DeleteQueryDefinition") {
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
  // clang-format off
  static const ServiceAuthz kTable{
      "logs",
      {"CreateLogGroup",        "CreateLogStream",       "DeleteLogGroup",    "DeleteLogStream",
       "DeleteMetricFilter",    "DeleteRetentionPolicy", "DescribeLogGroups", "DescribeLogStreams",
       "DescribeMetricFilters", "FilterLogEvents",       "GetLogEvents",      "ListTagsForResource",
       "ListTagsLogGroup",      "PutLogEvents",          "PutMetricFilter",   "PutRetentionPolicy",
       "TagLogGroup",           "TagResource",           "TestMetricFilter",  "UntagLogGroup",
       "UntagResource",
       // Logs Insights.
       "StartQuery", "GetQueryResults", "StopQuery", "DescribeQueries", "GetLogRecord",
       "PutQueryDefinition", "DescribeQueryDefinitions", "DeleteQueryDefinition",
       // Subscription filters.
       "PutSubscriptionFilter", "DescribeSubscriptionFilters", "DeleteSubscriptionFilter"},
      false,
      &DescribeLogs};
  // clang-format on
  return kTable;
}

}  // namespace tw::server
