// SPDX-License-Identifier: Apache-2.0
// CloudWatch Logs metric filters: Put/Describe/Delete/Test, and what they publish to the
// MetricSink when events are stored (CIS console sign-in failures over a CloudTrail record,
// metricValue selectors, dimensions, defaultValue, the compiled-filter cache, no sink).
#include "logs_test_fixture.h"

namespace tw::services::logs {
namespace {

using namespace testing_support;  // NOLINT: the shared fixture and its helpers

// ---- metric filters ----

Value Transformation(std::string name, std::string value = "1") {
  return L(
      {S({{"metricName", name}, {"metricNamespace", "CISBenchmark"}, {"metricValue", value}})});
}

TEST_F(LogsServiceTest, MetricFilterLifecycle) {
  Group("trail");
  ExpectError(&LogsService::PutMetricFilter,
              S({{"logGroupName", "nope"},
                 {"filterName", "f"},
                 {"filterPattern", "ERROR"},
                 {"metricTransformations", Transformation("m")}}),
              "ResourceNotFoundException", "The specified log group does not exist.");
  auto bad =
      Call(&LogsService::PutMetricFilter, S({{"logGroupName", "trail"},
                                             {"filterName", "f"},
                                             {"filterPattern", "{ $.eventName = "},
                                             {"metricTransformations", Transformation("m")}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidParameterException");
  EXPECT_TRUE(bad.error().message.starts_with("Invalid metric filter pattern"))
      << bad.error().message;

  const std::string pattern =
      R"({ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") })";
  Ok(&LogsService::PutMetricFilter,
     S({{"logGroupName", "trail"},
        {"filterName", "ConsoleSigninFailures"},
        {"filterPattern", pattern},
        {"metricTransformations", Transformation("ConsoleSigninFailureCount")}}));
  Ok(&LogsService::PutMetricFilter, S({{"logGroupName", "trail"},
                                       {"filterName", "Other"},
                                       {"filterPattern", "ERROR"},
                                       {"metricTransformations", L({S({{"metricName", "Errors"},
                                                                       {"metricNamespace", "App"},
                                                                       {"metricValue", "1"},
                                                                       {"defaultValue", 0.0},
                                                                       {"unit", "Count"}})})}}));

  Value described = Ok(&LogsService::DescribeMetricFilters, S({{"logGroupName", "trail"}}));
  ASSERT_EQ(described.Find("metricFilters")->as_list().size(), 2u);
  const Value& f = described.Find("metricFilters")->as_list()[0];
  EXPECT_EQ(f.GetString("filterName"), "ConsoleSigninFailures");
  EXPECT_EQ(f.GetString("filterPattern"), pattern);
  EXPECT_EQ(f.GetString("logGroupName"), "trail");
  EXPECT_EQ(f.Find("creationTime")->as_integer(), Now());
  const Value& t = f.Find("metricTransformations")->as_list()[0];
  EXPECT_EQ(t.GetString("metricName"), "ConsoleSigninFailureCount");
  EXPECT_EQ(t.GetString("metricNamespace"), "CISBenchmark");
  EXPECT_EQ(t.GetString("metricValue"), "1");
  const Value& t2 =
      described.Find("metricFilters")->as_list()[1].Find("metricTransformations")->as_list()[0];
  EXPECT_EQ(t2.Find("defaultValue")->as_double(), 0.0);
  EXPECT_EQ(t2.GetString("unit"), "Count");

  EXPECT_EQ(Ok(&LogsService::DescribeMetricFilters,
               S({{"metricName", "Errors"}, {"metricNamespace", "App"}}))
                .Find("metricFilters")
                ->as_list()
                .size(),
            1u);
  EXPECT_EQ(Ok(&LogsService::DescribeMetricFilters,
               S({{"logGroupName", "trail"}, {"filterNamePrefix", "Oth"}}))
                .Find("metricFilters")
                ->as_list()
                .size(),
            1u);
  ExpectError(&LogsService::DescribeMetricFilters, S({{"metricName", "Errors"}}),
              "InvalidParameterException");
  Value groups = Ok(&LogsService::DescribeLogGroups, S({}));
  EXPECT_EQ(groups.Find("logGroups")->as_list()[0].Find("metricFilterCount")->as_integer(), 2);

  Value page = Ok(&LogsService::DescribeMetricFilters, S({{"limit", 1}}));
  ASSERT_NE(page.Find("nextToken"), nullptr);
  Value page2 = Ok(&LogsService::DescribeMetricFilters,
                   S({{"limit", 1}, {"nextToken", *page.Find("nextToken")}}));
  EXPECT_EQ(page2.Find("metricFilters")->as_list()[0].GetString("filterName"), "Other");
  EXPECT_EQ(page2.Find("nextToken"), nullptr);

  Ok(&LogsService::DeleteMetricFilter, S({{"logGroupName", "trail"}, {"filterName", "Other"}}));
  ExpectError(&LogsService::DeleteMetricFilter,
              S({{"logGroupName", "trail"}, {"filterName", "Other"}}), "ResourceNotFoundException",
              "The specified metric filter does not exist.");
}

TEST_F(LogsServiceTest, MetricFilterQuotaAndDimensionRules) {
  Group("g");
  for (int i = 0; i < kMaxMetricFiltersPerGroup; ++i) {
    Ok(&LogsService::PutMetricFilter, S({{"logGroupName", "g"},
                                         {"filterName", "f" + std::to_string(i)},
                                         {"filterPattern", ""},
                                         {"metricTransformations", Transformation("m")}}));
  }
  ExpectError(&LogsService::PutMetricFilter,
              S({{"logGroupName", "g"},
                 {"filterName", "one-too-many"},
                 {"filterPattern", ""},
                 {"metricTransformations", Transformation("m")}}),
              "LimitExceededException", "Resource limit exceeded.");
  // Replacing an existing filter is not a new one.
  Ok(&LogsService::PutMetricFilter, S({{"logGroupName", "g"},
                                       {"filterName", "f0"},
                                       {"filterPattern", "ERROR"},
                                       {"metricTransformations", Transformation("m")}}));

  Group("h");
  auto with_dims = [&](Value dims, std::string pattern, std::optional<double> default_value) {
    Value t = S({{"metricName", "m"},
                 {"metricNamespace", "n"},
                 {"metricValue", "1"},
                 {"dimensions", std::move(dims)}});
    if (default_value) t.Set("defaultValue", *default_value);
    return S({{"logGroupName", "h"},
              {"filterName", "d"},
              {"filterPattern", pattern},
              {"metricTransformations", L({t})}});
  };
  ExpectError(&LogsService::PutMetricFilter,
              with_dims(M({{"a", "$.a"}, {"b", "$.b"}, {"c", "$.c"}, {"d", "$.d"}}), "{ $.a = * }",
                        std::nullopt),
              "InvalidParameterException");
  ExpectError(&LogsService::PutMetricFilter, with_dims(M({{"a", "$.a"}}), "{ $.a = * }", 0.0),
              "InvalidParameterException");
  ExpectError(&LogsService::PutMetricFilter, with_dims(M({{"a", "$.a"}}), "ERROR", std::nullopt),
              "InvalidParameterException");
  Ok(&LogsService::PutMetricFilter, with_dims(M({{"a", "$.a"}}), "{ $.a = * }", std::nullopt));
}

TEST_F(LogsServiceTest, TestMetricFilterReportsMatchesAndExtractedValues) {
  Value out = Ok(
      &LogsService::TestMetricFilter,
      S({{"filterPattern", "[ip, user, username, timestamp, request, status_code, bytes]"},
         {"logEventMessages",
          L({R"(127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534)",
             "short line"})}}));
  const auto& matches = out.Find("matches")->as_list();
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].Find("eventNumber")->as_integer(), 0);
  const Value* values = matches[0].Find("extractedValues");
  EXPECT_EQ(values->GetString("$ip"), "127.0.0.1");
  EXPECT_EQ(values->GetString("$username"), "frank");
  EXPECT_EQ(values->GetString("$timestamp"), "10/Oct/2000:13:25:15 -0700");
  EXPECT_EQ(values->GetString("$request"), "GET /index.html HTTP/1.0");
  EXPECT_EQ(values->GetString("$status_code"), "404");

  Value terms =
      Ok(&LogsService::TestMetricFilter,
         S({{"filterPattern", "ERROR"}, {"logEventMessages", L({"ok", "an ERROR", "x"})}}));
  ASSERT_EQ(terms.Find("matches")->as_list().size(), 1u);
  EXPECT_EQ(terms.Find("matches")->as_list()[0].Find("eventNumber")->as_integer(), 1);
  ExpectError(&LogsService::TestMetricFilter,
              S({{"filterPattern", "{ $.a = "}, {"logEventMessages", L({"x"})}}),
              "InvalidParameterException");
}

// ---- metric filters publishing to the sink ----

TEST_F(LogsServiceTest, CisConsoleSigninFailureFilterPublishesDatapoints) {
  Group("CloudTrail/DefaultLogGroup");
  Stream("CloudTrail/DefaultLogGroup", "000000000000_CloudTrail_us-east-1");
  Ok(&LogsService::PutMetricFilter,
     S({{"logGroupName", "CloudTrail/DefaultLogGroup"},
        {"filterName", "ConsoleSigninFailures"},
        {"filterPattern",
         R"({ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") })"},
        {"metricTransformations", Transformation("ConsoleSigninFailureCount")}}));
  const std::int64_t t0 = Now() - kMinute;
  Put("CloudTrail/DefaultLogGroup", "000000000000_CloudTrail_us-east-1",
      {{t0, ConsoleLoginRecord("Failed authentication")},
       {t0 + 1, ConsoleLoginRecord("")},
       {t0 + 2, ConsoleLoginRecord("Failed authentication")}});
  ASSERT_EQ(sink_.received.size(), 2u);
  const pipeline::MetricDatum& d = sink_.received[0];
  EXPECT_EQ(d.account_id, "000000000000");
  EXPECT_EQ(d.region, "us-east-1");
  EXPECT_EQ(d.namespace_name, "CISBenchmark");
  EXPECT_EQ(d.metric_name, "ConsoleSigninFailureCount");
  EXPECT_EQ(d.value, 1.0);
  EXPECT_EQ(d.unit, "None");
  EXPECT_EQ(d.timestamp_millis, t0);
  EXPECT_TRUE(d.dimensions.empty());
  EXPECT_EQ(sink_.received[1].timestamp_millis, t0 + 2);
  EXPECT_EQ(service_->publisher().undelivered(), 0);
}

TEST_F(LogsServiceTest, MetricValueSelectorsAndDimensions) {
  Group("g");
  Stream("g", "s");
  Ok(&LogsService::PutMetricFilter,
     S({{"logGroupName", "g"},
        {"filterName", "latency"},
        {"filterPattern", "{ $.latency = * }"},
        {"metricTransformations", L({S({{"metricName", "Latency"},
                                        {"metricNamespace", "App"},
                                        {"metricValue", "$.latency"},
                                        {"unit", "Milliseconds"},
                                        {"dimensions", M({{"Path", "$.path"}})}})})}}));
  Ok(&LogsService::PutMetricFilter,
     S({{"logGroupName", "g"},
        {"filterName", "bytes"},
        {"filterPattern", "[ip, user, username, timestamp, request, status_code, bytes]"},
        {"metricTransformations", Transformation("Bytes", "$bytes")}}));
  const std::int64_t t0 = Now();
  Put("g", "s",
      {{t0, R"({"latency":50,"path":"/a"})"},
       {t0, R"({"latency":"slow","path":"/a"})"},
       {t0, R"(127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET / HTTP/1.0" 200 1534)"}});
  ASSERT_EQ(sink_.received.size(), 2u);
  EXPECT_EQ(sink_.received[0].metric_name, "Latency");
  EXPECT_EQ(sink_.received[0].value, 50.0);
  EXPECT_EQ(sink_.received[0].unit, "Milliseconds");
  ASSERT_EQ(sink_.received[0].dimensions.size(), 1u);
  EXPECT_EQ(sink_.received[0].dimensions[0], (std::pair<std::string, std::string>{"Path", "/a"}));
  EXPECT_EQ(sink_.received[1].metric_name, "Bytes");
  EXPECT_EQ(sink_.received[1].value, 1534.0);
}

TEST_F(LogsServiceTest, DefaultValueOncePerMinuteWithoutMatches) {
  Group("g");
  Stream("g", "s");
  Ok(&LogsService::PutMetricFilter,
     S({{"logGroupName", "g"},
        {"filterName", "errors"},
        {"filterPattern", "ERROR"},
        {"metricTransformations", L({S({{"metricName", "Errors"},
                                        {"metricNamespace", "App"},
                                        {"metricValue", "1"},
                                        {"defaultValue", 0.0}})})}}));
  const std::int64_t minute = (Now() / kMinute - 10) * kMinute;
  // Minute 1: two quiet events → one default. Minute 2: a match → the match only.
  Put("g", "s",
      {{minute + 1, "ok"},
       {minute + 2, "fine"},
       {minute + kMinute + 5, "ERROR x"},
       {minute + kMinute + 6, "ok"}});
  ASSERT_EQ(sink_.received.size(), 2u);
  EXPECT_EQ(sink_.received[0].value, 1.0);
  EXPECT_EQ(sink_.received[0].timestamp_millis, minute + kMinute + 5);
  EXPECT_EQ(sink_.received[1].value, 0.0);
  EXPECT_EQ(sink_.received[1].timestamp_millis, minute);
  // More quiet events in minute 1 do not repeat the default.
  Put("g", "s", {{minute + 30, "still ok"}});
  EXPECT_EQ(sink_.received.size(), 2u);
}

TEST_F(LogsServiceTest, FilterCacheFollowsPutAndDelete) {
  Group("g");
  Stream("g", "s");
  const std::int64_t t0 = Now();
  Put("g", "s", {{t0, "ERROR before any filter"}});
  EXPECT_TRUE(sink_.received.empty());
  Ok(&LogsService::PutMetricFilter, S({{"logGroupName", "g"},
                                       {"filterName", "f"},
                                       {"filterPattern", "ERROR"},
                                       {"metricTransformations", Transformation("Errors")}}));
  Put("g", "s", {{t0, "ERROR one"}});
  EXPECT_EQ(sink_.received.size(), 1u);
  Ok(&LogsService::PutMetricFilter, S({{"logGroupName", "g"},
                                       {"filterName", "f"},
                                       {"filterPattern", "WARN"},
                                       {"metricTransformations", Transformation("Errors")}}));
  Put("g", "s", {{t0, "ERROR two"}, {t0, "WARN three"}});
  ASSERT_EQ(sink_.received.size(), 2u);
  Ok(&LogsService::DeleteMetricFilter, S({{"logGroupName", "g"}, {"filterName", "f"}}));
  Put("g", "s", {{t0, "WARN four"}});
  EXPECT_EQ(sink_.received.size(), 2u);
}

TEST_F(LogsServiceTest, WithoutSinkDatapointsAreCountedAndReported) {
  Build(nullptr);
  Group("g");
  Stream("g", "s");
  Ok(&LogsService::PutMetricFilter, S({{"logGroupName", "g"},
                                       {"filterName", "f"},
                                       {"filterPattern", ""},
                                       {"metricTransformations", Transformation("All")}}));
  const std::int64_t t0 = Now();
  Put("g", "s", {{t0, "a"}, {t0, "b"}});
  EXPECT_EQ(service_->publisher().undelivered(), 2);
  ASSERT_EQ(info_lines_.size(), 1u);
  EXPECT_NE(info_lines_[0].find("2 metric-filter datapoints not delivered"), std::string::npos);
  Put("g", "s", {{t0, "c"}});
  EXPECT_EQ(service_->publisher().undelivered(), 3);
  EXPECT_EQ(info_lines_.size(), 1u);  // at most once a minute
  clock_.Advance(kMinute);
  Put("g", "s", {{t0, "d"}});
  EXPECT_EQ(info_lines_.size(), 2u);
}

TEST_F(LogsServiceTest, IngestEventsIsTheSharedEntryPoint) {
  Group("trail");
  EXPECT_TRUE(service_->EnsureLogStream(std::string(kAccount), "us-east-1", "trail", "s"));
  EXPECT_TRUE(service_->EnsureLogStream(std::string(kAccount), "us-east-1", "trail", "s"));
  auto missing = service_->IngestEvents(std::string(kAccount), "us-east-1", "trail", "nope", {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "ResourceNotFoundException");
  Ok(&LogsService::PutMetricFilter,
     S({{"logGroupName", "trail"},
        {"filterName", "f"},
        {"filterPattern", R"({ $.errorMessage = "Failed authentication" })"},
        {"metricTransformations", Transformation("Failures")}}));
  auto sequence = service_->IngestEvents(std::string(kAccount), "us-east-1", "trail", "s",
                                         {{Now(), ConsoleLoginRecord("Failed authentication")}});
  ASSERT_TRUE(sequence) << sequence.error().message;
  EXPECT_EQ(*sequence, 1);
  EXPECT_EQ(sink_.received.size(), 1u);
}

TEST_F(LogsServiceTest, SinkFailureIsCountedNotLost) {
  Group("g");
  Stream("g", "s");
  Ok(&LogsService::PutMetricFilter, S({{"logGroupName", "g"},
                                       {"filterName", "f"},
                                       {"filterPattern", ""},
                                       {"metricTransformations", Transformation("All")}}));
  sink_.fail = true;
  Value out = Put("g", "s", {{Now(), "a"}});  // the events are stored regardless
  EXPECT_EQ(service_->publisher().undelivered(), 1);
  EXPECT_EQ(Messages(Ok(&LogsService::FilterLogEvents, S({{"logGroupName", "g"}}))),
            std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace tw::services::logs
