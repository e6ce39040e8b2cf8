// SPDX-License-Identifier: Apache-2.0
// Imported CloudTrail events in a log group: original timestamps far outside PutLogEvents'
// window, the group's retention applied by event time, metric filters publishing at the events'
// times, and backfilling named filters over events already stored.
#include "logs_test_fixture.h"

namespace tw::services::logs {
namespace {

using namespace testing_support;  // NOLINT: the shared fixture and its helpers

constexpr std::int64_t kDay = 86'400'000;

class LogsImportTest : public LogsServiceTest {
 protected:
  void PutFailureFilter() {
    Ok(&LogsService::PutMetricFilter,
       S({{"logGroupName", "trail"},
          {"filterName", "failures"},
          {"filterPattern",
           R"({ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") })"},
          {"metricTransformations", L({S({{"metricName", "ConsoleFailures"},
                                          {"metricNamespace", "CIS"},
                                          {"metricValue", "1"}})})}}));
  }
};

TEST_F(LogsImportTest, ImportKeepsOriginalTimesAndRunsExistingFilters) {
  ASSERT_TRUE(service_->EnsureLogGroup(std::string(kAccount), "us-east-1", "trail"));
  ASSERT_TRUE(service_->EnsureLogGroup(std::string(kAccount), "us-east-1", "trail"));  // exists
  PutFailureFilter();
  const std::int64_t old = Now() - 400 * kDay;  // far past PutLogEvents' 14 days
  auto result = service_->ImportEvents(std::string(kAccount), "us-east-1", "trail",
                                       "000000000000_CloudTrail_us-east-1",
                                       {{old + 2000, ConsoleLoginRecord("Failed authentication")},
                                        {old, ConsoleLoginRecord("")}});  // out of order on purpose
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->stored, 2);
  EXPECT_EQ(result->expired, 0);
  EXPECT_EQ(result->datapoints, 1);
  ASSERT_EQ(sink_.received.size(), 1u);
  EXPECT_EQ(sink_.received[0].timestamp_millis, old + 2000);
  EXPECT_EQ(sink_.received[0].metric_name, "ConsoleFailures");
  Value events = Ok(&LogsService::FilterLogEvents, S({{"logGroupName", "trail"}}));
  ASSERT_EQ(events.Find("events")->as_list().size(), 2u);
  EXPECT_EQ(events.Find("events")->as_list()[0].Find("timestamp")->as_integer(), old);
}

TEST_F(LogsImportTest, ImportAppliesTheGroupsRetentionByEventTime) {
  Group("trail");
  Ok(&LogsService::PutRetentionPolicy, S({{"logGroupName", "trail"}, {"retentionInDays", 30}}));
  auto result = service_->ImportEvents(std::string(kAccount), "us-east-1", "trail", "s",
                                       {{Now() - 40 * kDay, "old"}, {Now() - 10 * kDay, "recent"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->stored, 1);
  EXPECT_EQ(result->expired, 1);
  EXPECT_EQ(Messages(Ok(&LogsService::FilterLogEvents, S({{"logGroupName", "trail"}}))),
            std::vector<std::string>{"recent"});
  auto missing =
      service_->ImportEvents(std::string(kAccount), "us-east-1", "nope", "s", {{Now(), "x"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "ResourceNotFoundException");
}

TEST_F(LogsImportTest, BackfillRunsNamedFiltersOverStoredEvents) {
  Group("trail");
  const std::int64_t old = Now() - 100 * kDay;
  ASSERT_TRUE(service_->ImportEvents(
      std::string(kAccount), "us-east-1", "trail", "s",
      {{old, ConsoleLoginRecord("Failed authentication")}, {old + 1000, ConsoleLoginRecord("")}}));
  EXPECT_TRUE(sink_.received.empty());  // no filter existed at import time
  PutFailureFilter();
  auto result = service_->BackfillMetricFilters(std::string(kAccount), "us-east-1", "trail",
                                                {"failures"}, std::nullopt, std::nullopt);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->events_scanned, 2);
  EXPECT_EQ(result->datapoints, 1);
  EXPECT_EQ(result->first_datapoint, old);
  ASSERT_EQ(sink_.received.size(), 1u);
  EXPECT_EQ(sink_.received[0].timestamp_millis, old);
  auto unknown = service_->BackfillMetricFilters(std::string(kAccount), "us-east-1", "trail",
                                                 {"nope"}, std::nullopt, std::nullopt);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "ResourceNotFoundException");
}

}  // namespace
}  // namespace tw::services::logs
