// SPDX-License-Identifier: Apache-2.0
#include "common/telemetry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tw::telemetry {
namespace {

void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

void AppendHeader(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  for (char c : help) {  // HELP escapes backslash and newline only
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// {a="x",b="y"} plus an optional extra label (le for histogram buckets); nothing when empty.
void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    AppendLabelValue(out, values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void AppendSample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, double value) {
  out += name;
  AppendLabels(out, names, values);
  out += ' ';
  AppendNumber(out, value);
  out += '\n';
}

std::vector<std::string> Normalized(const std::vector<std::string>& values, std::size_t size) {
  std::vector<std::string> result = values;
  result.resize(size);
  return result;
}

}  // namespace

void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void CounterFamily::Add(const std::vector<std::string>& label_values, double amount) {
  if (!(amount >= 0)) return;  // counters never go down (and NaN is not a count)
  std::lock_guard lock(mu_);
  if (label_values.size() == label_names_.size()) {
    values_[label_values] += amount;
  } else {
    values_[Normalized(label_values, label_names_.size())] += amount;
  }
}

void CounterFamily::Render(std::string& out) const {
  AppendHeader(out, name_, help_, "counter");
  std::lock_guard lock(mu_);
  for (const auto& [values, value] : values_) AppendSample(out, name_, label_names_, values, value);
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      upper_bounds_([&] {
        std::sort(upper_bounds.begin(), upper_bounds.end());
        upper_bounds.erase(std::unique(upper_bounds.begin(), upper_bounds.end()),
                           upper_bounds.end());
        return std::move(upper_bounds);
      }()) {}

void HistogramFamily::Observe(const std::vector<std::string>& label_values, double value) {
  if (std::isnan(value)) return;
  auto bound = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  std::lock_guard lock(mu_);
  Series& series = label_values.size() == label_names_.size()
                       ? series_[label_values]
                       : series_[Normalized(label_values, label_names_.size())];
  if (series.buckets.empty()) series.buckets.assign(upper_bounds_.size(), 0);
  if (bound != upper_bounds_.end()) ++series.buckets[bound - upper_bounds_.begin()];
  ++series.count;
  series.sum += value;
}

void HistogramFamily::Render(std::string& out) const {
  AppendHeader(out, name_, help_, "histogram");
  const std::string bucket_name = name_ + "_bucket";
  const std::string sum_name = name_ + "_sum";
  const std::string count_name = name_ + "_count";
  std::lock_guard lock(mu_);
  for (const auto& [values, series] : series_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
      cumulative += series.buckets[i];
      std::string le;
      AppendNumber(le, upper_bounds_[i]);
      out += bucket_name;
      AppendLabels(out, label_names_, values, "le", le);
      fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
    }
    out += bucket_name;
    AppendLabels(out, label_names_, values, "le", "+Inf");
    fmt::format_to(std::back_inserter(out), " {}\n", series.count);
    AppendSample(out, sum_name, label_names_, values, series.sum);
    AppendSample(out, count_name, label_names_, values, static_cast<double>(series.count));
  }
}

CounterFamily& Registry::Counter(std::string name, std::string help,
                                 std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  auto& entry = entries_.emplace_back();
  entry.counter =
      std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(label_names));
  return *entry.counter;
}

HistogramFamily& Registry::Histogram(std::string name, std::string help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> upper_bounds) {
  std::lock_guard lock(mu_);
  auto& entry = entries_.emplace_back();
  entry.histogram = std::make_unique<HistogramFamily>(
      std::move(name), std::move(help), std::move(label_names), std::move(upper_bounds));
  return *entry.histogram;
}

void Registry::AddCollector(std::string name, std::string help, MetricType type,
                            std::function<std::vector<Sample>()> collect) {
  std::lock_guard lock(mu_);
  auto& entry = entries_.emplace_back();
  entry.collector = std::make_unique<Collector>(
      Collector{std::move(name), std::move(help), type, std::move(collect)});
}

std::string Registry::Render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& entry : entries_) {
    if (entry.counter) {
      entry.counter->Render(out);
    } else if (entry.histogram) {
      entry.histogram->Render(out);
    } else if (entry.collector) {
      const Collector& c = *entry.collector;
      AppendHeader(out, c.name, c.help, c.type == MetricType::kCounter ? "counter" : "gauge");
      for (const Sample& sample : c.collect()) {
        std::vector<std::string> names;
        std::vector<std::string> values;
        for (const auto& [n, v] : sample.labels) {
          names.push_back(n);
          values.push_back(v);
        }
        AppendSample(out, c.name, names, values, sample.value);
      }
    }
  }
  return out;
}

}  // namespace tw::telemetry
