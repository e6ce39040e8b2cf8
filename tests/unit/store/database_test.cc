// SPDX-License-Identifier: Apache-2.0
#include "store/database.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.h"

namespace tw::store {
namespace {

std::unique_ptr<Database> MustOpen(const std::filesystem::path& dir,
                                   const DatabaseOptions& options = {}) {
  auto db = Database::Open(dir, options);
  EXPECT_TRUE(db) << db.error().message;
  return db ? std::move(db).value() : nullptr;
}

Status InsertSetting(Connection& c, std::string_view key, std::string_view value) {
  auto stmt = c.Prepare("INSERT INTO settings (key, value) VALUES (?, ?)");
  if (!stmt) return stmt.error();
  if (Status st = stmt->BindAll(key, value); !st) return st;
  return stmt->Exec();
}

Result<std::int64_t> CountSettings(Database& db) {
  return db.Read([](Connection& c) { return c.QueryInt64("SELECT count(*) FROM settings"); });
}

TEST(DatabaseTest, CreatesThePrivateDataDirAndUsesWal) {
  testutil::TempDir tmp;
  const auto data_dir = tmp.path() / "nested" / "data";
  auto db = MustOpen(data_dir);
  ASSERT_TRUE(db);
  struct stat info {};
  ASSERT_EQ(::stat(data_dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  EXPECT_EQ(db->path(), data_dir / "trailwatch.db");
  EXPECT_TRUE(std::filesystem::exists(db->path()));

  auto writer_mode = db->Write([](Connection& c) -> Result<std::string> {
    auto mode = c.QueryText("PRAGMA journal_mode");
    auto sync = c.QueryInt64("PRAGMA synchronous");
    auto fk = c.QueryInt64("PRAGMA foreign_keys");
    if (!mode || !sync || !fk) return AwsError::From(ErrorCode::kInternalFailure, "pragma");
    return *mode + "/" + std::to_string(*sync) + "/" + std::to_string(*fk);
  });
  ASSERT_TRUE(writer_mode);
  EXPECT_EQ(*writer_mode, "wal/2/1");  // synchronous 2 = FULL
  auto reader_mode = db->Read([](Connection& c) { return c.QueryText("PRAGMA journal_mode"); });
  ASSERT_TRUE(reader_mode);
  EXPECT_EQ(*reader_mode, "wal");
}

TEST(DatabaseTest, NonDurableCommitsUseNormalSyncAndSyncCheckpoints) {
  testutil::TempDir tmp;
  DatabaseOptions options;
  options.durable_commits = false;
  auto db = MustOpen(tmp.path(), options);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Write([](Connection& c) { return InsertSetting(c, "k", "v"); }));
  ASSERT_TRUE(db->Sync());
  // The connection runs synchronous=NORMAL; what was written is there after reopening.
  ASSERT_TRUE(db->Write([](Connection& c) -> Status {
    auto mode = c.QueryInt64("PRAGMA synchronous");
    if (!mode) return mode.error();
    EXPECT_EQ(*mode, 1);  // NORMAL
    return {};
  }));
  db.reset();
  auto again = MustOpen(tmp.path(), options);
  ASSERT_TRUE(again);
  EXPECT_EQ(CountSettings(*again).value(), 1);
  auto durable = MustOpen(tmp.path() / "other");
  ASSERT_TRUE(durable->Write([](Connection& c) -> Status {
    EXPECT_EQ(c.QueryInt64("PRAGMA synchronous").value(), 2);  // FULL
    return {};
  }));
}

TEST(DatabaseTest, RefusesADataDirThatIsAFile) {
  testutil::TempDir tmp;
  const auto file = tmp.path() / "file";
  { std::ofstream(file) << "x"; }
  EXPECT_FALSE(Database::Open(file));
}

TEST(DatabaseTest, MigratesOnceAndDataSurvivesReopen) {
  testutil::TempDir tmp;
  const int latest = static_cast<int>(Database::EmbeddedMigrations().size());
  ASSERT_GE(latest, 1);
  {
    auto db = MustOpen(tmp.path());
    ASSERT_TRUE(db);
    EXPECT_EQ(db->schema_version(), latest);
    ASSERT_TRUE(db->Write([](Connection& c) { return InsertSetting(c, "region", "eu-west-1"); }));
  }
  // The WAL was checkpointed and removed: every connection was closed.
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "trailwatch.db-wal"));
  auto db = MustOpen(tmp.path());  // would fail if 0001 ran again (tables exist)
  ASSERT_TRUE(db);
  EXPECT_EQ(db->schema_version(), latest);
  auto version = db->Read([](Connection& c) { return c.QueryInt64("PRAGMA user_version"); });
  EXPECT_EQ(version.value_or(-1), latest);
  auto value = db->Read(
      [](Connection& c) { return c.QueryText("SELECT value FROM settings WHERE key = 'region'"); });
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, "eu-west-1");
}

TEST(DatabaseTest, RefusesADatabaseFromANewerBinary) {
  testutil::TempDir tmp;
  {
    auto db = MustOpen(tmp.path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Write([](Connection& c) { return c.Execute("PRAGMA user_version = 999"); }));
  }
  auto db = Database::Open(tmp.path());
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find("newer"), std::string::npos) << db.error().message;
}

TEST(DatabaseTest, AppliesNewMigrationsInOrderAndRollsBackAFailedOne) {
  testutil::TempDir tmp;
  const EmbeddedFile v1[] = {{"0001_a.sql", "CREATE TABLE a (x INTEGER) STRICT;"}};
  const EmbeddedFile v3[] = {
      {"0003_c.sql", "INSERT INTO b VALUES (3);"},
      {"0001_a.sql", "CREATE TABLE a (x INTEGER) STRICT;"},
      {"0002_b.sql", "CREATE TABLE b (x INTEGER) STRICT; INSERT INTO b VALUES (2);"},
  };
  const EmbeddedFile broken[] = {
      {"0001_a.sql", "CREATE TABLE a (x INTEGER) STRICT;"},
      {"0002_b.sql", "CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);"},
  };
  const EmbeddedFile gap[] = {{"0001_a.sql", ""}, {"0003_c.sql", ""}};
  const EmbeddedFile badly_named[] = {{"a.sql", ""}};

  ASSERT_TRUE(MustOpen(tmp.path(), {.migrations = v1}));
  auto failed = Database::Open(tmp.path(), {.migrations = broken});
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("0002_b.sql"), std::string::npos);
  EXPECT_FALSE(Database::Open(tmp.path(), {.migrations = gap}));
  EXPECT_FALSE(Database::Open(tmp.path(), {.migrations = badly_named}));

  auto db = MustOpen(tmp.path(), {.migrations = v3});  // b does not exist: 0002 was rolled back
  ASSERT_TRUE(db);
  EXPECT_EQ(db->schema_version(), 3);
  auto sum = db->Read([](Connection& c) { return c.QueryInt64("SELECT sum(x) FROM b"); });
  EXPECT_EQ(sum.value_or(0), 5);
}

TEST(DatabaseTest, WriteCommitsOnSuccessAndRollsBackOnErrorOrException) {
  testutil::TempDir tmp;
  auto db = MustOpen(tmp.path());
  ASSERT_TRUE(db);

  Result<int> ok = db->Write([](Connection& c) -> Result<int> {
    if (Status st = InsertSetting(c, "a", "1"); !st) return st.error();
    return 7;
  });
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 7);

  Status refused = db->Write([](Connection& c) -> Status {
    if (Status st = InsertSetting(c, "b", "2"); !st) return st;
    return AwsError::Make("NoSuchEntity", 404, "validation failed after the insert");
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "NoSuchEntity");

  auto throws = [](Connection& c) -> Status {
    if (Status st = InsertSetting(c, "c", "3"); !st) return st;
    throw std::runtime_error("boom");
  };
  EXPECT_THROW((void)db->Write(throws), std::runtime_error);

  Status duplicate = db->Write([](Connection& c) -> Status {
    if (Status st = InsertSetting(c, "d", "4"); !st) return st;
    return InsertSetting(c, "a", "again");
  });
  ASSERT_FALSE(duplicate);
  EXPECT_TRUE(IsUniqueViolation(duplicate.error()));

  Status nested =
      db->Write([&](Connection&) { return db->Write([](Connection&) -> Status { return {}; }); });
  ASSERT_FALSE(nested);

  EXPECT_EQ(CountSettings(*db).value_or(-1), 1);  // only "a"
  // The writer is still usable after every kind of failure.
  EXPECT_TRUE(db->Write([](Connection& c) { return InsertSetting(c, "e", "5"); }));
  EXPECT_EQ(CountSettings(*db).value_or(-1), 2);
}

TEST(DatabaseTest, ReadsSeeOneSnapshotAndCannotWrite) {
  testutil::TempDir tmp;
  auto db = MustOpen(tmp.path());
  ASSERT_TRUE(db);
  Status write_in_read = db->Read([](Connection& c) { return InsertSetting(c, "x", "y"); });
  EXPECT_FALSE(write_in_read);

  // A write committed between two queries of one Read is not visible to the second.
  Result<bool> stable = db->Read([&](Connection& c) -> Result<bool> {
    auto before = c.QueryInt64("SELECT count(*) FROM settings");
    if (!before) return before.error();
    std::thread writer(
        [&] { (void)db->Write([](Connection& w) { return InsertSetting(w, "k", "v"); }); });
    writer.join();
    auto after = c.QueryInt64("SELECT count(*) FROM settings");
    if (!after) return after.error();
    return *before == *after;
  });
  ASSERT_TRUE(stable);
  EXPECT_TRUE(*stable);
  EXPECT_EQ(CountSettings(*db).value_or(-1), 1);
}

TEST(DatabaseTest, ConcurrentReadersWhileWriting) {
  testutil::TempDir tmp;
  DatabaseOptions options;
  options.max_idle_readers = 2;
  auto db = MustOpen(tmp.path(), options);
  ASSERT_TRUE(db);
  constexpr int kWrites = 150;
  constexpr int kReaders = 4;
  std::atomic<bool> writing{true};
  std::atomic<int> read_errors{0};
  std::atomic<int> reads{0};
  std::atomic<int> went_backwards{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      std::int64_t last = 0;
      while (writing.load() || reads.load() < kReaders) {
        auto count = CountSettings(*db);
        if (!count) {
          ++read_errors;
          ADD_FAILURE() << count.error().message;
          continue;
        }
        if (*count < last) ++went_backwards;
        last = *count;
        ++reads;
      }
    });
  }
  int write_errors = 0;
  for (int i = 0; i < kWrites; ++i) {
    Status st = db->Write(
        [&](Connection& c) { return InsertSetting(c, "key" + std::to_string(i), "value"); });
    if (!st) {
      ++write_errors;
      ADD_FAILURE() << st.error().message;
    }
  }
  writing = false;
  for (auto& t : readers) t.join();
  EXPECT_EQ(write_errors, 0);
  EXPECT_EQ(read_errors.load(), 0);
  EXPECT_EQ(went_backwards.load(), 0);
  EXPECT_GE(reads.load(), kReaders);
  EXPECT_EQ(CountSettings(*db).value_or(-1), kWrites);
  EXPECT_LE(db->idle_reader_count(), 2u);
}

}  // namespace
}  // namespace tw::store
