// SPDX-License-Identifier: Apache-2.0
// The console's JSON form of inputs and outputs, by the real model shapes.
#include "console/value_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tw::console {
namespace {

namespace json = boost::json;
using protocol::ServiceCatalog;
using protocol::Value;

const protocol::Operation& Op(std::string_view service, std::string_view op) {
  return *ServiceCatalog::Embedded().Find(service)->FindOperation(op);
}

TEST(ValueJsonTest, StructuresListsMapsAndScalars) {
  const auto& op = Op("iam", "CreateUser");
  auto v = JsonToValue(json::parse(R"({"UserName":"alice","Path":"/",
      "Tags":[{"Key":"team","Value":"blue"}]})"),
                       op.input);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->GetString("UserName"), "alice");
  ASSERT_TRUE(v->Find("Tags")->is_list());
  EXPECT_EQ(v->Find("Tags")->as_list()[0].GetString("Value"), "blue");

  const auto& put = Op("logs", "PutLogEvents");
  auto events = JsonToValue(json::parse(R"({"logGroupName":"g","logStreamName":"s",
      "logEvents":[{"timestamp":1700000000000,"message":"hi"}]})"),
                            put.input);
  ASSERT_TRUE(events) << events.error().message;
  EXPECT_EQ(events->Find("logEvents")->as_list()[0].Find("timestamp")->as_integer(), 1700000000000);
}

TEST(ValueJsonTest, TimestampsAcceptIsoAndEpochSeconds) {
  const auto& op = Op("cloudtrail", "LookupEvents");
  auto iso = JsonToValue(json::parse(R"({"StartTime":"2026-01-01T00:00:00Z"})"), op.input);
  ASSERT_TRUE(iso) << iso.error().message;
  EXPECT_EQ(iso->Find("StartTime")->as_timestamp().epoch_millis, 1'767'225'600'000);
  auto epoch = JsonToValue(json::parse(R"({"StartTime":1767225600.5})"), op.input);
  ASSERT_TRUE(epoch);
  EXPECT_EQ(epoch->Find("StartTime")->as_timestamp().epoch_millis, 1'767'225'600'500);
  EXPECT_FALSE(JsonToValue(json::parse(R"({"StartTime":"yesterday"})"), op.input));
  EXPECT_FALSE(JsonToValue(json::parse(R"({"StartTime":true})"), op.input));
}

TEST(ValueJsonTest, RejectsWhatTheModelDoesNotHave) {
  const auto& op = Op("iam", "CreateUser");
  auto unknown = JsonToValue(json::parse(R"({"UserName":"a","Nope":1})"), op.input);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "SerializationException");
  EXPECT_NE(unknown.error().message.find("Nope"), std::string::npos);
  auto wrong_type = JsonToValue(json::parse(R"({"UserName":5})"), op.input);
  ASSERT_FALSE(wrong_type);
  EXPECT_NE(wrong_type.error().message.find("UserName"), std::string::npos);
  EXPECT_FALSE(JsonToValue(json::parse(R"([1,2])"), op.input));
  EXPECT_FALSE(JsonToValue(json::parse(R"({"Tags":{"Key":"x"}})"), op.input));
  // An operation without input takes only {}.
  const auto& none = Op("sts", "GetCallerIdentity");
  EXPECT_TRUE(JsonToValue(json::parse("{}"), none.input));
}

TEST(ValueJsonTest, NullMembersAreAbsent) {
  const auto& op = Op("iam", "CreateUser");
  auto v = JsonToValue(json::parse(R"({"UserName":"a","Path":null})"), op.input);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->Find("Path"), nullptr);
}

TEST(ValueJsonTest, OutputTimestampsAreIsoAndBlobsBase64) {
  const auto& op = Op("iam", "CreateVirtualMFADevice");
  Value device = Value::MakeStructure();
  device.Set("SerialNumber", "arn:aws:iam::000000000000:mfa/alice");
  device.Set("Base32StringSeed", protocol::Blob{"ABCD"});
  device.Set("EnableDate", protocol::Timestamp{1'767'225'600'000});
  Value out = Value::MakeStructure();
  out.Set("VirtualMFADevice", device);
  json::value j = ValueToJson(out, op.output);
  EXPECT_EQ(j.at("VirtualMFADevice").at("Base32StringSeed"), "QUJDRA==");
  EXPECT_EQ(j.at("VirtualMFADevice").at("EnableDate"), "2026-01-01T00:00:00Z");
  Value map = Value::MakeMap();
  map.Set("k", Value::MakeList({Value(1), Value(true)}));
  EXPECT_EQ(json::serialize(ValueToJson(map, nullptr)), R"({"k":[1,true]})");
}

TEST(ValueJsonTest, HostileNestingFailsCleanly) {
  // Conversion follows the model's shapes, so a body nested thousands deep stops at the first
  // level that does not fit: an error, never a deep recursion.
  const auto& op = Op("cloudwatch", "PutMetricData");
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "[";
  for (int i = 0; i < 5000; ++i) deep += "]";
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 10000;
  json::value v = json::parse(deep, ec, {}, options);
  ASSERT_FALSE(ec);
  json::object o;
  o["MetricData"] = v;
  EXPECT_FALSE(JsonToValue(o, op.input));
}

}  // namespace
}  // namespace tw::console
