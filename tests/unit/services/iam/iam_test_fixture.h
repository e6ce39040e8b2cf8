// SPDX-License-Identifier: Apache-2.0
// The IAM service over a real SQLite store in a temporary directory, with a fake clock and a
// repeatable random source, called the way the dispatcher calls it (the model validation the
// dispatcher does first is not repeated here: tests pass valid names). Not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "auth/principal.h"
#include "http/message.h"
#include "services/iam/iam_service.h"
#include "services/iam/sqlite_iam_store.h"
#include "store/accounts_repository.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"
#include "unit/store/temp_dir.h"

namespace tw::services::iam::testing {

using protocol::Value;

inline constexpr std::string_view kAccount = "123456789012";

// {"Name": value, ...} as an input structure.
inline Value In(std::initializer_list<std::pair<std::string, Value>> members) {
  return Value::MakeStructure(Value::Entries(members.begin(), members.end()));
}

inline Value Tags(std::initializer_list<std::pair<std::string, std::string>> tags) {
  Value list = Value::MakeList();
  for (const auto& [k, v] : tags) list.Push(In({{"Key", k}, {"Value", v}}));
  return list;
}

inline Value Strings(std::initializer_list<std::string> items) {
  Value list = Value::MakeList();
  for (const auto& s : items) list.Push(s);
  return list;
}

inline constexpr std::string_view kAllowS3 =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
inline constexpr std::string_view kTrustEc2 =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

class IamServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(dir_.path());
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(db).value();
    accounts_ = std::make_unique<store::AccountsRepository>(*db_);
    ASSERT_TRUE(accounts_->EnsureAccount(kAccount, 1'400'000'000'000));
    ASSERT_TRUE(accounts_->PutRootAccessKey(kAccount, "AKIAROOTROOTROOTROOT", "root-secret",
                                            1'400'000'000'000));
    store_ = std::make_unique<SqliteIamStore>(*db_, std::string(kAccount));
    service_ = std::make_unique<IamService>(*store_, *accounts_, std::string(kAccount));
    service_->Register(table_);
    root_.type = auth::PrincipalType::kRoot;
    root_.account_id = kAccount;
    root_.arn = "arn:aws:iam::" + std::string(kAccount) + ":root";
    root_.user_id = kAccount;
  }

  Result<Value> Call(std::string_view operation, const Value& input,
                     const auth::Principal* principal = nullptr) {
    const OperationHandler* handler = table_.Find("iam", operation);
    if (!handler) {
      ADD_FAILURE() << "no handler for " << operation;
      return AwsError::From(ErrorCode::kNotImplemented, std::string(operation));
    }
    RequestContext context{"req-1", principal ? *principal : root_, "us-east-1", clock_, random_,
                           http_};
    return (*handler)(context, input);
  }

  // The output of an operation that must succeed.
  Value Ok(std::string_view operation, const Value& input = Value::MakeStructure()) {
    auto out = Call(operation, input);
    EXPECT_TRUE(out) << operation << ": "
                     << (out ? "" : out.error().code + " " + out.error().message);
    return out ? std::move(out).value() : Value();
  }

  // The error of an operation that must fail.
  AwsError Err(std::string_view operation, const Value& input) {
    auto out = Call(operation, input);
    EXPECT_FALSE(out) << operation << " succeeded: " << (out ? out->DebugString() : "");
    return out ? AwsError{} : out.error();
  }

  std::string PolicyArn(std::string_view name, std::string_view path = "/") {
    return "arn:aws:iam::" + std::string(kAccount) + ":policy" + std::string(path) +
           std::string(name);
  }

  store::testutil::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::AccountsRepository> accounts_;
  std::unique_ptr<SqliteIamStore> store_;
  std::unique_ptr<IamService> service_;
  OperationTable table_;
  tw::testing::FakeClock clock_;
  tw::testing::FixedRandom random_;
  http::HttpRequest http_;
  auth::Principal root_;
};

}  // namespace tw::services::iam::testing
