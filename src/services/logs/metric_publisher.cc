// SPDX-License-Identifier: Apache-2.0
#include "services/logs/metric_publisher.h"

#include <utility>

#include "services/logs/support.h"

namespace tw::services::logs {
namespace {

namespace fp = ::tw::services::logs::filter_pattern;

constexpr std::int64_t kMillisPerMinute = 60'000;
constexpr unsigned kMinuteMatched = 1;
constexpr unsigned kMinuteDefaultSent = 2;
// Minutes of defaultValue state kept per filter (a day); events older than that are rare (a late
// batch) and at worst get a second default for their minute.
constexpr std::size_t kMaxMinutes = 1440;

std::int64_t MinuteOf(std::int64_t timestamp) {
  std::int64_t minute = timestamp / kMillisPerMinute;
  if (timestamp < 0 && timestamp % kMillisPerMinute != 0) --minute;
  return minute;
}

}  // namespace

Result<std::shared_ptr<CompiledMetricFilter>> CompileMetricFilter(
    const MetricFilterRecord& record) {
  auto pattern = fp::Compile(record.pattern);
  if (!pattern) return pattern.error().ToAwsError();
  auto filter = std::make_shared<CompiledMetricFilter>(std::move(pattern).value());
  filter->name = record.name;
  filter->transformation = record.transformation;
  auto value = fp::ValueExpression::Compile(record.transformation.metric_value, filter->pattern);
  if (!value) {
    return InvalidParameter("Invalid metric transformation: metricValue " +
                            value.error().Describe());
  }
  filter->metric_value = std::move(value).value();
  for (const auto& [name, text] : record.transformation.dimensions) {
    auto dimension = fp::ValueExpression::Compile(text, filter->pattern);
    if (!dimension) {
      return InvalidParameter("Invalid metric transformation: dimension " + name + " " +
                              dimension.error().Describe());
    }
    filter->dimensions.emplace_back(name, std::move(dimension).value());
  }
  return filter;
}

bool MetricPublisher::NeedsFilters(std::int64_t group_id, std::int64_t version) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = groups_.find(group_id);
  return it == groups_.end() || it->second->version != version;
}

void MetricPublisher::Update(std::int64_t group_id, std::int64_t version,
                             const std::vector<MetricFilterRecord>& filters) {
  auto group = std::make_shared<GroupFilters>();
  group->version = version;
  for (const MetricFilterRecord& record : filters) {
    auto compiled = CompileMetricFilter(record);
    if (!compiled) {
      // Stored filters were compiled when they were put; one failing now means the engine
      // changed. Say so rather than skip it silently.
      if (info_log_) {
        info_log_("logs: metric filter " + record.name + " of log group " + record.log_group_name +
                  " no longer compiles and is not applied: " + compiled.error().message);
      }
      continue;
    }
    group->filters.push_back(std::move(compiled).value());
  }
  std::lock_guard<std::mutex> lock(mutex_);
  groups_[group_id] = std::move(group);
}

void MetricPublisher::Forget(std::int64_t group_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  groups_.erase(group_id);
}

std::vector<pipeline::MetricDatum> MetricPublisher::Evaluate(
    const std::string& account_id, const std::string& region,
    const std::vector<std::shared_ptr<CompiledMetricFilter>>& filters,
    const std::vector<InputEvent>& events) {
  std::vector<pipeline::MetricDatum> data;
  if (filters.empty() || events.empty()) return data;
  // Per filter: minute → whether any event of this batch matched in it (defaultValue filters).
  std::vector<std::map<std::int64_t, bool>> batch_minutes(filters.size());

  auto make_datum = [&](const CompiledMetricFilter& filter, std::int64_t timestamp, double value) {
    pipeline::MetricDatum datum;
    datum.account_id = account_id;
    datum.region = region;
    datum.namespace_name = filter.transformation.metric_namespace;
    datum.metric_name = filter.transformation.metric_name;
    datum.timestamp_millis = timestamp;
    datum.value = value;
    datum.unit = filter.transformation.unit.value_or("None");
    return datum;
  };

  for (const InputEvent& input : events) {
    fp::LogEvent event(input.message);  // parsed at most once for all filters
    for (std::size_t i = 0; i < filters.size(); ++i) {
      const CompiledMetricFilter& filter = *filters[i];
      fp::MatchResult match = fp::Match(filter.pattern, event);
      const bool has_default = filter.transformation.default_value.has_value();
      if (has_default) {
        bool& matched = batch_minutes[i][MinuteOf(input.timestamp)];
        matched = matched || match.matched;
      }
      if (!match.matched) continue;
      auto value = filter.metric_value.ResolveNumber(event, match);
      if (!value) continue;
      pipeline::MetricDatum datum = make_datum(filter, input.timestamp, *value);
      bool complete = true;
      for (const auto& [name, expression] : filter.dimensions) {
        auto text = expression.ResolveText(event, match);
        if (!text || text->empty()) {
          complete = false;
          break;
        }
        datum.dimensions.emplace_back(name, std::move(*text));
      }
      if (complete) data.push_back(std::move(datum));
    }
  }

  for (std::size_t i = 0; i < filters.size(); ++i) {
    const CompiledMetricFilter& filter = *filters[i];
    if (!filter.transformation.default_value) continue;
    std::lock_guard<std::mutex> lock(filter.minutes_mutex);
    for (const auto& [minute, matched] : batch_minutes[i]) {
      unsigned& state = filter.minutes[minute];
      if (matched) {
        state |= kMinuteMatched;
      } else if ((state & (kMinuteMatched | kMinuteDefaultSent)) == 0) {
        state |= kMinuteDefaultSent;
        data.push_back(
            make_datum(filter, minute * kMillisPerMinute, *filter.transformation.default_value));
      }
    }
    while (filter.minutes.size() > kMaxMinutes) filter.minutes.erase(filter.minutes.begin());
  }
  return data;
}

std::size_t MetricPublisher::Publish(const std::string& account_id, const std::string& region,
                                     std::int64_t group_id, const std::vector<InputEvent>& events,
                                     std::int64_t now) {
  std::shared_ptr<const GroupFilters> group;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = groups_.find(group_id);
    if (it != groups_.end()) group = it->second;
  }
  if (!group || group->filters.empty()) return 0;
  auto data = Evaluate(account_id, region, group->filters, events);
  const std::size_t count = data.size();
  Deliver(std::move(data), now);
  return count;
}

std::vector<pipeline::MetricDatum> MetricPublisher::PublishWith(
    const std::string& account_id, const std::string& region,
    const std::vector<std::shared_ptr<CompiledMetricFilter>>& filters,
    const std::vector<InputEvent>& events, std::int64_t now) {
  auto data = Evaluate(account_id, region, filters, events);
  Deliver(data, now);
  return data;
}

void MetricPublisher::Deliver(std::vector<pipeline::MetricDatum> data, std::int64_t now) {
  if (data.empty()) return;
  const auto count = static_cast<std::int64_t>(data.size());
  std::string failure;
  if (sink_ != nullptr) {
    Status status = sink_->Put(std::move(data));
    if (status) return;
    failure = status.error().message;
  } else {
    failure = "no CloudWatch metric sink is configured yet";
  }
  const std::int64_t total = undelivered_.fetch_add(count) + count;
  std::lock_guard<std::mutex> lock(report_mutex_);
  if (total > reported_ && (reported_ == 0 || now - last_report_at_ >= kMillisPerMinute)) {
    reported_ = total;
    last_report_at_ = now;
    if (info_log_) {
      info_log_("logs: " + std::to_string(total) +
                " metric-filter datapoints not delivered so far (" + failure + ")");
    }
  }
}

}  // namespace tw::services::logs
