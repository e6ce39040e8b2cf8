// SPDX-License-Identifier: Apache-2.0
// trailwatch's own operations in-process over real services (SQLite in a temp dir): an import is
// all or nothing, stores each event once, names streams like CloudTrail's delivery, feeds metric
// filters at the original times, and a replay writes alarm history without touching the state.
#include "server/trailwatch_operations.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/random.h"
#include "services/logs/sqlite_logs_store.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::server {
namespace {

namespace fs = std::filesystem;
using protocol::Value;

constexpr std::int64_t kNow = 1'795'000'000'000;  // 2026

std::string Record(std::string id, std::string time, std::string name = "ConsoleLogin",
                   std::string extra = "") {
  return R"({"eventVersion":"1.08","eventID":")" + id + R"(","eventTime":")" + time +
         R"(","eventName":")" + name +
         R"(","eventSource":"signin.amazonaws.com","awsRegion":"us-east-2",)"
         R"("recipientAccountId":"218007301253","userIdentity":{"type":"Root"})" +
         extra + "}";
}

class TrailwatchOperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tw-ops-test-" + SecureRandom().FromAlphabet("abcdef0123456789", 12));
    db_ = std::move(store::Database::Open(dir_).value());
    history_ = std::move(services::cloudtrail::EventHistory::Open(dir_).value());
    clock_.Set(kNow);
    cloudwatch_ =
        std::make_unique<services::cloudwatch::CloudWatchService>(*db_, clock_, nullptr, false);
    logs_store_ = std::make_unique<services::logs::SqliteLogsStore>(*db_);
    logs_ = std::make_unique<services::logs::LogsService>(
        *logs_store_, clock_, &cloudwatch_->metric_sink(), [](const std::string&) {});
    ops_ = std::make_unique<TrailwatchOperations>(*history_, *logs_, *cloudwatch_);
    principal_.account_id = "000000000000";
    principal_.arn = "arn:aws:iam::000000000000:root";
  }
  void TearDown() override {
    ops_.reset();
    logs_.reset();
    logs_store_.reset();
    cloudwatch_.reset();
    history_.reset();
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  services::RequestContext Context() {
    return services::RequestContext{"req", principal_, "us-east-1", clock_, random_, http_};
  }
  Result<Value> Import(std::vector<std::string> records) {
    Value list = Value::MakeList();
    for (auto& r : records) list.Push(std::move(r));
    auto context = Context();
    return ops_->ImportCloudTrail(
        context, Value::MakeStructure({{"logGroupName", "trail"}, {"records", std::move(list)}}));
  }
  std::size_t HistoryCount() {
    services::cloudtrail::LookupQuery query;
    query.account_id = "000000000000";
    query.region = "us-east-2";
    query.start_millis = 0;
    query.end_millis = kNow;
    auto page = history_->Lookup(query);
    return page ? page->events.size() : 0;
  }
  template <typename Method>
  Value Call(Method method, Value input) {
    auto context = Context();
    auto out = ((*cloudwatch_).*method)(context, input);
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : Value();
  }

  fs::path dir_;
  testing::FakeClock clock_;
  testing::FixedRandom random_;
  auth::Principal principal_;
  http::HttpRequest http_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<services::cloudtrail::EventHistory> history_;
  std::unique_ptr<services::cloudwatch::CloudWatchService> cloudwatch_;
  std::unique_ptr<services::logs::SqliteLogsStore> logs_store_;
  std::unique_ptr<services::logs::LogsService> logs_;
  std::unique_ptr<TrailwatchOperations> ops_;
};

TEST_F(TrailwatchOperationsTest, OneBadRecordRejectsTheWholeRequest) {
  auto r = Import({Record("a", "2014-07-08T17:35:27Z"), R"({"eventName":"X"})"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidParameterException");
  EXPECT_NE(r.error().message.find("records[2]: the record has no eventTime"), std::string::npos);
  EXPECT_EQ(HistoryCount(), 0u);
  EXPECT_FALSE(*logs_store_->FindLogGroup({"000000000000", "us-east-1", "trail"}));
}

TEST_F(TrailwatchOperationsTest, ImportStoresOnceInCloudTrailsStreams) {
  auto r = Import({Record("a", "2014-07-08T17:35:27Z"), Record("b", "2014-07-08T17:36:00Z"),
                   Record("a", "2014-07-08T17:35:27Z")});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->Find("eventsImported")->as_integer(), 2);
  EXPECT_EQ(r->Find("eventsAlreadyPresent")->as_integer(), 1);
  EXPECT_EQ(r->Find("logEventsStored")->as_integer(), 2);
  EXPECT_EQ(r->Find("firstEventTime")->as_timestamp().epoch_millis, 1404840927000);
  ASSERT_EQ(r->Find("logStreams")->as_list().size(), 1u);
  EXPECT_EQ(r->Find("logStreams")->as_list()[0].as_string(), "218007301253_CloudTrail_us-east-2");
  EXPECT_EQ(HistoryCount(), 2u);

  auto again = Import({Record("a", "2014-07-08T17:35:27Z")});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Find("eventsImported")->as_integer(), 0);
  EXPECT_EQ(again->Find("logEventsStored")->as_integer(), 0);

  // A malformed account or Region does not make a stream name: the importer's are used.
  auto odd = Import({R"({"eventName":"X","eventTime":"2020-01-01T00:00:00Z","eventID":"c",)"
                     R"("recipientAccountId":"redacted","awsRegion":"Not A Region"})"});
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->Find("logStreams")->as_list()[0].as_string(), "000000000000_CloudTrail_us-east-1");
}

TEST_F(TrailwatchOperationsTest, FiltersAtImportTimeAndReplayWriteHistoryOnly) {
  auto context = Context();
  ASSERT_TRUE(logs_->EnsureLogGroup("000000000000", "us-east-1", "trail"));
  Value put = Value::MakeStructure(
      {{"logGroupName", "trail"},
       {"filterName", "root"},
       {"filterPattern", R"({ $.userIdentity.type = "Root" })"},
       {"metricTransformations",
        Value::MakeList({Value::MakeStructure(
            {{"metricName", "Root"}, {"metricNamespace", "CIS"}, {"metricValue", "1"}})})}});
  ASSERT_TRUE(logs_->PutMetricFilter(context, put));
  Call(&services::cloudwatch::CloudWatchService::PutMetricAlarm,
       Value::MakeStructure({{"AlarmName", "root-alarm"},
                             {"Namespace", "CIS"},
                             {"MetricName", "Root"},
                             {"Statistic", "Sum"},
                             {"Period", 300},
                             {"EvaluationPeriods", 1},
                             {"Threshold", 1.0},
                             {"ComparisonOperator", "GreaterThanOrEqualToThreshold"}}));
  auto r = Import({Record("a", "2014-07-08T17:35:27Z")});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("metricDatapoints")->as_integer(), 1);

  auto future = ops_->ReplayAlarms(
      context, Value::MakeStructure({{"startTime", protocol::Timestamp{0}},
                                     {"endTime", protocol::Timestamp{kNow + 60'000}}}));
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().code, "InvalidParameterException");

  auto replay = ops_->ReplayAlarms(
      context, Value::MakeStructure({{"startTime", protocol::Timestamp{1404840927000}},
                                     {"endTime", protocol::Timestamp{1404840927000}}}));
  ASSERT_TRUE(replay) << replay.error().message;
  const auto& transitions = replay->Find("transitions")->as_list();
  ASSERT_EQ(transitions.size(), 2u);
  EXPECT_EQ(transitions[0].GetString("newState"), "ALARM");
  EXPECT_EQ(transitions[0].Find("timestamp")->as_timestamp().epoch_millis, 1404840927000);
  Value alarms = Call(&services::cloudwatch::CloudWatchService::DescribeAlarms,
                      Value::MakeStructure({{"AlarmNames", Value::MakeList({"root-alarm"})}}));
  EXPECT_EQ(alarms.Find("MetricAlarms")->as_list()[0].GetString("StateValue"), "INSUFFICIENT_DATA");
}

}  // namespace
}  // namespace tw::server
