// SPDX-License-Identifier: Apache-2.0
// Alarm operations: PutMetricAlarm, PutCompositeAlarm, DescribeAlarms(ForMetric), DeleteAlarms,
// SetAlarmState, Enable/DisableAlarmActions, DescribeAlarmHistory and the alarm tagging
// operations.
#include <algorithm>
#include <boost/json.hpp>

#include "services/cloudwatch/alarm_message.h"
#include "services/cloudwatch/cloudwatch_service.h"
#include "services/cloudwatch/statistics.h"
#include "services/cloudwatch/support.h"

namespace tw::services::cloudwatch {
namespace {

AwsError AlarmNotFound(const std::string& name) {
  return AwsError::Make("ResourceNotFound", 404, "Alarm " + name + " does not exist");
}

Value Strings(const std::vector<std::string>& list) {
  Value out = Value::MakeList();
  for (const auto& s : list) out.Push(s);
  return out;
}

Result<AlarmConfig> ReadAlarmConfig(const Value& input) {
  AlarmConfig c;
  c.name = std::string(input.GetString("AlarmName"));
  c.description = OptString(input, "AlarmDescription");
  c.actions_enabled = OptBool(input, "ActionsEnabled").value_or(true);
  c.ok_actions = StringList(input, "OKActions");
  c.alarm_actions = StringList(input, "AlarmActions");
  c.insufficient_data_actions = StringList(input, "InsufficientDataActions");
  c.namespace_name = std::string(input.GetString("Namespace"));
  c.metric_name = std::string(input.GetString("MetricName"));
  c.dimensions = ReadDimensions(input);
  c.statistic = OptString(input, "Statistic");
  c.extended_statistic = OptString(input, "ExtendedStatistic");
  c.unit = OptString(input, "Unit");
  c.period = static_cast<int>(OptInt(input, "Period").value_or(0));
  auto metrics = ReadMetricQueries(input.Find("Metrics"));
  if (!metrics) return std::move(metrics).error();
  c.metrics = std::move(*metrics);
  c.evaluation_periods = static_cast<int>(OptInt(input, "EvaluationPeriods").value_or(0));
  if (auto m = OptInt(input, "DatapointsToAlarm")) c.datapoints_to_alarm = static_cast<int>(*m);
  c.threshold = OptDouble(input, "Threshold").value_or(0);
  if (auto t = OptString(input, "TreatMissingData")) {
    auto mode = ParseMissingData(*t);
    if (!mode) {
      return InvalidValue("The value " + *t +
                          " for parameter TreatMissingData is not valid. Valid values: "
                          "breaching, notBreaching, ignore, missing.");
    }
    c.treat_missing = *mode;
    c.treat_missing_set = true;
  }
  c.evaluate_low_sample_count_percentile = OptString(input, "EvaluateLowSampleCountPercentile");
  if (const Value* tags = input.Find("Tags"); tags && tags->is_list()) {
    for (const Value& t : tags->as_list()) {
      c.tags.emplace_back(std::string(t.GetString("Key")), std::string(t.GetString("Value")));
    }
  }

  // Checks the model cannot express (PutMetricAlarm API reference).
  const auto op_name = OptString(input, "ComparisonOperator");
  if (!op_name) return Missing("The parameter ComparisonOperator is required.");
  auto op = ParseComparison(*op_name);
  if (!op) {
    if (*op_name == "LessThanLowerOrGreaterThanUpperThreshold" ||
        *op_name == "LessThanLowerThreshold" || *op_name == "GreaterThanUpperThreshold") {
      return InvalidValue("ComparisonOperator " + *op_name +
                          " needs an anomaly detection band, which trailwatch does not support.");
    }
    return InvalidValue("The value " + *op_name + " for parameter ComparisonOperator is invalid.");
  }
  c.comparison = *op;
  if (!OptDouble(input, "Threshold")) {
    return InvalidValue("The parameter Threshold is required for a static threshold alarm.");
  }
  if (c.evaluation_periods < 1) return Missing("The parameter EvaluationPeriods is required.");
  if (c.datapoints_to_alarm &&
      (*c.datapoints_to_alarm < 1 || *c.datapoints_to_alarm > c.evaluation_periods)) {
    return InvalidValue("DatapointsToAlarm must be between 1 and EvaluationPeriods.");
  }
  for (const auto* list : {&c.ok_actions, &c.alarm_actions, &c.insufficient_data_actions}) {
    if (list->size() > 5) {
      return InvalidValue("The collection of actions must not have a size greater than 5.");
    }
    for (const std::string& arn : *list) {
      if (arn.rfind("arn:", 0) != 0) return InvalidValue("Invalid arn syntax: " + arn);
    }
  }
  if (c.is_math()) {
    if (!c.metric_name.empty() || !c.namespace_name.empty() || c.statistic ||
        c.extended_statistic || c.period != 0) {
      return InvalidCombination(
          "The parameters Metrics and MetricName, Namespace, Statistic, ExtendedStatistic, "
          "Dimensions, Period and Unit are mutually exclusive.");
    }
    const auto returning = std::count_if(c.metrics.begin(), c.metrics.end(),
                                         [](const MetricQuery& q) { return q.return_data; });
    if (returning != 1) {
      return InvalidValue("Exactly one element of the metrics list should return data.");
    }
  } else {
    if (c.metric_name.empty()) return Missing("The parameter MetricName is required.");
    if (c.namespace_name.empty()) return Missing("The parameter Namespace is required.");
    if (c.statistic.has_value() == c.extended_statistic.has_value()) {
      return InvalidCombination(
          "Exactly one of the parameters Statistic or ExtendedStatistic must be specified.");
    }
    if (c.extended_statistic && !ParsePercentile(*c.extended_statistic)) {
      return InvalidValue("The value " + *c.extended_statistic +
                          " for parameter ExtendedStatistic is not supported by trailwatch "
                          "(supported: pNN and pNN.NN).");
    }
    if (c.period == 0) return Missing("The parameter Period is required.");
    if (c.dimensions.size() > kMaxDimensions) {
      return InvalidValue("The collection Dimensions must not have a size greater than 30.");
    }
  }
  const int period = c.evaluation_period();
  if (!(period == 10 || period == 20 || period == 30 || (period >= 60 && period % 60 == 0))) {
    return InvalidValue("The parameter Period must be 10, 20, 30 or a multiple of 60.");
  }
  const std::int64_t span = std::int64_t{period} * c.evaluation_periods;
  if (span > 604'800 || (period < 3600 && span > 86'400)) {
    return InvalidValue(
        "The evaluation period of the alarm (Period * EvaluationPeriods) can't exceed " +
        std::string(period < 3600 ? "one day" : "seven days") + ".");
  }
  return c;
}

}  // namespace

Value CloudWatchService::AlarmToValue(const Alarm& a) {
  const AlarmConfig& c = a.config;
  Value v = Value::MakeStructure(
      {{"AlarmName", c.name}, {"AlarmArn", AlarmArn(a.region, a.account_id, c.name)}});
  if (c.description) v.Set("AlarmDescription", *c.description);
  v.Set("AlarmConfigurationUpdatedTimestamp",
        protocol::Timestamp{a.status.configuration_updated_ms});
  v.Set("ActionsEnabled", c.actions_enabled);
  v.Set("OKActions", Strings(c.ok_actions));
  v.Set("AlarmActions", Strings(c.alarm_actions));
  v.Set("InsufficientDataActions", Strings(c.insufficient_data_actions));
  v.Set("StateValue", std::string(StateName(a.status.state)));
  v.Set("StateReason", a.status.reason);
  if (!a.status.reason_data.empty()) v.Set("StateReasonData", a.status.reason_data);
  v.Set("StateUpdatedTimestamp", protocol::Timestamp{a.status.state_updated_ms});
  if (c.is_math()) {
    Value metrics = Value::MakeList();
    for (const MetricQuery& q : c.metrics) {
      Value m = Value::MakeStructure({{"Id", q.id}});
      if (q.metric) {
        Value stat = Value::MakeStructure(
            {{"Metric",
              Value::MakeStructure({{"Namespace", q.metric->namespace_name},
                                    {"MetricName", q.metric->metric_name},
                                    {"Dimensions", DimensionsValue(q.metric->dimensions)}})},
             {"Period", q.period},
             {"Stat", q.stat}});
        if (q.unit) stat.Set("Unit", *q.unit);
        m.Set("MetricStat", std::move(stat));
      }
      if (q.expression) m.Set("Expression", *q.expression);
      if (q.label) m.Set("Label", *q.label);
      m.Set("ReturnData", q.return_data);
      if (q.expression && q.period > 0) m.Set("Period", q.period);
      metrics.Push(std::move(m));
    }
    v.Set("Metrics", std::move(metrics));
  } else {
    v.Set("MetricName", c.metric_name);
    v.Set("Namespace", c.namespace_name);
    if (c.statistic) v.Set("Statistic", *c.statistic);
    if (c.extended_statistic) v.Set("ExtendedStatistic", *c.extended_statistic);
    v.Set("Dimensions", DimensionsValue(c.dimensions));
    v.Set("Period", c.period);
    if (c.unit) v.Set("Unit", *c.unit);
  }
  v.Set("EvaluationPeriods", c.evaluation_periods);
  if (c.datapoints_to_alarm) v.Set("DatapointsToAlarm", *c.datapoints_to_alarm);
  v.Set("Threshold", c.threshold);
  v.Set("ComparisonOperator", std::string(ComparisonName(c.comparison)));
  if (c.treat_missing_set) v.Set("TreatMissingData", std::string(MissingDataName(c.treat_missing)));
  if (c.evaluate_low_sample_count_percentile) {
    v.Set("EvaluateLowSampleCountPercentile", *c.evaluate_low_sample_count_percentile);
  }
  v.Set("StateTransitionedTimestamp", protocol::Timestamp{a.status.state_transitioned_ms});
  return v;
}

Result<Value> CloudWatchService::PutMetricAlarm(RequestContext& context, const Value& input) {
  auto config = ReadAlarmConfig(input);
  if (!config) return std::move(config).error();
  const std::string account = context.principal.account_id;
  const std::string region(context.region);
  for (auto& q : config->metrics) {
    if (q.metric) {
      q.metric->account_id = account;
      q.metric->region = region;
      q.metric->dimensions = Sorted(q.metric->dimensions);
    }
  }
  std::vector<PendingAction> actions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::int64_t now = EpochMillis(context.clock.Now());
    AlarmKey key{account, region, config->name};
    auto it = alarms_.find(key);
    const bool created = it == alarms_.end();
    if (created && alarms_.size() >= 10'000) {
      return AwsError::Make("LimitExceeded", 400, "The maximum number of alarms is reached.");
    }
    if (!created && it->second.config.is_composite()) {
      return InvalidValue("The alarm " + config->name +
                          " is a composite alarm; a metric alarm cannot replace it.");
    }
    Alarm& alarm = alarms_[key];
    if (created) {
      alarm.account_id = account;
      alarm.region = region;
      alarm.status.state_updated_ms = now;
      alarm.status.state_transitioned_ms = now;
    } else {
      config->tags = alarm.config.tags;  // Tags apply only at creation (PutMetricAlarm docs).
    }
    alarm.config = std::move(*config);
    alarm.status.configuration_updated_ms = now;
    alarm.next_evaluation_ms = now;  // evaluated at the next tick, as AWS does "shortly after"
    if (Status st = store_.SaveAlarm(alarm); !st) return std::move(st).error();
    AddHistoryLocked(alarm, HistoryType::kConfigurationUpdate,
                     "Alarm \"" + alarm.config.name + "\" " + (created ? "created" : "updated"),
                     ConfigurationHistoryData(alarm, created), now);
  }
  RunActions(std::move(actions));
  return Value::MakeStructure();
}

Value CloudWatchService::CompositeToValue(const Alarm& a) {
  const AlarmConfig& c = a.config;
  Value v = Value::MakeStructure(
      {{"AlarmName", c.name}, {"AlarmArn", AlarmArn(a.region, a.account_id, c.name)}});
  if (c.description) v.Set("AlarmDescription", *c.description);
  v.Set("AlarmConfigurationUpdatedTimestamp",
        protocol::Timestamp{a.status.configuration_updated_ms});
  v.Set("ActionsEnabled", c.actions_enabled);
  v.Set("OKActions", Strings(c.ok_actions));
  v.Set("AlarmActions", Strings(c.alarm_actions));
  v.Set("InsufficientDataActions", Strings(c.insufficient_data_actions));
  v.Set("StateValue", std::string(StateName(a.status.state)));
  v.Set("StateReason", a.status.reason);
  if (!a.status.reason_data.empty()) v.Set("StateReasonData", a.status.reason_data);
  v.Set("StateUpdatedTimestamp", protocol::Timestamp{a.status.state_updated_ms});
  v.Set("AlarmRule", c.alarm_rule.value_or(""));
  v.Set("StateTransitionedTimestamp", protocol::Timestamp{a.status.state_transitioned_ms});
  return v;
}

Result<Value> CloudWatchService::PutCompositeAlarm(RequestContext& context, const Value& input) {
  AlarmConfig c;
  c.name = std::string(input.GetString("AlarmName"));
  c.description = OptString(input, "AlarmDescription");
  c.actions_enabled = OptBool(input, "ActionsEnabled").value_or(true);
  c.ok_actions = StringList(input, "OKActions");
  c.alarm_actions = StringList(input, "AlarmActions");
  c.insufficient_data_actions = StringList(input, "InsufficientDataActions");
  c.alarm_rule = std::string(input.GetString("AlarmRule"));
  if (const Value* tags = input.Find("Tags"); tags && tags->is_list()) {
    for (const Value& t : tags->as_list()) {
      c.tags.emplace_back(std::string(t.GetString("Key")), std::string(t.GetString("Value")));
    }
  }
  if (input.Find("ActionsSuppressor") || input.Find("ActionsSuppressorWaitPeriod") ||
      input.Find("ActionsSuppressorExtensionPeriod")) {
    return InvalidValue(
        "ActionsSuppressor (with ActionsSuppressorWaitPeriod and "
        "ActionsSuppressorExtensionPeriod) is not supported by trailwatch.");
  }
  for (const auto* list : {&c.ok_actions, &c.alarm_actions, &c.insufficient_data_actions}) {
    if (list->size() > 5) {
      return InvalidValue("The collection of actions must not have a size greater than 5.");
    }
    for (const std::string& arn : *list) {
      if (arn.rfind("arn:", 0) != 0) return InvalidValue("Invalid arn syntax: " + arn);
    }
  }
  auto rule = AlarmRule::Parse(*c.alarm_rule);
  if (!rule) return std::move(rule).error();
  const std::string account = context.principal.account_id;
  const std::string region(context.region);
  std::vector<PendingAction> actions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::int64_t now = EpochMillis(context.clock.Now());
    AlarmKey key{account, region, c.name};
    auto it = alarms_.find(key);
    const bool created = it == alarms_.end();
    if (!created && !it->second.config.is_composite()) {
      return InvalidValue("The alarm " + c.name +
                          " is a metric alarm; a composite alarm cannot replace it.");
    }
    // Every alarm the rule names must exist (an ARN of another account or Region never does).
    Alarm probe;
    probe.account_id = account;
    probe.region = region;
    std::vector<std::string> missing;
    for (const std::string& reference : rule->references()) {
      const std::string name = RuleTargetName(probe, reference);
      if (name.empty() || !FindAlarmLocked(account, region, name)) missing.push_back(reference);
    }
    if (!missing.empty()) {
      std::string list;
      for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
      return AwsError::Make("ValidationError", 400,
                            "Could not save the composite alarm as alarms [" + list +
                                "] in the alarm rule do not exist");
    }
    if (created && alarms_.size() >= 10'000) {
      return AwsError::Make("LimitExceeded", 400, "The maximum number of alarms is reached.");
    }
    Alarm& alarm = alarms_[key];
    if (created) {
      alarm.account_id = account;
      alarm.region = region;
      alarm.status.state_updated_ms = now;
      alarm.status.state_transitioned_ms = now;
    } else {
      c.tags = alarm.config.tags;  // Tags apply only at creation.
    }
    alarm.config = std::move(c);
    alarm.status.configuration_updated_ms = now;
    alarm.next_evaluation_ms = NextEvaluation(alarm, now);
    rules_.insert_or_assign(key, std::move(*rule));
    if (Status st = store_.SaveAlarm(alarm); !st) return std::move(st).error();
    AddHistoryLocked(alarm, HistoryType::kConfigurationUpdate,
                     "Alarm \"" + alarm.config.name + "\" " + (created ? "created" : "updated"),
                     ConfigurationHistoryData(alarm, created), now);
    // Created in INSUFFICIENT_DATA, then evaluated at once; the actions of its first state run.
    EvaluateCompositeLocked(alarm, now, actions);
  }
  RunActions(std::move(actions));
  return Value::MakeStructure();
}

Result<Value> CloudWatchService::DescribeAlarms(RequestContext& context, const Value& input) {
  const std::vector<std::string> names = StringList(input, "AlarmNames");
  const auto prefix = OptString(input, "AlarmNamePrefix");
  const auto state = OptString(input, "StateValue");
  const auto action_prefix = OptString(input, "ActionPrefix");
  const auto children_of = OptString(input, "ChildrenOfAlarmName");
  const auto parents_of = OptString(input, "ParentsOfAlarmName");
  const std::vector<std::string> types = StringList(input, "AlarmTypes");
  if (!names.empty() && prefix) {
    return InvalidCombination("AlarmNames and AlarmNamePrefix are mutually exclusive.");
  }
  if (children_of && parents_of) {
    return AwsError::Make("ValidationError", 400,
                          "ChildrenOfAlarmName and ParentsOfAlarmName cannot be used together.");
  }
  // "If you specify ChildrenOfAlarmName [or ParentsOfAlarmName], you cannot specify any other
  // parameters in the request except for MaxRecords and NextToken" (DescribeAlarms).
  const bool family = children_of || parents_of;
  if (family && (!names.empty() || prefix || state || action_prefix || !types.empty())) {
    return AwsError::Make("ValidationError", 400,
                          std::string(children_of ? "ChildrenOfAlarmName" : "ParentsOfAlarmName") +
                              " cannot be used with other filters except MaxRecords and "
                              "NextToken.");
  }
  const std::int64_t max_records = OptInt(input, "MaxRecords").value_or(50);
  std::size_t offset = 0;
  if (auto token = OptString(input, "NextToken")) {
    try {
      offset = std::stoull(*token);
    } catch (...) {
      return AwsError::Make("InvalidNextToken", 400, "The service cannot process the NextToken.");
    }
  }
  // Without AlarmTypes only metric alarms come back (DescribeAlarms AlarmTypes); the family
  // filters return both kinds.
  auto wants = [&](std::string_view type) {
    return family || (types.empty() ? type == "MetricAlarm"
                                    : std::find(types.begin(), types.end(), type) != types.end());
  };
  const std::string account = context.principal.account_id;
  const std::string region(context.region);
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> family_names;
  if (children_of) {
    Alarm* parent = FindAlarmLocked(account, region, *children_of);
    auto rule = rules_.find(AlarmKey{account, region, *children_of});
    if (parent && rule != rules_.end()) {
      for (const std::string& reference : rule->second.references()) {
        family_names.push_back(RuleTargetName(*parent, reference));
      }
    }
  } else if (parents_of) {
    family_names = ParentsLocked(account, region, *parents_of);
  }
  auto matches = [&](const AlarmKey& key, const Alarm& alarm) {
    if (key.account_id != account || key.region != region) return false;
    if (family) {
      return std::find(family_names.begin(), family_names.end(), key.name) != family_names.end();
    }
    if (!names.empty() && std::find(names.begin(), names.end(), key.name) == names.end()) {
      return false;
    }
    if (prefix && key.name.rfind(*prefix, 0) != 0) return false;
    if (state && StateName(alarm.status.state) != *state) return false;
    if (action_prefix) {
      bool any = false;
      for (const auto* l : {&alarm.config.ok_actions, &alarm.config.alarm_actions,
                            &alarm.config.insufficient_data_actions}) {
        for (const auto& a : *l) any = any || a.rfind(*action_prefix, 0) == 0;
      }
      if (!any) return false;
    }
    return true;
  };
  // Metric alarms first, then composites, paged as one list.
  std::vector<const Alarm*> matched;
  for (bool composite : {false, true}) {
    if (!wants(composite ? "CompositeAlarm" : "MetricAlarm")) continue;
    for (const auto& [key, alarm] : alarms_) {
      if (alarm.config.is_composite() == composite && matches(key, alarm)) {
        matched.push_back(&alarm);
      }
    }
  }
  Value metric_list = Value::MakeList();
  Value composite_list = Value::MakeList();
  std::size_t end = offset;
  for (; end < matched.size() && end - offset < static_cast<std::size_t>(max_records); ++end) {
    const Alarm& alarm = *matched[end];
    Value v = alarm.config.is_composite() ? CompositeToValue(alarm) : AlarmToValue(alarm);
    if (family) {
      // Only the name, ARN, state and its timestamp (DescribeAlarms ChildrenOfAlarmName).
      Value brief = Value::MakeStructure();
      for (const char* member : {"AlarmName", "AlarmArn", "StateValue", "StateUpdatedTimestamp"}) {
        if (const Value* m = v.Find(member)) brief.Set(member, *m);
      }
      v = std::move(brief);
    }
    (alarm.config.is_composite() ? composite_list : metric_list).Push(std::move(v));
  }
  Value out = Value::MakeStructure(
      {{"MetricAlarms", std::move(metric_list)}, {"CompositeAlarms", std::move(composite_list)}});
  if (end < matched.size()) out.Set("NextToken", std::to_string(end));
  return out;
}

Result<Value> CloudWatchService::DescribeAlarmsForMetric(RequestContext& context,
                                                         const Value& input) {
  const std::string ns(input.GetString("Namespace"));
  const std::string metric(input.GetString("MetricName"));
  const auto statistic = OptString(input, "Statistic");
  const auto extended = OptString(input, "ExtendedStatistic");
  const auto period = OptInt(input, "Period");
  const auto unit = OptString(input, "Unit");
  const Dimensions dims = Sorted(ReadDimensions(input));
  Value list = Value::MakeList();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, alarm] : alarms_) {
    const AlarmConfig& c = alarm.config;
    if (key.account_id != context.principal.account_id || key.region != context.region) continue;
    if (c.is_math() || c.namespace_name != ns || c.metric_name != metric) continue;
    if (!dims.empty() && Sorted(c.dimensions) != dims) continue;
    if (statistic && c.statistic != statistic) continue;
    if (extended && c.extended_statistic != extended) continue;
    if (period && c.period != *period) continue;
    if (unit && c.unit != unit) continue;
    list.Push(AlarmToValue(alarm));
  }
  return Value::MakeStructure({{"MetricAlarms", std::move(list)}});
}

Result<Value> CloudWatchService::DeleteAlarms(RequestContext& context, const Value& input) {
  const std::vector<std::string> names = StringList(input, "AlarmNames");
  std::lock_guard<std::mutex> lock(mutex_);
  // AWS deletes nothing when any name is unknown.
  for (const std::string& name : names) {
    if (!FindAlarmLocked(context.principal.account_id, std::string(context.region), name)) {
      return AlarmNotFound(name);
    }
  }
  // An alarm a composite's rule names cannot go while that composite exists, even in the same
  // request: AWS documents that a cycle of composites cannot be deleted this way.
  for (const std::string& name : names) {
    for (const std::string& parent :
         ParentsLocked(context.principal.account_id, std::string(context.region), name)) {
      if (parent != name) {
        return AwsError::Make(
            "ValidationError", 400,
            "Cannot delete " + name + " as there are composite alarm(s) depending on it.");
      }
    }
  }
  for (const std::string& name : names) {
    AlarmKey key{context.principal.account_id, std::string(context.region), name};
    if (Status st = store_.DeleteAlarm(key.account_id, key.region, name); !st) {
      return std::move(st).error();
    }
    alarms_.erase(key);
    rules_.erase(key);
  }
  return Value::MakeStructure();
}

Result<Value> CloudWatchService::SetAlarmState(RequestContext& context, const Value& input) {
  const std::string name(input.GetString("AlarmName"));
  auto state = ParseState(input.GetString("StateValue"));
  if (!state) return InvalidValue("The value for parameter StateValue is invalid.");
  std::string reason_data = OptString(input, "StateReasonData").value_or("");
  if (!reason_data.empty()) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(reason_data, ec);
    if (ec) {
      return AwsError::Make("InvalidFormat", 400,
                            "StateReasonData is not a valid JSON: " + reason_data);
    }
  }
  std::vector<PendingAction> actions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Alarm* alarm = FindAlarmLocked(context.principal.account_id, std::string(context.region), name);
    if (!alarm) return AlarmNotFound(name);
    const std::int64_t now = EpochMillis(context.clock.Now());
    if (alarm->status.state != *state) {
      ChangeStateLocked(*alarm, *state, std::string(input.GetString("StateReason")),
                        std::move(reason_data), now, actions);
    }
    // The computed state comes back at the next evaluation (SetAlarmState docs).
    alarm->next_evaluation_ms = NextEvaluation(*alarm, now);
  }
  RunActions(std::move(actions));
  return Value::MakeStructure();
}

Result<Value> CloudWatchService::SetActionsEnabled(RequestContext& context, const Value& input,
                                                   bool enabled) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::string& name : StringList(input, "AlarmNames")) {
    if (Alarm* a =
            FindAlarmLocked(context.principal.account_id, std::string(context.region), name)) {
      a->config.actions_enabled = enabled;
      (void)store_.SaveAlarm(*a);
    }
  }
  return Value::MakeStructure();
}

Result<Value> CloudWatchService::EnableAlarmActions(RequestContext& context, const Value& input) {
  return SetActionsEnabled(context, input, true);
}

Result<Value> CloudWatchService::DisableAlarmActions(RequestContext& context, const Value& input) {
  return SetActionsEnabled(context, input, false);
}

Result<Value> CloudWatchService::DescribeAlarmHistory(RequestContext& context, const Value& input) {
  const auto name = OptString(input, "AlarmName");
  const auto type_name = OptString(input, "HistoryItemType");
  const auto start = OptTime(input, "StartDate");
  const auto end = OptTime(input, "EndDate");
  const std::vector<std::string> types = StringList(input, "AlarmTypes");
  const bool ascending = input.GetString("ScanBy") == "TimestampAscending";
  const std::int64_t max_records = OptInt(input, "MaxRecords").value_or(100);
  std::size_t offset = 0;
  if (auto token = OptString(input, "NextToken")) {
    try {
      offset = std::stoull(*token);
    } catch (...) {
      return AwsError::Make("InvalidNextToken", 400, "The service cannot process the NextToken.");
    }
  }
  std::optional<HistoryType> type;
  if (type_name) {
    type = ParseHistoryType(*type_name);
    if (!type) return Value::MakeStructure({{"AlarmHistoryItems", Value::MakeList()}});
  }
  // Without AlarmTypes only metric alarms' history comes back (DescribeAlarmHistory AlarmTypes).
  auto wants = [&](const std::string& alarm_type) {
    return types.empty() ? alarm_type == "MetricAlarm"
                         : std::find(types.begin(), types.end(), alarm_type) != types.end();
  };
  std::vector<const HistoryItem*> matched;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const HistoryItem& h : history_) {
    if (!wants(h.alarm_type)) continue;
    if (h.account_id != context.principal.account_id || h.region != context.region) continue;
    if (name && h.alarm_name != *name) continue;
    if (type && h.type != *type) continue;
    if (start && h.timestamp_ms < *start) continue;
    if (end && h.timestamp_ms > *end) continue;
    matched.push_back(&h);
  }
  // By time, then by store order: replayed items (alarm_replay.cc) are stored after live ones
  // but carry older timestamps.
  std::stable_sort(matched.begin(), matched.end(), [](const HistoryItem* a, const HistoryItem* b) {
    return a->timestamp_ms < b->timestamp_ms;
  });
  if (!ascending) std::reverse(matched.begin(), matched.end());
  Value list = Value::MakeList();
  bool more = false;
  for (std::size_t i = offset; i < matched.size(); ++i) {
    if (static_cast<std::int64_t>(list.as_list().size()) == max_records) {
      more = true;
      break;
    }
    const HistoryItem& h = *matched[i];
    list.Push(Value::MakeStructure({{"AlarmName", h.alarm_name},
                                    {"AlarmType", h.alarm_type},
                                    {"Timestamp", protocol::Timestamp{h.timestamp_ms}},
                                    {"HistoryItemType", std::string(HistoryTypeName(h.type))},
                                    {"HistorySummary", h.summary},
                                    {"HistoryData", h.data}}));
  }
  Value out = Value::MakeStructure({{"AlarmHistoryItems", std::move(list)}});
  if (more) out.Set("NextToken", std::to_string(offset + static_cast<std::size_t>(max_records)));
  return out;
}

namespace {
// "arn:aws:cloudwatch:us-east-1:123456789012:alarm:name" -> name, when it is this account's.
std::optional<std::string> AlarmNameFromArn(const std::string& arn, const std::string& region,
                                            const std::string& account) {
  const std::string prefix = AlarmArn(region, account, "");
  if (arn.rfind(prefix, 0) != 0) return std::nullopt;
  return arn.substr(prefix.size());
}
AwsError TagTargetNotFound(const std::string& arn) {
  return AwsError::Make("ResourceNotFoundException", 404, "Resource " + arn + " not found.")
      .With("ResourceType", "Alarm")
      .With("ResourceId", arn);
}
}  // namespace

Result<Value> CloudWatchService::TagResource(RequestContext& context, const Value& input) {
  const std::string arn(input.GetString("ResourceARN"));
  std::lock_guard<std::mutex> lock(mutex_);
  auto name = AlarmNameFromArn(arn, std::string(context.region), context.principal.account_id);
  Alarm* alarm =
      name ? FindAlarmLocked(context.principal.account_id, std::string(context.region), *name)
           : nullptr;
  if (!alarm) return TagTargetNotFound(arn);
  if (const Value* tags = input.Find("Tags"); tags && tags->is_list()) {
    for (const Value& t : tags->as_list()) {
      std::string key(t.GetString("Key"));
      std::string value(t.GetString("Value"));
      auto& list = alarm->config.tags;
      auto it = std::find_if(list.begin(), list.end(), [&](auto& p) { return p.first == key; });
      if (it != list.end()) {
        it->second = value;
      } else {
        list.emplace_back(key, value);
      }
    }
  }
  if (alarm->config.tags.size() > 50) {
    return InvalidValue("The number of tags on the resource must not exceed 50.");
  }
  if (Status st = store_.SaveAlarm(*alarm); !st) return std::move(st).error();
  return Value::MakeStructure();
}

Result<Value> CloudWatchService::UntagResource(RequestContext& context, const Value& input) {
  const std::string arn(input.GetString("ResourceARN"));
  std::lock_guard<std::mutex> lock(mutex_);
  auto name = AlarmNameFromArn(arn, std::string(context.region), context.principal.account_id);
  Alarm* alarm =
      name ? FindAlarmLocked(context.principal.account_id, std::string(context.region), *name)
           : nullptr;
  if (!alarm) return TagTargetNotFound(arn);
  for (const std::string& key : StringList(input, "TagKeys")) {
    std::erase_if(alarm->config.tags, [&](auto& p) { return p.first == key; });
  }
  if (Status st = store_.SaveAlarm(*alarm); !st) return std::move(st).error();
  return Value::MakeStructure();
}

Result<Value> CloudWatchService::ListTagsForResource(RequestContext& context, const Value& input) {
  const std::string arn(input.GetString("ResourceARN"));
  std::lock_guard<std::mutex> lock(mutex_);
  auto name = AlarmNameFromArn(arn, std::string(context.region), context.principal.account_id);
  Alarm* alarm =
      name ? FindAlarmLocked(context.principal.account_id, std::string(context.region), *name)
           : nullptr;
  if (!alarm) return TagTargetNotFound(arn);
  Value tags = Value::MakeList();
  for (const auto& [k, v] : alarm->config.tags) {
    tags.Push(Value::MakeStructure({{"Key", k}, {"Value", v}}));
  }
  return Value::MakeStructure({{"Tags", std::move(tags)}});
}

}  // namespace tw::services::cloudwatch
