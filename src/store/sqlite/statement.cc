// SPDX-License-Identifier: Apache-2.0
#include "store/sqlite/statement.h"

#include <sqlite3.h>

#include <utility>

#include "store/sqlite/error.h"

namespace tw::store {
namespace {

// SQLite binds a null pointer as NULL, so an empty view needs a real address.
const char* NonNull(std::string_view s) { return s.data() != nullptr ? s.data() : ""; }

}  // namespace

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      cache_slot_(std::exchange(other.cache_slot_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    cache_slot_ = std::exchange(other.cache_slot_, nullptr);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (cache_slot_ != nullptr && *cache_slot_ == nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *cache_slot_ = stmt_;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
  cache_slot_ = nullptr;
}

Status Statement::Check(int rc) const {
  if (rc == SQLITE_OK) return {};
  return StoreError::FromConnection(sqlite3_db_handle(stmt_), rc).ToAwsError();
}

Status Statement::Bind(int index, std::int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value));
}

Status Statement::Bind(int index, double value) {
  return Check(sqlite3_bind_double(stmt_, index, value));
}

Status Statement::Bind(int index, std::string_view text) {
  return Check(
      sqlite3_bind_text64(stmt_, index, NonNull(text), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Status Statement::BindUncopied(int index, std::string_view text) {
  return Check(
      sqlite3_bind_text64(stmt_, index, NonNull(text), text.size(), SQLITE_STATIC, SQLITE_UTF8));
}

Status Statement::Bind(int index, Blob blob) {
  return Check(
      sqlite3_bind_blob64(stmt_, index, NonNull(blob.bytes), blob.bytes.size(), SQLITE_TRANSIENT));
}

Status Statement::Bind(int index, std::nullptr_t) { return Check(sqlite3_bind_null(stmt_, index)); }

Result<StepResult> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return StepResult::kRow;
  if (rc == SQLITE_DONE) return StepResult::kDone;
  return StoreError::FromConnection(sqlite3_db_handle(stmt_), rc).ToAwsError();
}

Status Statement::Exec() {
  while (true) {
    Result<StepResult> step = Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return {};
  }
}

void Statement::Reset(bool clear_bindings) {
  sqlite3_reset(stmt_);
  if (clear_bindings) sqlite3_clear_bindings(stmt_);
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

ColumnType Statement::ColumnTypeOf(int column) const {
  switch (sqlite3_column_type(stmt_, column)) {
    case SQLITE_INTEGER:
      return ColumnType::kInteger;
    case SQLITE_FLOAT:
      return ColumnType::kFloat;
    case SQLITE_TEXT:
      return ColumnType::kText;
    case SQLITE_BLOB:
      return ColumnType::kBlob;
    default:
      return ColumnType::kNull;
  }
}

std::int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::string_view Statement::ColumnText(int column) const {
  // Pointer first, then size: the size call must see the converted value.
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Statement::ColumnBlob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (bytes == nullptr) return {};
  return std::string_view(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::int64_t> Statement::ColumnOptionalInt64(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnInt64(column);
}

std::optional<std::string> Statement::ColumnOptionalString(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnString(column);
}

std::string_view Statement::sql() const {
  const char* text = sqlite3_sql(stmt_);
  return text != nullptr ? std::string_view(text) : std::string_view();
}

}  // namespace tw::store
