// SPDX-License-Identifier: Apache-2.0
// Logs Insights operations through the service handlers: StartQuery validation and errors, the
// asynchronous life of a query (Scheduled -> Complete, Cancelled), results with @ptr and
// statistics, GetLogRecord, DescribeQueries, the 30-query concurrency limit and saved query
// definitions (persisted in SQLite).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "unit/services/logs/service/logs_test_fixture.h"

namespace tw::services::logs::testing_support {
namespace {

class InsightsQueriesTest : public LogsServiceTest {
 protected:
  void SetUp() override {
    LogsServiceTest::SetUp();
    Group("g");
    Stream("g", "s");
    const std::int64_t t = Now() - 10 * kMinute;
    Put("g", "s",
        {{t, ConsoleLoginRecord("Failed authentication")},
         {t + 1000, ConsoleLoginRecord("")},
         {t + 2000, R"({"eventName":"GetObject","requestParameters":{"bucketName":"b"}})"},
         {t + 3000, "plain text line"}});
  }

  Value Start(std::string query, std::string language = "CWLI") {
    const std::int64_t now = Now() / 1000;
    Value input = S({{"startTime", now - 3600},
                     {"endTime", now},
                     {"queryString", std::move(query)},
                     {"queryLanguage", language}});
    // SQL and PPL name their log groups in the query.
    if (language == "CWLI") input.Set("logGroupName", std::string("g"));
    return Ok(&LogsService::StartQuery, input);
  }

  Value Wait(const Value& started) {
    const std::string id(started.GetString("queryId"));
    for (int i = 0; i < 500; ++i) {
      Value out = Ok(&LogsService::GetQueryResults, S({{"queryId", id}}));
      const std::string_view status = out.GetString("status");
      if (status != "Scheduled" && status != "Running") return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "query did not finish";
    return Value();
  }

  static std::map<std::string, std::string> Row(const Value& row) {
    std::map<std::string, std::string> out;
    for (const Value& f : row.as_list()) {
      out[std::string(f.GetString("field"))] = std::string(f.GetString("value"));
    }
    return out;
  }
};

TEST_F(InsightsQueriesTest, RunsAQueryToCompletion) {
  Value out = Wait(Start("filter eventName = \"ConsoleLogin\" | fields userIdentity.userName"));
  EXPECT_EQ(out.GetString("status"), "Complete");
  EXPECT_EQ(out.GetString("queryLanguage"), "CWLI");
  const auto& results = out.Find("results")->as_list();
  ASSERT_EQ(results.size(), 2U);
  auto row = Row(results[0]);
  EXPECT_EQ(row["userIdentity.userName"], "alice");
  EXPECT_FALSE(row["@ptr"].empty());
  const Value& stats = *out.Find("statistics");
  EXPECT_EQ(stats.Find("recordsScanned")->as_double(), 4.0);
  EXPECT_EQ(stats.Find("recordsMatched")->as_double(), 2.0);
  EXPECT_EQ(stats.Find("logGroupsScanned")->as_double(), 1.0);
  EXPECT_GT(stats.Find("bytesScanned")->as_double(), 100.0);

  Value record = Ok(&LogsService::GetLogRecord, S({{"logRecordPointer", row["@ptr"]}}));
  const Value& fields = *record.Find("logRecord");
  EXPECT_EQ(fields.GetString("eventName"), "ConsoleLogin");
  EXPECT_EQ(fields.GetString("@log"), "000000000000:g");
  EXPECT_EQ(fields.GetString("@logStream"), "s");
  EXPECT_EQ(fields.GetString("userIdentity.userName"), "alice");
}

TEST_F(InsightsQueriesTest, SqlNamesItsLogGroup) {
  const std::int64_t now = Now() / 1000;
  Value started = Ok(&LogsService::StartQuery,
                     S({{"startTime", now - 3600},
                        {"endTime", now},
                        {"queryLanguage", std::string("SQL")},
                        {"queryString", std::string("SELECT COUNT(*) AS n FROM `g`")}}));
  Value out = Wait(started);
  ASSERT_EQ(out.Find("results")->as_list().size(), 1U);
  EXPECT_EQ(Row(out.Find("results")->as_list()[0])["n"], "4");
  // A SQL query's FROM names the groups; passing them too is refused.
  ExpectError(&LogsService::StartQuery,
              S({{"logGroupName", std::string("g")},
                 {"startTime", now - 3600},
                 {"endTime", now},
                 {"queryLanguage", std::string("SQL")},
                 {"queryString", std::string("SELECT COUNT(*) FROM `g`")}}),
              "InvalidParameterException");
}

TEST_F(InsightsQueriesTest, TimeRangeIsInclusiveSeconds) {
  const std::int64_t t = (Now() / 1000) * 1000 - 5 * kMinute;
  Put("g", "s", {{t, "edge start"}, {t + 999, "edge end"}, {t + 1000, "after"}});
  Value out = Wait(Ok(&LogsService::StartQuery,
                      S({{"logGroupName", std::string("g")},
                         {"startTime", t / 1000},
                         {"endTime", t / 1000},
                         {"queryString", std::string("fields @message | sort @timestamp")}})));
  const auto& rows = out.Find("results")->as_list();
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(Row(rows[0])["@message"], "edge start");
  EXPECT_EQ(Row(rows[1])["@message"], "edge end");
}

TEST_F(InsightsQueriesTest, Errors) {
  const std::int64_t now = Now() / 1000;
  auto start = [&](Value::Entries extra) {
    Value input = S({{"startTime", now - 60}, {"endTime", now}});
    for (auto& [k, v] : extra) input.Set(k, v);
    return input;
  };
  ExpectError(&LogsService::StartQuery,
              start({{"logGroupName", std::string("g")},
                     {"queryString", std::string("fields @message | pattern @message")}}),
              "MalformedQueryException", "The \"pattern\" command is not supported by trailwatch");
  auto malformed =
      Call(&LogsService::StartQuery, start({{"logGroupName", std::string("g")},
                                            {"queryString", std::string("fields a | bogus b")}}));
  ASSERT_FALSE(malformed);
  ASSERT_EQ(malformed.error().extra_json.size(), 1U);
  EXPECT_EQ(malformed.error().extra_json[0].first, "queryCompileError");
  EXPECT_EQ(malformed.error().extra_json[0].second,
            R"({"location":{"startCharOffset":11,"endCharOffset":16},)"
            R"("message":"Unrecognized command \"bogus\""})");
  ExpectError(&LogsService::StartQuery,
              start({{"logGroupName", std::string("nope")},
                     {"queryString", std::string("fields @message")}}),
              "ResourceNotFoundException");
  ExpectError(&LogsService::StartQuery, start({{"queryString", std::string("fields a")}}),
              "InvalidParameterException");
  ExpectError(&LogsService::StartQuery,
              start({{"logGroupName", std::string("g")},
                     {"logGroupNames", L({std::string("g")})},
                     {"queryString", std::string("fields a")}}),
              "InvalidParameterException");
  ExpectError(&LogsService::StartQuery,
              S({{"logGroupName", std::string("g")},
                 {"startTime", now},
                 {"endTime", now - 10},
                 {"queryString", std::string("fields a")}}),
              "InvalidParameterException");
  ExpectError(&LogsService::GetQueryResults, S({{"queryId", std::string("nope")}}),
              "ResourceNotFoundException");
  ExpectError(&LogsService::GetLogRecord, S({{"logRecordPointer", std::string("!!")}}),
              "InvalidParameterException");
  ExpectError(&LogsService::GetLogRecord, S({{"logRecordPointer", EncodeRecordPointer(999, 999)}}),
              "ResourceNotFoundException");
}

TEST_F(InsightsQueriesTest, IdentifiersAcceptNamesAndArns) {
  const std::int64_t now = Now() / 1000;
  Value out = Wait(Ok(&LogsService::StartQuery,
                      S({{"logGroupIdentifiers",
                          L({std::string("arn:aws:logs:us-east-1:000000000000:log-group:g")})},
                         {"startTime", now - 3600},
                         {"endTime", now},
                         {"queryString", std::string("stats count(*) as n")}})));
  EXPECT_EQ(Row(out.Find("results")->as_list()[0])["n"], "4");
  ExpectError(&LogsService::StartQuery,
              S({{"logGroupIdentifiers",
                  L({std::string("arn:aws:logs:us-east-1:000000000000:log-group:g:*")})},
                 {"startTime", now - 3600},
                 {"endTime", now},
                 {"queryString", std::string("fields a")}}),
              "InvalidParameterException");
}

TEST_F(InsightsQueriesTest, ConcurrencyLimitAndStop) {
  // No workers: queries stay Scheduled, so the account's 30 slots fill up.
  service_ = std::make_unique<LogsService>(
      *store_, clock_, &sink_, [](const std::string&) {}, SubscriptionDelivery::Log(), 0);
  std::vector<std::string> ids;
  for (int i = 0; i < kMaxConcurrentQueries; ++i) {
    ids.emplace_back(Start("fields @message").GetString("queryId"));
  }
  const std::int64_t now = Now() / 1000;
  const Value input = S({{"logGroupName", std::string("g")},
                         {"startTime", now - 60},
                         {"endTime", now},
                         {"queryString", std::string("fields @message")}});
  ExpectError(&LogsService::StartQuery, input, "LimitExceededException");
  Value stopped = Ok(&LogsService::StopQuery, S({{"queryId", ids[0]}}));
  EXPECT_TRUE(stopped.Find("success")->as_bool());
  Value again = Ok(&LogsService::StopQuery, S({{"queryId", ids[0]}}));
  EXPECT_FALSE(again.Find("success")->as_bool());
  Value result = Ok(&LogsService::GetQueryResults, S({{"queryId", ids[0]}}));
  EXPECT_EQ(result.GetString("status"), "Cancelled");
  Ok(&LogsService::StartQuery, input);  // a slot is free again

  Value described = Ok(&LogsService::DescribeQueries, S({{"status", std::string("Scheduled")}}));
  EXPECT_EQ(described.Find("queries")->as_list().size(),
            static_cast<std::size_t>(kMaxConcurrentQueries));
  Value page = Ok(&LogsService::DescribeQueries, S({{"maxResults", 10}}));
  EXPECT_EQ(page.Find("queries")->as_list().size(), 10U);
  ASSERT_NE(page.Find("nextToken"), nullptr);
}

TEST_F(InsightsQueriesTest, SqlAndPplHaveTheirOwnLowerLimit) {
  service_ = std::make_unique<LogsService>(
      *store_, clock_, &sink_, [](const std::string&) {}, SubscriptionDelivery::Log(), 0);
  for (int i = 0; i < kMaxConcurrentOpenSearchQueries; ++i) {
    Start(i % 2 == 0 ? "SELECT COUNT(*) FROM `g`" : "source=`g` | stats count()",
          i % 2 == 0 ? "SQL" : "PPL");
  }
  const std::int64_t now = Now() / 1000;
  ExpectError(&LogsService::StartQuery,
              S({{"startTime", now - 60},
                 {"endTime", now},
                 {"queryLanguage", std::string("SQL")},
                 {"queryString", std::string("SELECT COUNT(*) FROM `g`")}}),
              "LimitExceededException", "Account maximum query concurrency limit of [15] reached.");
  Start("fields @message");  // CWLI still has room within the 30
}

TEST_F(InsightsQueriesTest, QueryDefinitions) {
  Value put = Ok(&LogsService::PutQueryDefinition,
                 S({{"name", std::string("ops/logins")},
                    {"queryString", std::string("filter eventName = \"ConsoleLogin\"")},
                    {"logGroupNames", L({std::string("g")})}}));
  const std::string id(put.GetString("queryDefinitionId"));
  EXPECT_EQ(id.size(), 36U);
  Ok(&LogsService::PutQueryDefinition,
     S({{"name", std::string("other")}, {"queryString", std::string("fields @message")}}));
  Value listed = Ok(&LogsService::DescribeQueryDefinitions,
                    S({{"queryDefinitionNamePrefix", std::string("ops/")}}));
  const auto& defs = listed.Find("queryDefinitions")->as_list();
  ASSERT_EQ(defs.size(), 1U);
  EXPECT_EQ(defs[0].GetString("queryDefinitionId"), id);
  EXPECT_EQ(defs[0].GetString("queryLanguage"), "CWLI");
  EXPECT_EQ(defs[0].Find("logGroupNames")->as_list().size(), 1U);
  Ok(&LogsService::PutQueryDefinition, S({{"queryDefinitionId", id},
                                          {"name", std::string("ops/logins")},
                                          {"queryString", std::string("fields @message")}}));
  Value page = Ok(&LogsService::DescribeQueryDefinitions, S({{"maxResults", 1}}));
  ASSERT_EQ(page.Find("queryDefinitions")->as_list().size(), 1U);
  ASSERT_NE(page.Find("nextToken"), nullptr);
  Value rest = Ok(&LogsService::DescribeQueryDefinitions,
                  S({{"maxResults", 1}, {"nextToken", page.Find("nextToken")->as_string()}}));
  ASSERT_EQ(rest.Find("queryDefinitions")->as_list().size(), 1U);
  EXPECT_EQ(rest.Find("queryDefinitions")->as_list()[0].GetString("name"), "other");
  ExpectError(&LogsService::PutQueryDefinition,
              S({{"queryDefinitionId", std::string("00000000-0000-4000-8000-000000000000")},
                 {"name", std::string("x")},
                 {"queryString", std::string("fields a")}}),
              "ResourceNotFoundException");
  Value deleted = Ok(&LogsService::DeleteQueryDefinition, S({{"queryDefinitionId", id}}));
  EXPECT_TRUE(deleted.Find("success")->as_bool());
  ExpectError(&LogsService::DeleteQueryDefinition, S({{"queryDefinitionId", id}}),
              "ResourceNotFoundException");
}

}  // namespace
}  // namespace tw::services::logs::testing_support
