// SPDX-License-Identifier: Apache-2.0
// Transaction: an explicit SQLite transaction that rolls back unless Commit() succeeds, including
// when the scope is left by an early error return or an exception. kImmediate (BEGIN IMMEDIATE)
// takes the write lock up front, so a writer never fails later with SQLITE_BUSY on lock upgrade;
// kDeferred (BEGIN) is for reads, which then see one consistent snapshot.
//
// Not thread-safe: lives on the thread that owns its connection. Not nestable.
#pragma once

#include "common/result.h"
#include "store/sqlite/connection.h"

namespace tw::store {

enum class TransactionMode { kDeferred, kImmediate };

class Transaction {
 public:
  static Result<Transaction> Begin(Connection& connection, TransactionMode mode);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Commits; on failure the transaction is rolled back (now or by the destructor).
  Status Commit();
  // Rolls back now. Safe when SQLite has already rolled back on its own after an error.
  void Rollback();

  bool active() const { return connection_ != nullptr; }

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}

  Connection* connection_ = nullptr;  // null once committed or rolled back
};

}  // namespace tw::store
