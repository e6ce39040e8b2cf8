// SPDX-License-Identifier: Apache-2.0
// Golden fixtures recorded with botocore (tests/golden/protocol/{json,cbor}/): requests botocore
// serialized must parse into the recorded Value, and the responses and errors we write must stay
// byte-identical to the files verify_responses.py checked botocore parses as AWS answers would.
// Set TW_UPDATE_GOLDEN=1 to rewrite the response files (then re-run verify_responses.py).
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "protocol/cbor/cbor_codec.h"
#include "protocol/cbor/cbor_routing.h"
#include "protocol/json/json_codec.h"
#include "protocol/json/json_routing.h"
#include "unit/protocol/json/test_support.h"

namespace tw::protocol {
namespace {

using testing::Canonical;
using testing::GoldenDir;
using testing::ReadFile;

struct RequestCase {
  const char* dir;
  const char* name;
};

class GoldenRequestTest : public ::testing::TestWithParam<RequestCase> {};

TEST_P(GoldenRequestTest, BotocoreRequestParsesIntoRecordedValue) {
  const RequestCase& c = GetParam();
  std::string base = GoldenDir(c.dir) + c.name;
  std::istringstream meta(ReadFile(base + ".meta"));
  ASSERT_TRUE(meta.good()) << base;
  http::HttpRequest request;
  request.method = "POST";
  request.body = ReadFile(base + ".body");
  std::string service_name, operation_name, protocol, line;
  while (std::getline(meta, line)) {
    auto space = line.find(' ');
    std::string key = line.substr(0, space), rest = line.substr(space + 1);
    if (key == "service") service_name = rest;
    if (key == "operation") operation_name = rest;
    if (key == "protocol") protocol = rest;
    if (key == "path") request.path = rest;
    if (key == "header") {
      auto colon = rest.find(": ");
      request.headers.Add(rest.substr(0, colon), rest.substr(colon + 2));
    }
  }
  const ServiceModel* service = ServiceCatalog::Embedded().Find(service_name);
  ASSERT_NE(service, nullptr);
  const Operation* operation = service->FindOperation(operation_name);
  ASSERT_NE(operation, nullptr);

  Result<Value> parsed = AwsError();
  if (protocol == "json") {
    auto target = MatchJsonRequest(request);
    ASSERT_TRUE(target.has_value());
    EXPECT_EQ(target->operation, operation_name);
    EXPECT_EQ(target->json_version, service->json_version());
    EXPECT_TRUE(TargetsService(*target, *service));
    EXPECT_FALSE(MatchCborRequest(request).has_value());
    parsed = JsonCodec().ParseRequest(request, *service, *operation);
  } else {
    auto target = MatchCborRequest(request);
    ASSERT_TRUE(target.has_value());
    EXPECT_EQ(target->operation, operation_name);
    EXPECT_TRUE(TargetsService(*target, *service));
    EXPECT_TRUE(CheckCborRequest(request).has_value());
    EXPECT_FALSE(MatchJsonRequest(request).has_value());
    parsed = CborCodec().ParseRequest(request, *service, *operation);
  }
  ASSERT_TRUE(parsed.has_value()) << parsed.error().code << ": " << parsed.error().message;
  std::string expected = ReadFile(base + ".expected");
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  EXPECT_EQ(Canonical(*parsed), expected);
}

INSTANTIATE_TEST_SUITE_P(Botocore, GoldenRequestTest,
                         ::testing::Values(RequestCase{"json", "logs_create_log_group"},
                                           RequestCase{"json", "logs_put_log_events"},
                                           RequestCase{"json", "logs_filter_log_events"},
                                           RequestCase{"json", "cloudtrail_lookup_events"},
                                           RequestCase{"json", "cloudwatch_put_metric_data"},
                                           RequestCase{"json", "cloudwatch_get_metric_data"},
                                           RequestCase{"cbor", "cloudwatch_put_metric_data"},
                                           RequestCase{"cbor", "cloudwatch_get_metric_data"},
                                           RequestCase{"cbor", "cloudwatch_describe_alarms"}),
                         [](const auto& p) {
                           return std::string(p.param.dir) + "_" + p.param.name;
                         });

// --- Responses and errors ----------------------------------------------------------------------

constexpr char kRequestId[] = "00000000-1111-2222-3333-444444444444";

ResponseMeta Meta() {
  ResponseMeta meta;
  meta.request_id = kRequestId;
  return meta;
}

std::string Render(const http::HttpResponse& response) {
  std::string out = "status " + std::to_string(response.status) + "\n";
  for (const auto& [name, value] : response.headers) out += "header " + name + ": " + value + "\n";
  return out;
}

void CheckGolden(std::string_view dir, const std::string& name,
                 const http::HttpResponse& response) {
  std::string base = GoldenDir(dir) + name;
  if (std::getenv("TW_UPDATE_GOLDEN") != nullptr) {
    testing::WriteFile(base + ".response.meta", Render(response));
    testing::WriteFile(base + ".response.body", response.body);
  }
  EXPECT_EQ(Render(response), ReadFile(base + ".response.meta")) << name;
  EXPECT_EQ(response.body, ReadFile(base + ".response.body")) << name;
}

const Codec& CodecFor(std::string_view dir) {
  static const JsonCodec json;
  static const CborCodec cbor;
  if (dir == "json") return json;
  return cbor;
}

void CheckResponse(std::string_view dir, const std::string& name, std::string_view service_name,
                   std::string_view operation_name, const Value& output) {
  const ServiceModel* service = ServiceCatalog::Embedded().Find(service_name);
  ASSERT_NE(service, nullptr);
  const Operation* operation = service->FindOperation(operation_name);
  ASSERT_NE(operation, nullptr);
  CheckGolden(dir, name, CodecFor(dir).WriteResponse(*service, *operation, output, Meta()));
}

void CheckError(std::string_view dir, const std::string& name, std::string_view service_name,
                const AwsError& error) {
  const ServiceModel* service = ServiceCatalog::Embedded().Find(service_name);
  ASSERT_NE(service, nullptr);
  CheckGolden(dir, name, CodecFor(dir).WriteError(*service, error, Meta()));
}

Value S(Value::Entries entries) { return Value::MakeStructure(std::move(entries)); }
Value L(Value::List items) { return Value::MakeList(std::move(items)); }

Value MetricDataResults() {
  return S({{"MetricDataResults",
             L({S({{"Id", "m1"},
                   {"Label", "IncomingBytes"},
                   {"Timestamps", L({Timestamp{1704164700000}, Timestamp{1704164640500}})},
                   {"Values", L({0.1, 2.5e-300, 1e300, 42.0, 123456789.125})},
                   {"StatusCode", "Complete"}})})},
            {"Messages", L({})}});
}

TEST(GoldenResponseTest, LogsDescribeLogGroups) {
  CheckResponse(
      "json", "logs_describe_log_groups", "logs", "DescribeLogGroups",
      S({{"logGroups", L({S({{"logGroupName", "/app/web"},
                             {"creationTime", std::int64_t{1700000000123}},
                             {"retentionInDays", 30},
                             {"metricFilterCount", 2},
                             {"arn", "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*"},
                             {"storedBytes", std::int64_t{1234567890123}},
                             {"logGroupClass", "STANDARD"}})})},
         {"nextToken", "n1"}}));
}

TEST(GoldenResponseTest, LogsFilterLogEvents) {
  CheckResponse(
      "json", "logs_filter_log_events", "logs", "FilterLogEvents",
      S({{"events", L({S({{"logStreamName", "s1"},
                          {"timestamp", std::int64_t{1700000000123}},
                          {"message", "line \"1\" caf\xC3\xA9\n\x01"},
                          {"ingestionTime", std::int64_t{1700000000200}},
                          {"eventId", "37800000000000000000000000000000000000000000"}})})},
         {"searchedLogStreams", L({S({{"logStreamName", "s1"}, {"searchedCompletely", true}})})}}));
}

TEST(GoldenResponseTest, CloudTrailLookupEvents) {
  CheckResponse(
      "json", "cloudtrail_lookup_events", "cloudtrail", "LookupEvents",
      S({{"Events", L({S({{"EventId", "e-1"},
                          {"EventName", "ConsoleLogin"},
                          {"ReadOnly", "false"},
                          {"AccessKeyId", "AKIAIOSFODNN7EXAMPLE"},
                          {"EventTime", Timestamp{1704164645500}},
                          {"EventSource", "signin.amazonaws.com"},
                          {"Username", "alice"},
                          {"Resources",
                           L({S({{"ResourceType", "AWS::IAM::User"}, {"ResourceName", "alice"}})})},
                          {"CloudTrailEvent", "{\"eventVersion\":\"1.08\"}"}})})},
         {"NextToken", "t2"}}));
}

TEST(GoldenResponseTest, CloudWatchGetMetricData) {
  CheckResponse("json", "cloudwatch_get_metric_data", "cloudwatch", "GetMetricData",
                MetricDataResults());
  CheckResponse("cbor", "cloudwatch_get_metric_data", "cloudwatch", "GetMetricData",
                MetricDataResults());
}

TEST(GoldenResponseTest, CloudWatchGetMetricStatisticsCbor) {
  CheckResponse(
      "cbor", "cloudwatch_get_metric_statistics", "cloudwatch", "GetMetricStatistics",
      S({{"Label", "Latency"},
         {"Datapoints",
          L({S({{"Timestamp", Timestamp{1704164645123}},
                {"SampleCount", 3.0},
                {"Average", 4.25},
                {"Sum", 12.75},
                {"Minimum", 1.0},
                {"Maximum", 8.5},
                {"Unit", "Milliseconds"},
                {"ExtendedStatistics", Value::MakeMap({{"p99", 8.4}, {"p50", 4.0}})}})})}}));
}

TEST(GoldenResponseTest, CloudWatchWidgetImageBlob) {
  Value output = S({{"MetricWidgetImage", Blob{std::string("\x89PNG\r\n\x1a\n\x00\xff", 10)}}});
  CheckResponse("json", "cloudwatch_get_metric_widget_image", "cloudwatch", "GetMetricWidgetImage",
                output);
  CheckResponse("cbor", "cloudwatch_get_metric_widget_image", "cloudwatch", "GetMetricWidgetImage",
                output);
}

TEST(GoldenResponseTest, OperationWithoutOutput) {
  CheckResponse("json", "cloudwatch_put_metric_data", "cloudwatch", "PutMetricData", Value());
  CheckResponse("cbor", "cloudwatch_put_metric_data", "cloudwatch", "PutMetricData", Value());
}

TEST(GoldenErrorTest, Json11) {
  CheckError(
      "json", "error_logs_resource_not_found", "logs",
      AwsError::Make("ResourceNotFoundException", 400, "The specified log group does not exist."));
  CheckError("json", "error_logs_data_already_accepted", "logs",
             AwsError::Make("DataAlreadyAcceptedException", 400, "The batch was already accepted")
                 .With("expectedSequenceToken", "49590302"));
  CheckError("json", "error_cloudtrail_trail_not_found", "cloudtrail",
             AwsError::Make("TrailNotFoundException", 400, "Unknown trail: t1"));
}

TEST(GoldenErrorTest, Json10QueryCompatible) {
  CheckError("json", "error_cloudwatch_invalid_parameter_value", "cloudwatch",
             AwsError::Make("InvalidParameterValue", 400, "The value -1 for Period is not valid"));
  CheckError("json", "error_cloudwatch_internal", "cloudwatch",
             AwsError::Make("InternalServiceError", 500, "boom", Fault::kReceiver));
  CheckError("json", "error_cloudwatch_unmodeled", "cloudwatch",
             AwsError::Make("Throttling", 400, "Rate exceeded"));
}

TEST(GoldenErrorTest, CborQueryCompatible) {
  CheckError("cbor", "error_cloudwatch_invalid_parameter_value", "cloudwatch",
             AwsError::Make("InvalidParameterValue", 400, "The value -1 for Period is not valid"));
  CheckError("cbor", "error_cloudwatch_resource_not_found", "cloudwatch",
             AwsError::Make("ResourceNotFound", 404, "Dashboard d1 does not exist"));
  CheckError("cbor", "error_cloudwatch_unmodeled", "cloudwatch",
             AwsError::Make("Throttling", 400, "Rate exceeded"));
}

}  // namespace
}  // namespace tw::protocol
