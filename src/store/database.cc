// SPDX-License-Identifier: Apache-2.0
#include "store/database.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <system_error>

namespace tw::embedded_migrations {
extern const tw::EmbeddedFile kFiles[];
extern const std::size_t kFileCount;
}  // namespace tw::embedded_migrations

namespace tw::store {
namespace {

AwsError OpenFailure(std::string message) {
  return AwsError::From(ErrorCode::kInternalFailure, std::move(message));
}

struct Migration {
  int version = 0;
  std::string_view name;
  std::string_view sql;
};

// Orders the migrations and checks they are numbered 1, 2, 3, ... without gaps or duplicates.
Result<std::vector<Migration>> ParseMigrations(std::span<const EmbeddedFile> files) {
  std::vector<Migration> migrations;
  for (const EmbeddedFile& file : files) {
    std::string_view name = file.name;
    Migration migration{0, name, file.data};
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), migration.version);
    std::size_t digits = static_cast<std::size_t>(end - name.data());
    if (ec != std::errc() || digits == 0 || digits >= name.size() || name[digits] != '_' ||
        !name.ends_with(".sql")) {
      return OpenFailure(fmt::format("migration {} is not named NNNN_name.sql", name));
    }
    migrations.push_back(migration);
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return OpenFailure(fmt::format("migration {} is out of sequence: expected number {}",
                                     migrations[i].name, i + 1));
    }
  }
  return migrations;
}

// Creates the data dir, readable by the owner only, when it does not exist yet.
Status PrepareDataDir(const std::filesystem::path& data_dir) {
  std::error_code ec;
  if (std::filesystem::exists(data_dir, ec)) {
    if (!std::filesystem::is_directory(data_dir, ec)) {
      return OpenFailure(fmt::format("data dir {} is not a directory", data_dir.string()));
    }
    return {};
  }
  if (!std::filesystem::create_directories(data_dir, ec) && ec) {
    return OpenFailure(
        fmt::format("cannot create data dir {}: {}", data_dir.string(), ec.message()));
  }
  std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (ec) {
    return OpenFailure(
        fmt::format("cannot restrict data dir {}: {}", data_dir.string(), ec.message()));
  }
  return {};
}

}  // namespace

std::span<const EmbeddedFile> Database::EmbeddedMigrations() {
  return {embedded_migrations::kFiles, embedded_migrations::kFileCount};
}

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& data_dir,
                                                 const DatabaseOptions& options) {
  if (Status st = PrepareDataDir(data_dir); !st) return std::move(st).error();
  std::unique_ptr<Database> db(
      new Database(data_dir / (options.file_name ? options.file_name : kFileName), options));

  auto writer = Connection::Open(db->path_, {.create = true, .busy_timeout = db->busy_timeout_});
  if (!writer) return std::move(writer).error();
  db->writer_ = std::move(writer).value();

  // WAL: readers run alongside the writer and see the last committed state. The mode is stored
  // in the file, so reader connections inherit it.
  Result<std::string> mode = db->writer_->QueryText("PRAGMA journal_mode = WAL");
  if (!mode) return std::move(mode).error();
  if (*mode != "wal") {
    return OpenFailure(
        fmt::format("{} cannot use WAL mode (journal_mode is {})", db->path_.string(), *mode));
  }
  // synchronous=FULL: in WAL mode this fsyncs the WAL at every commit, so a write that was
  // acknowledged to a client survives a crash or power loss. NORMAL only syncs at checkpoints and
  // may lose the most recent commits, which would break "a 200 means it is stored".
  if (Status st = db->writer_->Execute(
          options.durable_commits ? "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL"
                                  : "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL");
      !st) {
    return std::move(st).error();
  }
  if (Status st = db->Migrate(options.migrations.value_or(EmbeddedMigrations())); !st) {
    return std::move(st).error();
  }
  return db;
}

Status Database::Migrate(std::span<const EmbeddedFile> files) {
  Result<std::vector<Migration>> migrations = ParseMigrations(files);
  if (!migrations) return std::move(migrations).error();
  const int known = static_cast<int>(migrations->size());
  // One transaction per migration. The version is read inside the write transaction, so two
  // processes opening the same new database cannot both apply a migration.
  while (true) {
    Result<Transaction> transaction = Transaction::Begin(*writer_, TransactionMode::kImmediate);
    if (!transaction) return std::move(transaction).error();
    Result<std::int64_t> version = writer_->QueryInt64("PRAGMA user_version");
    if (!version) return std::move(version).error();
    if (*version > known) {
      return OpenFailure(fmt::format(
          "{} has schema version {}, newer than this trailwatch knows ({}); use a newer release",
          path_.string(), *version, known));
    }
    if (*version == known) {
      schema_version_ = known;
      return transaction->Commit();
    }
    const Migration& next = (*migrations)[static_cast<std::size_t>(*version)];
    if (Status st = writer_->Execute(next.sql); !st) {
      AwsError error = std::move(st).error();
      error.message = fmt::format("migration {} failed: {}", next.name, error.message);
      return error;
    }
    // PRAGMA does not take parameters; the version is an integer we formatted ourselves.
    if (Status st = writer_->Execute(fmt::format("PRAGMA user_version = {}", next.version)); !st) {
      return std::move(st).error();
    }
    if (Status st = transaction->Commit(); !st) return std::move(st).error();
  }
}

Database::~Database() {
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    idle_readers_.clear();
  }
  writer_.reset();  // the last connection to close checkpoints the WAL into the database file
}

Result<Database::ReaderLease> Database::AcquireReader() {
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return ReaderLease(this, std::move(connection));
    }
  }
  auto connection = Connection::Open(path_, {.read_only = true, .busy_timeout = busy_timeout_});
  if (!connection) return std::move(connection).error();
  if (Status st = (*connection)->Execute("PRAGMA foreign_keys = ON"); !st) {
    return std::move(st).error();
  }
  return ReaderLease(this, std::move(connection).value());
}

void Database::ReleaseReader(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    if (idle_readers_.size() < max_idle_readers_) {
      idle_readers_.push_back(std::move(connection));
      return;
    }
  }
  connection.reset();  // a surplus reader, closed outside the lock
}

std::size_t Database::idle_reader_count() const {
  std::lock_guard<std::mutex> lock(readers_mutex_);
  return idle_readers_.size();
}

Status Database::Sync() {
  std::lock_guard<std::mutex> lock(writer_mutex_);
  auto result = writer_->QueryText("PRAGMA wal_checkpoint(FULL)");
  if (!result) return std::move(result).error();
  return {};
}

}  // namespace tw::store
