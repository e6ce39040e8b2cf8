// SPDX-License-Identifier: Apache-2.0
// Parser: pattern text -> PatternAst. Detects the pattern kind from its first non-blank character
// (filter-patterns.md §1) and parses term, regex, JSON and space-delimited patterns. It checks
// syntax only; value rules (numbers for `<`, the regex subset, quotas) are the compiler's job.
// Pure function; thread-safe.
#pragma once

#include <string_view>

#include "services/logs/filter_pattern/ast.h"
#include "services/logs/filter_pattern/pattern_error.h"

namespace tw::services::logs::filter_pattern {

PatternResult<PatternAst> Parse(std::string_view pattern);

// Parses a JSON property selector written as `$.a.b[0]` into steps; column is where it starts.
// Shared with metric-value expressions (value_expression.h).
PatternResult<SelectorAst> ParseSelector(std::string_view text, std::size_t column);

}  // namespace tw::services::logs::filter_pattern
