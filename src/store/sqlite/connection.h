// SPDX-License-Identifier: Apache-2.0
// Connection: one open SQLite database handle with extended result codes, a busy timeout and a
// prepared-statement cache keyed by SQL text. Prepare() hands out a cached Statement (or prepares
// one); when that Statement is destroyed it goes back to the cache, reset. If the same SQL is
// already in use (a nested loop over one query), Prepare() prepares a second copy.
//
// Not thread-safe: a connection is used by one thread at a time (Database guarantees it). All
// Statements from a connection must be destroyed before the connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "store/sqlite/error.h"
#include "store/sqlite/statement.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tw::store {

struct ConnectionOptions {
  bool create = false;     // create the file if it does not exist
  bool read_only = false;  // refuse writes: opened read-write but with PRAGMA query_only
  std::chrono::milliseconds busy_timeout{5000};
};

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::filesystem::path& file,
                                                  const ConnectionOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // A statement for `sql` (one statement), from the cache when possible.
  Result<Statement> Prepare(std::string_view sql);
  // A statement that is finalized on destruction rather than cached (one-off SQL).
  Result<Statement> PrepareUncached(std::string_view sql);

  // Runs one or more ';'-separated statements without parameters (pragmas, migrations).
  Status Execute(std::string_view sql);
  // The first column of the first row `sql` returns; an error when it returns no row.
  Result<std::int64_t> QueryInt64(std::string_view sql);
  Result<std::string> QueryText(std::string_view sql);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t Changes() const;
  std::int64_t LastInsertRowId() const;
  // True outside an explicit transaction.
  bool InAutocommit() const;

  // Idle statements in the cache.
  std::size_t cached_statement_count() const;
  sqlite3* handle() const { return db_; }

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  explicit Connection(sqlite3* db) : db_(db) {}
  Result<sqlite3_stmt*> PrepareRaw(std::string_view sql);

  sqlite3* db_ = nullptr;
  // One slot per distinct SQL text: the idle cached statement, or null while it is in use (a
  // Statement refers to its slot; map nodes never move). SQL passed to Prepare is expected to be
  // a constant of the code, so the map stays small; dynamic SQL belongs in PrepareUncached.
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> cache_;
};

}  // namespace tw::store
