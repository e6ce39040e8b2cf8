// SPDX-License-Identifier: Apache-2.0
// Database: trailwatch's embedded SQLite store, the file trailwatch.db in the data dir. Open()
// creates the dir (0700) and the file, switches to WAL mode and applies the numbered schema
// migrations (src/store/migrations/NNNN_name.sql, embedded in the binary), tracked in
// PRAGMA user_version; a database written by a newer binary is refused. Each migration runs in
// its own transaction, so a migration file must not contain BEGIN/COMMIT (nor PRAGMAs that are
// no-ops inside a transaction, such as foreign_keys).
//
// All access goes through two calls:
//   Write(fn): fn(Connection&) runs inside BEGIN IMMEDIATE on the single writer connection and is
//     committed when fn returns a success Result; an error Result or an exception rolls it back.
//     The Result (or the commit failure) is returned.
//   Read(fn): fn(Connection&) runs inside a read transaction (one consistent snapshot) on a reader
//     connection taken from a small pool. Under WAL, reads never wait for the writer.
// fn returns a tw::Result<T> or Status; Write/Read return the same type.
//
// Thread-safe: Write calls are serialized by a mutex (calling Write from inside Write on the same
// thread is refused, it would deadlock); any number of threads may Read at once. A Read inside
// Write does not see the enclosing write's uncommitted changes; use the Connection passed to fn.
// The Connection must not escape fn. All calls must have returned before the Database is
// destroyed; the destructor closes every connection.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/embedded.h"
#include "common/result.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/error.h"
#include "store/sqlite/transaction.h"

namespace tw::store {

namespace internal {
template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<Result<T>> : std::true_type {};
}  // namespace internal

struct DatabaseOptions {
  std::chrono::milliseconds busy_timeout{5000};
  // Reader connections kept open for reuse; more are opened under load and closed after use.
  std::size_t max_idle_readers = 8;
  // Schema migrations; nullopt means the ones embedded in the binary (src/store/migrations).
  // A component with its own database file (CloudTrail's event history) passes its own.
  std::optional<std::span<const EmbeddedFile>> migrations;
  // The database file inside the data dir; nullptr means kFileName.
  const char* file_name = nullptr;
  // true: every commit is fsynced (synchronous=FULL), so an acknowledged write survives power
  // loss. false (synchronous=NORMAL): commits survive a process crash but only Sync() or a
  // checkpoint makes them survive power loss; for data already written asynchronously
  // (CloudTrail's event history), whose writer then does not pay an fsync per batch.
  bool durable_commits = true;
};

class Database {
 public:
  static constexpr const char* kFileName = "trailwatch.db";

  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& data_dir,
                                                const DatabaseOptions& options = {});
  // The migrations compiled into this binary, in file-name order.
  static std::span<const EmbeddedFile> EmbeddedMigrations();

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  template <typename F>
  auto Write(F&& fn) -> std::invoke_result_t<F&&, Connection&> {
    using R = std::invoke_result_t<F&&, Connection&>;
    static_assert(internal::IsResult<R>::value, "fn must return a tw::Result<T> or tw::Status");
    if (writer_thread_.load() == std::this_thread::get_id()) {
      return R(AwsError::From(ErrorCode::kInternalFailure, "Database::Write called inside Write"));
    }
    std::lock_guard<std::mutex> lock(writer_mutex_);
    WriterThreadMark mark(writer_thread_);
    Result<Transaction> transaction = Transaction::Begin(*writer_, TransactionMode::kImmediate);
    if (!transaction) return R(std::move(transaction).error());
    R result = std::invoke(std::forward<F>(fn), *writer_);
    if (!result) return result;  // ~Transaction rolls back
    if (Status committed = transaction->Commit(); !committed) {
      return R(std::move(committed).error());
    }
    return result;
  }

  template <typename F>
  auto Read(F&& fn) -> std::invoke_result_t<F&&, Connection&> {
    using R = std::invoke_result_t<F&&, Connection&>;
    static_assert(internal::IsResult<R>::value, "fn must return a tw::Result<T> or tw::Status");
    Result<ReaderLease> reader = AcquireReader();
    if (!reader) return R(std::move(reader).error());
    Connection& connection = reader->connection();
    Result<Transaction> transaction = Transaction::Begin(connection, TransactionMode::kDeferred);
    if (!transaction) return R(std::move(transaction).error());
    return std::invoke(std::forward<F>(fn), connection);  // ~Transaction ends the snapshot
  }

  // The schema version (PRAGMA user_version), which after Open is the newest migration applied.
  // Makes every commit so far survive power loss (a checkpoint, which fsyncs). Only needed with
  // durable_commits = false, after a write a client is told succeeded.
  Status Sync();

  int schema_version() const { return schema_version_; }
  const std::filesystem::path& path() const { return path_; }
  // Reader connections currently open and idle (for tests).
  std::size_t idle_reader_count() const;

 private:
  // A reader connection borrowed from the pool for one Read; returned on destruction.
  class ReaderLease {
   public:
    ReaderLease(Database* db, std::unique_ptr<Connection> connection)
        : db_(db), connection_(std::move(connection)) {}
    ReaderLease(ReaderLease&&) noexcept = default;
    ReaderLease& operator=(ReaderLease&&) = delete;
    ~ReaderLease() {
      if (connection_) db_->ReleaseReader(std::move(connection_));
    }
    Connection& connection() { return *connection_; }

   private:
    Database* db_;
    std::unique_ptr<Connection> connection_;
  };

  // Marks the writer as held by this thread for the scope.
  class WriterThreadMark {
   public:
    explicit WriterThreadMark(std::atomic<std::thread::id>& owner) : owner_(owner) {
      owner_.store(std::this_thread::get_id());
    }
    ~WriterThreadMark() { owner_.store(std::thread::id()); }

   private:
    std::atomic<std::thread::id>& owner_;
  };

  Database(std::filesystem::path path, const DatabaseOptions& options)
      : path_(std::move(path)),
        busy_timeout_(options.busy_timeout),
        max_idle_readers_(options.max_idle_readers) {}
  Status Migrate(std::span<const EmbeddedFile> migrations);
  Result<ReaderLease> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> connection);

  std::filesystem::path path_;
  std::chrono::milliseconds busy_timeout_;
  std::size_t max_idle_readers_;
  int schema_version_ = 0;

  std::mutex writer_mutex_;
  std::atomic<std::thread::id> writer_thread_;
  std::unique_ptr<Connection> writer_;  // declared before the readers: closed last

  mutable std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

}  // namespace tw::store
