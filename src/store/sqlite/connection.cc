// SPDX-License-Identifier: Apache-2.0
#include "store/sqlite/connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <climits>
#include <utility>

namespace tw::store {
namespace {

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ';') return false;
  }
  return true;
}

AwsError Failure(std::string message) {
  return StoreError{SQLITE_MISUSE, std::move(message)}.ToAwsError();
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::filesystem::path& file,
                                                     const ConnectionOptions& options) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;  // one thread at a time per connection
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    StoreError error = StoreError::FromConnection(db, rc);
    error.message = fmt::format("cannot open {}: {}", file.string(), error.message);
    sqlite3_close_v2(db);  // a handle is allocated even when opening fails
    return error.ToAwsError();
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  auto timeout = options.busy_timeout.count();
  sqlite3_busy_timeout(db, static_cast<int>(timeout > INT_MAX ? INT_MAX : timeout));
  if (options.read_only) {
    if (Status st = connection->Execute("PRAGMA query_only = ON"); !st)
      return std::move(st).error();
  }
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) {
    if (stmt != nullptr) sqlite3_finalize(stmt);
  }
  cache_.clear();
  sqlite3_close_v2(db_);
}

Result<sqlite3_stmt*> Connection::PrepareRaw(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sql.size() > INT_MAX) return Failure("SQL text too long");
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return StoreError::FromConnection(db_, rc).ToAwsError();
  if (stmt == nullptr) return Failure(fmt::format("no SQL statement in \"{}\"", sql));
  std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (!IsBlank(rest)) {
    sqlite3_finalize(stmt);
    return Failure(fmt::format("more than one SQL statement in \"{}\"; use Execute", sql));
  }
  return stmt;
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto slot = cache_.find(sql);
  if (slot == cache_.end()) slot = cache_.emplace(std::string(sql), nullptr).first;
  if (slot->second != nullptr)
    return Statement(std::exchange(slot->second, nullptr), &slot->second);
  Result<sqlite3_stmt*> stmt = PrepareRaw(sql);
  if (!stmt) return std::move(stmt).error();
  return Statement(*stmt, &slot->second);
}

Result<Statement> Connection::PrepareUncached(std::string_view sql) {
  Result<sqlite3_stmt*> stmt = PrepareRaw(sql);
  if (!stmt) return std::move(stmt).error();
  return Statement(*stmt, nullptr);
}

Status Connection::Execute(std::string_view sql) {
  std::string text(sql);  // sqlite3_exec wants a NUL-terminated string
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  StoreError error = StoreError::FromConnection(db_, rc);
  if (message != nullptr) {
    error.message = message;
    sqlite3_free(message);
  }
  return error.ToAwsError();
}

Result<std::int64_t> Connection::QueryInt64(std::string_view sql) {
  Result<Statement> stmt = PrepareUncached(sql);
  if (!stmt) return std::move(stmt).error();
  Result<StepResult> step = stmt->Step();
  if (!step) return std::move(step).error();
  if (*step != StepResult::kRow) return Failure(fmt::format("no row from \"{}\"", sql));
  return stmt->ColumnInt64(0);
}

Result<std::string> Connection::QueryText(std::string_view sql) {
  Result<Statement> stmt = PrepareUncached(sql);
  if (!stmt) return std::move(stmt).error();
  Result<StepResult> step = stmt->Step();
  if (!step) return std::move(step).error();
  if (*step != StepResult::kRow) return Failure(fmt::format("no row from \"{}\"", sql));
  return stmt->ColumnString(0);
}

std::int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

std::int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

bool Connection::InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

std::size_t Connection::cached_statement_count() const {
  std::size_t count = 0;
  for (const auto& [sql, stmt] : cache_) count += stmt != nullptr ? 1 : 0;
  return count;
}

}  // namespace tw::store
