// SPDX-License-Identifier: Apache-2.0
// StoreError: a failure reported by SQLite (its extended result code and message), and how it
// travels. Every store API returns the project's Result<T>/Status, so store calls compose with
// service code inside Database::Write/Read without conversions. A StoreError is carried as an
// AwsError with id ErrorCode::kStoreFailure: on the wire that is a plain 500 InternalFailure, in
// process StoreErrorOf() recovers the SQLite code. Services turn constraint violations into their
// own errors:
//
//   auto done = insert->Exec();
//   if (!done && IsUniqueViolation(done.error())) return EntityAlreadyExists(...);
//
// Plain values and free functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/aws_error.h"

struct sqlite3;

namespace tw::store {

// Which kind of constraint a failed statement violated.
enum class Constraint { kNone, kUnique, kPrimaryKey, kForeignKey, kNotNull, kCheck, kOther };

struct StoreError {
  int code = 0;  // SQLite extended result code, e.g. 2067 (SQLITE_CONSTRAINT_UNIQUE)
  std::string message;

  int PrimaryCode() const { return code & 0xff; }
  Constraint ViolatedConstraint() const;
  bool IsConstraintViolation() const { return ViolatedConstraint() != Constraint::kNone; }
  bool IsBusy() const;  // SQLITE_BUSY or SQLITE_LOCKED (any extended variant)

  // The AwsError that carries this error: id kStoreFailure, code InternalFailure, HTTP 500, and the
  // message "SQLite error <code>: <message>".
  AwsError ToAwsError() const;

  // The error SQLite last reported on `db` for result code `rc`.
  static StoreError FromConnection(sqlite3* db, int rc);
};

// The StoreError an AwsError carries; nullopt for an error that did not come from the store.
std::optional<StoreError> StoreErrorOf(const AwsError& error);

// The constraint a store error violated; kNone for other errors (store or not).
Constraint ViolatedConstraint(const AwsError& error);
inline bool IsConstraintViolation(const AwsError& error) {
  return ViolatedConstraint(error) != Constraint::kNone;
}
// A duplicate key: a UNIQUE index or the PRIMARY KEY.
inline bool IsUniqueViolation(const AwsError& error) {
  Constraint c = ViolatedConstraint(error);
  return c == Constraint::kUnique || c == Constraint::kPrimaryKey;
}
inline bool IsForeignKeyViolation(const AwsError& error) {
  return ViolatedConstraint(error) == Constraint::kForeignKey;
}

}  // namespace tw::store
