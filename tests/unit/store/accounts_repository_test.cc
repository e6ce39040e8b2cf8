// SPDX-License-Identifier: Apache-2.0
#include "store/accounts_repository.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace tw::store {
namespace {

constexpr std::string_view kAccount = "000000000000";
constexpr std::string_view kOther = "111111111111";

class AccountsRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.path());
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(db).value();
    repo_ = std::make_unique<AccountsRepository>(*db_);
  }

  AccessKeyRecord MustFind(std::string_view access_key_id) {
    auto key = repo_->FindAccessKey(access_key_id);
    EXPECT_TRUE(key);
    EXPECT_TRUE(key && key->has_value()) << access_key_id;
    return key && key->has_value() ? **key : AccessKeyRecord{};
  }

  testutil::TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<AccountsRepository> repo_;
};

TEST_F(AccountsRepositoryTest, EnsureAccountIsIdempotent) {
  ASSERT_TRUE(repo_->EnsureAccount(kAccount, 1000));
  ASSERT_TRUE(repo_->EnsureAccount(kAccount, 2000));
  auto account = repo_->FindAccount(kAccount);
  ASSERT_TRUE(account);
  ASSERT_TRUE(account->has_value());
  EXPECT_EQ((*account)->account_id, kAccount);
  EXPECT_EQ((*account)->created_at, 1000);
  auto missing = repo_->FindAccount(kOther);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_F(AccountsRepositoryTest, PutRootAccessKeyCreatesTheAccountAndTheKey) {
  ASSERT_TRUE(repo_->PutRootAccessKey(kAccount, "AKIAROOT0000000001", "secret1", 5000));
  EXPECT_TRUE(repo_->FindAccount(kAccount)->has_value());
  AccessKeyRecord key = MustFind("AKIAROOT0000000001");
  EXPECT_EQ(key.secret_access_key, "secret1");
  EXPECT_EQ(key.account_id, kAccount);
  EXPECT_EQ(key.owner, KeyOwner::kRoot);
  EXPECT_EQ(key.user_name, "");
  EXPECT_EQ(key.status, KeyStatus::kActive);
  EXPECT_EQ(KeyStatusName(key.status), "Active");
  EXPECT_EQ(key.created_at, 5000);
  EXPECT_FALSE(key.last_used_at.has_value());
  auto unknown = repo_->FindAccessKey("AKIANOPE");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->has_value());
}

TEST_F(AccountsRepositoryTest, PutRootAccessKeyReplacesTheEarlierRootKey) {
  ASSERT_TRUE(repo_->PutRootAccessKey(kAccount, "AKIAOLD", "old-secret", 1000));
  ASSERT_TRUE(repo_->PutRootAccessKey(kOther, "AKIAOTHER", "other-secret", 1000));
  ASSERT_TRUE(repo_->PutRootAccessKey(kAccount, "AKIANEW", "new-secret", 2000));
  EXPECT_FALSE(repo_->FindAccessKey("AKIAOLD")->has_value());
  EXPECT_EQ(MustFind("AKIANEW").secret_access_key, "new-secret");
  EXPECT_EQ(MustFind("AKIAOTHER").secret_access_key, "other-secret");  // other accounts untouched
  auto keys = repo_->ListAccessKeys(kAccount);
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].access_key_id, "AKIANEW");
}

TEST_F(AccountsRepositoryTest, PuttingTheSameRootKeyAgainUpdatesTheSecretOnly) {
  ASSERT_TRUE(repo_->PutRootAccessKey(kAccount, "AKIAROOT", "s1", 1000));
  ASSERT_TRUE(repo_->RecordKeyUse("AKIAROOT", 1500, "iam", "us-east-1"));
  ASSERT_TRUE(repo_->PutRootAccessKey(kAccount, "AKIAROOT", "s2", 3000));
  AccessKeyRecord key = MustFind("AKIAROOT");
  EXPECT_EQ(key.secret_access_key, "s2");
  EXPECT_EQ(key.created_at, 1000);
  EXPECT_EQ(key.last_used_at, 1500);
}

TEST_F(AccountsRepositoryTest, RootKeyIdOfAnotherAccountIsAConstraintViolation) {
  ASSERT_TRUE(repo_->PutRootAccessKey(kOther, "AKIATAKEN", "theirs", 1000));
  ASSERT_TRUE(repo_->PutRootAccessKey(kAccount, "AKIAMINE", "mine", 1000));
  Status taken = repo_->PutRootAccessKey(kAccount, "AKIATAKEN", "stolen", 2000);
  ASSERT_FALSE(taken);
  EXPECT_TRUE(IsUniqueViolation(taken.error())) << taken.error().message;
  // Nothing changed: the account keeps its key, the other account keeps its secret.
  EXPECT_EQ(MustFind("AKIAMINE").account_id, kAccount);
  EXPECT_EQ(MustFind("AKIATAKEN").secret_access_key, "theirs");
}

TEST_F(AccountsRepositoryTest, ListsRootKeyFirstThenUsersKeys) {
  ASSERT_TRUE(repo_->PutRootAccessKey(kAccount, "AKIAROOT", "r", 3000));
  // User keys belong to IAM's repository; write them directly here.
  ASSERT_TRUE(db_->Write([](Connection& c) {
    return c.Execute(
        "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, owner_type, "
        "user_name, status, created_at) VALUES "
        "('AKIABOB', 'b', '000000000000', 'user', 'bob', 'Inactive', 1000),"
        "('AKIAALICE', 'a', '000000000000', 'user', 'alice', 'Active', 2000)");
  }));
  auto keys = repo_->ListAccessKeys(kAccount);
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_EQ((*keys)[0].access_key_id, "AKIAROOT");
  EXPECT_EQ((*keys)[1].user_name, "alice");
  EXPECT_EQ((*keys)[2].access_key_id, "AKIABOB");
  EXPECT_EQ((*keys)[2].owner, KeyOwner::kUser);
  EXPECT_EQ((*keys)[2].status, KeyStatus::kInactive);
  EXPECT_TRUE(repo_->ListAccessKeys(kOther)->empty());
  // The schema refuses a second root key and a user key without a user name.
  Status second_root = db_->Write([](Connection& c) {
    return c.Execute(
        "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, owner_type, "
        "created_at) VALUES ('AKIAROOT2', 'x', '000000000000', 'root', 1)");
  });
  EXPECT_TRUE(IsUniqueViolation(second_root.error()));
  Status nameless = db_->Write([](Connection& c) {
    return c.Execute(
        "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, owner_type, "
        "created_at) VALUES ('AKIAU', 'x', '000000000000', 'user', 1)");
  });
  EXPECT_EQ(ViolatedConstraint(nameless.error()), Constraint::kCheck);
  Status orphan = db_->Write([](Connection& c) {
    return c.Execute(
        "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, owner_type, "
        "user_name, created_at) VALUES ('AKIAO', 'x', '999999999999', 'user', 'x', 1)");
  });
  EXPECT_TRUE(IsForeignKeyViolation(orphan.error()));
}

TEST_F(AccountsRepositoryTest, RecordKeyUseKeepsTheLatestUse) {
  ASSERT_TRUE(repo_->PutRootAccessKey(kAccount, "AKIAROOT", "s", 1000));
  ASSERT_TRUE(repo_->RecordKeyUse("AKIAROOT", 2000, "sts", "eu-west-1"));
  ASSERT_TRUE(repo_->RecordKeyUse("AKIAROOT", 1500, "s3", "us-east-1"));  // older: ignored
  AccessKeyRecord key = MustFind("AKIAROOT");
  EXPECT_EQ(key.last_used_at, 2000);
  EXPECT_EQ(key.last_used_service, "sts");
  EXPECT_EQ(key.last_used_region, "eu-west-1");
  ASSERT_TRUE(repo_->RecordKeyUse("AKIAROOT", 2500, "s3", "us-east-1"));
  EXPECT_EQ(MustFind("AKIAROOT").last_used_service, "s3");
  EXPECT_TRUE(repo_->RecordKeyUse("AKIAUNKNOWN", 2500, "s3", "us-east-1"));
}

TEST_F(AccountsRepositoryTest, SettingsRoundTripAndOverwrite) {
  auto missing = repo_->GetSetting("console.theme");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(repo_->PutSetting("console.theme", "dark"));
  ASSERT_TRUE(repo_->PutSetting("console.theme", "light"));
  ASSERT_TRUE(repo_->PutSetting("empty", ""));
  EXPECT_EQ(repo_->GetSetting("console.theme")->value_or(""), "light");
  auto empty = repo_->GetSetting("empty");
  ASSERT_TRUE(empty && empty->has_value());
  EXPECT_EQ(**empty, "");
}

TEST_F(AccountsRepositoryTest, DataSurvivesReopen) {
  ASSERT_TRUE(repo_->PutRootAccessKey(kAccount, "AKIAROOT", "s", 1000));
  repo_.reset();
  db_.reset();
  auto db = Database::Open(dir_.path());
  ASSERT_TRUE(db);
  AccountsRepository repo(**db);
  auto key = repo.FindAccessKey("AKIAROOT");
  ASSERT_TRUE(key && key->has_value());
  EXPECT_EQ((*key)->secret_access_key, "s");
}

}  // namespace
}  // namespace tw::store
