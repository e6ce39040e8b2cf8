// SPDX-License-Identifier: Apache-2.0
// Metric filters: put, describe, delete, test. The pattern, metricValue and dimensions are
// compiled by the filter-pattern engine when the filter is put, so an invalid filter is refused
// then, never at ingestion.
#include "services/logs/filter_pattern/filter_pattern.h"
#include "services/logs/logs_service.h"
#include "services/logs/support.h"

namespace tw::services::logs {
namespace {

namespace fp = ::tw::services::logs::filter_pattern;

constexpr std::string_view kFiltersToken = "DescribeMetricFilters";
constexpr int kDefaultDescribeLimit = 50;
constexpr std::size_t kMaxDimensions = 3;

Value FilterValue(const MetricFilterRecord& filter) {
  const MetricTransformationRecord& t = filter.transformation;
  Value transformation = Value::MakeStructure();
  transformation.Set("metricName", t.metric_name);
  transformation.Set("metricNamespace", t.metric_namespace);
  transformation.Set("metricValue", t.metric_value);
  if (t.default_value) transformation.Set("defaultValue", *t.default_value);
  if (!t.dimensions.empty()) transformation.Set("dimensions", TagsValue(t.dimensions));
  if (t.unit) transformation.Set("unit", *t.unit);
  Value out = Value::MakeStructure();
  out.Set("filterName", filter.name);
  out.Set("filterPattern", filter.pattern);
  out.Set("metricTransformations", Value::MakeList({std::move(transformation)}));
  out.Set("creationTime", filter.created_at);
  out.Set("logGroupName", filter.log_group_name);
  out.Set("applyOnTransformedLogs", filter.apply_on_transformed_logs);
  return out;
}

}  // namespace

Result<Value> LogsService::PutMetricFilter(RequestContext& context, const Value& input) {
  const GroupKey key = KeyFor(context, std::string(input.GetString("logGroupName")));
  if (BoolMember(input, "applyOnTransformedLogs")) {
    // AWS runs such a filter on the output of the group's log transformer; trailwatch has no
    // transformers, so running it on the raw events would answer differently. Say so.
    return InvalidParameter(
        "applyOnTransformedLogs needs a log transformer, which trailwatch does not support");
  }
  if (const Value* fields = input.Find("emitSystemFieldDimensions");
      (fields != nullptr && fields->is_list() && !fields->as_list().empty()) ||
      !input.GetString("fieldSelectionCriteria").empty()) {
    return InvalidParameter(
        "emitSystemFieldDimensions and fieldSelectionCriteria are not supported by trailwatch");
  }
  MetricFilterRecord record;
  record.log_group_name = key.name;
  record.name = std::string(input.GetString("filterName"));
  record.pattern = std::string(input.GetString("filterPattern"));
  record.created_at = EpochMillis(context.clock.Now());
  const Value* transformations = input.Find("metricTransformations");
  if (transformations == nullptr || !transformations->is_list() ||
      transformations->as_list().size() != 1) {
    return InvalidParameter("Exactly one metric transformation is required.");
  }
  const Value& t = transformations->as_list().front();
  MetricTransformationRecord& transformation = record.transformation;
  transformation.metric_name = std::string(t.GetString("metricName"));
  transformation.metric_namespace = std::string(t.GetString("metricNamespace"));
  transformation.metric_value = std::string(t.GetString("metricValue"));
  if (const Value* value = t.Find("defaultValue"); value != nullptr && value->is_number()) {
    transformation.default_value = value->as_double();
  }
  transformation.unit = OptionalString(t, "unit");
  transformation.dimensions = StringMap(t, "dimensions");
  if (transformation.dimensions.size() > kMaxDimensions) {
    return InvalidParameter("A metric transformation can have at most 3 dimensions.");
  }
  if (!transformation.dimensions.empty() && transformation.default_value) {
    // AWS: a filter with dimensions cannot have a default value.
    return InvalidParameter("The default value cannot be set for a metric with dimensions.");
  }

  auto compiled = CompileMetricFilter(record);
  if (!compiled) return std::move(compiled).error();
  if (!transformation.dimensions.empty() && !(*compiled)->pattern.SupportsDimensions()) {
    return InvalidParameter("The specified filter pattern does not support dimensions.");
  }

  // At most 5 filters with regular expressions per log group (CloudWatch Logs quotas).
  if ((*compiled)->pattern.regex_count() > 0) {
    auto with_regex = RegexFilterCount(key, record.name, {});
    if (!with_regex) return std::move(with_regex).error();
    if (*with_regex >= kMaxRegexFiltersPerGroup) {
      return LimitExceeded(
          "A log group can have at most 5 metric filters with regular expressions.");
    }
  }

  auto outcome = store_.PutMetricFilter(key, record, kMaxMetricFiltersPerGroup);
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  if (*outcome == Outcome::kLimitExceeded) return LimitExceeded("Resource limit exceeded.");
  return Value::MakeStructure();
}

Result<Value> LogsService::DescribeMetricFilters(RequestContext& context, const Value& input) {
  FilterQuery query;
  query.group_name = OptionalString(input, "logGroupName");
  // AWS uses filterNamePrefix only together with logGroupName.
  if (query.group_name) query.name_prefix = OptionalString(input, "filterNamePrefix");
  query.metric_name = OptionalString(input, "metricName");
  query.metric_namespace = OptionalString(input, "metricNamespace");
  if (query.metric_name.has_value() != query.metric_namespace.has_value()) {
    return InvalidParameter("metricName and metricNamespace must be specified together.");
  }
  const int limit =
      static_cast<int>(OptionalInteger(input, "limit").value_or(kDefaultDescribeLimit));
  if (auto token = OptionalString(input, "nextToken")) {
    auto fields = DecodePageToken(kFiltersToken, *token);
    if (!fields || fields->size() != 2) return InvalidNextToken();
    query.after = std::make_pair((*fields)[0], (*fields)[1]);
  }
  query.limit = limit + 1;
  auto listed =
      store_.ListMetricFilters(context.principal.account_id, std::string(context.region), query);
  if (!listed) return std::move(listed).error();
  if (listed->first == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  std::vector<MetricFilterRecord>& filters = listed->second;
  const bool more = static_cast<int>(filters.size()) > limit;
  if (more) filters.resize(static_cast<std::size_t>(limit));

  Value list = Value::MakeList();
  for (const MetricFilterRecord& filter : filters) list.Push(FilterValue(filter));
  Value out = Value::MakeStructure();
  out.Set("metricFilters", std::move(list));
  if (more) {
    out.Set("nextToken",
            EncodePageToken(kFiltersToken, {filters.back().log_group_name, filters.back().name}));
  }
  return out;
}

Result<Value> LogsService::DeleteMetricFilter(RequestContext& context, const Value& input) {
  auto outcome =
      store_.DeleteMetricFilter(KeyFor(context, std::string(input.GetString("logGroupName"))),
                                std::string(input.GetString("filterName")));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  if (*outcome == Outcome::kNotFound) return ResourceNotFound(kFilterNotFound);
  return Value::MakeStructure();
}

Result<Value> LogsService::TestMetricFilter(RequestContext& /*context*/, const Value& input) {
  auto pattern = fp::Compile(input.GetString("filterPattern"));
  if (!pattern) return pattern.error().ToAwsError();
  Value matches = Value::MakeList();
  std::int64_t number = 0;
  if (const Value* messages = input.Find("logEventMessages");
      messages != nullptr && messages->is_list()) {
    for (const Value& message : messages->as_list()) {
      // eventNumber is the message's 0-based position in logEventMessages, as in the API
      // reference's example response; only matching messages are listed.
      const std::int64_t position = number++;
      if (!message.is_string()) continue;
      fp::MatchResult match = fp::Match(*pattern, message.as_string());
      if (!match.matched) continue;
      Value extracted = Value::MakeMap();
      for (const fp::ExtractedValue& value : match.extracted) {
        extracted.Set(std::string(value.name), std::string(value.value));
      }
      Value record = Value::MakeStructure();
      record.Set("eventNumber", position);
      record.Set("eventMessage", message.as_string());
      record.Set("extractedValues", std::move(extracted));
      matches.Push(std::move(record));
    }
  }
  Value out = Value::MakeStructure();
  out.Set("matches", std::move(matches));
  return out;
}

Result<int> LogsService::RegexFilterCount(const GroupKey& key, std::string_view skip_metric,
                                          std::string_view skip_subscription) {
  int with_regex = 0;
  FilterQuery query;
  query.group_name = key.name;
  query.limit = kMaxMetricFiltersPerGroup + 1;
  auto metric = store_.ListMetricFilters(key.account_id, key.region, query);
  if (!metric) return std::move(metric).error();
  for (const MetricFilterRecord& other : metric->second) {
    if (other.name == skip_metric) continue;
    auto pattern = fp::Compile(other.pattern);
    if (pattern && pattern->regex_count() > 0) ++with_regex;
  }
  auto subscriptions = store_.ListSubscriptionFilters(key, std::nullopt, std::nullopt,
                                                      kMaxSubscriptionFiltersPerGroup + 1);
  if (!subscriptions) return std::move(subscriptions).error();
  for (const SubscriptionFilterRecord& other : subscriptions->second) {
    if (other.name == skip_subscription) continue;
    auto pattern = fp::Compile(other.pattern);
    if (pattern && pattern->regex_count() > 0) ++with_regex;
  }
  return with_regex;
}

}  // namespace tw::services::logs
