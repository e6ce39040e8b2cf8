// SPDX-License-Identifier: Apache-2.0
#include "protocol/query/query_codec.h"

#include <gtest/gtest.h>

#include "protocol/xml/xml_reader.h"

namespace tw::protocol {
namespace {

http::HttpRequest Post(std::string body) {
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body = std::move(body);
  return r;
}

Result<Value> Parse(std::string_view service, std::string_view op, http::HttpRequest request) {
  const ServiceModel& s = *ServiceCatalog::Embedded().Find(service);
  return QueryCodec().ParseRequest(request, s, *s.FindOperation(op));
}

TEST(QueryCodecTest, IgnoresActionVersionAuthAndUnknownParameters) {
  auto v = Parse("iam", "GetUser",
                 Post("Action=GetUser&Version=2010-05-08&UserName=bob&Bogus=1&X-Amz-Date=x"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->DebugString(), R"({"UserName":"bob"})");
}

TEST(QueryCodecTest, ReadsGetQueryStringAndSortsListIndicesNumerically) {
  http::HttpRequest r;
  r.method = "GET";
  r.path = "/";
  r.raw_query =
      "Action=PutMetricAlarm&AlarmActions.member.10=j&AlarmActions.member.2=b&"
      "AlarmActions.member.1=a&Threshold=1e-3&Period=60&ActionsEnabled=TRUE";
  auto v = Parse("cloudwatch", "PutMetricAlarm", r);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(
      v->DebugString(),
      R"({"ActionsEnabled":true,"AlarmActions":["a","b","j"],"Period":60,"Threshold":0.001})");
}

TEST(QueryCodecTest, MapsWithLocationNamesAndBlobs) {
  auto v = Parse("sns", "Publish",
                 Post("Message=m&MessageAttributes.entry.1.Name=b&"
                      "MessageAttributes.entry.1.Value.DataType=Binary&"
                      "MessageAttributes.entry.1.Value.BinaryValue=AAH%2B%2Fw%3D%3D"));
  ASSERT_TRUE(v) << v.error().message;
  const Value* attr = v->Find("MessageAttributes")->Find("b");
  ASSERT_NE(attr, nullptr);
  EXPECT_EQ(attr->Find("BinaryValue")->as_blob().bytes, std::string("\x00\x01\xfe\xff", 4));
}

TEST(QueryCodecTest, TimestampsIsoAndEpochFallback) {
  auto v = Parse("cloudwatch", "GetMetricStatistics",
                 Post("StartTime=2024-03-01T12:30:05.5%2B01:00&EndTime=1709296205"));
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->Find("StartTime")->as_timestamp().epoch_millis, 1709296205500 - 3600000);
  EXPECT_EQ(v->Find("EndTime")->as_timestamp().epoch_millis, 1709296205000);
}

TEST(QueryCodecTest, MalformedValuesAreTheServicesValidationError) {
  auto iam = Parse("iam", "ListUsers", Post("MaxItems=abc"));
  ASSERT_FALSE(iam);
  EXPECT_EQ(iam.error().code, "ValidationError");
  EXPECT_EQ(iam.error().http_status, 400);
  EXPECT_NE(iam.error().message.find("MaxItems"), std::string::npos);
  auto range = Parse("iam", "ListUsers", Post("MaxItems=2147483648"));
  ASSERT_FALSE(range);
  auto cw = Parse("cloudwatch", "PutMetricAlarm", Post("Threshold=1.2.3"));
  ASSERT_FALSE(cw);
  EXPECT_EQ(cw.error().code, "InvalidParameterValue");
  auto sns = Parse("sns", "Publish",
                   Post("MessageAttributes.entry.1.Name=b&"
                        "MessageAttributes.entry.1.Value.BinaryValue=%%%"));
  ASSERT_FALSE(sns);
  EXPECT_EQ(sns.error().code, "MalformedQueryString");
  auto blob = Parse("sns", "Publish",
                    Post("MessageAttributes.entry.1.Name=b&"
                         "MessageAttributes.entry.1.Value.BinaryValue=not-base64!"));
  ASSERT_FALSE(blob);
  EXPECT_EQ(blob.error().code, "InvalidParameter");
  auto boolean = Parse("cloudwatch", "PutMetricAlarm", Post("ActionsEnabled=yes"));
  ASSERT_FALSE(boolean);
}

TEST(QueryCodecTest, EmptyListMarkerAndOperationWithoutInput) {
  auto v = Parse("iam", "CreateUser", Post("UserName=a&Tags="));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->DebugString(), R"({"Tags":[],"UserName":"a"})");
  auto none = Parse("sts", "GetCallerIdentity", Post("Action=GetCallerIdentity"));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->DebugString(), "{}");
}

TEST(QueryCodecTest, ResponseRoundTripsDoublesExactly) {
  const ServiceModel& cw = *ServiceCatalog::Embedded().Find("cloudwatch");
  Value out = Value::MakeStructure(
      {{"Datapoints",
        Value::MakeList({Value::MakeStructure({{"Average", 0.1 + 0.2}, {"Sum", -0.0}})})}});
  auto response = QueryCodec().WriteResponse(cw, *cw.FindOperation("GetMetricStatistics"), out,
                                             ResponseMeta{"rid", "POST"});
  EXPECT_EQ(response.headers.Get("x-amzn-RequestId"), "rid");
  EXPECT_NE(response.body.find("<Average>0.30000000000000004</Average>"), std::string::npos);
  auto doc = xml::ParseXml(response.body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->name, "GetMetricStatisticsResponse");
  EXPECT_EQ(doc->Child("ResponseMetadata")->Child("RequestId")->text, "rid");
}

}  // namespace
}  // namespace tw::protocol
