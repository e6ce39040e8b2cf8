// SPDX-License-Identifier: Apache-2.0
// The CIS table: every pattern compiles with our filter-pattern engine, names are unique and
// within AWS's limits, the patterns match what the benchmark means them to (the reference's §5
// field table), including 4.1's precedence, and they find the real root-usage and console
// failure events of the shared corpus.
#include "cli/cis.h"

#include <gtest/gtest.h>

#include <set>

#include "cli/cloudtrail_files.h"
#include "services/logs/filter_pattern/filter_pattern.h"

namespace tw::cli {
namespace {

namespace fp = services::logs::filter_pattern;

const CisItem& Item(std::string_view number) {
  for (const CisItem& item : CisItems()) {
    if (item.number == number) return item;
  }
  ADD_FAILURE() << "no CIS item " << number;
  return CisItems().front();
}

bool Matches(std::string_view number, std::string_view record) {
  auto compiled = fp::Compile(Item(number).pattern);
  if (!compiled) return false;
  return fp::Match(*compiled, record).matched;
}

TEST(CisTableTest, FifteenItemsEveryPatternCompilesNamesAreUnique) {
  ASSERT_EQ(CisItems().size(), 15u);
  std::set<std::string> names;
  for (const CisItem& item : CisItems()) {
    auto compiled = fp::Compile(item.pattern);
    EXPECT_TRUE(compiled) << item.number << ": " << compiled.error().Describe();
    EXPECT_LE(item.pattern.size(), 1024u) << item.number;  // PutMetricFilter's limit
    EXPECT_TRUE(names.insert(CisFilterName(item)).second);
    EXPECT_TRUE(names.insert(CisAlarmName(item)).second);
    EXPECT_LE(CisFilterName(item).size(), 512u);
    EXPECT_EQ(CisMetricName(item), CisFilterName(item));
    EXPECT_TRUE(CisFilterName(item).starts_with("CIS-"));
  }
}

TEST(CisTableTest, PatternsMeanWhatTheBenchmarkSays) {
  // 4.1 parses as A || (B && C && D): the exclusions apply to AccessDenied only.
  EXPECT_TRUE(
      Matches("4.1", R"({"errorCode":"Client.UnauthorizedOperation","eventName":"HeadBucket"})"));
  EXPECT_TRUE(Matches(
      "4.1",
      R"({"errorCode":"AccessDenied","sourceIPAddress":"1.2.3.4","eventName":"GetObject"})"));
  EXPECT_FALSE(Matches(
      "4.1",
      R"({"errorCode":"AccessDenied","sourceIPAddress":"1.2.3.4","eventName":"HeadBucket"})"));
  EXPECT_FALSE(Matches("4.1", R"({"errorCode":"ThrottlingException"})"));
  EXPECT_TRUE(
      Matches("4.2", R"({"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No"}})"));
  EXPECT_FALSE(
      Matches("4.2", R"({"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"Yes"}})"));
  EXPECT_TRUE(Matches("4.3", R"({"userIdentity":{"type":"Root"},"eventType":"AwsApiCall"})"));
  EXPECT_FALSE(Matches(
      "4.3",
      R"({"userIdentity":{"type":"Root","invokedBy":"s3.amazonaws.com"},"eventType":"AwsApiCall"})"));
  EXPECT_FALSE(Matches("4.3", R"({"userIdentity":{"type":"Root"},"eventType":"AwsServiceEvent"})"));
  EXPECT_TRUE(Matches("4.4", R"({"eventName":"DetachGroupPolicy"})"));
  EXPECT_TRUE(Matches("4.5", R"({"eventName":"StopLogging"})"));
  EXPECT_TRUE(
      Matches("4.6", R"({"eventName":"ConsoleLogin","errorMessage":"Failed authentication"})"));
  EXPECT_TRUE(
      Matches("4.7", R"({"eventSource":"kms.amazonaws.com","eventName":"ScheduleKeyDeletion"})"));
  EXPECT_FALSE(Matches("4.7", R"({"eventSource":"kms.amazonaws.com","eventName":"Decrypt"})"));
  EXPECT_TRUE(
      Matches("4.8", R"({"eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy"})"));
  EXPECT_FALSE(
      Matches("4.8", R"({"eventSource":"ec2.amazonaws.com","eventName":"PutBucketPolicy"})"));
  EXPECT_TRUE(Matches(
      "4.9", R"({"eventSource":"config.amazonaws.com","eventName":"StopConfigurationRecorder"})"));
  EXPECT_TRUE(Matches("4.10", R"({"eventName":"ModifySecurityGroupRules"})"));
  EXPECT_TRUE(Matches("4.11", R"({"eventName":"ReplaceNetworkAclAssociation"})"));
  EXPECT_TRUE(Matches("4.12", R"({"eventName":"AttachInternetGateway"})"));
  EXPECT_TRUE(Matches("4.13", R"({"eventName":"DisassociateRouteTable"})"));
  EXPECT_TRUE(Matches("4.14", R"({"eventName":"EnableVpcClassicLink"})"));
  EXPECT_TRUE(Matches(
      "4.15", R"({"eventSource":"organizations.amazonaws.com","eventName":"LeaveOrganization"})"));
}

// Over the accepted files of the shared corpus: the one real root-usage event (2016) and the one
// real console authentication failure (2014) are found, as an independent reading of the
// records (userIdentity.type, invokedBy, eventType / eventName, errorMessage) counts them.
TEST(CisTableTest, FindsTheRealRootAndConsoleFailureEvents) {
  auto root = fp::Compile(Item("4.3").pattern);
  auto failure = fp::Compile(Item("4.6").pattern);
  ASSERT_TRUE(root && failure);
  int roots = 0, failures = 0;
  for (const FoundFile& f :
       FindCloudTrailFiles({std::string(TW_SHARED_DIR) + "/data/cloudtrail"}).files) {
    auto text = ReadLogFile(f.path);
    ASSERT_TRUE(text);
    auto file = ParseCloudTrailFile(*text);
    if (!file) continue;
    for (const std::string& record : file->records) {
      roots += fp::Match(*root, record).matched ? 1 : 0;
      failures += fp::Match(*failure, record).matched ? 1 : 0;
    }
  }
  EXPECT_EQ(roots, 1);
  EXPECT_EQ(failures, 1);
}

}  // namespace
}  // namespace tw::cli
