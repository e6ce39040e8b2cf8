// SPDX-License-Identifier: Apache-2.0
// The helpers every service's SQLite store uses over a store::Connection: prepare-and-bind,
// run to completion, row iteration, and a single integer. Used inside Database::Read/Write only,
// so not thread-safe on their own (a Connection belongs to one thread at a time).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "store/sqlite/connection.h"

namespace tw::store::sql {

// `text` prepared with `args` bound to its parameters in order.
template <typename... Args>
Result<Statement> Query(Connection& c, std::string_view text, const Args&... args) {
  Result<Statement> stmt = c.Prepare(text);
  if (!stmt) return std::move(stmt).error();
  if (Status st = stmt->BindAll(args...); !st) return std::move(st).error();
  return stmt;
}

// Runs a statement with parameters to completion.
template <typename... Args>
Status Exec(Connection& c, std::string_view text, const Args&... args) {
  Result<Statement> stmt = Query(c, text, args...);
  if (!stmt) return std::move(stmt).error();
  return stmt->Exec();
}

// Calls fn(const Statement&) for each row.
template <typename F>
Status ForEachRow(Statement& stmt, F&& fn) {
  while (true) {
    Result<StepResult> step = stmt.Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return {};
    fn(static_cast<const Statement&>(stmt));
  }
}

// True when the statement produced a row (now the current row).
inline Result<bool> NextRow(Statement& stmt) {
  Result<StepResult> step = stmt.Step();
  if (!step) return std::move(step).error();
  return *step == StepResult::kRow;
}

// The first column of the first row as an integer; `fallback` when there is no row.
template <typename... Args>
Result<std::int64_t> QueryInt(Connection& c, std::string_view text, std::int64_t fallback,
                              const Args&... args) {
  Result<Statement> stmt = Query(c, text, args...);
  if (!stmt) return std::move(stmt).error();
  Result<bool> row = NextRow(*stmt);
  if (!row) return std::move(row).error();
  return *row ? stmt->ColumnInt64(0) : fallback;
}

}  // namespace tw::store::sql
