// SPDX-License-Identifier: Apache-2.0
// The CloudWatch Logs filter-pattern engine: Compile() a pattern once, then Match() it against
// log events. Used by FilterLogEvents, metric filters, TestMetricFilter and subscription filters.
// The language is exactly the one in the CloudWatch Logs User Guide, "Filter pattern syntax for
// metric filters, subscription filters, filter log events, and Live Tail"
// (docs/reference: shared/reference/filter-patterns.md). A construct we do not implement is a
// compile error naming it, never a silent match.
//
// Thread-safety: Compile and Match are pure; a CompiledPattern may be shared by any number of
// threads; a LogEvent belongs to one thread.
#pragma once

#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/compiled_pattern.h"
#include "services/logs/filter_pattern/log_event.h"
#include "services/logs/filter_pattern/pattern_error.h"

namespace tw::services::logs::filter_pattern {

PatternResult<CompiledPattern> Compile(std::string_view pattern);

// One value a space-delimited pattern extracted: name is "$<field>" (TestMetricFilter's
// extractedValues key), value the field text with enclosing quotes/brackets removed. Both views
// point into the CompiledPattern and the event message, which must outlive the MatchResult.
struct ExtractedValue {
  std::string_view name;
  std::string_view value;
};

struct MatchResult {
  bool matched = false;
  // Space-delimited patterns: every named field, in pattern order. Empty for other kinds (the
  // content of extractedValues for term and JSON patterns is not documented).
  std::vector<ExtractedValue> extracted;

  // The extracted value for "$name" (or "name"), if any.
  const ExtractedValue* Find(std::string_view name) const;
};

// Matches and extracts. Reuse one LogEvent across filters so its JSON is parsed once.
MatchResult Match(const CompiledPattern& pattern, const LogEvent& event);
MatchResult Match(const CompiledPattern& pattern, std::string_view message);
// Matches without building extracted values (the hot path when only a yes/no is needed).
bool Matches(const CompiledPattern& pattern, const LogEvent& event);

}  // namespace tw::services::logs::filter_pattern
