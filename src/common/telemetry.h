// SPDX-License-Identifier: Apache-2.0
// Telemetry: trailwatch's own operational metrics, rendered in the Prometheus text exposition
// format at GET /metrics. Not to be confused with CloudWatch metrics, which are user data.
//
// A Registry holds metric families. Counters and histograms are updated on the request path
// (one short mutex-guarded map update each); collectors are callbacks sampled at scrape time for
// values another component already keeps (queue depths, delivery counts), so components need not
// depend on the registry. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tw::telemetry {

using Labels = std::vector<std::pair<std::string, std::string>>;  // name, value

// A monotonically increasing count per label set.
class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);
  // label_values in the order of the label names given at registration.
  void Add(const std::vector<std::string>& label_values, double amount = 1);
  void Render(std::string& out) const;

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, double> values_;  // GUARDED_BY(mu_)
};

// Observations counted into cumulative buckets, with their sum and count, per label set.
class HistogramFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> upper_bounds);
  void Observe(const std::vector<std::string>& label_values, double value);
  void Render(std::string& out) const;

 private:
  struct Series {
    std::vector<std::uint64_t> buckets;  // per upper bound, not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> upper_bounds_;  // ascending; +Inf is implied
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, Series> series_;  // GUARDED_BY(mu_)
};

enum class MetricType { kCounter, kGauge };

struct Sample {
  Labels labels;
  double value = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families live as long as the registry; the references stay valid.
  CounterFamily& Counter(std::string name, std::string help, std::vector<std::string> label_names);
  HistogramFamily& Histogram(std::string name, std::string help,
                             std::vector<std::string> label_names,
                             std::vector<double> upper_bounds);
  // A family whose samples `collect` returns at each scrape. `collect` must be thread-safe and
  // must outlive the registry's use (register from the composition root that owns both).
  void AddCollector(std::string name, std::string help, MetricType type,
                    std::function<std::vector<Sample>()> collect);

  // Every family in registration order, in the Prometheus text format (version 0.0.4).
  std::string Render() const;

 private:
  struct Collector {
    std::string name;
    std::string help;
    MetricType type;
    std::function<std::vector<Sample>()> collect;
  };
  struct Entry {
    std::unique_ptr<CounterFamily> counter;
    std::unique_ptr<HistogramFamily> histogram;
    std::unique_ptr<Collector> collector;
  };
  mutable std::mutex mu_;
  std::vector<Entry> entries_;  // GUARDED_BY(mu_)
};

// The text format's escaping of a label value (backslash, double quote, newline).
void AppendLabelValue(std::string& out, std::string_view value);

}  // namespace tw::telemetry
