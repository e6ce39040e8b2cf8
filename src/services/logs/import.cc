// SPDX-License-Identifier: Apache-2.0
// LogsService's trailwatch extensions for imported CloudTrail logs: creating the target group,
// storing events with their original timestamps, and backfilling named metric filters.
#include <algorithm>

#include "services/logs/logs_service.h"
#include "services/logs/support.h"

namespace tw::services::logs {
namespace {

constexpr std::int64_t kMillisPerDayImport = 86'400'000;
constexpr int kBackfillPage = 1'000;

}  // namespace

Status LogsService::EnsureLogGroup(const std::string& account_id, const std::string& region,
                                   const std::string& group) {
  LogGroupRecord record;
  record.name = group;
  record.created_at = EpochMillis(clock_.Now());
  auto outcome = store_.CreateLogGroup(GroupKey{account_id, region, group}, record, TagList{});
  if (!outcome) return std::move(outcome).error();
  return {};  // kDone or kAlreadyExists: either way the group exists
}

Result<LogsService::ImportResult> LogsService::ImportEvents(const std::string& account_id,
                                                            const std::string& region,
                                                            const std::string& group,
                                                            const std::string& stream,
                                                            std::vector<InputEvent> events) {
  const GroupKey key{account_id, region, group};
  const std::int64_t now = EpochMillis(clock_.Now());
  auto found = store_.FindLogGroup(key);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return ResourceNotFound(kGroupNotFound);
  ImportResult result;
  if (const auto& days = (*found)->retention_days) {
    const std::int64_t cutoff = now - std::int64_t{*days} * kMillisPerDayImport;
    const auto before = events.size();
    std::erase_if(events, [&](const InputEvent& e) { return e.timestamp < cutoff; });
    result.expired = static_cast<std::int64_t>(before - events.size());
  }
  if (events.empty()) return result;
  std::stable_sort(events.begin(), events.end(), [](const InputEvent& a, const InputEvent& b) {
    return a.timestamp < b.timestamp;
  });
  if (Status st = EnsureLogStream(account_id, region, group, stream); !st) {
    return std::move(st).error();
  }
  auto ingested = Ingest(key, stream, events, now, &result.datapoints);
  if (!ingested) return std::move(ingested).error();
  result.stored = static_cast<std::int64_t>(events.size());
  return result;
}

Result<LogsService::BackfillResult> LogsService::BackfillMetricFilters(
    const std::string& account_id, const std::string& region, const std::string& group,
    const std::vector<std::string>& filter_names, std::optional<std::int64_t> start,
    std::optional<std::int64_t> end) {
  const GroupKey key{account_id, region, group};
  const std::int64_t now = EpochMillis(clock_.Now());
  auto found = store_.FindLogGroup(key);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return ResourceNotFound(kGroupNotFound);

  FilterQuery query;
  query.group_name = group;
  query.limit = kMaxMetricFiltersPerGroup + 1;
  auto listed = store_.ListMetricFilters(account_id, region, query);
  if (!listed) return std::move(listed).error();
  std::vector<std::shared_ptr<CompiledMetricFilter>> filters;
  for (const std::string& name : filter_names) {
    auto it = std::find_if(listed->second.begin(), listed->second.end(),
                           [&](const MetricFilterRecord& r) { return r.name == name; });
    if (it == listed->second.end()) {
      return AwsError::Make("ResourceNotFoundException", 400,
                            "The specified metric filter does not exist: " + name);
    }
    auto compiled = CompileMetricFilter(*it);
    if (!compiled) return std::move(compiled).error();
    filters.push_back(std::move(*compiled));
  }

  BackfillResult result;
  EventRange range;
  range.start_time = start;
  range.end_time = end;
  if (const auto& days = (*found)->retention_days) {
    range.not_before = now - std::int64_t{*days} * kMillisPerDayImport;
  }
  std::optional<EventCursor> cursor;
  while (!filters.empty()) {
    auto page = store_.ScanGroupEvents(key, range, cursor, {}, std::nullopt, kBackfillPage);
    if (!page) return std::move(page).error();
    if (page->first == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
    if (page->second.empty()) break;
    std::vector<InputEvent> events;
    events.reserve(page->second.size());
    for (const StoredEvent& e : page->second) events.push_back({e.timestamp, e.message});
    cursor = EventCursor{page->second.back().timestamp, page->second.back().id};
    result.events_scanned += static_cast<std::int64_t>(events.size());
    for (const pipeline::MetricDatum& d :
         publisher_.PublishWith(account_id, region, filters, events, now)) {
      ++result.datapoints;
      if (!result.first_datapoint || d.timestamp_millis < *result.first_datapoint) {
        result.first_datapoint = d.timestamp_millis;
      }
      if (!result.last_datapoint || d.timestamp_millis > *result.last_datapoint) {
        result.last_datapoint = d.timestamp_millis;
      }
    }
    if (static_cast<int>(page->second.size()) < kBackfillPage) break;
  }
  return result;
}

}  // namespace tw::services::logs
