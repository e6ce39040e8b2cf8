// SPDX-License-Identifier: Apache-2.0
#include "store/sqlite/error.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <charconv>
#include <string_view>

namespace tw::store {
namespace {

constexpr std::string_view kPrefix = "SQLite error ";

}  // namespace

Constraint StoreError::ViolatedConstraint() const {
  if (PrimaryCode() != SQLITE_CONSTRAINT) return Constraint::kNone;
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
      return Constraint::kUnique;
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Constraint::kPrimaryKey;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Constraint::kForeignKey;
    case SQLITE_CONSTRAINT_NOTNULL:
      return Constraint::kNotNull;
    case SQLITE_CONSTRAINT_CHECK:
      return Constraint::kCheck;
    default:
      return Constraint::kOther;
  }
}

bool StoreError::IsBusy() const {
  return PrimaryCode() == SQLITE_BUSY || PrimaryCode() == SQLITE_LOCKED;
}

AwsError StoreError::ToAwsError() const {
  return AwsError::From(ErrorCode::kStoreFailure, fmt::format("{}{}: {}", kPrefix, code, message));
}

StoreError StoreError::FromConnection(sqlite3* db, int rc) {
  StoreError error{rc, sqlite3_errstr(rc)};
  if (db != nullptr) {
    // Prefer the connection's detailed code and message when they describe this failure.
    int extended = sqlite3_extended_errcode(db);
    if ((extended & 0xff) == (rc & 0xff)) {
      error.code = extended;
      error.message = sqlite3_errmsg(db);
    }
  }
  return error;
}

std::optional<StoreError> StoreErrorOf(const AwsError& error) {
  if (error.id != ErrorCode::kStoreFailure) return std::nullopt;
  std::string_view text = error.message;
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  StoreError result;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result.code);
  if (ec != std::errc() || end == text.data() + text.size() || *end != ':') return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()) + 1);
  if (text.starts_with(' ')) text.remove_prefix(1);
  result.message = std::string(text);
  return result;
}

Constraint ViolatedConstraint(const AwsError& error) {
  std::optional<StoreError> store_error = StoreErrorOf(error);
  return store_error ? store_error->ViolatedConstraint() : Constraint::kNone;
}

}  // namespace tw::store
