// SPDX-License-Identifier: Apache-2.0
// The fixture the Logs service tests share: a real Database in a temp dir, the SQLite store, a
// LogsService with a FakeClock and a FakeSink that records every datapoint metric filters publish,
// and helpers that call handlers the way the dispatcher does. Not thread-safe; one per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/random.h"
#include "services/logs/logs_service.h"
#include "services/logs/sqlite_logs_store.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::services::logs::testing_support {

namespace fs = std::filesystem;
using protocol::Value;
using Method = Result<Value> (LogsService::*)(RequestContext&, const Value&);

inline constexpr std::string_view kAccount = "000000000000";
inline constexpr std::int64_t kMinute = 60'000;
inline constexpr std::int64_t kHour = 3'600'000;
inline constexpr std::int64_t kDay = 86'400'000;

inline Value S(Value::Entries members) { return Value::MakeStructure(std::move(members)); }
inline Value L(Value::List items) { return Value::MakeList(std::move(items)); }
inline Value M(Value::Entries entries) { return Value::MakeMap(std::move(entries)); }

class FakeSink final : public pipeline::MetricSink {
 public:
  Status Put(std::vector<pipeline::MetricDatum> data) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail) return AwsError::From(ErrorCode::kInternalFailure, "sink down");
    for (auto& d : data) received.push_back(std::move(d));
    return {};
  }
  std::mutex mutex_;
  bool fail = false;
  std::vector<pipeline::MetricDatum> received;
};

// A real-looking CloudTrail record of a failed console sign-in (CIS 4.6 / CloudWatch.6).
inline std::string ConsoleLoginRecord(std::string_view error_message) {
  std::string record =
      R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",)"
      R"("accountId":"000000000000","userName":"alice"},"eventTime":"2015-08-30T12:35:00Z",)"
      R"("eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1",)"
      R"("sourceIPAddress":"203.0.113.10","userAgent":"Mozilla/5.0",)";
  if (!error_message.empty()) {
    record += R"("errorMessage":")" + std::string(error_message) + R"(",)";
  }
  record +=
      R"("requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},)"
      R"("additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No",)"
      R"("MFAUsed":"No"},"eventID":"1a2b3c4d","readOnly":false,"eventType":"AwsConsoleSignIn",)"
      R"("managementEvent":true,"recipientAccountId":"000000000000"})";
  return record;
}

class LogsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tw-logs-test-" + SecureRandom().FromAlphabet("abcdef0123456789", 12));
    auto db = store::Database::Open(dir_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    store_ = std::make_unique<SqliteLogsStore>(*db_);
    Build(&sink_);
  }

  void Build(pipeline::MetricSink* sink) {
    service_ = std::make_unique<LogsService>(
        *store_, clock_, sink, [this](const std::string& line) { info_lines_.push_back(line); });
  }

  void TearDown() override {
    service_.reset();
    store_.reset();
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::int64_t Now() const { return EpochMillis(clock_.Now()); }

  Result<Value> Call(Method method, const Value& input, std::string region = "us-east-1") {
    auth::Principal principal;
    principal.account_id = std::string(kAccount);
    principal.arn = "arn:aws:iam::000000000000:root";
    principal.user_id = std::string(kAccount);
    http::HttpRequest request;
    RequestContext context{"req-1", principal, region, clock_, random_, request};
    return ((*service_).*method)(context, input);
  }

  Value Ok(Method method, const Value& input) {
    auto r = Call(method, input);
    EXPECT_TRUE(r) << r.error().code << ": " << r.error().message;
    return r ? *r : Value();
  }

  void ExpectError(Method method, const Value& input, std::string_view code,
                   std::string_view message = {}) {
    auto r = Call(method, input);
    ASSERT_FALSE(r) << "expected " << code;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_EQ(r.error().http_status, 400);
    if (!message.empty()) {
      EXPECT_EQ(r.error().message, message);
    }
  }

  void Group(std::string name) { Ok(&LogsService::CreateLogGroup, S({{"logGroupName", name}})); }
  void Stream(std::string group, std::string stream) {
    Ok(&LogsService::CreateLogStream, S({{"logGroupName", group}, {"logStreamName", stream}}));
  }
  Value Put(std::string group, std::string stream,
            std::vector<std::pair<std::int64_t, std::string>> events) {
    Value list = L({});
    for (auto& [t, m] : events) list.Push(S({{"timestamp", t}, {"message", m}}));
    return Ok(
        &LogsService::PutLogEvents,
        S({{"logGroupName", group}, {"logStreamName", stream}, {"logEvents", std::move(list)}}));
  }
  static std::vector<std::string> Messages(const Value& out) {
    std::vector<std::string> messages;
    for (const Value& e : out.Find("events")->as_list()) {
      messages.emplace_back(e.GetString("message"));
    }
    return messages;
  }

  fs::path dir_;
  testing::FakeClock clock_;
  testing::FixedRandom random_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<SqliteLogsStore> store_;
  FakeSink sink_;
  std::vector<std::string> info_lines_;
  std::unique_ptr<LogsService> service_;
};

}  // namespace tw::services::logs::testing_support
