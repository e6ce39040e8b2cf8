// SPDX-License-Identifier: Apache-2.0
// Executor behaviour the golden files cannot show: buffers reused between events, early stop at a
// limit, error spans, and GetLogRecord's field list.
#include "services/logs/insights/executor.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "services/logs/insights/parser.h"

namespace tw::services::logs::insights {
namespace {

Query Compile(Language language, std::string_view text) {
  ParseResult parsed = Parse(language, text);
  EXPECT_TRUE(parsed.ok()) << parsed.error->message;
  return parsed.query;
}

TEST(ExecutorTest, ABufferReusedForTheNextEventIsParsedAgain) {
  Executor executor(Compile(Language::kCwli, "stats count(*) as n by a | sort a"));
  std::string buffer = R"({"a":"x"})";
  executor.Add(EventData{1, 1, buffer, "s", "1:g", {}});
  buffer = R"({"a":"y"})";  // same size, same storage
  executor.Add(EventData{2, 2, buffer, "s", "1:g", {}});
  auto rows = executor.Finish();
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0][0].value, "x");
  EXPECT_EQ(rows[1][0].value, "y");
}

TEST(ExecutorTest, LimitOnAPerEventPipelineSaturates) {
  Executor executor(Compile(Language::kSql, "SELECT a FROM `g` WHERE a > 1 LIMIT 2"));
  for (int i = 0; i < 10; ++i) {
    const std::string m = "{\"a\":" + std::to_string(i) + "}";
    executor.Add(EventData{i, i, m, "s", "1:g", "p"});
    EXPECT_EQ(executor.Saturated(), i >= 3);
  }
  auto rows = executor.Finish();
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0][0].value, "2");
  EXPECT_EQ(rows[1][1].field, "@ptr");
  // CWLI's implicit newest-first order needs every event: no early stop.
  Executor newest(Compile(Language::kCwli, "fields a | limit 1"));
  for (int i = 0; i < 5; ++i) {
    const std::string m = "{\"a\":" + std::to_string(i) + "}";
    newest.Add(EventData{i, i, m, "s", "1:g", {}});
  }
  EXPECT_FALSE(newest.Saturated());
  EXPECT_EQ(newest.Finish()[0][0].value, "4");
}

TEST(ExecutorTest, SortKeepsOnlyTheRowsTheLimitNeeds) {
  Executor executor(Compile(Language::kCwli, "fields n | sort n desc | limit 3"));
  for (int i = 0; i < 20'000; ++i) {
    const std::string m = "{\"n\":" + std::to_string((i * 7919) % 20'000) + "}";
    executor.Add(EventData{i, i, m, "s", "1:g", {}});
  }
  auto rows = executor.Finish();
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0][0].value, "19999");
  EXPECT_EQ(rows[2][0].value, "19997");
}

TEST(ExecutorTest, DefaultLimitCapsRows) {
  ExecOptions options;
  options.default_limit = 5;
  Executor executor(Compile(Language::kCwli, "fields @message"), options);
  for (int i = 0; i < 50; ++i) executor.Add(EventData{i, i, "m", "s", "1:g", {}});
  EXPECT_EQ(executor.Finish().size(), 5U);
  EXPECT_EQ(executor.records_matched(), 50);
}

TEST(ParserTest, ErrorSpansPointAtTheProblem) {
  ParseResult r = ParseCwli("fields a | frobnicate b");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->begin, 11U);
  EXPECT_EQ(r.error->end, 21U);
  r = ParseSql("SELECT a FROM `g` WHERE");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->message, "Unexpected end of query");
  r = Parse(Language::kCwli, std::string(kMaxQueryLength + 1, 'a'));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error->message.find("10000"), std::string::npos);
}

TEST(ParserTest, DeepNestingIsRefusedBeforeItExhaustsTheStack) {
  const std::string parens = "filter " + std::string(4990, '(') + "a" + std::string(4990, ')');
  EXPECT_NE(ParseCwli(parens).error->message.find("nested too deeply"), std::string::npos);
  std::string nots = "filter ";
  for (int i = 0; i < 2000; ++i) nots += "not ";
  EXPECT_NE(ParseCwli(nots + "a").error->message.find("nested too deeply"), std::string::npos);
  const std::string minus = "fields " + std::string(5000, '-') + "1 as x";
  EXPECT_FALSE(ParseCwli(minus).ok());
  std::string chain = "SELECT COUNT(*) FROM `g` WHERE a = 0";
  for (int i = 0; i < 2000; ++i) chain += " OR a = " + std::to_string(i);
  EXPECT_NE(ParseSql(chain).error->message.find("too long"), std::string::npos);
  // Within the bounds everything works.
  std::string ok = "fields 0";
  for (int i = 0; i < 200; ++i) ok += " + 1";
  Executor executor(Compile(Language::kCwli, ok + " as x | limit 1"));
  executor.Add(EventData{1, 1, "m", "s", "1:g", {}});
  EXPECT_EQ(executor.Finish()[0][0].value, "200");
}

TEST(ParserTest, SqlAndPplNameTheirSources) {
  EXPECT_EQ(ParseSql("SELECT * FROM `/aws/cloudtrail`").query.sources,
            std::vector<std::string>{"/aws/cloudtrail"});
  EXPECT_EQ(ParsePpl("source=`a-b` | head 1").query.sources, std::vector<std::string>{"a-b"});
  EXPECT_TRUE(ParseCwli("fields a").query.sources.empty());
}

TEST(RecordFieldsTest, SystemFieldsAndFlattenedJson) {
  const std::string message =
      R"({"eventName":"X","userIdentity":{"userName":"alice"},"items":[{"id":1},{"id":2}],)"
      R"("@odd":true,"gone":null})";
  auto fields = RecordFields(EventData{1714564800000, 1714564800500, message, "s", "1:g", "p"});
  std::map<std::string, std::string> map(fields.begin(), fields.end());
  EXPECT_EQ(map["@timestamp"], "1714564800000");
  EXPECT_EQ(map["@ingestionTime"], "1714564800500");
  EXPECT_EQ(map["@message"], message);
  EXPECT_EQ(map["@logStream"], "s");
  EXPECT_EQ(map["@log"], "1:g");
  EXPECT_EQ(map["eventName"], "X");
  EXPECT_EQ(map["userIdentity.userName"], "alice");
  EXPECT_EQ(map["items.1.id"], "2");
  EXPECT_EQ(map["@@odd"], "true");
  EXPECT_EQ(map.count("gone"), 0U);
  EXPECT_EQ(RecordFields(EventData{0, 0, "not json", "s", "1:g", "p"}).size(), 5U);
}

}  // namespace
}  // namespace tw::services::logs::insights
