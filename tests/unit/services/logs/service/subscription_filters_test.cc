// SPDX-License-Identifier: Apache-2.0
// CloudWatch Logs subscription filters: Put/Describe/Delete with AWS's validation (pattern,
// destination kinds and ownership, role, the limit of 2 per group), and delivery at ingestion,
// which fails with "destination type not supported" and is reported in the log, never dropped
// silently.
#include "logs_test_fixture.h"

namespace tw::services::logs {
namespace {

using namespace testing_support;  // NOLINT: the shared fixture and its helpers

constexpr char kKinesis[] = "arn:aws:kinesis:us-east-1:000000000000:stream/trail-events";
constexpr char kRole[] = "arn:aws:iam::000000000000:role/CWLtoKinesisRole";

Value Sub(std::string name, std::string pattern, std::string destination = kKinesis,
          std::optional<std::string> role = std::string(kRole)) {
  Value v = S({{"logGroupName", "trail"},
               {"filterName", name},
               {"filterPattern", pattern},
               {"destinationArn", destination}});
  if (role) v.Set("roleArn", *role);
  return v;
}

TEST_F(LogsServiceTest, SubscriptionFilterLifecycle) {
  ExpectError(&LogsService::PutSubscriptionFilter, Sub("f", ""), "ResourceNotFoundException",
              "The specified log group does not exist.");
  Group("trail");
  Ok(&LogsService::PutSubscriptionFilter, Sub("to-kinesis", "{ $.eventName = ConsoleLogin }"));
  Value lambda = Sub("to-lambda", "ERROR", "arn:aws:lambda:us-east-1:000000000000:function:handler",
                     std::nullopt);
  lambda.Set("distribution", "Random");
  Ok(&LogsService::PutSubscriptionFilter, lambda);

  Value described = Ok(&LogsService::DescribeSubscriptionFilters, S({{"logGroupName", "trail"}}));
  const auto& filters = described.Find("subscriptionFilters")->as_list();
  ASSERT_EQ(filters.size(), 2u);
  EXPECT_EQ(filters[0].GetString("filterName"), "to-kinesis");
  EXPECT_EQ(filters[0].GetString("logGroupName"), "trail");
  EXPECT_EQ(filters[0].GetString("filterPattern"), "{ $.eventName = ConsoleLogin }");
  EXPECT_EQ(filters[0].GetString("destinationArn"), kKinesis);
  EXPECT_EQ(filters[0].GetString("roleArn"), kRole);
  EXPECT_EQ(filters[0].GetString("distribution"), "ByLogStream");
  EXPECT_EQ(filters[0].Find("creationTime")->as_integer(), Now());
  EXPECT_EQ(filters[1].GetString("filterName"), "to-lambda");
  EXPECT_EQ(filters[1].GetString("distribution"), "Random");
  EXPECT_EQ(filters[1].Find("roleArn"), nullptr);

  // A third is over AWS's quota of 2; replacing one by name is not a new one and keeps its
  // creation time.
  ExpectError(&LogsService::PutSubscriptionFilter, Sub("third", ""), "LimitExceededException",
              "Resource limit exceeded.");
  const std::int64_t created = Now();
  clock_.Advance(5000);
  Ok(&LogsService::PutSubscriptionFilter, Sub("to-kinesis", "ERROR"));
  described = Ok(&LogsService::DescribeSubscriptionFilters,
                 S({{"logGroupName", "trail"}, {"filterNamePrefix", "to-k"}}));
  ASSERT_EQ(described.Find("subscriptionFilters")->as_list().size(), 1u);
  EXPECT_EQ(described.Find("subscriptionFilters")->as_list()[0].GetString("filterPattern"),
            "ERROR");
  EXPECT_EQ(described.Find("subscriptionFilters")->as_list()[0].Find("creationTime")->as_integer(),
            created);

  Value page =
      Ok(&LogsService::DescribeSubscriptionFilters, S({{"logGroupName", "trail"}, {"limit", 1}}));
  ASSERT_NE(page.Find("nextToken"), nullptr);
  Value page2 =
      Ok(&LogsService::DescribeSubscriptionFilters,
         S({{"logGroupName", "trail"}, {"limit", 1}, {"nextToken", *page.Find("nextToken")}}));
  ASSERT_EQ(page2.Find("subscriptionFilters")->as_list().size(), 1u);
  EXPECT_EQ(page2.Find("subscriptionFilters")->as_list()[0].GetString("filterName"), "to-lambda");
  EXPECT_EQ(page2.Find("nextToken"), nullptr);
  ExpectError(&LogsService::DescribeSubscriptionFilters,
              S({{"logGroupName", "trail"}, {"nextToken", "garbage"}}),
              "InvalidParameterException");
  ExpectError(&LogsService::DescribeSubscriptionFilters, S({{"logGroupName", "nope"}}),
              "ResourceNotFoundException", "The specified log group does not exist.");

  Ok(&LogsService::DeleteSubscriptionFilter,
     S({{"logGroupName", "trail"}, {"filterName", "to-lambda"}}));
  ExpectError(&LogsService::DeleteSubscriptionFilter,
              S({{"logGroupName", "trail"}, {"filterName", "to-lambda"}}),
              "ResourceNotFoundException", "The specified subscription filter does not exist.");
  ExpectError(&LogsService::DeleteSubscriptionFilter,
              S({{"logGroupName", "nope"}, {"filterName", "x"}}), "ResourceNotFoundException",
              "The specified log group does not exist.");
  // With one deleted there is room again.
  Ok(&LogsService::PutSubscriptionFilter, Sub("third", ""));
}

TEST_F(LogsServiceTest, SubscriptionFilterValidation) {
  Group("trail");
  auto bad = Call(&LogsService::PutSubscriptionFilter, Sub("f", "{ $.eventName = "));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidParameterException");
  EXPECT_NE(bad.error().message.find("filter pattern"), std::string::npos) << bad.error().message;
  // Unsupported pattern constructs are refused, never matched silently.
  ExpectError(&LogsService::PutSubscriptionFilter, Sub("f", "{ $.a[*] = 1 }"),
              "InvalidParameterException");

  // Destination kinds.
  for (const char* arn : {"arn:aws:sqs:us-east-1:000000000000:queue", "arn:aws:s3:::bucket",
                          "not-an-arn", "arn:aws:kinesis:us-east-1:000000000000:table/x",
                          "arn:aws:lambda:us-east-1:000000000000:layer:x"}) {
    ExpectError(&LogsService::PutSubscriptionFilter, Sub("f", "", arn),
                "InvalidParameterException");
  }
  Ok(&LogsService::PutSubscriptionFilter,
     Sub("firehose", "", "arn:aws:firehose:us-east-1:000000000000:deliverystream/d"));
  Ok(&LogsService::DeleteSubscriptionFilter,
     S({{"logGroupName", "trail"}, {"filterName", "firehose"}}));
  // Kinesis, Firehose and Lambda must be the caller's own, in the group's Region; another
  // account is reached through a Logs destination (which needs no role).
  ExpectError(&LogsService::PutSubscriptionFilter,
              Sub("f", "", "arn:aws:kinesis:us-east-1:111111111111:stream/s"),
              "InvalidParameterException");
  ExpectError(&LogsService::PutSubscriptionFilter,
              Sub("f", "", "arn:aws:lambda:eu-west-1:000000000000:function:f", std::nullopt),
              "InvalidParameterException");
  Ok(&LogsService::PutSubscriptionFilter,
     Sub("cross", "", "arn:aws:logs:us-east-1:111111111111:destination:central", std::nullopt));
  Ok(&LogsService::DeleteSubscriptionFilter,
     S({{"logGroupName", "trail"}, {"filterName", "cross"}}));

  // Kinesis and Firehose need a role; a role must be an IAM role ARN.
  ExpectError(&LogsService::PutSubscriptionFilter, Sub("f", "", kKinesis, std::nullopt),
              "InvalidParameterException",
              "A roleArn is required for a Kinesis Data Streams destination.");
  ExpectError(&LogsService::PutSubscriptionFilter,
              Sub("f", "", kKinesis, "arn:aws:iam::000000000000:user/bob"),
              "InvalidParameterException");

  Value transformed = Sub("f", "");
  transformed.Set("applyOnTransformedLogs", true);
  ExpectError(&LogsService::PutSubscriptionFilter, transformed, "InvalidParameterException");
  Value described = Ok(&LogsService::DescribeSubscriptionFilters, S({{"logGroupName", "trail"}}));
  EXPECT_TRUE(described.Find("subscriptionFilters")->as_list().empty());
}

TEST_F(LogsServiceTest, RegexQuotaCountsMetricAndSubscriptionFiltersTogether) {
  Group("trail");
  for (int i = 0; i < 4; ++i) {
    Ok(&LogsService::PutMetricFilter,
       S({{"logGroupName", "trail"},
          {"filterName", "m" + std::to_string(i)},
          {"filterPattern", "%ERROR" + std::to_string(i) + "%"},
          {"metricTransformations",
           L({S({{"metricName", "m"}, {"metricNamespace", "n"}, {"metricValue", "1"}})})}}));
  }
  Ok(&LogsService::PutSubscriptionFilter, Sub("regex-sub", "%WARN%"));
  // Five regex filters now: a sixth of either kind is refused, a plain one is not.
  ExpectError(&LogsService::PutSubscriptionFilter, Sub("second", "%FATAL%"),
              "LimitExceededException");
  ExpectError(&LogsService::PutMetricFilter,
              S({{"logGroupName", "trail"},
                 {"filterName", "m9"},
                 {"filterPattern", "%FATAL%"},
                 {"metricTransformations",
                  L({S({{"metricName", "m"}, {"metricNamespace", "n"}, {"metricValue", "1"}})})}}),
              "LimitExceededException");
  Ok(&LogsService::PutSubscriptionFilter, Sub("second", "FATAL"));
  // Replacing the regex subscription filter by name is not a sixth.
  Ok(&LogsService::PutSubscriptionFilter, Sub("regex-sub", "%PANIC%"));
}

TEST_F(LogsServiceTest, SubscriptionDeliveryFailsLoudly) {
  Group("trail");
  Stream("trail", "s");
  Ok(&LogsService::PutSubscriptionFilter, Sub("logins", "{ $.eventName = ConsoleLogin }"));
  const std::string login = R"({"eventName":"ConsoleLogin"})";
  const std::string other = R"({"eventName":"ListUsers"})";
  info_lines_.clear();
  Put("trail", "s", {{Now(), login}, {Now(), other}, {Now(), login}});
  EXPECT_EQ(service_->subscriptions().undelivered(), 2);
  ASSERT_EQ(info_lines_.size(), 1u);
  EXPECT_EQ(info_lines_[0],
            "logs: subscription filter \"logins\" of log group \"trail\" could not deliver 2 "
            "matching log event(s) to " +
                std::string(kKinesis) +
                ": destination type not supported (trailwatch has no Kinesis Data Streams)");

  // Within the minute: counted, not logged again; after it, one line with the count since.
  Put("trail", "s", {{Now(), login}});
  Put("trail", "s", {{Now(), other}});
  EXPECT_EQ(service_->subscriptions().undelivered(), 3);
  EXPECT_EQ(info_lines_.size(), 1u);
  clock_.Advance(61'000);
  Put("trail", "s", {{Now(), login}});
  EXPECT_EQ(service_->subscriptions().undelivered(), 4);
  ASSERT_EQ(info_lines_.size(), 2u);
  EXPECT_NE(info_lines_[1].find("could not deliver 2 matching"), std::string::npos)
      << info_lines_[1];

  // A changed filter is seen by the next batch; a deleted one delivers nothing.
  Ok(&LogsService::PutSubscriptionFilter, Sub("logins", "{ $.eventName = ListUsers }"));
  Put("trail", "s", {{Now(), login}, {Now(), other}});
  EXPECT_EQ(service_->subscriptions().undelivered(), 5);
  Ok(&LogsService::DeleteSubscriptionFilter,
     S({{"logGroupName", "trail"}, {"filterName", "logins"}}));
  Put("trail", "s", {{Now(), other}});
  EXPECT_EQ(service_->subscriptions().undelivered(), 5);
}

}  // namespace
}  // namespace tw::services::logs
