// SPDX-License-Identifier: Apache-2.0
// Parsers for the three Logs Insights query languages, all compiling to one Query (ast.h):
//   CWLI — the Logs Insights language: fields, display, filter, stats ... by, sort, limit, parse
//          (glob and regex), dedup, unmask; commands AWS has but trailwatch lacks (pattern, diff,
//          anomaly, filterIndex, SOURCE, unnest, lookup) are refused by name.
//   SQL  — the OpenSearch SQL subset the console's query generator writes: SELECT fields and
//          aggregates FROM `group` [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT]; joins and
//          subqueries are refused by name.
//   PPL  — source=`group` | where | fields | stats ... by | sort | head | eval | dedup.
// Errors are QueryErrors (MalformedQueryException) with the character span at fault. Pure;
// thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "services/logs/insights/ast.h"

namespace tw::services::logs::insights {

// AWS's limit on queryString.
inline constexpr std::size_t kMaxQueryLength = 10'000;

struct ParseResult {
  Query query;
  std::optional<QueryError> error;
  bool ok() const { return !error.has_value(); }
};

ParseResult Parse(Language language, std::string_view text);
ParseResult ParseCwli(std::string_view text);
ParseResult ParseSql(std::string_view text);
ParseResult ParsePpl(std::string_view text);

// "CWLI", "SQL", "PPL" and back.
std::string_view LanguageName(Language language);
std::optional<Language> LanguageFromName(std::string_view name);

}  // namespace tw::services::logs::insights
