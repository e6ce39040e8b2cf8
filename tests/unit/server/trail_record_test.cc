// SPDX-License-Identifier: Apache-2.0
// CloudTrail records as AWS writes them: checked field by field, and against the shape of real
// AWS records from ../shared/data/cloudtrail (same fields, types and nesting).
#include "server/trail_record.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "server/credential_store.h"

namespace tw::server {
namespace {

namespace json = boost::json;
using protocol::ServiceCatalog;
using protocol::Value;

constexpr std::int64_t kTime = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

auth::Principal Alice() {
  auth::Principal p;
  p.type = auth::PrincipalType::kIamUser;
  p.account_id = "000000000000";
  p.arn = "arn:aws:iam::000000000000:user/alice";
  p.user_id = "AIDAEXAMPLEEXAMPLE00";
  p.user_name = "alice";
  return p;
}

ApiCall Call(std::string service, std::string operation, const auth::Principal* principal) {
  ApiCall call;
  call.service = ServiceCatalog::Embedded().Find(service);
  call.operation = call.service->FindOperation(operation);
  call.operation_name = std::move(operation);
  call.principal = principal;
  call.access_key_id = "AKIAEXAMPLEEXAMPLE00";
  call.recipient_account_id = "000000000000";
  call.region = "eu-west-1";
  call.source_ip = "127.0.0.1";
  call.user_agent = "aws-cli/2.9.19";
  call.request_id = "req-1";
  call.event_id = "evt-1";
  call.event_time_millis = kTime;
  return call;
}

json::object Parse(const pipeline::TrailEvent& event) {
  return json::parse(event.record_json).as_object();
}

TEST(TrailRecordTest, IamWriteByAUser) {
  auth::Principal alice = Alice();
  ApiCall call = Call("iam", "AttachUserPolicy", &alice);
  Value input = Value::MakeStructure();
  input.Set("UserName", "bob");
  input.Set("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess");
  Value output = Value::MakeStructure();
  call.input = &input;
  call.output = &output;
  pipeline::TrailEvent event = BuildTrailEvent(call);
  json::object r = Parse(event);
  EXPECT_EQ(r["eventSource"], "iam.amazonaws.com");
  EXPECT_EQ(r["eventName"], "AttachUserPolicy");
  EXPECT_EQ(r["awsRegion"], "us-east-1");  // IAM is global: recorded in us-east-1
  EXPECT_EQ(r["eventTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(r["eventType"], "AwsApiCall");
  EXPECT_EQ(r["eventCategory"], "Management");
  EXPECT_EQ(r["readOnly"], false);
  EXPECT_EQ(r["managementEvent"], true);
  EXPECT_EQ(r["requestParameters"].as_object()["userName"], "bob");
  EXPECT_EQ(r["requestParameters"].as_object()["policyArn"],
            "arn:aws:iam::aws:policy/AdministratorAccess");
  EXPECT_TRUE(r["responseElements"].is_null());  // empty output
  json::object& identity = r["userIdentity"].as_object();
  EXPECT_EQ(identity["type"], "IAMUser");
  EXPECT_EQ(identity["principalId"], "AIDAEXAMPLEEXAMPLE00");
  EXPECT_EQ(identity["userName"], "alice");
  EXPECT_EQ(event.username, "alice");
  ASSERT_EQ(event.resources.size(), 2u);
}

TEST(TrailRecordTest, FederatedSessionsRecordTheirTypeAndCreationDate) {
  auth::Principal fed;
  fed.type = auth::PrincipalType::kFederatedUser;
  fed.account_id = "000000000000";
  fed.arn = "arn:aws:sts::000000000000:federated-user/carol";
  fed.user_id = "000000000000:carol";
  fed.user_name = "alice";
  fed.mfa_authenticated = true;
  fed.session_issued_millis = kTime - 60'000;
  fed.session_expires_millis = kTime + 3'600'000;
  ApiCall call = Call("s3", "ListBuckets", &fed);
  pipeline::TrailEvent event = BuildTrailEvent(call);
  json::object r = Parse(event);
  json::object& identity = r["userIdentity"].as_object();
  EXPECT_EQ(identity["type"], "FederatedUser");
  EXPECT_EQ(identity["principalId"], "000000000000:carol");
  EXPECT_FALSE(identity.contains("userName"));
  json::object& attributes = identity["sessionContext"].as_object()["attributes"].as_object();
  EXPECT_EQ(attributes["creationDate"], "2025-12-31T23:59:00Z");
  EXPECT_EQ(attributes["mfaAuthenticated"], "true");
  EXPECT_EQ(event.username, "carol");
}

TEST(TrailRecordTest, SecretsNeverReachTheRecord) {
  auth::Principal root = RootPrincipal("000000000000");
  ApiCall call = Call("iam", "CreateAccessKey", &root);
  Value input = Value::MakeStructure();
  input.Set("UserName", "alice");
  Value key = Value::MakeStructure();
  key.Set("UserName", "alice");
  key.Set("AccessKeyId", "AKIANEWKEYEXAMPLE000");
  key.Set("Status", "Active");
  key.Set("SecretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  key.Set("CreateDate", protocol::Timestamp{kTime});
  Value output = Value::MakeStructure();
  output.Set("AccessKey", key);
  call.input = &input;
  call.output = &output;
  pipeline::TrailEvent event = BuildTrailEvent(call);
  EXPECT_EQ(event.record_json.find("wJalrXUtnFEMI"), std::string::npos);
  json::object r = Parse(event);
  json::object& access_key = r["responseElements"].as_object()["accessKey"].as_object();
  EXPECT_EQ(access_key["accessKeyId"], "AKIANEWKEYEXAMPLE000");
  EXPECT_FALSE(access_key.contains("secretAccessKey"));
  EXPECT_EQ(access_key["createDate"], "Jan 1, 2026 12:00:00 AM");
  EXPECT_EQ(r["userIdentity"].as_object()["type"], "Root");
  EXPECT_EQ(event.username, "root");

  ApiCall login = Call("iam", "CreateLoginProfile", &root);
  Value login_input = Value::MakeStructure();
  login_input.Set("UserName", "alice");
  login_input.Set("Password", "Sup3r$ecretPassw0rd");
  login.input = &login_input;
  EXPECT_EQ(BuildTrailEvent(login).record_json.find("Sup3r$ecret"), std::string::npos);
}

TEST(TrailRecordTest, FailuresAndReadsHaveNoResponseElements) {
  auth::Principal alice = Alice();
  ApiCall call = Call("sns", "CreateTopic", &alice);
  Value input = Value::MakeStructure();
  input.Set("Name", "alerts");
  AwsError denied = AwsError::From(ErrorCode::kAccessDenied, "User: ... is not authorized");
  call.input = &input;
  call.error = &denied;
  json::object r = Parse(BuildTrailEvent(call));
  EXPECT_EQ(r["errorCode"], "AccessDenied");
  EXPECT_EQ(r["errorMessage"], "User: ... is not authorized");
  EXPECT_TRUE(r["responseElements"].is_null());
  EXPECT_EQ(r["awsRegion"], "eu-west-1");

  ApiCall read = Call("logs", "DescribeLogGroups", &alice);
  Value empty = Value::MakeStructure();
  Value groups = Value::MakeStructure();
  groups.Set("logGroups", Value::MakeList());
  read.input = &empty;
  read.output = &groups;
  json::object rr = Parse(BuildTrailEvent(read));
  EXPECT_EQ(rr["readOnly"], true);
  EXPECT_TRUE(rr["requestParameters"].is_null());
  EXPECT_TRUE(rr["responseElements"].is_null());
}

TEST(TrailRecordTest, S3ObjectCallsAreDataEvents) {
  auth::Principal alice = Alice();
  ApiCall call = Call("s3", "PutObject", &alice);
  Value input = Value::MakeStructure();
  input.Set("Bucket", "reports");
  input.Set("Key", "a.txt");
  input.Set("Body", protocol::Blob{"secret bytes"});
  Value output = Value::MakeStructure();
  call.input = &input;
  call.output = &output;
  pipeline::TrailEvent event = BuildTrailEvent(call);
  json::object r = Parse(event);
  EXPECT_EQ(event.event_category, "Data");
  EXPECT_EQ(r["managementEvent"], false);
  EXPECT_EQ(event.record_json.find("secret bytes"), std::string::npos);
  EXPECT_TRUE(r.contains("resources"));
}

// As AWS classifies them ("Logging data events", CloudTrail User Guide): SNS Publish and
// PublishBatch and CloudWatch Logs' log-event calls are data events, not management events, and
// name their topic or log group by ARN; the topic's and group's configuration calls stay
// management events.
TEST(TrailRecordTest, SnsPublishAndLogEventCallsAreDataEvents) {
  auth::Principal alice = Alice();
  ApiCall publish = Call("sns", "Publish", &alice);
  Value input = Value::MakeStructure();
  input.Set("TopicArn", "arn:aws:sns:eu-west-1:000000000000:alerts");
  input.Set("Message", "hello");
  publish.input = &input;
  EXPECT_TRUE(IsDataEvent(publish));
  pipeline::TrailEvent event = BuildTrailEvent(publish);
  EXPECT_EQ(event.event_category, "Data");
  json::object r = Parse(event);
  EXPECT_EQ(r["managementEvent"], false);
  EXPECT_EQ(r["eventCategory"], "Data");
  ASSERT_TRUE(r.contains("resources"));
  json::object resource = r["resources"].as_array().at(0).as_object();
  EXPECT_EQ(resource["type"], "AWS::SNS::Topic");
  EXPECT_EQ(resource["ARN"], "arn:aws:sns:eu-west-1:000000000000:alerts");
  EXPECT_TRUE(IsDataEvent(Call("sns", "PublishBatch", &alice)));
  EXPECT_FALSE(IsDataEvent(Call("sns", "CreateTopic", &alice)));
  EXPECT_FALSE(IsDataEvent(Call("sns", "Subscribe", &alice)));

  ApiCall put = Call("logs", "PutLogEvents", &alice);
  Value put_input = Value::MakeStructure();
  put_input.Set("logGroupName", "app");
  put_input.Set("logStreamName", "web-1");
  put.input = &put_input;
  pipeline::TrailEvent put_event = BuildTrailEvent(put);
  EXPECT_EQ(put_event.event_category, "Data");
  ASSERT_EQ(put_event.resources.size(), 1u);
  EXPECT_EQ(put_event.resources[0].type, "AWS::Logs::LogGroup");
  EXPECT_EQ(put_event.resources[0].name, "arn:aws:logs:eu-west-1:000000000000:log-group:app");
  for (const char* op : {"GetLogEvents", "FilterLogEvents", "GetLogRecord", "StartLiveTail"}) {
    EXPECT_TRUE(IsDataEvent(Call("logs", op, &alice))) << op;
  }
  for (const char* op : {"CreateLogGroup", "CreateLogStream", "DescribeLogGroups",
                         "PutMetricFilter", "StartQuery"}) {
    ApiCall management = Call("logs", op, &alice);
    EXPECT_FALSE(IsDataEvent(management)) << op;
  }
  ApiCall create = Call("logs", "CreateLogGroup", &alice);
  Value create_input = Value::MakeStructure();
  create_input.Set("logGroupName", "app");
  create.input = &create_input;
  pipeline::TrailEvent create_event = BuildTrailEvent(create);
  EXPECT_EQ(create_event.event_category, "Management");
  ASSERT_EQ(create_event.resources.size(), 1u);
  EXPECT_EQ(create_event.resources[0].name, "app");  // LookupEvents' ResourceName
}

// As in the real records of ../shared/data/cloudtrail: bucketName (not the SDK's Bucket), Host,
// the subresource as an empty string, body structures under their XML names with S3's namespace,
// the bucket policy as JSON, and no response elements.
TEST(TrailRecordTest, S3ParametersAreRecordedAsTheRequestCarriedThem) {
  auth::Principal alice = Alice();
  ApiCall create = Call("s3", "CreateBucket", &alice);
  create.host = "127.0.0.1:4566";
  Value input = Value::MakeStructure();
  input.Set("Bucket", "reports");
  Value configuration = Value::MakeStructure();
  configuration.Set("LocationConstraint", "eu-west-1");
  input.Set("CreateBucketConfiguration", std::move(configuration));
  Value output = Value::MakeStructure();
  output.Set("Location", "/reports");
  create.input = &input;
  create.output = &output;
  json::object r = Parse(BuildTrailEvent(create));
  json::object params = r["requestParameters"].as_object();
  EXPECT_EQ(params["bucketName"], "reports");
  EXPECT_EQ(params["Host"], "127.0.0.1:4566");
  EXPECT_FALSE(params.contains("bucket"));
  EXPECT_EQ(params["CreateBucketConfiguration"].as_object()["LocationConstraint"], "eu-west-1");
  EXPECT_EQ(params["CreateBucketConfiguration"].as_object()["xmlns"],
            "http://s3.amazonaws.com/doc/2006-03-01/");
  EXPECT_TRUE(r["responseElements"].is_null());

  ApiCall put_policy = Call("s3", "PutBucketPolicy", &alice);
  Value policy_input = Value::MakeStructure();
  policy_input.Set("Bucket", "reports");
  policy_input.Set("Policy", R"({"Version":"2012-10-17","Statement":[]})");
  put_policy.input = &policy_input;
  json::object p = Parse(BuildTrailEvent(put_policy))["requestParameters"].as_object();
  EXPECT_EQ(p["bucketName"], "reports");
  EXPECT_EQ(p["policy"], "");
  EXPECT_EQ(p["bucketPolicy"].as_object()["Version"], "2012-10-17");

  ApiCall get_object = Call("s3", "GetObject", &alice);
  Value get_input = Value::MakeStructure();
  get_input.Set("Bucket", "reports");
  get_input.Set("Key", "2026/a.txt");
  get_object.input = &get_input;
  json::object g = Parse(BuildTrailEvent(get_object))["requestParameters"].as_object();
  EXPECT_EQ(g["key"], "2026/a.txt");
  EXPECT_FALSE(g.contains("x-id"));
}

TEST(TrailRecordTest, ReadOnlyFollowsTheOperationVerb) {
  EXPECT_TRUE(IsReadOnlyOperation("GetUser"));
  EXPECT_TRUE(IsReadOnlyOperation("ListUsers"));
  EXPECT_TRUE(IsReadOnlyOperation("DescribeAlarms"));
  EXPECT_TRUE(IsReadOnlyOperation("LookupEvents"));
  EXPECT_TRUE(IsReadOnlyOperation("HeadObject"));
  EXPECT_FALSE(IsReadOnlyOperation("CreateUser"));
  EXPECT_FALSE(IsReadOnlyOperation("Getaway"));
  EXPECT_FALSE(IsReadOnlyOperation("GenerateCredentialReport"));
  EXPECT_EQ(FormatJavaDate(kTime + 13 * 3600 * 1000 + 5 * 60 * 1000 + 9000),
            "Jan 1, 2026 1:05:09 PM");
}

std::string Gunzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  std::string out;
  if (!file) return out;
  char buffer[65536];
  int n;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0)
    out.append(buffer, static_cast<std::size_t>(n));
  gzclose(file);
  return out;
}

// Our AttachUserPolicy record has every field a real AWS record of that call has (tlsDetails
// only over TLS), with the same JSON types, and its userIdentity the same keys.
TEST(TrailRecordTest, MatchesTheShapeOfARealAwsRecord) {
  std::string text = Gunzip(std::string(TW_SHARED_DIR) +
                            "/data/cloudtrail/datadog-stratus-red-team/"
                            "aws.persistence.iam-create-admin-user.json.gz");
  ASSERT_FALSE(text.empty()) << "shared CloudTrail data missing";
  json::value doc = json::parse(text);
  const json::array& records =
      doc.is_object() ? doc.as_object().at("Records").as_array() : doc.as_array();
  const json::object* real = nullptr;
  for (const json::value& r : records) {
    if (r.as_object().at("eventName") == "AttachUserPolicy") real = &r.as_object();
  }
  ASSERT_NE(real, nullptr);

  auth::Principal alice = Alice();
  ApiCall call = Call("iam", "AttachUserPolicy", &alice);
  Value input = Value::MakeStructure();
  input.Set("UserName", "bob");
  input.Set("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess");
  Value output = Value::MakeStructure();
  call.input = &input;
  call.output = &output;
  json::object ours = Parse(BuildTrailEvent(call));
  for (const auto& field : *real) {
    if (field.key() == "tlsDetails") continue;
    ASSERT_TRUE(ours.contains(field.key())) << field.key();
    EXPECT_EQ(ours.at(field.key()).kind(), field.value().kind()) << field.key();
  }
  std::set<std::string> real_identity;
  for (const auto& f : real->at("userIdentity").as_object()) {
    real_identity.insert(std::string(f.key()));
  }
  std::set<std::string> our_identity;
  for (const auto& f : ours.at("userIdentity").as_object()) {
    our_identity.insert(std::string(f.key()));
  }
  EXPECT_EQ(our_identity, real_identity);
  EXPECT_EQ(ours.at("requestParameters").as_object().size(),
            real->at("requestParameters").as_object().size());
}

// The errorCode of a failed call's record, for an error the service answered with `code`.
std::string RecordedCode(std::string service, std::string operation, AwsError error) {
  auth::Principal alice = Alice();
  ApiCall call = Call(std::move(service), std::move(operation), &alice);
  Value input = Value::MakeStructure();
  call.input = &input;
  call.error = &error;
  pipeline::TrailEvent event = BuildTrailEvent(call);
  json::object r = Parse(event);
  // LookupEvents and Insights see the same code the record carries; the message is unchanged.
  EXPECT_EQ(r["errorCode"], json::value(event.error_code));
  EXPECT_EQ(r["errorMessage"], json::value(error.message));
  return event.error_code;
}

// Query-protocol services record a modeled error by its exception shape name, as real IAM
// records do ("errorCode":"NoSuchEntityException" for a GetRole answered NoSuchEntity).
TEST(TrailRecordTest, QueryServicesRecordModeledErrorsByShapeName) {
  EXPECT_EQ(RecordedCode(
                "iam", "GetRole",
                AwsError::Make("NoSuchEntity", 404, "The role with name ghost cannot be found.")),
            "NoSuchEntityException");
  EXPECT_EQ(RecordedCode(
                "iam", "CreateUser",
                AwsError::Make("EntityAlreadyExists", 409, "User with name bob already exists.")),
            "EntityAlreadyExistsException");
  EXPECT_EQ(RecordedCode("iam", "DeleteLoginProfile",
                         AwsError::Make("EntityTemporarilyUnmodifiable", 409, "busy")),
            "EntityTemporarilyUnmodifiableException");
  EXPECT_EQ(RecordedCode("sts", "AssumeRole",
                         AwsError::Make("MalformedPolicyDocument", 400, "bad policy")),
            "MalformedPolicyDocumentException");
  EXPECT_EQ(RecordedCode("sns", "GetTopicAttributes",
                         AwsError::Make("NotFound", 404, "Topic does not exist")),
            "NotFoundException");
  EXPECT_EQ(RecordedCode("sns", "TagResource",
                         AwsError::Make("ResourceNotFound", 404, "Resource does not exist")),
            "ResourceNotFoundException");
  EXPECT_EQ(RecordedCode("cloudwatch", "PutMetricAlarm",
                         AwsError::Make("InvalidParameterValue", 400, "bad period")),
            "InvalidParameterValueException");
  EXPECT_EQ(RecordedCode("cloudwatch", "PutMetricData",
                         AwsError::Make("MissingParameter", 400, "Namespace is required")),
            "MissingRequiredParameterException");
}

// A code that already is a shape name stays; where two shapes share a code, the operation's
// own error list decides (CloudWatch: DashboardNotFoundError and ResourceNotFound both answer
// ResourceNotFound).
TEST(TrailRecordTest, SharedCodesResolveThroughTheOperationsErrors) {
  EXPECT_EQ(RecordedCode("cloudwatch", "SetAlarmState",
                         AwsError::Make("ResourceNotFound", 404, "Alarm a does not exist")),
            "ResourceNotFound");
  EXPECT_EQ(RecordedCode("cloudwatch", "GetDashboard",
                         AwsError::Make("ResourceNotFound", 404, "Dashboard d does not exist")),
            "DashboardNotFoundError");
  EXPECT_EQ(RecordedCode("cloudwatch", "TagResource",
                         AwsError::Make("ResourceNotFoundException", 404, "not found")),
            "ResourceNotFoundException");
}

// Errors the models do not define keep their code: authorization failures stay AccessDenied,
// validation and throttling errors stay as sent; S3 keeps its REST codes and the JSON services
// (Logs, CloudTrail) already send shape names.
TEST(TrailRecordTest, UnmodeledRestAndJsonErrorsKeepTheirCode) {
  EXPECT_EQ(RecordedCode("iam", "GetRole",
                         AwsError::From(ErrorCode::kAccessDenied,
                                        "User: arn:aws:iam::000000000000:user/alice is not "
                                        "authorized to perform: iam:GetRole")),
            "AccessDenied");
  EXPECT_EQ(
      RecordedCode("sts", "AssumeRole", AwsError::From(ErrorCode::kAccessDenied, "not authorized")),
      "AccessDenied");
  EXPECT_EQ(RecordedCode("cloudwatch", "PutMetricAlarm",
                         AwsError::From(ErrorCode::kAccessDenied, "not authorized")),
            "AccessDenied");
  EXPECT_EQ(RecordedCode("iam", "CreateUser", AwsError::Make("ValidationError", 400, "bad")),
            "ValidationError");
  EXPECT_EQ(
      RecordedCode("s3", "DeleteBucket",
                   AwsError::Make("NoSuchBucket", 404, "The specified bucket does not exist")),
      "NoSuchBucket");
  EXPECT_EQ(RecordedCode("s3", "DeleteBucket",
                         AwsError::Make("BucketNotEmpty", 409,
                                        "The bucket you tried to delete is not empty")),
            "BucketNotEmpty");
  EXPECT_EQ(
      RecordedCode("s3", "GetObject", AwsError::From(ErrorCode::kAccessDenied, "Access Denied")),
      "AccessDenied");
  EXPECT_EQ(RecordedCode("logs", "DeleteLogGroup",
                         AwsError::Make("ResourceNotFoundException", 400,
                                        "The specified log group does not exist.")),
            "ResourceNotFoundException");
  EXPECT_EQ(RecordedCode("cloudtrail", "StopLogging",
                         AwsError::Make("TrailNotFoundException", 400, "Unknown trail")),
            "TrailNotFoundException");
}

// Every failed call in the real captures (invictus, Datadog Stratus) for a service we serve:
// answered with the code its model sends on the wire, our record carries the real errorCode.
TEST(TrailRecordTest, RealRecordsErrorCodesFollowFromTheWireCode) {
  const std::string dir = std::string(TW_SHARED_DIR) + "/data/cloudtrail/";
  const std::pair<std::string_view, std::string_view> kSources[] = {
      {"iam.amazonaws.com", "iam"},
      {"sts.amazonaws.com", "sts"},
      {"sns.amazonaws.com", "sns"},
      {"monitoring.amazonaws.com", "cloudwatch"},
      {"s3.amazonaws.com", "s3"},
      {"logs.amazonaws.com", "logs"},
      {"cloudtrail.amazonaws.com", "cloudtrail"}};
  int checked = 0;
  for (std::string_view folder : {"invictus-ir-aws_dataset", "datadog-stratus-red-team"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir + std::string(folder))) {
      std::string text = Gunzip(entry.path().string());
      ASSERT_FALSE(text.empty()) << entry.path();
      json::value doc = json::parse(text);
      const json::array& records =
          doc.is_object() ? doc.as_object().at("Records").as_array() : doc.as_array();
      for (const json::value& v : records) {
        const json::object& real = v.as_object();
        if (!real.contains("errorCode")) continue;
        std::string source(real.at("eventSource").as_string());
        std::string service;
        for (const auto& [s, name] : kSources) {
          if (s == source) service = name;
        }
        if (service.empty()) continue;
        std::string recorded(real.at("errorCode").as_string());
        std::string operation(real.at("eventName").as_string());
        const protocol::ServiceModel* model = ServiceCatalog::Embedded().Find(service);
        if (!model->FindOperation(operation)) continue;
        // What the service sent on the wire: the shape's code when the model defines one.
        const protocol::Shape* shape = model->FindShape(recorded);
        std::string wire =
            shape && shape->exception && !shape->error_code.empty() ? shape->error_code : recorded;
        std::string message =
            real.contains("errorMessage") ? std::string(real.at("errorMessage").as_string()) : "";
        EXPECT_EQ(RecordedCode(service, operation, AwsError::Make(wire, 400, message)), recorded)
            << source << " " << operation;
        ++checked;
      }
    }
  }
  // invictus: 5 IAM NoSuchEntityException, 3 S3 BucketNotEmpty, 13 STS AccessDenied, ...
  EXPECT_GE(checked, 20);
}

}  // namespace
}  // namespace tw::server
