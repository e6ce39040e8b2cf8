// SPDX-License-Identifier: Apache-2.0
// The fixture the CloudWatch service tests share: a real Database in a temp dir, a
// CloudWatchService with a FakeClock at kT0 + 5 s and a FakeNotifier that records (or refuses)
// what alarm actions publish, and helpers that call handlers as the account root the way the
// dispatcher does. Not thread-safe; one per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "common/random.h"
#include "services/cloudwatch/cloudwatch_service.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::services::cloudwatch::testing_support {

namespace fs = std::filesystem;
using protocol::Value;

// Sunday 2015-08-30T12:36:00Z, a minute boundary.
inline constexpr std::int64_t kT0 = 1'440'938'160'000;

// Records every notification; with `fail`, refuses them as SNS does a deleted topic.
class FakeNotifier final : public pipeline::Notifier {
 public:
  Result<std::string> Publish(const pipeline::Notification& n) override {
    std::lock_guard<std::mutex> lock(mutex);
    if (fail) return AwsError::Make("NotFound", 404, "Topic does not exist");
    sent.push_back(n);
    return std::string("msg-1");
  }
  std::mutex mutex;
  bool fail = false;
  std::vector<pipeline::Notification> sent;
};

class CloudWatchFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tw-cw-test-" + SecureRandom().FromAlphabet("abcdef0123456789", 12));
    Open();
  }
  // Opens the database in dir_ (again, after a simulated restart) and a service over it.
  void Open() {
    auto db = store::Database::Open(dir_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    clock_.Set(kT0 + 5'000);
    service_ = std::make_unique<CloudWatchService>(*db_, clock_, &notifier_, false);
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  using Method = Result<Value> (CloudWatchService::*)(RequestContext&, const Value&);
  Result<Value> Call(Method method, const Value& input) {
    auth::Principal principal;
    principal.account_id = "000000000000";
    principal.arn = "arn:aws:iam::000000000000:root";
    http::HttpRequest request;
    RequestContext context{"req-1", principal, "us-east-1", clock_, random_, request};
    return ((*service_).*method)(context, input);
  }
  // A call that must succeed; its output (an empty Value when it failed).
  Value Ok(Method method, const Value& input) {
    auto r = Call(method, input);
    EXPECT_TRUE(r) << r.error().code << ": " << r.error().message;
    return r ? *r : Value();
  }
  static Value S(Value::Entries e) { return Value::MakeStructure(std::move(e)); }
  static Value L(Value::List l) { return Value::MakeList(std::move(l)); }

  fs::path dir_;
  tw::testing::FakeClock clock_;
  tw::testing::FixedRandom random_;
  std::unique_ptr<store::Database> db_;
  FakeNotifier notifier_;
  std::unique_ptr<CloudWatchService> service_;
};

}  // namespace tw::services::cloudwatch::testing_support
