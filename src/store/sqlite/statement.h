// SPDX-License-Identifier: Apache-2.0
// Statement: one prepared SQLite statement. Bind parameters (1-based, as in SQL "?1"), Step
// through rows, read columns of the current row (0-based), Reset to run it again. A Statement
// from Connection::Prepare is borrowed from the connection's cache: its destructor resets it,
// clears its bindings and hands it back instead of finalizing it, so no statement ever keeps a
// read snapshot open after use. A Statement must not outlive its Connection.
//
// Column text and blobs are views into SQLite's row buffer: valid until the next Step, Reset or
// column access of another type on the same column. Copy with ColumnString when in doubt.
//
// Not thread-safe: a Statement belongs to the thread that uses its connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tw::store {

class Connection;

// Binds as a BLOB rather than TEXT.
struct Blob {
  std::string_view bytes;
};

enum class StepResult { kRow, kDone };
enum class ColumnType { kInteger, kFloat, kText, kBlob, kNull };

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Status Bind(int index, std::int64_t value);
  Status Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Status Bind(int index, double value);
  Status Bind(int index, std::string_view text);  // copied by SQLite; empty binds '' not NULL
  Status Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Status Bind(int index, Blob blob);  // copied by SQLite
  // Binds text SQLite does not copy: `text` must stay unchanged until the statement is stepped
  // to completion and reset (for large values bound in a hot loop, such as event records).
  Status BindUncopied(int index, std::string_view text);
  Status Bind(int index, std::nullptr_t);  // NULL
  Status Bind(int index, std::nullopt_t) { return Bind(index, nullptr); }
  template <typename T>
  Status Bind(int index, const std::optional<T>& value) {
    return value.has_value() ? Bind(index, *value) : Bind(index, nullptr);
  }
  // Binds the arguments to parameters 1, 2, ... in order.
  template <typename... Args>
  Status BindAll(const Args&... args) {
    Status status;
    int index = 0;
    auto bind_one = [&](const auto& arg) {
      if (status) status = this->Bind(++index, arg);
    };
    (bind_one(args), ...);
    (void)bind_one;  // an empty pack leaves it unused
    return status;
  }

  // Runs the statement to its next row or to completion.
  Result<StepResult> Step();
  // Steps to completion, discarding any rows (INSERT, UPDATE, DELETE, DDL).
  Status Exec();
  // Back to the start, ready to Step again. Bindings are kept unless clear_bindings.
  void Reset(bool clear_bindings = false);

  // Columns of the current row, 0-based.
  int ColumnCount() const;
  ColumnType ColumnTypeOf(int column) const;
  bool ColumnIsNull(int column) const { return ColumnTypeOf(column) == ColumnType::kNull; }
  std::int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;
  std::string_view ColumnText(int column) const;
  std::string_view ColumnBlob(int column) const;
  std::string ColumnString(int column) const { return std::string(ColumnText(column)); }
  std::optional<std::int64_t> ColumnOptionalInt64(int column) const;
  std::optional<std::string> ColumnOptionalString(int column) const;

  // The SQL text the statement was prepared from.
  std::string_view sql() const;
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  friend class Connection;
  // `cache_slot` is the connection's cache entry for this SQL that takes the statement back when
  // it is empty; null to always finalize.
  Statement(sqlite3_stmt* stmt, sqlite3_stmt** cache_slot) : stmt_(stmt), cache_slot_(cache_slot) {}
  Status Check(int rc) const;
  void Release();

  sqlite3_stmt* stmt_ = nullptr;
  sqlite3_stmt** cache_slot_ = nullptr;
};

}  // namespace tw::store
