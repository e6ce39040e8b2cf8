// SPDX-License-Identifier: Apache-2.0
// The CloudWatch Logs service's log groups, streams and events over a real Database: handlers are
// called the way the dispatcher calls them and answers are checked against AWS's.
#include "logs_test_fixture.h"

namespace tw::services::logs {
namespace {

using namespace testing_support;  // NOLINT: the shared fixture and its helpers

// ---- log groups ----

TEST_F(LogsServiceTest, CreateAndDescribeLogGroup) {
  Group("/aws/cloudtrail/main");
  Value out = Ok(&LogsService::DescribeLogGroups, S({}));
  ASSERT_EQ(out.Find("logGroups")->as_list().size(), 1u);
  const Value& g = out.Find("logGroups")->as_list()[0];
  EXPECT_EQ(g.GetString("logGroupName"), "/aws/cloudtrail/main");
  EXPECT_EQ(g.Find("creationTime")->as_integer(), Now());
  EXPECT_EQ(g.GetString("arn"),
            "arn:aws:logs:us-east-1:000000000000:log-group:/aws/cloudtrail/main:*");
  EXPECT_EQ(g.GetString("logGroupArn"),
            "arn:aws:logs:us-east-1:000000000000:log-group:/aws/cloudtrail/main");
  EXPECT_EQ(g.Find("metricFilterCount")->as_integer(), 0);
  EXPECT_EQ(g.Find("storedBytes")->as_integer(), 0);
  EXPECT_EQ(g.GetString("logGroupClass"), "STANDARD");
  EXPECT_EQ(g.Find("retentionInDays"), nullptr);
  EXPECT_EQ(out.Find("nextToken"), nullptr);
}

TEST_F(LogsServiceTest, DuplicateAndMissingGroups) {
  Group("g");
  ExpectError(&LogsService::CreateLogGroup, S({{"logGroupName", "g"}}),
              "ResourceAlreadyExistsException", "The specified log group already exists");
  ExpectError(&LogsService::DeleteLogGroup, S({{"logGroupName", "nope"}}),
              "ResourceNotFoundException", "The specified log group does not exist.");
  Ok(&LogsService::DeleteLogGroup, S({{"logGroupName", "g"}}));
  EXPECT_TRUE(Ok(&LogsService::DescribeLogGroups, S({})).Find("logGroups")->as_list().empty());
  // Names are case-sensitive.
  Group("G");
  Group("g");
}

TEST_F(LogsServiceTest, GroupsAreRegional) {
  Group("g");
  auto other = Call(&LogsService::DescribeLogGroups, S({}), "eu-west-1");
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->Find("logGroups")->as_list().empty());
  ASSERT_TRUE(Call(&LogsService::CreateLogGroup, S({{"logGroupName", "g"}}), "eu-west-1"));
}

TEST_F(LogsServiceTest, DescribeLogGroupsFiltersAndPages) {
  for (const char* name : {"/app/b", "/app/a", "/other/x", "/app/c", "/app/d"}) Group(name);
  Value prefix = Ok(&LogsService::DescribeLogGroups, S({{"logGroupNamePrefix", "/app/"}}));
  EXPECT_EQ(prefix.Find("logGroups")->as_list().size(), 4u);

  std::vector<std::string> names;
  Value input = S({{"limit", 2}});
  for (int page = 0; page < 10; ++page) {
    Value out = Ok(&LogsService::DescribeLogGroups, input);
    for (const Value& g : out.Find("logGroups")->as_list()) {
      names.emplace_back(g.GetString("logGroupName"));
    }
    const Value* token = out.Find("nextToken");
    if (token == nullptr) break;
    input = S({{"limit", 2}, {"nextToken", *token}});
  }
  EXPECT_EQ(names, (std::vector<std::string>{"/app/a", "/app/b", "/app/c", "/app/d", "/other/x"}));

  // logGroupNamePattern: case-sensitive substring; only arn, creationTime and logGroupName.
  Value pattern = Ok(&LogsService::DescribeLogGroups, S({{"logGroupNamePattern", "her"}}));
  ASSERT_EQ(pattern.Find("logGroups")->as_list().size(), 1u);
  const Value& g = pattern.Find("logGroups")->as_list()[0];
  EXPECT_EQ(g.GetString("logGroupName"), "/other/x");
  EXPECT_EQ(g.Find("storedBytes"), nullptr);
  EXPECT_NE(g.Find("arn"), nullptr);
  EXPECT_TRUE(Ok(&LogsService::DescribeLogGroups, S({{"logGroupNamePattern", "HER"}}))
                  .Find("logGroups")
                  ->as_list()
                  .empty());

  ExpectError(&LogsService::DescribeLogGroups,
              S({{"logGroupNamePrefix", "/a"}, {"logGroupNamePattern", "a"}}),
              "InvalidParameterException");
  ExpectError(&LogsService::DescribeLogGroups, S({{"nextToken", "garbage!"}}),
              "InvalidParameterException");
}

TEST_F(LogsServiceTest, RetentionPolicy) {
  Group("g");
  ExpectError(&LogsService::PutRetentionPolicy, S({{"logGroupName", "g"}, {"retentionInDays", 2}}),
              "InvalidParameterException");
  ExpectError(&LogsService::PutRetentionPolicy,
              S({{"logGroupName", "nope"}, {"retentionInDays", 7}}), "ResourceNotFoundException",
              "The specified log group does not exist.");
  Ok(&LogsService::PutRetentionPolicy, S({{"logGroupName", "g"}, {"retentionInDays", 3653}}));
  Value out = Ok(&LogsService::DescribeLogGroups, S({}));
  EXPECT_EQ(out.Find("logGroups")->as_list()[0].Find("retentionInDays")->as_integer(), 3653);
  Ok(&LogsService::DeleteRetentionPolicy, S({{"logGroupName", "g"}}));
  out = Ok(&LogsService::DescribeLogGroups, S({}));
  EXPECT_EQ(out.Find("logGroups")->as_list()[0].Find("retentionInDays"), nullptr);
}

TEST_F(LogsServiceTest, RetentionExpiresEventsForGood) {
  Group("g");
  Stream("g", "s");
  const std::int64_t t0 = Now();
  // One batch may not span more than 24 hours.
  Put("g", "s", {{t0 - 3 * kDay, "old"}});
  Put("g", "s", {{t0 - 2 * kDay, "older than a day"}});
  Put("g", "s", {{t0, "fresh"}});
  Value before = Ok(&LogsService::DescribeLogGroups, S({}));
  EXPECT_EQ(before.Find("logGroups")->as_list()[0].Find("storedBytes")->as_integer(), 3 + 16 + 5);
  Ok(&LogsService::PutRetentionPolicy, S({{"logGroupName", "g"}, {"retentionInDays", 1}}));
  Value events = Ok(&LogsService::GetLogEvents,
                    S({{"logGroupName", "g"}, {"logStreamName", "s"}, {"startFromHead", true}}));
  EXPECT_EQ(Messages(events), std::vector<std::string>{"fresh"});
  // Purged from storage, not just hidden: storedBytes dropped.
  Value after = Ok(&LogsService::DescribeLogGroups, S({}));
  EXPECT_EQ(after.Find("logGroups")->as_list()[0].Find("storedBytes")->as_integer(), 5);
  // Two days later even the fresh event is gone from reads.
  clock_.Advance(2 * kDay);
  events = Ok(&LogsService::FilterLogEvents, S({{"logGroupName", "g"}}));
  EXPECT_TRUE(Messages(events).empty());
}

TEST_F(LogsServiceTest, Tags) {
  Ok(&LogsService::CreateLogGroup, S({{"logGroupName", "g"}, {"tags", M({{"team", "sec"}})}}));
  const std::string arn = "arn:aws:logs:us-east-1:000000000000:log-group:g";
  Value tags = Ok(&LogsService::ListTagsForResource, S({{"resourceArn", arn}}));
  EXPECT_EQ(*tags.Find("tags"), M({{"team", "sec"}}));
  Ok(&LogsService::TagResource, S({{"resourceArn", arn}, {"tags", M({{"env", "prod"}})}}));
  tags = Ok(&LogsService::ListTagsLogGroup, S({{"logGroupName", "g"}}));
  EXPECT_EQ(*tags.Find("tags"), M({{"env", "prod"}, {"team", "sec"}}));
  Ok(&LogsService::UntagResource, S({{"resourceArn", arn}, {"tagKeys", L({"team"})}}));
  Ok(&LogsService::TagLogGroup, S({{"logGroupName", "g"}, {"tags", M({{"a", "1"}})}}));
  Ok(&LogsService::UntagLogGroup, S({{"logGroupName", "g"}, {"tags", L({"env"})}}));
  tags = Ok(&LogsService::ListTagsForResource, S({{"resourceArn", arn + ":*"}}));
  EXPECT_EQ(*tags.Find("tags"), M({{"a", "1"}}));
  ExpectError(&LogsService::ListTagsForResource,
              S({{"resourceArn", "arn:aws:logs:us-east-1:000000000000:log-group:nope"}}),
              "ResourceNotFoundException");
  Value::Entries many;
  for (int i = 0; i < 50; ++i) many.emplace_back("k" + std::to_string(i), "v");
  ExpectError(&LogsService::TagResource, S({{"resourceArn", arn}, {"tags", M(many)}}),
              "TooManyTagsException");
}

// ---- log streams ----

TEST_F(LogsServiceTest, StreamsCreateDeleteErrors) {
  ExpectError(&LogsService::CreateLogStream, S({{"logGroupName", "g"}, {"logStreamName", "s"}}),
              "ResourceNotFoundException", "The specified log group does not exist.");
  Group("g");
  Stream("g", "s");
  ExpectError(&LogsService::CreateLogStream, S({{"logGroupName", "g"}, {"logStreamName", "s"}}),
              "ResourceAlreadyExistsException", "The specified log stream already exists");
  ExpectError(&LogsService::DeleteLogStream, S({{"logGroupName", "g"}, {"logStreamName", "x"}}),
              "ResourceNotFoundException", "The specified log stream does not exist.");
  Ok(&LogsService::DeleteLogStream, S({{"logGroupName", "g"}, {"logStreamName", "s"}}));
  Value out = Ok(&LogsService::DescribeLogStreams, S({{"logGroupName", "g"}}));
  EXPECT_TRUE(out.Find("logStreams")->as_list().empty());
}

TEST_F(LogsServiceTest, DescribeLogStreamsOrdersAndPages) {
  Group("g");
  for (const char* s : {"b", "a", "c"}) Stream("g", s);
  const std::int64_t t0 = Now();
  Put("g", "c", {{t0 - 3000, "x"}});
  Put("g", "a", {{t0 - 2000, "x"}});
  Put("g", "b", {{t0 - 1000, "x"}, {t0 - 500, "y"}});

  auto names = [](const Value& out) {
    std::vector<std::string> v;
    for (const Value& s : out.Find("logStreams")->as_list())
      v.emplace_back(s.GetString("logStreamName"));
    return v;
  };
  EXPECT_EQ(names(Ok(&LogsService::DescribeLogStreams, S({{"logGroupName", "g"}}))),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(
      names(Ok(&LogsService::DescribeLogStreams, S({{"logGroupName", "g"}, {"descending", true}}))),
      (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(
      names(Ok(&LogsService::DescribeLogStreams,
               S({{"logGroupName", "g"}, {"orderBy", "LastEventTime"}, {"descending", true}}))),
      (std::vector<std::string>{"b", "a", "c"}));

  // Paging by last event time, one at a time.
  std::vector<std::string> paged;
  Value input = S({{"logGroupName", "g"}, {"orderBy", "LastEventTime"}, {"limit", 1}});
  for (int i = 0; i < 5; ++i) {
    Value out = Ok(&LogsService::DescribeLogStreams, input);
    for (auto& n : names(out)) paged.push_back(n);
    if (out.Find("nextToken") == nullptr) break;
    input.Set("nextToken", *out.Find("nextToken"));
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"c", "a", "b"}));

  Value one = Ok(&LogsService::DescribeLogStreams,
                 S({{"logGroupName", "g"}, {"logStreamNamePrefix", "b"}}));
  ASSERT_EQ(one.Find("logStreams")->as_list().size(), 1u);
  const Value& b = one.Find("logStreams")->as_list()[0];
  EXPECT_EQ(b.Find("firstEventTimestamp")->as_integer(), t0 - 1000);
  EXPECT_EQ(b.Find("lastEventTimestamp")->as_integer(), t0 - 500);
  EXPECT_EQ(b.Find("lastIngestionTime")->as_integer(), t0);
  EXPECT_EQ(b.Find("storedBytes")->as_integer(), 0);
  EXPECT_EQ(b.GetString("arn"), "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:b");
  EXPECT_EQ(b.GetString("uploadSequenceToken").size(), 56u);

  ExpectError(
      &LogsService::DescribeLogStreams,
      S({{"logGroupName", "g"}, {"orderBy", "LastEventTime"}, {"logStreamNamePrefix", "a"}}),
      "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.");
  ExpectError(&LogsService::DescribeLogStreams, S({{"logGroupName", "nope"}}),
              "ResourceNotFoundException");
  // logGroupIdentifier may be an ARN; with logGroupName as well it is refused.
  EXPECT_EQ(
      names(Ok(&LogsService::DescribeLogStreams,
               S({{"logGroupIdentifier", "arn:aws:logs:us-east-1:000000000000:log-group:g:*"}})))
          .size(),
      3u);
  ExpectError(&LogsService::DescribeLogStreams,
              S({{"logGroupName", "g"}, {"logGroupIdentifier", "g"}}), "InvalidParameterException");
}

// ---- PutLogEvents ----

TEST_F(LogsServiceTest, PutLogEventsRules) {
  Group("g");
  Stream("g", "s");
  const std::int64_t t0 = Now();
  ExpectError(&LogsService::PutLogEvents,
              S({{"logGroupName", "g"},
                 {"logStreamName", "s"},
                 {"logEvents", L({S({{"timestamp", t0}, {"message", "b"}}),
                                  S({{"timestamp", t0 - 1}, {"message", "a"}})})}}),
              "InvalidParameterException",
              "Log events in a single PutLogEvents request must be in chronological order.");
  ExpectError(&LogsService::PutLogEvents,
              S({{"logGroupName", "g"},
                 {"logStreamName", "s"},
                 {"logEvents", L({S({{"timestamp", t0 - 25 * kHour}, {"message", "a"}}),
                                  S({{"timestamp", t0}, {"message", "b"}})})}}),
              "InvalidParameterException",
              "The batch of log events in a single PutLogEvents request cannot span more than 24 "
              "hours.");
  // 1,048,576 bytes counting 26 per event: 4 events of 262,119 bytes are 1,048,580.
  Value big = L({});
  for (int i = 0; i < 4; ++i) {
    big.Push(S({{"timestamp", t0}, {"message", std::string(262'119, 'x')}}));
  }
  ExpectError(&LogsService::PutLogEvents,
              S({{"logGroupName", "g"}, {"logStreamName", "s"}, {"logEvents", big}}),
              "InvalidParameterException",
              "Upload too large: 1048580 bytes exceeds limit of 1048576");
  ExpectError(&LogsService::PutLogEvents,
              S({{"logGroupName", "g"},
                 {"logStreamName", "nope"},
                 {"logEvents", L({S({{"timestamp", t0}, {"message", "a"}})})}}),
              "ResourceNotFoundException", "The specified log stream does not exist.");

  Value first = Put("g", "s", {{t0, "one"}});
  Value second = Put("g", "s", {{t0, "two"}});
  EXPECT_EQ(first.GetString("nextSequenceToken").size(), 56u);
  EXPECT_NE(first.GetString("nextSequenceToken"), second.GetString("nextSequenceToken"));
  EXPECT_EQ(first.Find("rejectedLogEventsInfo"), nullptr);
}

TEST_F(LogsServiceTest, PutLogEventsRejectsTooOldExpiredAndTooNew) {
  Group("g");
  Stream("g", "s");
  Ok(&LogsService::PutRetentionPolicy, S({{"logGroupName", "g"}, {"retentionInDays", 1}}));
  const std::int64_t t0 = Now();
  // A batch spans at most 24 hours, so the old and the new ends are two batches.
  Value old = Put("g", "s",
                  {{t0 - 14 * kDay - 2 * kHour, "a"},
                   {t0 - 14 * kDay - kHour, "b"},
                   {t0 - 14 * kDay + kHour, "expired"}});
  const Value* info = old.Find("rejectedLogEventsInfo");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->Find("tooOldLogEventEndIndex")->as_integer(), 2);
  EXPECT_EQ(info->Find("expiredLogEventEndIndex")->as_integer(), 3);
  Value fresh = Put("g", "s", {{t0, "ok"}, {t0 + 3 * kHour, "future"}});
  info = fresh.Find("rejectedLogEventsInfo");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->Find("tooNewLogEventStartIndex")->as_integer(), 1);
  Value events = Ok(&LogsService::GetLogEvents, S({{"logGroupName", "g"}, {"logStreamName", "s"}}));
  EXPECT_EQ(Messages(events), std::vector<std::string>{"ok"});
}

// ---- GetLogEvents ----

TEST_F(LogsServiceTest, GetLogEventsHeadTailAndTokens) {
  Group("g");
  Stream("g", "s");
  const std::int64_t t0 = Now() - kHour;
  std::vector<std::pair<std::int64_t, std::string>> batch;
  for (int i = 0; i < 5; ++i) batch.emplace_back(t0 + i * 1000, "e" + std::to_string(i));
  Put("g", "s", batch);

  Value tail = Ok(&LogsService::GetLogEvents,
                  S({{"logGroupName", "g"}, {"logStreamName", "s"}, {"limit", 2}}));
  EXPECT_EQ(Messages(tail), (std::vector<std::string>{"e3", "e4"}));
  EXPECT_EQ(tail.Find("events")->as_list()[0].Find("ingestionTime")->as_integer(), Now());
  std::string forward(tail.GetString("nextForwardToken"));
  EXPECT_TRUE(forward.starts_with("f/"));
  EXPECT_TRUE(std::string(tail.GetString("nextBackwardToken")).starts_with("b/"));

  // Forward from the tail: nothing new, and the token comes back unchanged (end of stream).
  Value end = Ok(&LogsService::GetLogEvents,
                 S({{"logGroupName", "g"}, {"logStreamName", "s"}, {"nextToken", forward}}));
  EXPECT_TRUE(Messages(end).empty());
  EXPECT_EQ(end.GetString("nextForwardToken"), forward);

  // Backward pages from the tail reach the head, then the backward token stops changing.
  Value back =
      Ok(&LogsService::GetLogEvents, S({{"logGroupName", "g"},
                                        {"logStreamName", "s"},
                                        {"limit", 2},
                                        {"nextToken", tail.GetString("nextBackwardToken")}}));
  EXPECT_EQ(Messages(back), (std::vector<std::string>{"e1", "e2"}));

  // From the head with tokens, paging forward.
  std::vector<std::string> all;
  Value input =
      S({{"logGroupName", "g"}, {"logStreamName", "s"}, {"limit", 2}, {"startFromHead", true}});
  std::string last_token;
  for (int i = 0; i < 6; ++i) {
    Value out = Ok(&LogsService::GetLogEvents, input);
    for (auto& m : Messages(out)) all.push_back(m);
    std::string token(out.GetString("nextForwardToken"));
    if (token == last_token) break;
    last_token = token;
    input.Set("nextToken", token);
  }
  EXPECT_EQ(all, (std::vector<std::string>{"e0", "e1", "e2", "e3", "e4"}));

  // startTime inclusive, endTime exclusive.
  Value range = Ok(&LogsService::GetLogEvents, S({{"logGroupName", "g"},
                                                  {"logStreamName", "s"},
                                                  {"startTime", t0 + 1000},
                                                  {"endTime", t0 + 3000},
                                                  {"startFromHead", true}}));
  EXPECT_EQ(Messages(range), (std::vector<std::string>{"e1", "e2"}));
  ExpectError(&LogsService::GetLogEvents,
              S({{"logGroupName", "g"}, {"logStreamName", "s"}, {"nextToken", "f/12"}}),
              "InvalidParameterException");
  ExpectError(&LogsService::GetLogEvents, S({{"logGroupName", "g"}, {"logStreamName", "x"}}),
              "ResourceNotFoundException", "The specified log stream does not exist.");
}

// ---- FilterLogEvents ----

TEST_F(LogsServiceTest, FilterLogEventsInterleavesAndMatches) {
  Group("g");
  Stream("g", "web-1");
  Stream("g", "web-2");
  Stream("g", "db");
  const std::int64_t t0 = Now() - kHour;
  Put("g", "web-1", {{t0, "[ERROR 400] BAD REQUEST"}, {t0 + 20, R"({"status":500,"path":"/x"})"}});
  Put("g", "web-2", {{t0 + 10, "INFO all good"}, {t0 + 30, "127.0.0.1 - frank GET 404 12"}});
  Put("g", "db", {{t0 + 5, "ERROR disk full"}});

  Value all = Ok(&LogsService::FilterLogEvents, S({{"logGroupName", "g"}}));
  EXPECT_EQ(Messages(all), (std::vector<std::string>{
                               "[ERROR 400] BAD REQUEST", "ERROR disk full", "INFO all good",
                               R"({"status":500,"path":"/x"})", "127.0.0.1 - frank GET 404 12"}));
  const Value& first = all.Find("events")->as_list()[0];
  EXPECT_EQ(first.GetString("logStreamName"), "web-1");
  EXPECT_EQ(first.GetString("eventId").size(), 56u);
  EXPECT_TRUE(all.Find("searchedLogStreams")->as_list().empty());
  EXPECT_EQ(all.Find("nextToken"), nullptr);

  EXPECT_EQ(Messages(Ok(&LogsService::FilterLogEvents,
                        S({{"logGroupName", "g"}, {"filterPattern", "ERROR"}}))),
            (std::vector<std::string>{"[ERROR 400] BAD REQUEST", "ERROR disk full"}));
  EXPECT_EQ(Messages(Ok(&LogsService::FilterLogEvents,
                        S({{"logGroupName", "g"}, {"filterPattern", "{ $.status >= 500 }"}}))),
            (std::vector<std::string>{R"({"status":500,"path":"/x"})"}));
  EXPECT_EQ(Messages(Ok(&LogsService::FilterLogEvents,
                        S({{"logGroupName", "g"},
                           {"filterPattern", "[ip, dash, user, verb, status=404, bytes]"}}))),
            (std::vector<std::string>{"127.0.0.1 - frank GET 404 12"}));
  EXPECT_EQ(Messages(Ok(&LogsService::FilterLogEvents, S({{"logGroupName", "g"},
                                                          {"logStreamNamePrefix", "web"},
                                                          {"filterPattern", "?ERROR ?INFO"}}))),
            (std::vector<std::string>{"[ERROR 400] BAD REQUEST", "INFO all good"}));
  EXPECT_EQ(Messages(Ok(&LogsService::FilterLogEvents,
                        S({{"logGroupName", "g"}, {"logStreamNames", L({"db", "web-2"})}}))),
            (std::vector<std::string>{"ERROR disk full", "INFO all good",
                                      "127.0.0.1 - frank GET 404 12"}));
  EXPECT_EQ(Messages(Ok(&LogsService::FilterLogEvents,
                        S({{"logGroupName", "g"}, {"startTime", t0 + 5}, {"endTime", t0 + 20}}))),
            (std::vector<std::string>{"ERROR disk full", "INFO all good"}));

  // Pages of 2 with nextToken cover everything exactly once; the last page has no token.
  std::vector<std::string> paged;
  Value input = S({{"logGroupName", "g"}, {"limit", 2}});
  int pages = 0;
  while (pages++ < 10) {
    Value out = Ok(&LogsService::FilterLogEvents, input);
    for (auto& m : Messages(out)) paged.push_back(m);
    if (out.Find("nextToken") == nullptr) break;
    input.Set("nextToken", *out.Find("nextToken"));
  }
  EXPECT_EQ(paged, Messages(all));
  EXPECT_EQ(pages, 3);

  ExpectError(&LogsService::FilterLogEvents,
              S({{"logGroupName", "g"}, {"filterPattern", "{ $.x = "}}),
              "InvalidParameterException");
  ExpectError(
      &LogsService::FilterLogEvents,
      S({{"logGroupName", "g"}, {"logStreamNames", L({"db"})}, {"logStreamNamePrefix", "w"}}),
      "InvalidParameterException");
  ExpectError(&LogsService::FilterLogEvents, S({{"logGroupName", "nope"}}),
              "ResourceNotFoundException");
}

}  // namespace
}  // namespace tw::services::logs
