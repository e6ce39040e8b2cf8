// SPDX-License-Identifier: Apache-2.0
// Subscription filters: put, describe, delete. Validated as AWS validates them (pattern compiled
// by the filter-pattern engine, destination ARN kinds, the role Kinesis and Firehose need, at
// most 2 per log group) and stored; delivery happens at ingestion (subscription_delivery.h).
//
// One deliberate difference: AWS writes a test message to the destination when the filter is put
// and refuses the filter when that fails. trailwatch has no destination services, so it accepts
// the filter and reports every failed delivery instead (README, "Subscription filters").
#include "services/logs/filter_pattern/filter_pattern.h"
#include "services/logs/logs_service.h"
#include "services/logs/subscription_delivery.h"
#include "services/logs/support.h"

namespace tw::services::logs {
namespace {

namespace fp = ::tw::services::logs::filter_pattern;

constexpr std::string_view kSubscriptionsToken = "DescribeSubscriptionFilters";
constexpr int kDefaultDescribeLimit = 50;
constexpr std::string_view kSubscriptionNotFound =
    "The specified subscription filter does not exist.";

Value SubscriptionValue(const SubscriptionFilterRecord& filter) {
  Value out = Value::MakeStructure();
  out.Set("filterName", filter.name);
  out.Set("logGroupName", filter.log_group_name);
  out.Set("filterPattern", filter.pattern);
  out.Set("destinationArn", filter.destination_arn);
  if (filter.role_arn) out.Set("roleArn", *filter.role_arn);
  out.Set("distribution", filter.distribution);
  out.Set("applyOnTransformedLogs", false);
  out.Set("creationTime", filter.created_at);
  return out;
}

// arn:<partition>:iam::<account>:role/<path/>name
bool IsRoleArn(std::string_view arn) {
  if (!arn.starts_with("arn:")) return false;
  auto iam = arn.find(":iam::");
  if (iam == std::string_view::npos) return false;
  std::string_view rest = arn.substr(iam + 6);
  auto colon = rest.find(':');
  if (colon != 12) return false;
  for (char c : rest.substr(0, 12)) {
    if (c < '0' || c > '9') return false;
  }
  std::string_view resource = rest.substr(13);
  return resource.size() > 5 && resource.starts_with("role/");
}

}  // namespace

Result<Value> LogsService::PutSubscriptionFilter(RequestContext& context, const Value& input) {
  const GroupKey key = KeyFor(context, std::string(input.GetString("logGroupName")));
  if (BoolMember(input, "applyOnTransformedLogs")) {
    return InvalidParameter(
        "applyOnTransformedLogs needs a log transformer, which trailwatch does not support");
  }
  if (const Value* fields = input.Find("emitSystemFields");
      (fields != nullptr && fields->is_list() && !fields->as_list().empty()) ||
      !input.GetString("fieldSelectionCriteria").empty()) {
    return InvalidParameter(
        "emitSystemFields and fieldSelectionCriteria are not supported by trailwatch");
  }
  SubscriptionFilterRecord record;
  record.log_group_name = key.name;
  record.name = std::string(input.GetString("filterName"));
  record.pattern = std::string(input.GetString("filterPattern"));
  record.destination_arn = std::string(input.GetString("destinationArn"));
  record.role_arn = OptionalString(input, "roleArn");
  record.distribution = OptionalString(input, "distribution").value_or("ByLogStream");
  record.created_at = EpochMillis(context.clock.Now());

  auto pattern = fp::Compile(record.pattern);
  if (!pattern) return pattern.error().ToAwsError();

  const DestinationArn destination = ParseDestinationArn(record.destination_arn);
  if (destination.kind == DestinationKind::kUnknown) {
    return InvalidParameter("The destinationArn " + record.destination_arn +
                            " is not the ARN of a Kinesis data stream, an Amazon Data Firehose "
                            "delivery stream, a Lambda function or a CloudWatch Logs destination.");
  }
  if (destination.kind != DestinationKind::kLogsDestination) {
    // Kinesis, Firehose and Lambda destinations belong to the filter's own account and Region;
    // other accounts are reached through a Logs destination (PutSubscriptionFilter reference).
    if (destination.account_id != key.account_id || destination.region != key.region) {
      return InvalidParameter("The destination " + record.destination_arn +
                              " must belong to account " + key.account_id + " and Region " +
                              key.region +
                              "; use a CloudWatch Logs destination for cross-account delivery.");
    }
  }
  if (record.role_arn && !IsRoleArn(*record.role_arn)) {
    return InvalidParameter("The roleArn " + *record.role_arn + " is not an IAM role ARN.");
  }
  if (!record.role_arn && (destination.kind == DestinationKind::kKinesis ||
                           destination.kind == DestinationKind::kFirehose)) {
    // The role grants CloudWatch Logs the right to write to the stream; AWS needs it for these
    // two kinds only (not for Lambda or a Logs destination).
    return InvalidParameter("A roleArn is required for a " +
                            std::string(DestinationKindName(destination.kind)) + " destination.");
  }

  // At most 5 regex-bearing filters per group, metric and subscription filters together.
  if (pattern->regex_count() > 0) {
    auto with_regex = RegexFilterCount(key, {}, record.name);
    if (!with_regex) return std::move(with_regex).error();
    if (*with_regex >= kMaxRegexFiltersPerGroup) {
      return LimitExceeded(
          "A log group can have at most 5 metric and subscription filters with regular "
          "expressions.");
    }
  }

  auto outcome = store_.PutSubscriptionFilter(key, record, kMaxSubscriptionFiltersPerGroup);
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  if (*outcome == Outcome::kLimitExceeded) return LimitExceeded("Resource limit exceeded.");
  return Value::MakeStructure();
}

Result<Value> LogsService::DescribeSubscriptionFilters(RequestContext& context,
                                                       const Value& input) {
  const GroupKey key = KeyFor(context, std::string(input.GetString("logGroupName")));
  const int limit =
      static_cast<int>(OptionalInteger(input, "limit").value_or(kDefaultDescribeLimit));
  std::optional<std::string> after;
  if (auto token = OptionalString(input, "nextToken")) {
    auto fields = DecodePageToken(kSubscriptionsToken, *token);
    if (!fields || fields->size() != 2 || (*fields)[0] != key.name) return InvalidNextToken();
    after = (*fields)[1];
  }
  auto listed = store_.ListSubscriptionFilters(key, OptionalString(input, "filterNamePrefix"),
                                               after, limit + 1);
  if (!listed) return std::move(listed).error();
  if (listed->first == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  std::vector<SubscriptionFilterRecord>& filters = listed->second;
  const bool more = static_cast<int>(filters.size()) > limit;
  if (more) filters.resize(static_cast<std::size_t>(limit));
  Value list = Value::MakeList();
  for (const SubscriptionFilterRecord& filter : filters) list.Push(SubscriptionValue(filter));
  Value out = Value::MakeStructure();
  out.Set("subscriptionFilters", std::move(list));
  if (more)
    out.Set("nextToken", EncodePageToken(kSubscriptionsToken, {key.name, filters.back().name}));
  return out;
}

Result<Value> LogsService::DeleteSubscriptionFilter(RequestContext& context, const Value& input) {
  auto outcome =
      store_.DeleteSubscriptionFilter(KeyFor(context, std::string(input.GetString("logGroupName"))),
                                      std::string(input.GetString("filterName")));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  if (*outcome == Outcome::kNotFound) return ResourceNotFound(kSubscriptionNotFound);
  return Value::MakeStructure();
}

}  // namespace tw::services::logs
