// SPDX-License-Identifier: Apache-2.0
// Whole-file validation of CloudTrail log files before import, the records the server stores
// (imported_record.h), file discovery in the S3 delivery layout, and every file of the shared
// corpus classified as the import will classify it.
#include "cli/cloudtrail_files.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "common/random.h"
#include "services/cloudtrail/imported_record.h"

namespace tw::cli {
namespace {

namespace fs = std::filesystem;

std::string Gzip(std::string_view text) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(static_cast<uLong>(text.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

constexpr char kRecord[] =
    R"({"eventVersion":"1.08","eventTime":"2023-07-10T11:54:39Z","eventSource":"iam.amazonaws.com",)"
    R"("eventName":"AttachUserPolicy","awsRegion":"us-east-1","eventID":"e-1",)"
    R"("recipientAccountId":"218007301253","readOnly":false,)"
    R"("userIdentity":{"type":"IAMUser","userName":"alice","accessKeyId":"AKIAX"},)"
    R"("requestParameters":{"userName":"bob","policyArn":"arn:aws:iam::aws:policy/Admin"}})";

TEST(CloudTrailFilesTest, AValidFileKeepsEveryRecordAndItsSpan) {
  std::string text = std::string(R"({"Records":[)") + kRecord + "," +
                     R"({"eventName":"GetUser","eventTime":"2023-07-10T11:50:00.123Z"}]})";
  auto file = ParseCloudTrailFile(text);
  ASSERT_TRUE(file) << file.error().message;
  ASSERT_EQ(file->records.size(), 2u);
  EXPECT_EQ(file->first_event_millis, 1688989800123);
  EXPECT_EQ(file->last_event_millis, 1688990079000);
}

TEST(CloudTrailFilesTest, BadFilesAreRejectedWhole) {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"not json", "not JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"records":[]})", "no Records array"},
      {R"({"Records":{}})", "no Records array"},
      {std::string(R"({"Records":[)") + kRecord + R"(,{"eventTime":"2023-07-10T11:54:39Z"}]})",
       "record 2 of 2: the record has no eventName"},
      {R"({"Records":[{"eventName":"X"}]})", "record 1 of 1: the record has no eventTime"},
      {R"({"Records":[{"eventName":"X","eventTime":"2019-01-01 00:00:00"}]})",
       "is not CloudTrail's"},
      {R"({"Records":[{"eventName":"X","eventTime":1690000000}]})", "has no eventTime"},
      {R"({"Records":["text"]})", "not a JSON object"},
  };
  for (const Case& c : cases) {
    auto file = ParseCloudTrailFile(c.text);
    ASSERT_FALSE(file) << c.text;
    EXPECT_NE(file.error().message.find(c.error), std::string::npos)
        << c.text << " -> " << file.error().message;
  }
}

TEST(CloudTrailFilesTest, GzipIsReadWholeAndBadGzipIsAnError) {
  const std::string text = R"({"Records":[]})";
  auto plain = Gunzip(Gzip(text));
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, text);
  // Two members, as `cat a.gz b.gz` makes.
  auto two = Gunzip(Gzip("ab") + Gzip("cd"));
  ASSERT_TRUE(two);
  EXPECT_EQ(*two, "abcd");
  std::string truncated = Gzip(std::string(5000, 'x'));
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(Gunzip(truncated));
  std::string corrupt = Gzip(text);
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  EXPECT_FALSE(Gunzip(corrupt));
}

class FilesOnDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tw-cli-files-" + SecureRandom().FromAlphabet("abcdef0123456789", 12));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void Write(const fs::path& path, const std::string& data) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << data;
  }
  fs::path dir_;
};

TEST_F(FilesOnDiskTest, S3LayoutIsFoundRecursivelyInOrder) {
  const fs::path base = dir_ / "AWSLogs/218007301253/CloudTrail/us-east-1/2023/07";
  const std::string body = std::string(R"({"Records":[)") + kRecord + "]}";
  Write(base / "11/b_CloudTrail_us-east-1_20230711T0000Z_x.json.gz", Gzip(body));
  Write(base / "10/a_CloudTrail_us-east-1_20230710T0000Z_y.json.gz", Gzip(body));
  Write(base / "10/digest.txt", "ignored");
  Write(dir_ / "plain.json", body);
  auto found = FindCloudTrailFiles({dir_.string(), (dir_ / "missing").string()});
  ASSERT_EQ(found.files.size(), 3u);
  EXPECT_NE(found.files[0].path.string().find("/2023/07/10/"), std::string::npos);
  EXPECT_NE(found.files[1].path.string().find("/2023/07/11/"), std::string::npos);
  ASSERT_EQ(found.errors.size(), 1u);
  EXPECT_NE(found.errors[0].find("missing"), std::string::npos);
  for (const FoundFile& f : found.files) {
    auto text = ReadLogFile(f.path);
    ASSERT_TRUE(text) << f.path;
    EXPECT_TRUE(ParseCloudTrailFile(*text));
  }
}

TEST_F(FilesOnDiskTest, GzNameWithoutGzipDataIsRejected) {
  Write(dir_ / "fake.json.gz", R"({"Records":[]})");
  auto text = ReadLogFile(dir_ / "fake.json.gz");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "not gzip data");
}

TEST(ImportedRecordTest, LookupFieldsAreDerivedLikeCloudTrail) {
  auto e = services::cloudtrail::ParseImportedRecord(kRecord, "eu-west-1");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->event_id, "e-1");
  EXPECT_EQ(e->event_name, "AttachUserPolicy");
  EXPECT_EQ(e->event_source, "iam.amazonaws.com");
  EXPECT_EQ(e->aws_region, "us-east-1");
  EXPECT_EQ(e->username, "alice");
  EXPECT_EQ(e->access_key_id, "AKIAX");
  EXPECT_EQ(e->recipient_account_id, "218007301253");
  EXPECT_FALSE(e->read_only);
  ASSERT_EQ(e->resources.size(), 2u);
  EXPECT_EQ(e->resources[0].type, "AWS::IAM::User");
  EXPECT_EQ(e->resources[0].name, "bob");
  EXPECT_EQ(e->record_json, kRecord);

  auto root = services::cloudtrail::ParseImportedRecord(
      R"({"eventName":"ListBuckets","eventTime":"2016-06-04T12:19:03Z","userIdentity":{"type":"Root"}})",
      "eu-west-1");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->username, "root");
  EXPECT_TRUE(root->read_only);              // inferred from the name
  EXPECT_EQ(root->aws_region, "eu-west-1");  // the default
  EXPECT_EQ(root->event_id.size(), 36u);     // derived from the record's digest, stable
  auto again = services::cloudtrail::ParseImportedRecord(
      R"({"eventName":"ListBuckets","eventTime":"2016-06-04T12:19:03Z","userIdentity":{"type":"Root"}})",
      "eu-west-1");
  EXPECT_EQ(again->event_id, root->event_id);

  auto role = services::cloudtrail::ParseImportedRecord(
      R"({"eventName":"GetObject","eventTime":"2020-01-01T00:00:00Z","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/R/session-7"}})",
      "us-east-1");
  ASSERT_TRUE(role);
  EXPECT_EQ(role->username, "session-7");
}

// The shared corpus as the import sees it: the files with Panther's normalised times, the S3
// guide's placeholder text and the CloudTrail guide's Insights events (no eventName) are
// rejected; every other file is accepted whole.
TEST(CloudTrailFilesTest, SharedCorpusClassification) {
  auto found = FindCloudTrailFiles({std::string(TW_SHARED_DIR) + "/data/cloudtrail"});
  ASSERT_GT(found.files.size(), 100u);
  std::vector<std::string> rejected;
  std::size_t records = 0;
  for (const FoundFile& f : found.files) {
    auto text = ReadLogFile(f.path);
    ASSERT_TRUE(text) << f.path;
    auto file = ParseCloudTrailFile(*text);
    if (!file) {
      rejected.push_back(f.path.filename().string());
      continue;
    }
    records += file->records.size();
  }
  std::sort(rejected.begin(), rejected.end());
  EXPECT_EQ(rejected, (std::vector<std::string>{
                          "amazon-s3-userguide.json.gz", "aws-cloudtrail-user-guide.json.gz",
                          "aws_cloudtrail_rule_tests_HEAD.json.gz",
                          "aws_cloudtrail_rule_tests_history_extra.json.gz"}));
  EXPECT_EQ(records, 3454u);
}

}  // namespace
}  // namespace tw::cli
