// SPDX-License-Identifier: Apache-2.0
// The function table: every scalar and aggregation function the languages accept, with arity, and
// the evaluation of scalar functions over Cells. Names are matched case-insensitively; SQL and PPL
// spellings (LOWER, UPPER, LENGTH, dc, ...) map to the CWLI function they mean. Functions AWS has
// that trailwatch does not implement are known by name so the error can say "not supported"
// instead of "unknown". Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/insights/ast.h"

namespace tw::services::logs::insights {

struct FunctionInfo {
  std::string_view name;  // canonical (CWLI) name
  int min_args = 0;
  int max_args = 0;  // -1: any number
  bool aggregate = false;
};

// The function `name` means in `language`; nullopt when unknown.
std::optional<FunctionInfo> FindFunction(std::string_view name, Language language);
// True for functions AWS documents but trailwatch does not implement (jsonParse, rate, ...).
bool IsUnsupportedAwsFunction(std::string_view name);

// Evaluates scalar function `name` (canonical) over already-evaluated arguments. `timestamp` is
// the row's @timestamp (bin() floors it). Never fails: wrong types give null, as AWS does.
Cell CallScalar(std::string_view name, const std::vector<Cell>& args, double timestamp);

// A time period such as 5m, 1h, 30s, 2d, 1w in milliseconds; months, quarters and years are
// calendar units and return their unit through `calendar_months` (ms is then 0).
struct Period {
  double millis = 0;
  int calendar_months = 0;
};
std::optional<Period> ParsePeriod(std::string_view text);
// Floors / ceils an epoch-millisecond time to a period (UTC).
double FloorToPeriod(double ms, const Period& period);
double CeilToPeriod(double ms, const Period& period);

// Value helpers shared by the executor.
std::optional<double> ToNumber(const Cell& cell);
std::optional<double> ParseNumber(std::string_view text);
// A cell as result text: numbers in shortest form, times as "yyyy-MM-dd HH:mm:ss.SSS".
std::string CellText(const Cell& cell);
void AppendNumber(std::string& out, double value);
std::string FormatTimestamp(double ms);

}  // namespace tw::services::logs::insights
