// SPDX-License-Identifier: Apache-2.0
// ValueExpression: a metric filter's metricValue or dimension value ("1", "$.latency", "$size",
// "$7") checked against its filter pattern and resolved against a matched event
// (filter-patterns.md §5, §7; PutMetricFilter MetricTransformation). `$.x` needs a JSON pattern;
// `$name` and `$N` (the N-th pattern field, 1-based) need a space-delimited pattern naming it.
// Immutable; thread-safe to share.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/ast.h"
#include "services/logs/filter_pattern/filter_pattern.h"

namespace tw::services::logs::filter_pattern {

class ValueExpression {
 public:
  enum class Kind { kConstant, kJsonSelector, kField };

  static PatternResult<ValueExpression> Compile(std::string_view text,
                                                const CompiledPattern& pattern);

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }

  // The number this expression contributes for a matched event; nullopt when the selected value
  // is missing or not a number (undocumented; the event then contributes nothing).
  std::optional<double> ResolveNumber(const LogEvent& event, const MatchResult& match) const;
  // The value as text (dimension values); nullopt when missing, an object, an array or null.
  std::optional<std::string> ResolveText(const LogEvent& event, const MatchResult& match) const;

 private:
  Kind kind_ = Kind::kConstant;
  std::string text_;
  double constant_ = 0;
  std::vector<SelectorStep> steps_;  // kJsonSelector
  std::string field_key_;            // kField: "$name"
};

}  // namespace tw::services::logs::filter_pattern
