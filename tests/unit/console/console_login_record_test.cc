// SPDX-License-Identifier: Apache-2.0
// ConsoleLogin records as AWS writes them: success, failure, MFA, root and an unknown user name,
// checked field by field and against real ConsoleLogin records from ../shared/data/cloudtrail
// (the same fields, JSON types and userIdentity keys).
#include "console/console_login_record.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/json.hpp>
#include <set>

namespace tw::console {
namespace {

namespace json = boost::json;

constexpr std::int64_t kTime = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

ConsoleLoginAttempt Alice(bool success) {
  ConsoleLoginAttempt a;
  a.who = ConsoleLoginAttempt::Who::kIamUser;
  a.account_id = "111122223333";
  a.user_name = "alice";
  a.user_id = "AIDAEXAMPLEEXAMPLE00";
  a.arn = "arn:aws:iam::111122223333:user/alice";
  a.success = success;
  if (!success) a.error_message = std::string(kFailedAuthentication);
  a.login_to = "http://127.0.0.1:4566/console/";
  a.source_ip = "192.0.2.10";
  a.user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
  a.event_id = "3fcfb182-98f8-4744-bd45-10a395ab61cb";
  a.event_time_millis = kTime;
  return a;
}

json::object Record(const pipeline::TrailEvent& event) {
  return json::parse(event.record_json).as_object();
}

std::set<std::string> Keys(const json::object& o) {
  std::set<std::string> keys;
  for (const auto& f : o) keys.insert(std::string(f.key()));
  return keys;
}

TEST(ConsoleLoginRecordTest, SuccessfulIamUser) {
  pipeline::TrailEvent event = BuildConsoleLoginEvent(Alice(true));
  EXPECT_EQ(event.event_name, "ConsoleLogin");
  EXPECT_EQ(event.event_source, "signin.amazonaws.com");
  EXPECT_EQ(event.aws_region, "us-east-1");
  EXPECT_EQ(event.username, "alice");
  EXPECT_FALSE(event.read_only);
  EXPECT_TRUE(event.error_code.empty());
  json::object r = Record(event);
  EXPECT_EQ(r.at("eventType"), "AwsConsoleSignIn");
  EXPECT_EQ(r.at("eventName"), "ConsoleLogin");
  EXPECT_EQ(r.at("eventSource"), "signin.amazonaws.com");
  EXPECT_EQ(r.at("eventTime"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(r.at("sourceIPAddress"), "192.0.2.10");
  EXPECT_EQ(r.at("userAgent"), "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0");
  EXPECT_TRUE(r.at("requestParameters").is_null());
  EXPECT_EQ(r.at("responseElements").at("ConsoleLogin"), "Success");
  EXPECT_FALSE(r.contains("errorMessage"));
  EXPECT_FALSE(r.contains("errorCode"));
  const json::object& extra = r.at("additionalEventData").as_object();
  EXPECT_EQ(extra.at("LoginTo"), "http://127.0.0.1:4566/console/");
  EXPECT_EQ(extra.at("MobileVersion"), "No");
  EXPECT_EQ(extra.at("MFAUsed"), "No");
  EXPECT_FALSE(extra.contains("MFAIdentifier"));
  const json::object& id = r.at("userIdentity").as_object();
  EXPECT_EQ(id.at("type"), "IAMUser");
  EXPECT_EQ(id.at("principalId"), "AIDAEXAMPLEEXAMPLE00");
  EXPECT_EQ(id.at("arn"), "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(id.at("accountId"), "111122223333");
  EXPECT_EQ(id.at("userName"), "alice");
  EXPECT_EQ(r.at("recipientAccountId"), "111122223333");
  EXPECT_EQ(r.at("eventCategory"), "Management");
  EXPECT_EQ(r.at("managementEvent"), true);
}

TEST(ConsoleLoginRecordTest, FailedIamUserMatchesTheTutorialMetricFilter) {
  json::object r = Record(BuildConsoleLoginEvent(Alice(false)));
  // { ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }
  EXPECT_EQ(r.at("eventName"), "ConsoleLogin");
  EXPECT_EQ(r.at("errorMessage"), "Failed authentication");
  EXPECT_FALSE(r.contains("errorCode"));
  EXPECT_EQ(r.at("responseElements").at("ConsoleLogin"), "Failure");
  const json::object& id = r.at("userIdentity").as_object();
  // AWS leaves the ARN out of a failed IAM user's record and writes an empty access key id.
  EXPECT_FALSE(id.contains("arn"));
  EXPECT_EQ(id.at("accessKeyId"), "");
  EXPECT_EQ(id.at("userName"), "alice");
  EXPECT_EQ(id.at("principalId"), "AIDAEXAMPLEEXAMPLE00");
}

TEST(ConsoleLoginRecordTest, MfaUsed) {
  ConsoleLoginAttempt a = Alice(true);
  a.mfa_used = true;
  a.mfa_identifier = "arn:aws:iam::111122223333:mfa/alice";
  json::object r = Record(BuildConsoleLoginEvent(a));
  const json::object& extra = r.at("additionalEventData").as_object();
  EXPECT_EQ(extra.at("MFAUsed"), "Yes");
  EXPECT_EQ(extra.at("MFAIdentifier"), "arn:aws:iam::111122223333:mfa/alice");
  // A wrong code: a failure with MFAUsed Yes, as AWS's example shows.
  ConsoleLoginAttempt f = Alice(false);
  f.mfa_used = true;
  json::object fr = Record(BuildConsoleLoginEvent(f));
  EXPECT_EQ(fr.at("additionalEventData").at("MFAUsed"), "Yes");
  EXPECT_FALSE(fr.at("additionalEventData").as_object().contains("MFAIdentifier"));
  EXPECT_EQ(fr.at("errorMessage"), "Failed authentication");
}

TEST(ConsoleLoginRecordTest, UnknownUserIsHidden) {
  ConsoleLoginAttempt a = Alice(false);
  a.who = ConsoleLoginAttempt::Who::kUnknownUser;
  a.user_name = "mallory-guess";
  a.user_id.clear();
  a.arn.clear();
  a.error_message = std::string(kNoSuchUsername);
  pipeline::TrailEvent event = BuildConsoleLoginEvent(a);
  EXPECT_EQ(event.username, "HIDDEN_DUE_TO_SECURITY_REASONS");
  EXPECT_EQ(event.record_json.find("mallory-guess"), std::string::npos);
  json::object r = Record(event);
  const json::object& id = r.at("userIdentity").as_object();
  EXPECT_EQ(Keys(id), (std::set<std::string>{"type", "accountId", "accessKeyId", "userName"}));
  EXPECT_EQ(id.at("type"), "IAMUser");
  EXPECT_EQ(id.at("userName"), "HIDDEN_DUE_TO_SECURITY_REASONS");
  EXPECT_EQ(id.at("accessKeyId"), "");
  EXPECT_EQ(r.at("errorMessage"), "No username found in supplied account");
  EXPECT_EQ(r.at("responseElements").at("ConsoleLogin"), "Failure");
}

TEST(ConsoleLoginRecordTest, Root) {
  ConsoleLoginAttempt a = Alice(true);
  a.who = ConsoleLoginAttempt::Who::kRoot;
  a.user_name.clear();
  a.user_id = "111122223333";
  a.arn = "arn:aws:iam::111122223333:root";
  pipeline::TrailEvent event = BuildConsoleLoginEvent(a);
  EXPECT_EQ(event.username, "root");
  json::object r = Record(event);
  const json::object& id = r.at("userIdentity").as_object();
  EXPECT_EQ(id.at("type"), "Root");
  EXPECT_EQ(id.at("principalId"), "111122223333");
  EXPECT_EQ(id.at("arn"), "arn:aws:iam::111122223333:root");
  EXPECT_EQ(id.at("accessKeyId"), "");
  EXPECT_FALSE(id.contains("userName"));
}

std::string Gunzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) return {};
  std::string out;
  char buffer[65536];
  int n;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) out.append(buffer, std::size_t(n));
  gzclose(file);
  return out;
}

// The real ConsoleLogin records of AWS's CloudTrail user guide: Success and Failure for an IAM
// user and for root. Ours have every field they have, with the same JSON types (recent fields such
// as readOnly and eventCategory are extra), and the same userIdentity keys.
TEST(ConsoleLoginRecordTest, MatchesRealAwsRecords) {
  std::string text = Gunzip(std::string(TW_SHARED_DIR) +
                            "/data/cloudtrail/awsdocs/aws-cloudtrail-user-guide.json.gz");
  ASSERT_FALSE(text.empty()) << "shared CloudTrail data missing";
  json::value doc = json::parse(text);
  int compared = 0;
  for (const json::value& v : doc.at("Records").as_array()) {
    const json::object& real = v.as_object();
    if (!real.contains("eventName") || real.at("eventName") != "ConsoleLogin") continue;
    const json::object& real_id = real.at("userIdentity").as_object();
    const bool success = real.at("responseElements").at("ConsoleLogin") == "Success";
    ConsoleLoginAttempt a = Alice(success);
    if (real_id.at("type") == "Root") {
      a.who = ConsoleLoginAttempt::Who::kRoot;
      a.arn = "arn:aws:iam::111122223333:root";
    }
    const json::object& real_extra = real.at("additionalEventData").as_object();
    a.mfa_used = real_extra.at("MFAUsed") != "No";
    if (a.mfa_used && real_extra.contains("MFAIdentifier")) {
      a.mfa_identifier = "arn:aws:iam::111122223333:mfa/alice";
    }
    json::object ours = Record(BuildConsoleLoginEvent(a));
    for (const auto& field : real) {
      ASSERT_TRUE(ours.contains(field.key())) << field.key() << " in " << json::serialize(real);
      EXPECT_EQ(ours.at(field.key()).kind(), field.value().kind()) << field.key();
    }
    EXPECT_EQ(Keys(ours.at("additionalEventData").as_object()), Keys(real_extra));
    // userIdentity: AWS's success example for an IAM user leaves accessKeyId out; its failure and
    // root examples carry it empty.
    EXPECT_EQ(Keys(ours.at("userIdentity").as_object()), Keys(real_id)) << json::serialize(real);
    EXPECT_EQ(ours.at("eventType"), "AwsConsoleSignIn");
    ++compared;
  }
  EXPECT_GE(compared, 4);
}

}  // namespace
}  // namespace tw::console
