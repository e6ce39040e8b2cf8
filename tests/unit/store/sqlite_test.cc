// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <string>

#include "store/sqlite/connection.h"
#include "store/sqlite/error.h"
#include "store/sqlite/statement.h"
#include "store/sqlite/transaction.h"
#include "temp_dir.h"

namespace tw::store {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connection = Connection::Open(dir_.path() / "test.db", {.create = true});
    ASSERT_TRUE(connection) << connection.error().message;
    db_ = std::move(connection).value();
    ASSERT_TRUE(
        db_->Execute("PRAGMA foreign_keys = ON;"
                     "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                     "  n INTEGER CHECK (n >= 0)) STRICT;"
                     "CREATE TABLE child (id INTEGER PRIMARY KEY,"
                     "  parent_id INTEGER NOT NULL REFERENCES parent (id)) STRICT;"
                     "CREATE TABLE val (i INTEGER, r REAL, t TEXT, b BLOB, a ANY) STRICT;"));
  }

  Status Insert(std::string_view sql) {
    Result<Statement> stmt = db_->Prepare(sql);
    if (!stmt) return stmt.error();
    return stmt->Exec();
  }

  std::int64_t Count(std::string_view table) {
    return db_->QueryInt64("SELECT count(*) FROM " + std::string(table)).value_or(-1);
  }

  testutil::TempDir dir_;
  std::unique_ptr<Connection> db_;
};

TEST_F(SqliteTest, BindsAndReadsEveryType) {
  auto insert = db_->Prepare("INSERT INTO val (i, r, t, b, a) VALUES (?, ?, ?, ?, ?)");
  ASSERT_TRUE(insert);
  const std::string blob("a\0b", 3);
  ASSERT_TRUE(insert->BindAll(std::int64_t{1} << 40, 2.5, "text", Blob{blob}, nullptr));
  ASSERT_TRUE(insert->Exec());
  insert->Reset(/*clear_bindings=*/true);
  ASSERT_TRUE(
      insert->BindAll(7, std::optional<double>(), std::string_view(), Blob{}, std::nullopt));
  ASSERT_TRUE(insert->Exec());

  auto select = db_->Prepare("SELECT i, r, t, b, a FROM val ORDER BY i DESC");
  ASSERT_TRUE(select);
  ASSERT_EQ(*select->Step(), StepResult::kRow);
  EXPECT_EQ(select->ColumnCount(), 5);
  EXPECT_EQ(select->ColumnInt64(0), std::int64_t{1} << 40);
  EXPECT_EQ(select->ColumnDouble(1), 2.5);
  EXPECT_EQ(select->ColumnText(2), "text");
  EXPECT_EQ(select->ColumnTypeOf(3), ColumnType::kBlob);
  EXPECT_EQ(select->ColumnBlob(3), blob);
  EXPECT_TRUE(select->ColumnIsNull(4));
  EXPECT_EQ(select->ColumnOptionalString(4), std::nullopt);

  ASSERT_EQ(*select->Step(), StepResult::kRow);
  EXPECT_EQ(select->ColumnInt64(0), 7);
  EXPECT_TRUE(select->ColumnIsNull(1));
  // An empty view binds an empty string and an empty blob, not NULL.
  EXPECT_EQ(select->ColumnTypeOf(2), ColumnType::kText);
  EXPECT_EQ(select->ColumnOptionalString(2), std::optional<std::string>(""));
  EXPECT_EQ(select->ColumnTypeOf(3), ColumnType::kBlob);
  EXPECT_EQ(*select->Step(), StepResult::kDone);
}

TEST_F(SqliteTest, BindErrorsAndBadSqlAreStoreErrors) {
  auto stmt = db_->Prepare("SELECT ?");
  ASSERT_TRUE(stmt);
  Status bad = stmt->Bind(2, 1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InternalFailure");
  EXPECT_EQ(bad.error().http_status, 500);
  EXPECT_EQ(StoreErrorOf(bad.error())->PrimaryCode(), 25);  // SQLITE_RANGE

  auto syntax = db_->Prepare("SELEC 1");
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().message.find("syntax error"), std::string::npos);
  EXPECT_FALSE(IsConstraintViolation(syntax.error()));

  auto two = db_->Prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(two);
  EXPECT_TRUE(db_->Prepare("SELECT 1;\n"));
}

TEST_F(SqliteTest, CachesStatementsBySqlText) {
  EXPECT_EQ(db_->cached_statement_count(), 0u);
  {
    auto first = db_->Prepare("SELECT ?1 + 1");
    ASSERT_TRUE(first);
    ASSERT_TRUE(first->Bind(1, 41));
    ASSERT_EQ(*first->Step(), StepResult::kRow);
    EXPECT_EQ(first->ColumnInt64(0), 42);
    // The same SQL while the first is in use gets its own statement.
    auto second = db_->Prepare("SELECT ?1 + 1");
    ASSERT_TRUE(second);
    EXPECT_NE(first->handle(), second->handle());
  }
  EXPECT_EQ(db_->cached_statement_count(), 1u);
  auto again = db_->Prepare("SELECT ?1 + 1");
  ASSERT_TRUE(again);
  EXPECT_EQ(db_->cached_statement_count(), 0u);  // borrowed
  // Returned statements are reset with bindings cleared.
  ASSERT_EQ(*again->Step(), StepResult::kRow);
  EXPECT_TRUE(again->ColumnIsNull(0));
}

TEST_F(SqliteTest, ReturnedStatementsDoNotHoldTheirSnapshot) {
  {
    auto select = db_->Prepare("SELECT i FROM val");
    ASSERT_TRUE(select);
    ASSERT_EQ(*select->Step(), StepResult::kDone);
  }
  EXPECT_TRUE(db_->InAutocommit());
  auto uncached = db_->PrepareUncached("SELECT 1");
  ASSERT_TRUE(uncached);
  EXPECT_EQ(db_->cached_statement_count(), 1u);
}

TEST_F(SqliteTest, ClassifiesConstraintViolations) {
  ASSERT_TRUE(Insert("INSERT INTO parent (id, name, n) VALUES (1, 'a', 1)"));
  Status unique = Insert("INSERT INTO parent (id, name, n) VALUES (2, 'a', 1)");
  ASSERT_FALSE(unique);
  EXPECT_EQ(ViolatedConstraint(unique.error()), Constraint::kUnique);
  EXPECT_TRUE(IsUniqueViolation(unique.error()));
  EXPECT_EQ(unique.error().id, ErrorCode::kStoreFailure);
  EXPECT_EQ(StoreErrorOf(unique.error())->code, 2067);  // SQLITE_CONSTRAINT_UNIQUE
  EXPECT_NE(unique.error().message.find("parent.name"), std::string::npos);

  Status primary = Insert("INSERT INTO parent (id, name, n) VALUES (1, 'b', 1)");
  EXPECT_EQ(ViolatedConstraint(primary.error()), Constraint::kPrimaryKey);
  EXPECT_TRUE(IsUniqueViolation(primary.error()));
  Status foreign = Insert("INSERT INTO child (id, parent_id) VALUES (1, 99)");
  EXPECT_TRUE(IsForeignKeyViolation(foreign.error()));
  Status not_null = Insert("INSERT INTO parent (id, name, n) VALUES (3, NULL, 1)");
  EXPECT_EQ(ViolatedConstraint(not_null.error()), Constraint::kNotNull);
  Status check = Insert("INSERT INTO parent (id, name, n) VALUES (3, 'c', -1)");
  EXPECT_EQ(ViolatedConstraint(check.error()), Constraint::kCheck);
  Status strict = Insert("INSERT INTO parent (id, name, n) VALUES (3, 'c', 'x')");
  EXPECT_TRUE(IsConstraintViolation(strict.error()));  // SQLITE_CONSTRAINT_DATATYPE

  EXPECT_FALSE(IsConstraintViolation(AwsError::From(ErrorCode::kInternalFailure, "x")));
  EXPECT_FALSE(StoreErrorOf(AwsError::From(ErrorCode::kStoreFailure, "not ours")).has_value());
  auto round_trip = StoreErrorOf(StoreError{2067, "a: b"}.ToAwsError());
  ASSERT_TRUE(round_trip);
  EXPECT_EQ(round_trip->code, 2067);
  EXPECT_EQ(round_trip->message, "a: b");
}

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  {
    auto tx = Transaction::Begin(*db_, TransactionMode::kImmediate);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(Insert("INSERT INTO parent (id, name) VALUES (1, 'dropped')"));
    EXPECT_FALSE(db_->InAutocommit());
  }
  EXPECT_TRUE(db_->InAutocommit());
  EXPECT_EQ(Count("parent"), 0);
  {
    auto tx = Transaction::Begin(*db_, TransactionMode::kImmediate);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(Insert("INSERT INTO parent (id, name) VALUES (1, 'kept')"));
    ASSERT_TRUE(tx->Commit());
    EXPECT_FALSE(tx->active());
  }
  EXPECT_EQ(Count("parent"), 1);
  // Nested BEGIN is an error, and leaves the outer transaction usable.
  auto outer = Transaction::Begin(*db_, TransactionMode::kDeferred);
  ASSERT_TRUE(outer);
  EXPECT_FALSE(Transaction::Begin(*db_, TransactionMode::kDeferred));
  EXPECT_TRUE(outer->Commit());
}

}  // namespace
}  // namespace tw::store
