// SPDX-License-Identifier: Apache-2.0
#include "server/trailwatch_operations.h"

#include <algorithm>
#include <map>

#include "services/cloudtrail/imported_record.h"

namespace tw::server {
namespace {

using protocol::Timestamp;
using protocol::Value;

AwsError Invalid(std::string message) {
  return AwsError::Make("InvalidParameterException", 400, std::move(message));
}

std::vector<std::string> Names(const Value& input, std::string_view member) {
  std::vector<std::string> out;
  if (const Value* list = input.Find(member); list && list->is_list()) {
    for (const Value& v : list->as_list()) {
      if (v.is_string()) out.push_back(v.as_string());
    }
  }
  return out;
}

std::optional<std::int64_t> TimeOf(const Value& input, std::string_view member) {
  const Value* v = input.Find(member);
  if (!v || !v->is_timestamp()) return std::nullopt;
  return v->as_timestamp().epoch_millis;
}

bool IsAccountId(std::string_view s) {
  return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool IsRegionName(std::string_view s) {
  return !s.empty() && s.size() <= 64 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

}  // namespace

void TrailwatchOperations::Register(services::OperationTable& table) {
  table.Add("trailwatch", "ImportCloudTrail", [this](services::RequestContext& c, const Value& in) {
    return ImportCloudTrail(c, in);
  });
  table.Add("trailwatch", "BackfillMetricFilters",
            [this](services::RequestContext& c, const Value& in) {
              return BackfillMetricFilters(c, in);
            });
  table.Add("trailwatch", "ReplayAlarms",
            [this](services::RequestContext& c, const Value& in) { return ReplayAlarms(c, in); });
}

Result<Value> TrailwatchOperations::ImportCloudTrail(services::RequestContext& context,
                                                     const Value& input) {
  const std::string account = context.principal.account_id;
  const std::string region(context.region.empty() ? "us-east-1" : context.region);
  const std::string group(input.GetString("logGroupName"));
  const Value* records = input.Find("records");
  if (!records || !records->is_list()) return Invalid("records is required");

  // Everything is checked before anything is written: a file is imported whole or not at all.
  std::vector<pipeline::TrailEvent> events;
  std::vector<std::string> streams;  // per event
  events.reserve(records->as_list().size());
  std::size_t index = 0;
  for (const Value& record : records->as_list()) {
    ++index;
    if (!record.is_string()) return Invalid("records[" + std::to_string(index) + "] is not text");
    auto event = services::cloudtrail::ParseImportedRecord(record.as_string(), region);
    if (!event) {
      return Invalid("records[" + std::to_string(index) + "]: " + event.error().message +
                     "; nothing from this request was imported");
    }
    // The record's own account and Region name its stream, as CloudTrail's delivery does; the
    // history entry belongs to the importing account.
    const std::string& owner =
        IsAccountId(event->recipient_account_id) ? event->recipient_account_id : account;
    streams.push_back(owner + "_CloudTrail_" +
                      (IsRegionName(event->aws_region) ? event->aws_region : region));
    event->recipient_account_id = account;
    events.push_back(std::move(*event));
  }

  const std::int64_t now = EpochMillis(context.clock.Now());
  auto fresh = history_.AppendImported(events, now);
  if (!fresh) return std::move(fresh).error();

  std::map<std::string, std::vector<services::logs::InputEvent>> by_stream;
  std::int64_t imported = 0;
  std::optional<std::int64_t> first, last;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::int64_t t = events[i].event_time_millis;
    first = std::min(first.value_or(t), t);
    last = std::max(last.value_or(t), t);
    if (!(*fresh)[i]) continue;
    ++imported;
    by_stream[streams[i]].push_back({t, std::move(events[i].record_json)});
  }
  Value out = Value::MakeStructure();
  out.Set("eventsImported", imported);
  out.Set("eventsAlreadyPresent", static_cast<std::int64_t>(events.size()) - imported);
  std::int64_t stored = 0, expired = 0, datapoints = 0;
  Value stream_names = Value::MakeList();
  if (Status st = logs_.EnsureLogGroup(account, region, group); !st) return std::move(st).error();
  for (auto& [stream, stream_events] : by_stream) {
    auto result = logs_.ImportEvents(account, region, group, stream, std::move(stream_events));
    if (!result) return std::move(result).error();
    stored += result->stored;
    expired += result->expired;
    datapoints += result->datapoints;
    stream_names.Push(stream);
  }
  out.Set("logEventsStored", stored);
  out.Set("logEventsExpired", expired);
  out.Set("metricDatapoints", datapoints);
  if (first) out.Set("firstEventTime", Timestamp{*first});
  if (last) out.Set("lastEventTime", Timestamp{*last});
  out.Set("logStreams", std::move(stream_names));
  return out;
}

Result<Value> TrailwatchOperations::BackfillMetricFilters(services::RequestContext& context,
                                                          const Value& input) {
  const std::string region(context.region.empty() ? "us-east-1" : context.region);
  auto start = TimeOf(input, "startTime");
  auto end = TimeOf(input, "endTime");
  if (start && end && *start > *end) return Invalid("startTime is after endTime");
  auto result = logs_.BackfillMetricFilters(context.principal.account_id, region,
                                            std::string(input.GetString("logGroupName")),
                                            Names(input, "filterNames"), start, end);
  if (!result) return std::move(result).error();
  Value out = Value::MakeStructure();
  out.Set("eventsScanned", result->events_scanned);
  out.Set("metricDatapoints", result->datapoints);
  if (result->first_datapoint) out.Set("firstDatapointTime", Timestamp{*result->first_datapoint});
  if (result->last_datapoint) out.Set("lastDatapointTime", Timestamp{*result->last_datapoint});
  return out;
}

Result<Value> TrailwatchOperations::ReplayAlarms(services::RequestContext& context,
                                                 const Value& input) {
  const std::string region(context.region.empty() ? "us-east-1" : context.region);
  auto start = TimeOf(input, "startTime");
  auto end = TimeOf(input, "endTime");
  if (!start || !end) return Invalid("startTime and endTime are required");
  if (*start > *end) return Invalid("startTime is after endTime");
  if (*end > EpochMillis(context.clock.Now())) {
    return Invalid("endTime is in the future; only the past can be replayed");
  }
  auto result = cloudwatch_.ReplayAlarms(context.principal.account_id, region, *start, *end,
                                         Names(input, "alarmNames"));
  if (!result) return std::move(result).error();
  Value out = Value::MakeStructure();
  Value replayed = Value::MakeList();
  for (const std::string& name : result->replayed) replayed.Push(name);
  out.Set("alarmsReplayed", std::move(replayed));
  Value skipped = Value::MakeList();
  for (const auto& [name, why] : result->skipped) {
    skipped.Push(Value::MakeStructure({{"alarmName", name}, {"reason", why}}));
  }
  out.Set("alarmsSkipped", std::move(skipped));
  Value transitions = Value::MakeList();
  for (const auto& t : result->transitions) {
    transitions.Push(
        Value::MakeStructure({{"alarmName", t.alarm_name},
                              {"timestamp", Timestamp{t.timestamp_ms}},
                              {"oldState", std::string(services::cloudwatch::StateName(t.from))},
                              {"newState", std::string(services::cloudwatch::StateName(t.to))},
                              {"reason", t.reason}}));
  }
  out.Set("transitions", std::move(transitions));
  return out;
}

}  // namespace tw::server
