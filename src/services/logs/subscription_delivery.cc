// SPDX-License-Identifier: Apache-2.0
#include "services/logs/subscription_delivery.h"

#include <utility>

#include "services/logs/filter_pattern/log_event.h"

namespace tw::services::logs {
namespace {

namespace fp = ::tw::services::logs::filter_pattern;

constexpr std::int64_t kReportIntervalMillis = 60'000;

}  // namespace

DestinationArn ParseDestinationArn(std::string_view arn) {
  DestinationArn out;
  std::string_view fields[5];
  std::string_view rest = arn;
  for (std::string_view& field : fields) {
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) return out;
    field = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  if (fields[0] != "arn" || fields[1].empty() || fields[3].empty() || fields[4].empty() ||
      rest.empty()) {
    return out;
  }
  out.partition = std::string(fields[1]);
  out.service = std::string(fields[2]);
  out.region = std::string(fields[3]);
  out.account_id = std::string(fields[4]);
  out.resource = std::string(rest);
  auto named = [&](std::string_view prefix) {
    return rest.size() > prefix.size() && rest.starts_with(prefix);
  };
  if (out.service == "kinesis" && named("stream/")) {
    out.kind = DestinationKind::kKinesis;
  } else if (out.service == "firehose" && named("deliverystream/")) {
    out.kind = DestinationKind::kFirehose;
  } else if (out.service == "lambda" && named("function:")) {
    out.kind = DestinationKind::kLambda;
  } else if (out.service == "logs" && named("destination:")) {
    out.kind = DestinationKind::kLogsDestination;
  }
  return out;
}

std::string_view DestinationKindName(DestinationKind kind) {
  switch (kind) {
    case DestinationKind::kKinesis:
      return "Kinesis Data Streams";
    case DestinationKind::kFirehose:
      return "Amazon Data Firehose";
    case DestinationKind::kLambda:
      return "Lambda";
    case DestinationKind::kLogsDestination:
      return "CloudWatch Logs destination";
    case DestinationKind::kUnknown:
      break;
  }
  return "unknown";
}

bool SubscriptionDelivery::NeedsFilters(std::int64_t group_id, std::int64_t version) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = groups_.find(group_id);
  return it == groups_.end() || it->second->version != version;
}

void SubscriptionDelivery::Update(std::int64_t group_id, std::int64_t version,
                                  const std::vector<SubscriptionFilterRecord>& filters) {
  auto group = std::make_shared<GroupSubscriptions>();
  group->version = version;
  for (const SubscriptionFilterRecord& record : filters) {
    auto compiled = fp::Compile(record.pattern);
    if (!compiled) {
      // Compiled when put; failing now means the engine changed. Say so, never skip silently.
      if (warn_log_) {
        warn_log_("logs: subscription filter \"" + record.name + "\" of log group \"" +
                  record.log_group_name +
                  "\" no longer compiles and is not applied: " + compiled.error().Describe());
      }
      continue;
    }
    auto filter = std::make_shared<CompiledSubscription>(std::move(compiled).value());
    filter->record = record;
    filter->kind = ParseDestinationArn(record.destination_arn).kind;
    group->filters.push_back(std::move(filter));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  groups_[group_id] = std::move(group);
}

void SubscriptionDelivery::Forget(std::int64_t group_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  groups_.erase(group_id);
}

void SubscriptionDelivery::Deliver(std::int64_t group_id, const std::vector<InputEvent>& events,
                                   std::int64_t now) {
  std::shared_ptr<const GroupSubscriptions> group;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = groups_.find(group_id);
    if (it == groups_.end()) return;
    group = it->second;
  }
  if (group->filters.empty() || events.empty()) return;
  std::vector<std::int64_t> matched(group->filters.size(), 0);
  for (const InputEvent& event : events) {
    fp::LogEvent parsed(event.message);  // parsed once for all filters
    for (std::size_t i = 0; i < group->filters.size(); ++i) {
      if (fp::Matches(group->filters[i]->pattern, parsed)) ++matched[i];
    }
  }
  for (std::size_t i = 0; i < group->filters.size(); ++i) {
    if (matched[i] == 0) continue;
    // Delivery: no destination service exists in trailwatch, so every attempt fails here.
    undelivered_.fetch_add(matched[i]);
    Report(*group->filters[i], matched[i], now);
  }
}

void SubscriptionDelivery::Report(const CompiledSubscription& filter, std::int64_t failed,
                                  std::int64_t now) {
  std::int64_t count = 0;
  {
    std::lock_guard<std::mutex> lock(filter.report_mutex);
    filter.pending += failed;
    if (filter.reported_once && now - filter.last_report_at < kReportIntervalMillis) return;
    count = filter.pending;
    filter.pending = 0;
    filter.last_report_at = now;
    filter.reported_once = true;
  }
  if (!warn_log_) return;
  warn_log_("logs: subscription filter \"" + filter.record.name + "\" of log group \"" +
            filter.record.log_group_name + "\" could not deliver " + std::to_string(count) +
            " matching log event(s) to " + filter.record.destination_arn +
            ": destination type not supported (trailwatch has no " +
            std::string(DestinationKindName(filter.kind)) + ")");
}

}  // namespace tw::services::logs
