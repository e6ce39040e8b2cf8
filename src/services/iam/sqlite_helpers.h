// SPDX-License-Identifier: Apache-2.0
// Small helpers for the SQL of SqliteIamStore: prepare-and-bind, run, and row iteration over a
// store::Connection. Internal to src/services/iam; used inside Database::Read/Write only, so not
// thread-safe on their own (a Connection belongs to one thread at a time).
#pragma once

#include <string_view>
#include <utility>

#include "common/result.h"
#include "store/sqlite/connection.h"

namespace tw::services::iam::sql {

template <typename... Args>
Result<store::Statement> Query(store::Connection& c, std::string_view text, const Args&... args) {
  Result<store::Statement> stmt = c.Prepare(text);
  if (!stmt) return std::move(stmt).error();
  if (Status st = stmt->BindAll(args...); !st) return std::move(st).error();
  return stmt;
}

template <typename... Args>
Status Exec(store::Connection& c, std::string_view text, const Args&... args) {
  Result<store::Statement> stmt = Query(c, text, args...);
  if (!stmt) return std::move(stmt).error();
  return stmt->Exec();
}

// Calls fn(const Statement&) for each row.
template <typename F>
Status ForEachRow(store::Statement& stmt, F&& fn) {
  while (true) {
    Result<store::StepResult> step = stmt.Step();
    if (!step) return std::move(step).error();
    if (*step == store::StepResult::kDone) return {};
    fn(static_cast<const store::Statement&>(stmt));
  }
}

// True when the statement produced a row (now the current row).
inline Result<bool> NextRow(store::Statement& stmt) {
  Result<store::StepResult> step = stmt.Step();
  if (!step) return std::move(step).error();
  return *step == store::StepResult::kRow;
}

// The first column of the first row as an integer; `fallback` when there is no row.
template <typename... Args>
Result<std::int64_t> QueryInt(store::Connection& c, std::string_view text, std::int64_t fallback,
                              const Args&... args) {
  Result<store::Statement> stmt = Query(c, text, args...);
  if (!stmt) return std::move(stmt).error();
  Result<bool> row = NextRow(*stmt);
  if (!row) return std::move(row).error();
  return *row ? stmt->ColumnInt64(0) : fallback;
}

}  // namespace tw::services::iam::sql
