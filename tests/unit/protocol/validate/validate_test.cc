// SPDX-License-Identifier: Apache-2.0
#include "protocol/validate/validate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/model.h"
#include "protocol/validate/service_errors.h"

namespace tw::protocol {
namespace {

using Entries = Value::Entries;

Value S(Entries members) { return Value::MakeStructure(std::move(members)); }
Value L(Value::List items) { return Value::MakeList(std::move(items)); }
Value M(Entries entries) { return Value::MakeMap(std::move(entries)); }

const ServiceModel& Service(std::string_view name) {
  const ServiceModel* model = ServiceCatalog::Embedded().Find(name);
  EXPECT_NE(model, nullptr) << name;
  return *model;
}

struct ErrorCase {
  const char* name;
  const char* service;
  const char* operation;
  Value input;
  const char* code;
  int status;
  std::string message;
};

class ValidationErrorTest : public testing::TestWithParam<ErrorCase> {};

std::string CaseName(const testing::TestParamInfo<ErrorCase>& param) { return param.param.name; }

Member MakeMember(std::string name, const Shape* shape) {
  Member member;
  member.name = std::move(name);
  member.shape = shape;
  return member;
}

TEST_P(ValidationErrorTest, RendersTheServicesError) {
  const ErrorCase& c = GetParam();
  const ServiceModel& service = Service(c.service);
  const Operation* op = service.FindOperation(c.operation);
  ASSERT_NE(op, nullptr) << c.operation;
  Status status = ValidateInput(service, *op, c.input);
  ASSERT_FALSE(status) << "no failure for " << c.input.DebugString();
  EXPECT_EQ(status.error().code, c.code);
  EXPECT_EQ(status.error().http_status, c.status);
  EXPECT_EQ(status.error().fault, Fault::kSender);
  EXPECT_EQ(status.error().message, c.message);
}

const std::string kUserNamePattern =
    R"(Member must satisfy regular expression pattern: [\w+=,.@-]+)";
const std::string kTagKeyPattern =
    R"(Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+)";
const std::string kPasswordPattern =
    R"(Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+)";
const std::string kArnPattern =
    R"(Member must satisfy regular expression pattern: )"
    R"([\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+)";

INSTANTIATE_TEST_SUITE_P(
    Services, ValidationErrorTest,
    testing::Values(
        ErrorCase{"IamCreateUserBadName", "iam", "CreateUser", S({{"UserName", "bad name!"}}),
                  "ValidationError", 400,
                  "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy "
                  "constraint: " +
                      kUserNamePattern},
        ErrorCase{"IamCreateUserTooLong", "iam", "CreateUser",
                  S({{"UserName", std::string(65, 'a')}}), "ValidationError", 400,
                  "1 validation error detected: Value '" + std::string(65, 'a') +
                      "' at 'userName' failed to satisfy constraint: Member must have length "
                      "less than or equal to 64"},
        ErrorCase{"IamCreateUserMissing", "iam", "CreateUser", S({}), "ValidationError", 400,
                  "1 validation error detected: Value null at 'userName' failed to satisfy "
                  "constraint: Member must not be null"},
        // Pattern before length for one member, as STS reports an empty roleArn.
        ErrorCase{"IamCreateUserEmpty", "iam", "CreateUser", S({{"UserName", ""}}),
                  "ValidationError", 400,
                  "2 validation errors detected: Value '' at 'userName' failed to satisfy "
                  "constraint: " +
                      kUserNamePattern +
                      "; Value '' at 'userName' failed to satisfy constraint: Member must have "
                      "length greater than or equal to 1"},
        ErrorCase{"IamCreateUserNestedTags", "iam", "CreateUser",
                  S({{"UserName", "bob"},
                     {"Tags", L({S({{"Key", "team"}, {"Value", "a"}}),
                                 S({{"Key", "bad;key"}, {"Value", "b"}}), S({{"Value", "c"}})})}}),
                  "ValidationError", 400,
                  "2 validation errors detected: Value 'bad;key' at 'tags.2.member.key' failed to "
                  "satisfy constraint: " +
                      kTagKeyPattern +
                      "; Value null at 'tags.3.member.key' failed to satisfy constraint: Member "
                      "must not be null"},
        ErrorCase{"IamUpdateAccessKeyStatusEnum", "iam", "UpdateAccessKey",
                  S({{"AccessKeyId", "AKIAIOSFODNN7EXAMPLE"}, {"Status", "Enabled"}}),
                  "ValidationError", 400,
                  "1 validation error detected: Value 'Enabled' at 'status' failed to satisfy "
                  "constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"},
        ErrorCase{"IamUpdateAccessKeyMissingBoth", "iam", "UpdateAccessKey", S({}),
                  "ValidationError", 400,
                  "2 validation errors detected: Value null at 'accessKeyId' failed to satisfy "
                  "constraint: Member must not be null; Value null at 'status' failed to satisfy "
                  "constraint: Member must not be null"},
        ErrorCase{"IamCreateAccessKeyBadUser", "iam", "CreateAccessKey", S({{"UserName", "a/b"}}),
                  "ValidationError", 400,
                  "1 validation error detected: Value 'a/b' at 'userName' failed to satisfy "
                  "constraint: " +
                      kUserNamePattern},
        // Sensitive: the value is never echoed ("Value at 'password' ...").
        ErrorCase{"IamCreateLoginProfileEmptyPassword", "iam", "CreateLoginProfile",
                  S({{"UserName", "bob"}, {"Password", ""}}), "ValidationError", 400,
                  "2 validation errors detected: Value at 'password' failed to satisfy "
                  "constraint: " +
                      kPasswordPattern +
                      "; Value at 'password' failed to satisfy constraint: Member must have "
                      "length greater than or equal to 1"},
        ErrorCase{"IamCreateLoginProfileBadPassword", "iam", "CreateLoginProfile",
                  S({{"UserName", "bob"}, {"Password", "s3cret\xE2\x82\xAC"}}), "ValidationError",
                  400,
                  "1 validation error detected: Value at 'password' failed to satisfy "
                  "constraint: " +
                      kPasswordPattern},
        ErrorCase{"IamCreateAccountAliasDoubleHyphen", "iam", "CreateAccountAlias",
                  S({{"AccountAlias", "my--alias"}}), "ValidationError", 400,
                  "1 validation error detected: Value 'my--alias' at 'accountAlias' failed to "
                  "satisfy constraint: Member must satisfy regular expression pattern: "
                  "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"},
        // STS: exactly the observed AWS text for an empty roleArn.
        ErrorCase{"StsAssumeRoleEmptyArn", "sts", "AssumeRole",
                  S({{"RoleArn", ""}, {"RoleSessionName", "session"}}), "ValidationError", 400,
                  "2 validation errors detected: Value '' at 'roleArn' failed to satisfy "
                  "constraint: " +
                      kArnPattern +
                      "; Value '' at 'roleArn' failed to satisfy constraint: Member must have "
                      "length greater than or equal to 20"},
        ErrorCase{"StsAssumeRoleDuration", "sts", "AssumeRole",
                  S({{"RoleArn", "arn:aws:iam::123456789012:role/r"},
                     {"RoleSessionName", "s1"},
                     {"DurationSeconds", 100}}),
                  "ValidationError", 400,
                  "1 validation error detected: Value '100' at 'durationSeconds' failed to "
                  "satisfy constraint: Member must have value greater than or equal to 900"},
        ErrorCase{"StsAssumeRoleScalarListItems", "sts", "AssumeRole",
                  S({{"RoleArn", "arn:aws:iam::123456789012:role/r"},
                     {"RoleSessionName", "s1"},
                     {"TransitiveTagKeys", L({"ok", "bad;"})}}),
                  "ValidationError", 400,
                  "1 validation error detected: Value '[ok, bad;]' at 'transitiveTagKeys' failed "
                  "to satisfy constraint: Member must satisfy constraint: [Member must have "
                  "length less than or equal to 128, Member must have length greater than or "
                  "equal to 1, " +
                      kTagKeyPattern + "]"},
        // Logs.
        ErrorCase{"LogsCreateLogGroupEmpty", "logs", "CreateLogGroup", S({{"logGroupName", ""}}),
                  "InvalidParameterException", 400,
                  "2 validation errors detected: Value '' at 'logGroupName' failed to satisfy "
                  "constraint: Member must satisfy regular expression pattern: "
                  "[\\.\\-_/#A-Za-z0-9]+; Value '' at 'logGroupName' failed to satisfy "
                  "constraint: Member must have length greater than or equal to 1"},
        ErrorCase{"LogsCreateLogGroupMissing", "logs", "CreateLogGroup", S({}),
                  "InvalidParameterException", 400,
                  "1 validation error detected: Value null at 'logGroupName' failed to satisfy "
                  "constraint: Member must not be null"},
        ErrorCase{"LogsCreateLogGroupBadTagKey", "logs", "CreateLogGroup",
                  S({{"logGroupName", "/app"}, {"tags", M({{"bad;key", "v"}})}}),
                  "InvalidParameterException", 400,
                  "1 validation error detected: Value '{bad;key=v}' at 'tags' failed to satisfy "
                  "constraint: Map keys must satisfy constraint: [Member must have length less "
                  "than or equal to 128, Member must have length greater than or equal to 1, "
                  "Member must satisfy regular expression pattern: "
                  "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$]"},
        // Exactly the AWS text in winston-cloudwatch issue 55.
        ErrorCase{"LogsPutLogEventsEmptyList", "logs", "PutLogEvents",
                  S({{"logGroupName", "g"}, {"logStreamName", "s"}, {"logEvents", L({})}}),
                  "InvalidParameterException", 400,
                  "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy "
                  "constraint: Member must have length greater than or equal to 1"},
        ErrorCase{
            "LogsPutLogEventsNested", "logs", "PutLogEvents",
            S({{"logGroupName", "g"},
               {"logStreamName", "s"},
               {"logEvents", L({S({{"timestamp", 1}, {"message", ""}}), S({{"message", "x"}})})}}),
            "InvalidParameterException", 400,
            "2 validation errors detected: Value '' at 'logEvents.1.member.message' failed "
            "to satisfy constraint: Member must have length greater than or equal to 1; "
            "Value null at 'logEvents.2.member.timestamp' failed to satisfy constraint: "
            "Member must not be null"},
        ErrorCase{"LogsPutLogEventsStreamPattern", "logs", "PutLogEvents",
                  S({{"logGroupName", "g"},
                     {"logStreamName", "worker/main:1"},
                     {"logEvents", L({S({{"timestamp", 1}, {"message", "x"}})})}}),
                  "InvalidParameterException", 400,
                  "1 validation error detected: Value 'worker/main:1' at 'logStreamName' failed "
                  "to satisfy constraint: Member must satisfy regular expression pattern: "
                  "[^:*]*"},
        // CloudWatch: missing parameters by their query names, one per line.
        ErrorCase{"CloudWatchPutMetricDataMissingNamespace", "cloudwatch", "PutMetricData", S({}),
                  "MissingParameter", 400, "The parameter Namespace is required."},
        ErrorCase{
            "CloudWatchPutMetricDataMissingDimensionValues", "cloudwatch", "PutMetricData",
            S({{"Namespace", "App"},
               {"MetricData",
                L({S({{"MetricName", "m"},
                      {"Dimensions", L({S({{"Name", "a"}, {"Value", "x"}}), S({{"Name", "b"}})})}}),
                   S({{"MetricName", "n"},
                      {"Dimensions", L({S({{"Name", "c"}, {"Value", ""}})})}})})}}),
            "MissingParameter", 400,
            "The parameter MetricData.member.1.Dimensions.member.2.Value is required.\n"
            "The parameter MetricData.member.2.Dimensions.member.1.Value is required."},
        ErrorCase{"CloudWatchPutMetricDataUnitEnum", "cloudwatch", "PutMetricData",
                  S({{"Namespace", "App"},
                     {"MetricData", L({S({{"MetricName", "m"}, {"Unit", "GB"}})})}}),
                  "ValidationError", 400,
                  "1 validation error detected: Value 'GB' at 'metricData.1.member.unit' failed "
                  "to satisfy constraint: Member must satisfy enum value set: [Seconds, "
                  "Microseconds, Milliseconds, Bytes, Kilobytes, Megabytes, Gigabytes, "
                  "Terabytes, Bits, Kilobits, Megabits, Gigabits, Terabits, Percent, Count, "
                  "Bytes/Second, Kilobytes/Second, Megabytes/Second, Gigabytes/Second, "
                  "Terabytes/Second, Bits/Second, Kilobits/Second, Megabits/Second, "
                  "Gigabits/Second, Terabits/Second, Count/Second, None]"},
        ErrorCase{"CloudWatchPutMetricDataRangeAndPattern", "cloudwatch", "PutMetricData",
                  S({{"Namespace", ":bad"},
                     {"MetricData", L({S({{"MetricName", "m"}, {"StorageResolution", 0}})})}}),
                  "ValidationError", 400,
                  "2 validation errors detected: Value '0' at "
                  "'metricData.1.member.storageResolution' failed to satisfy constraint: Member "
                  "must have value greater than or equal to 1; Value ':bad' at 'namespace' "
                  "failed to satisfy constraint: Member must satisfy regular expression pattern: "
                  "[^:].*"},
        ErrorCase{"SnsPublishMissingMessage", "sns", "Publish", S({{"TopicArn", "arn"}}),
                  "ValidationError", 400,
                  "1 validation error detected: Value null at 'message' failed to satisfy "
                  "constraint: Member must not be null"},
        ErrorCase{"CloudTrailEmptyQuery", "cloudtrail", "StartQuery", S({{"QueryStatement", ""}}),
                  "InvalidParameterException", 400,
                  "1 validation error detected: Value '' at 'queryStatement' failed to satisfy "
                  "constraint: Member must have length greater than or equal to 1"},
        ErrorCase{"S3MissingBody", "s3", "PutBucketTagging", S({{"Bucket", "b"}}), "MalformedXML",
                  400,
                  "The XML you provided was not well-formed or did not validate against our "
                  "published schema"}),
    CaseName);

TEST(ValidateTest, ValidInputHasNoFailures) {
  const ServiceModel& iam = Service("iam");
  Value input = S({{"UserName", "alice"},
                   {"Path", "/division_abc/"},
                   {"Tags", L({S({{"Key", "team"}, {"Value", ""}})})}});
  EXPECT_TRUE(Validate(*iam.FindOperation("CreateUser")->input, input).empty());
  EXPECT_TRUE(ValidateInput(iam, *iam.FindOperation("CreateUser"), input));
}

TEST(ValidateTest, ReportsQueryWirePathsAndOwningMember) {
  const ServiceModel& iam = Service("iam");
  const Operation* op = iam.FindOperation("CreateUser");
  auto failures = Validate(
      *op->input,
      S({{"UserName", "bob"},
         {"Tags", L({S({{"Key", "ok"}, {"Value", "x"}}), S({{"Key", "a;b"}, {"Value", "y"}})})}}));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].kind, ValidationFailure::Kind::kPattern);
  EXPECT_EQ(failures[0].path, "tags.2.member.key");
  EXPECT_EQ(failures[0].query_path, "Tags.member.2.Key");
  ASSERT_NE(failures[0].member, nullptr);
  EXPECT_EQ(failures[0].member->name, "Key");
}

// Java counts UTF-16 code units: a character outside the BMP is two.
TEST(ValidateTest, StringLengthCountsUtf16CodeUnits) {
  const ServiceModel& iam = Service("iam");
  const Shape& input = *iam.FindOperation("CreateUser")->input;  // PermissionsBoundary: max 2048
  std::string emoji = "\xF0\x9F\x98\x80";
  std::string at_limit;
  for (int i = 0; i < 1024; ++i) at_limit += emoji;
  EXPECT_TRUE(Validate(input, S({{"UserName", "u"}, {"PermissionsBoundary", at_limit}})).empty());
  auto over = Validate(input, S({{"UserName", "u"}, {"PermissionsBoundary", at_limit + "a"}}));
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0].constraint, "Member must have length less than or equal to 2048");
  std::string two_byte;
  for (int i = 0; i < 2048; ++i) two_byte += "\xC3\xA9";
  EXPECT_TRUE(Validate(input, S({{"UserName", "u"}, {"PermissionsBoundary", two_byte}})).empty());
}

// Hand-built shapes for the constraint kinds the embedded models do not exercise.
struct Fixture {
  Shape text, number, blob, list, map, input;
  Fixture() {
    text.type = ShapeType::kString;
    text.min = 2;
    text.max = 3;
    number.type = ShapeType::kDouble;
    number.min = 0.5;
    number.max = 10;
    blob.type = ShapeType::kBlob;
    blob.max = 2;
    list.type = ShapeType::kList;
    list.max = 1;
    list.member = std::make_unique<Member>(MakeMember("member", &text));
    map.type = ShapeType::kMap;
    map.key = std::make_unique<Member>(MakeMember("key", &text));
    map.value = std::make_unique<Member>(MakeMember("value", &text));
    input.type = ShapeType::kStructure;
    input.members.push_back(MakeMember("Number", &number));
    input.members.push_back(MakeMember("Data", &blob));
    input.members.push_back(MakeMember("Items", &list));
    input.members.push_back(MakeMember("Attributes", &map));
  }
};

TEST(ValidateTest, EveryConstraintKindOnHandBuiltShapes) {
  Fixture f;
  auto failures = Validate(f.input, S({{"Number", 1e7},
                                       {"Data", Blob{"abc"}},
                                       {"Items", L({"ab", "abcd"})},
                                       {"Attributes", M({{"ok", "x"}})}}));
  std::vector<std::string> described;
  for (const auto& failure : failures) described.push_back(DescribeFailure(failure));
  EXPECT_EQ(described,
            (std::vector<std::string>{
                "Value '1.0E7' at 'number' failed to satisfy constraint: Member must have value "
                "less than or equal to 10.0",
                "Value 'java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]' at 'data' failed to satisfy "
                "constraint: Member must have length less than or equal to 2",
                "Value '[ab, abcd]' at 'items' failed to satisfy constraint: Member must have "
                "length less than or equal to 1",
                "Value '[ab, abcd]' at 'items' failed to satisfy constraint: Member must satisfy "
                "constraint: [Member must have length less than or equal to 3, Member must have "
                "length greater than or equal to 2]",
                "Value '{ok=x}' at 'attributes' failed to satisfy constraint: Map value must "
                "satisfy constraint: [Member must have length less than or equal to 3, Member "
                "must have length greater than or equal to 2]"}));
  auto low = Validate(f.input, S({{"Number", 0.25}}));
  ASSERT_EQ(low.size(), 1u);
  EXPECT_EQ(DescribeFailure(low[0]),
            "Value '0.25' at 'number' failed to satisfy constraint: Member must have value "
            "greater than or equal to 0.5");
}

TEST(ValidateTest, UnsupportedPatternIsAnInternalFailureNotA400) {
  Shape text;
  text.type = ShapeType::kString;
  text.pattern = "a(?=b)";
  Shape input;
  input.type = ShapeType::kStructure;
  input.members.push_back(MakeMember("Name", &text));
  auto failures = Validate(input, S({{"Name", "ab"}}));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].kind, ValidationFailure::Kind::kUnsupportedPattern);
  AwsError error = ValidationErrorFor(Service("iam"), failures);
  EXPECT_EQ(error.code, "InternalFailure");
  EXPECT_EQ(error.http_status, 500);
  EXPECT_NE(error.message.find("lookaround"), std::string::npos);
}

TEST(ValidateTest, SensitiveValuesAreNeverEchoed) {
  const ServiceModel& iam = Service("iam");
  const Operation* op = iam.FindOperation("CreateLoginProfile");
  std::string secret = "hunter2\x01" + std::string(200, 'x');
  Status status = ValidateInput(iam, *op, S({{"UserName", "bob"}, {"Password", secret}}));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message.find("hunter2"), std::string::npos);
  EXPECT_NE(status.error().message.find("Value at 'password'"), std::string::npos);
}

TEST(ServiceErrorsTest, TableCoversEveryEmbeddedServiceAndDefaultsElsewhere) {
  for (const auto& service : ServiceCatalog::Embedded().services()) {
    EXPECT_EQ(ValidationErrorsOf(service->name()).service, service->name());
  }
  EXPECT_EQ(ValidationErrorsOf("dynamodb").code, ErrorCode::kValidationException);
  for (const auto& row : AllValidationErrors()) EXPECT_FALSE(row.source.empty()) << row.service;
}

}  // namespace
}  // namespace tw::protocol
