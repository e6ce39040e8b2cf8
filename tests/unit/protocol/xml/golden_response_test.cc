// SPDX-License-Identifier: Apache-2.0
// Response and error documents compared with fixtures under tests/golden/protocol/*/responses/.
// Each fixture was checked once with botocore's own parsers
// (tests/golden/protocol/verify_responses.py holds the dicts botocore must return for them).
// TW_UPDATE_GOLDEN=1 rewrites the fixtures; re-run the script after doing so.
#include <gtest/gtest.h>

#include <fstream>

#include "golden_util.h"
#include "protocol/query/query_codec.h"
#include "protocol/rest_xml/rest_xml_codec.h"

namespace tw::protocol {
namespace {

using S = Value::Entries;
Value Struct(S members) { return Value::MakeStructure(std::move(members)); }
Value List(Value::List items) { return Value::MakeList(std::move(items)); }
Value Map(S entries) { return Value::MakeMap(std::move(entries)); }
// 2024-03-01T12:30:05Z
constexpr std::int64_t kT = 1709296205000;

void Check(const std::string& protocol, const std::string& name, const http::HttpResponse& r) {
  auto dir = testing::GoldenDir(protocol) / "responses";
  auto path = dir / (name + ".response");
  std::string rendered = testing::RenderResponse(r);
  if (testing::UpdateGolden()) {
    std::filesystem::create_directories(dir);
    std::ofstream(path, std::ios::binary) << rendered;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  EXPECT_EQ(rendered, testing::ReadFileBytes(path)) << name;
}

const ServiceModel& Svc(std::string_view name) { return *ServiceCatalog::Embedded().Find(name); }
const Operation& Op(std::string_view svc, std::string_view op) {
  return *Svc(svc).FindOperation(op);
}

ResponseMeta Meta(std::string method = "POST") {
  return ResponseMeta{"7a62c49f-347e-4fc4-9331-6e8eEXAMPLE", std::move(method)};
}

TEST(GoldenResponseTest, Query) {
  QueryCodec c;
  Check(
      "query", "iam_create_user",
      c.WriteResponse(
          Svc("iam"), Op("iam", "CreateUser"),
          Struct(
              {{"User",
                Struct({{"Path", "/division/"},
                        {"UserName", "alice"},
                        {"UserId", "AIDAEXAMPLE"},
                        {"Arn", "arn:aws:iam::123456789012:user/division/alice"},
                        {"CreateDate", Timestamp{kT}},
                        {"PermissionsBoundary", Struct({{"PermissionsBoundaryType", "Policy"},
                                                        {"PermissionsBoundaryArn",
                                                         "arn:aws:iam::123456789012:policy/b"}})},
                        {"Tags", List({Struct({{"Key", "team"}, {"Value", "a<b & \"c\""}})})}})}}),
          Meta()));
  Check("query", "sts_get_caller_identity",
        c.WriteResponse(Svc("sts"), Op("sts", "GetCallerIdentity"),
                        Struct({{"UserId", "AIDAEXAMPLE"},
                                {"Account", "123456789012"},
                                {"Arn", "arn:aws:iam::123456789012:user/alice"}}),
                        Meta()));
  Check("query", "sns_get_topic_attributes",
        c.WriteResponse(
            Svc("sns"), Op("sns", "GetTopicAttributes"),
            Struct({{"Attributes",
                     Map({{"DisplayName", "Ops"}, {"Policy", "{\"a\":1}"}, {"Empty", ""}})}}),
            Meta()));
  Check("query", "iam_delete_user",
        c.WriteResponse(Svc("iam"), Op("iam", "DeleteUser"), Struct({}), Meta()));
  Check("query", "cloudwatch_describe_alarms",
        c.WriteResponse(
            Svc("cloudwatch"), Op("cloudwatch", "DescribeAlarms"),
            Struct({{"MetricAlarms",
                     List({Struct({{"AlarmName", "root-login"},
                                   {"ActionsEnabled", true},
                                   {"AlarmActions", List({"arn:aws:sns:us-east-1:1:t"})},
                                   {"StateValue", "ALARM"},
                                   {"StateUpdatedTimestamp", Timestamp{kT + 123}},
                                   {"Dimensions", List({Struct({{"Name", "A"}, {"Value", "1"}})})},
                                   {"EvaluationPeriods", 1},
                                   {"Threshold", 0.1},
                                   {"Period", 300}})})},
                    {"CompositeAlarms", List({})}}),
            Meta()));
  Check("query", "cloudwatch_get_metric_statistics",
        c.WriteResponse(Svc("cloudwatch"), Op("cloudwatch", "GetMetricStatistics"),
                        Struct({{"Label", "Latency"},
                                {"Datapoints", List({Struct({{"Timestamp", Timestamp{kT}},
                                                             {"Average", 3.3333333333333335},
                                                             {"Maximum", 1e300},
                                                             {"SampleCount", 3.0},
                                                             {"Unit", "Milliseconds"}})})}}),
                        Meta()));
  Check("query", "error_iam_no_such_entity",
        c.WriteError(Svc("iam"),
                     AwsError::Make("NoSuchEntity", 404, "The user with name bob cannot be found."),
                     Meta()));
  Check("query", "error_sns_internal",
        c.WriteError(Svc("sns"), AwsError::From(ErrorCode::kInternalError, "boom"), Meta()));
}

TEST(GoldenResponseTest, RestXml) {
  RestXmlCodec c;
  const ServiceModel& s3 = Svc("s3");
  Value owner = Struct({{"DisplayName", "alice"}, {"ID", "abc123"}});
  Check("rest_xml", "s3_list_objects_v2",
        c.WriteResponse(
            s3, Op("s3", "ListObjectsV2"),
            Struct({{"Name", "trail-logs"},
                    {"Prefix", "AWSLogs/"},
                    {"KeyCount", 2},
                    {"MaxKeys", 1000},
                    {"Delimiter", "/"},
                    {"IsTruncated", false},
                    {"Contents", List({Struct({{"Key", "AWSLogs/a.json"},
                                               {"LastModified", Timestamp{kT}},
                                               {"ETag", "\"9b2cf535f27731c974343645a3985328\""},
                                               {"Size", std::int64_t{5000000000}},
                                               {"StorageClass", "STANDARD"},
                                               {"Owner", owner}}),
                                       Struct({{"Key", "AWSLogs/b&c.json"},
                                               {"LastModified", Timestamp{kT + 7}},
                                               {"ETag", "\"x\""},
                                               {"Size", 0},
                                               {"ChecksumAlgorithm", List({"CRC32"})}})})},
                    {"CommonPrefixes", List({Struct({{"Prefix", "AWSLogs/sub/"}})})},
                    {"EncodingType", "url"},
                    {"RequestCharged", "requester"}}),
            Meta("GET")));
  Check("rest_xml", "s3_get_bucket_acl",
        c.WriteResponse(
            s3, Op("s3", "GetBucketAcl"),
            Struct({{"Owner", owner},
                    {"Grants",
                     List({Struct({{"Grantee", Struct({{"DisplayName", "alice"},
                                                       {"ID", "abc123"},
                                                       {"Type", "CanonicalUser"}})},
                                   {"Permission", "FULL_CONTROL"}}),
                           Struct({{"Grantee",
                                    Struct({{"Type", "Group"},
                                            {"URI",
                                             "http://acs.amazonaws.com/groups/global/AllUsers"}})},
                                   {"Permission", "READ"}})})}}),
            Meta("GET")));
  Check("rest_xml", "s3_get_object",
        c.WriteResponse(s3, Op("s3", "GetObject"),
                        Struct({{"Body", Blob{std::string("\x00\x01payload", 9)}},
                                {"ContentType", "application/octet-stream"},
                                {"ContentLength", 9},
                                {"ETag", "\"abc\""},
                                {"LastModified", Timestamp{kT}},
                                {"Metadata", Map({{"owner", "me"}, {"trail-arn", "arn:x"}})},
                                {"AcceptRanges", "bytes"},
                                {"DeleteMarker", false},
                                {"MissingMeta", 0}}),
                        Meta("GET")));
  // A Content-Range in the output makes the answer 206 Partial Content (S3's ranged GET).
  Check("rest_xml", "s3_get_object_partial",
        c.WriteResponse(s3, Op("s3", "GetObject"),
                        Struct({{"Body", Blob{std::string("yloa")}},
                                {"ContentType", "text/plain"},
                                {"ContentLength", 4},
                                {"ContentRange", "bytes 3-6/9"},
                                {"ETag", "\"abc\""},
                                {"LastModified", Timestamp{kT}},
                                {"AcceptRanges", "bytes"}}),
                        Meta("GET")));
  Check("rest_xml", "s3_copy_object",
        c.WriteResponse(s3, Op("s3", "CopyObject"),
                        Struct({{"CopyObjectResult",
                                 Struct({{"ETag", "\"e\""}, {"LastModified", Timestamp{kT}}})},
                                {"VersionId", "v2"}}),
                        Meta("PUT")));
  Check("rest_xml", "s3_get_bucket_location",
        c.WriteResponse(s3, Op("s3", "GetBucketLocation"),
                        Struct({{"LocationConstraint", "eu-west-1"}}), Meta("GET")));
  Check(
      "rest_xml", "s3_delete_objects",
      c.WriteResponse(s3, Op("s3", "DeleteObjects"),
                      Struct({{"Deleted", List({Struct({{"Key", "a.txt"}}),
                                                Struct({{"Key", "b.txt"}, {"VersionId", "v1"}})})},
                              {"Errors", List({Struct({{"Key", "c.txt"},
                                                       {"Code", "AccessDenied"},
                                                       {"Message", "Access Denied"}})})}}),
                      Meta()));
  Check("rest_xml", "s3_put_object",
        c.WriteResponse(s3, Op("s3", "PutObject"),
                        Struct({{"ETag", "\"abc\""}, {"VersionId", "null"}}), Meta("PUT")));
  Check("rest_xml", "s3_get_bucket_policy",
        c.WriteResponse(s3, Op("s3", "GetBucketPolicy"),
                        Struct({{"Policy", "{\"Version\":\"2012-10-17\"}"}}), Meta("GET")));
  Check("rest_xml", "s3_get_object_tagging",
        c.WriteResponse(s3, Op("s3", "GetObjectTagging"),
                        Struct({{"VersionId", "v1"},
                                {"TagSet", List({Struct({{"Key", "k1"}, {"Value", "v1"}}),
                                                 Struct({{"Key", "k2"}, {"Value", ""}})})}}),
                        Meta("GET")));
  Check("rest_xml", "s3_head_object",
        c.WriteResponse(
            s3, Op("s3", "HeadObject"),
            Struct({{"ContentLength", 5}, {"ETag", "\"abc\""}, {"LastModified", Timestamp{kT}}}),
            Meta("HEAD")));
  Check("rest_xml", "s3_delete_bucket",
        c.WriteResponse(s3, Op("s3", "DeleteBucket"), Struct({}), Meta("DELETE")));
  Check("rest_xml", "error_s3_no_such_key",
        c.WriteError(s3,
                     AwsError::Make("NoSuchKey", 404, "The specified key does not exist.")
                         .With("Key", "a&b.txt"),
                     Meta("GET")));
  Check("rest_xml", "error_s3_head_not_found",
        c.WriteError(s3, AwsError::Make("NotFound", 404, "Not Found"), Meta("HEAD")));
}

}  // namespace
}  // namespace tw::protocol
