// SPDX-License-Identifier: Apache-2.0
// The client plumbing: AWS errors read from JSON and XML answers, signed requests (through a fake
// transport), and the progress line.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/aws_client.h"
#include "cli/progress.h"

namespace tw::cli {
namespace {

TEST(AwsClientTest, ErrorsFromJsonXmlAndQueryErrorHeader) {
  AwsError json = AwsClient::ErrorFromAnswer(
      {400, R"({"__type":"com.amazonaws.logs#ResourceNotFoundException","message":"gone"})", ""});
  EXPECT_EQ(json.code, "ResourceNotFoundException");
  EXPECT_EQ(json.message, "gone");
  AwsError xml = AwsClient::ErrorFromAnswer(
      {400,
       "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>bad "
       "&quot;x&quot;</Message></Error></ErrorResponse>",
       ""});
  EXPECT_EQ(xml.code, "ValidationError");
  EXPECT_EQ(xml.message, "bad \"x\"");
  AwsError header = AwsClient::ErrorFromAnswer(
      {400, R"({"__type":"InvalidParameterValueException","Message":"m"})",
       "InvalidParameterValue;Sender"});
  EXPECT_EQ(header.code, "InvalidParameterValue");
  EXPECT_EQ(header.message, "m");
  AwsError plain = AwsClient::ErrorFromAnswer({502, "Bad Gateway", ""});
  EXPECT_EQ(plain.code, "HTTP502");
}

TEST(AwsClientTest, RequestsAreSignedForTheServiceAndRegion) {
  std::vector<std::pair<std::string, std::string>> seen;
  std::string seen_url;
  std::string seen_body;
  ClientCredentials credentials{"AKIDEXAMPLE", "secret", std::string("tok"), "eu-west-1", "test"};
  AwsClient client("http://127.0.0.1:4566/", credentials,
                   [&](const std::string& url, const auto& headers,
                       const std::string& body) -> Result<HttpAnswer> {
                     seen_url = url;
                     seen = headers;
                     seen_body = body;
                     return HttpAnswer{200, R"({"ok":1})", ""};
                   });
  boost::json::object body;
  body["logGroupName"] = "G";
  auto answer = client.CallJson("logs", "Logs_20140328", "DescribeLogGroups", "1.1", body);
  ASSERT_TRUE(answer);
  EXPECT_EQ(seen_url, "http://127.0.0.1:4566/");
  EXPECT_EQ(seen_body, R"({"logGroupName":"G"})");
  std::map<std::string, std::string> h(seen.begin(), seen.end());
  EXPECT_EQ(h["X-Amz-Target"], "Logs_20140328.DescribeLogGroups");
  EXPECT_EQ(h["Content-Type"], "application/x-amz-json-1.1");
  EXPECT_EQ(h["X-Amz-Security-Token"], "tok");
  EXPECT_NE(h["Authorization"].find("Credential=AKIDEXAMPLE/"), std::string::npos);
  EXPECT_NE(h["Authorization"].find("/eu-west-1/logs/aws4_request"), std::string::npos);

  AwsClient failing("http://x", credentials, [](const auto&, const auto&, const auto&) {
    return Result<HttpAnswer>(
        HttpAnswer{403, R"({"__type":"AccessDeniedException","message":"no"})", ""});
  });
  auto denied = failing.CallQuery("monitoring", "2010-08-01", "DescribeAlarms", {});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "AccessDeniedException");
}

TEST(ProgressTest, LineAndModes) {
  ProgressCounts c{5, 10, 512 * 1024, 1024 * 1024, 2000};
  std::string line = ProgressLine(c, 2.0, true, 120);
  EXPECT_NE(line.find("50% files 5/10"), std::string::npos) << line;
  EXPECT_NE(line.find("events 2000"), std::string::npos);
  EXPECT_NE(line.find("512.0 KiB/1.0 MiB"), std::string::npos);
  EXPECT_NE(line.find("1000 events/s"), std::string::npos);
  EXPECT_NE(line.find("ETA 2s"), std::string::npos);
  EXPECT_EQ(line.find('['), 0u);
  EXPECT_LE(ProgressLine(c, 2.0, true, 60).size(), 60u);
  EXPECT_EQ(FormatDuration(125), "2m05s");
  EXPECT_EQ(FormatBytes(812), "812 B");

  std::ostringstream tty;
  Progress bar(tty, true);
  bar.Update(c, 0.5);
  bar.Update(c, 0.52);  // within 0.1 s: not redrawn
  bar.Message("skipped x");
  bar.Finish();
  EXPECT_EQ(tty.str().find("\r\033[2K["), 0u);
  EXPECT_NE(tty.str().find("\r\033[2Kskipped x\n"), std::string::npos);

  std::ostringstream plain;
  Progress lines(plain, false, 5.0);
  lines.Update(c, 0);
  lines.Update(c, 1);  // not due
  lines.Update(c, 6);
  lines.Update(c, 6.5, true);
  const std::string text = plain.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
  EXPECT_EQ(text.find('\033'), std::string::npos);
}

}  // namespace
}  // namespace tw::cli
