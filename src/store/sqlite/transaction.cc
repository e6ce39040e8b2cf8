// SPDX-License-Identifier: Apache-2.0
#include "store/sqlite/transaction.h"

#include <utility>

namespace tw::store {

Result<Transaction> Transaction::Begin(Connection& connection, TransactionMode mode) {
  Result<Statement> begin =
      connection.Prepare(mode == TransactionMode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!begin) return std::move(begin).error();
  if (Status st = begin->Exec(); !st) return std::move(st).error();
  return Transaction(&connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Transaction::~Transaction() { Rollback(); }

Status Transaction::Commit() {
  if (connection_ == nullptr) return {};
  Status status = [&]() -> Status {
    Result<Statement> commit = connection_->Prepare("COMMIT");
    if (!commit) return std::move(commit).error();
    return commit->Exec();
  }();
  if (status) {
    connection_ = nullptr;
  } else {
    Rollback();
  }
  return status;
}

void Transaction::Rollback() {
  if (connection_ == nullptr) return;
  Connection* connection = std::exchange(connection_, nullptr);
  // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) end the transaction inside SQLite already.
  if (connection->InAutocommit()) return;
  // ROLLBACK only fails on a broken connection; there is nothing better to do than carry on, and
  // the next BEGIN on that connection reports the problem.
  if (Result<Statement> rollback = connection->Prepare("ROLLBACK"); rollback) {
    (void)rollback->Exec();
  }
}

}  // namespace tw::store
