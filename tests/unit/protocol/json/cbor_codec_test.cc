// SPDX-License-Identifier: Apache-2.0
#include "protocol/cbor/cbor_codec.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/strings.h"
#include "protocol/cbor/cbor_reader.h"
#include "protocol/cbor/cbor_routing.h"
#include "protocol/cbor/cbor_writer.h"
#include "unit/protocol/json/test_support.h"

namespace tw::protocol {
namespace {

using testing::Canonical;
using testing::TestService;

const Shape& AllTypes() { return *TestService().FindShape("AllTypes"); }

std::string Hex(std::string_view hex) { return HexDecode(hex).value(); }

Result<Value> ParseHex(std::string_view hex) { return ParseCborBody(Hex(hex), &AllTypes()); }

std::string Parsed(std::string_view hex) {
  Result<Value> r = ParseHex(hex);
  if (!r.has_value()) return "error: " + r.error().message;
  return Canonical(*r);
}

std::string ErrorOf(std::string_view hex) {
  Result<Value> r = ParseHex(hex);
  if (r.has_value()) return "parsed: " + Canonical(*r);
  EXPECT_EQ(r.error().code, "SerializationException");
  return r.error().message;
}

// Text keys used below: 63 "Int" = 63496e74, 64 "Long" = 644c6f6e67, 66 "Double" =
// 66446f75626c65, 64 "Time" = 6454696d65, 64 "Data" = 6444617461, 64 "List" = 644c697374,
// 63 "Map" = 634d6170, 63 "Str" = 63537472, 64 "Bool" = 64426f6f6c.
TEST(CborParseTest, EveryIntegerWidth) {
  EXPECT_EQ(Parsed("a163496e7417"), R"({"Int":i:23})");
  EXPECT_EQ(Parsed("a163496e741818"), R"({"Int":i:24})");
  EXPECT_EQ(Parsed("a163496e741901f4"), R"({"Int":i:500})");
  EXPECT_EQ(Parsed("a163496e741a7fffffff"), R"({"Int":i:2147483647})");
  EXPECT_EQ(Parsed("a163496e743a7fffffff"), R"({"Int":i:-2147483648})");
  EXPECT_EQ(Parsed("a1644c6f6e671b7fffffffffffffff"), R"({"Long":i:9223372036854775807})");
  EXPECT_EQ(Parsed("a1644c6f6e673b7fffffffffffffff"), R"({"Long":i:-9223372036854775808})");
  EXPECT_EQ(Parsed("a163496e7420"), R"({"Int":i:-1})");
  EXPECT_NE(ErrorOf("a163496e741a80000000").find("out of range"), std::string::npos);
  EXPECT_NE(ErrorOf("a1644c6f6e671b8000000000000000").find("out of range"), std::string::npos);
  EXPECT_NE(ErrorOf("a1644c6f6e673b8000000000000000").find("out of range"), std::string::npos);
}

TEST(CborParseTest, FloatsOfEveryWidth) {
  EXPECT_EQ(Parsed("a166446f75626c65f93e00"), R"({"Double":d:1.5})");      // half
  EXPECT_EQ(Parsed("a166446f75626c65fa3fc00000"), R"({"Double":d:1.5})");  // single
  EXPECT_EQ(Parsed("a166446f75626c65fb3fb999999999999a"), R"({"Double":d:0.10000000000000001})");
  EXPECT_EQ(Parsed("a166446f75626c6505"), R"({"Double":d:5})");  // integers are allowed
  EXPECT_TRUE(std::isnan(ParseHex("a166446f75626c65f97e00")->Find("Double")->as_double()));
  EXPECT_EQ(ParseHex("a166446f75626c65f9fc00")->Find("Double")->as_double(), -INFINITY);
  EXPECT_EQ(Parsed("a163496e74f94000"), R"({"Int":i:2})");  // integral float into an integer
  EXPECT_NE(ErrorOf("a163496e74f93e00").find("Expected a value for Integer"), std::string::npos);
}

TEST(CborParseTest, TimestampsAreTag1) {
  EXPECT_EQ(Parsed("a16454696d65c11a6559d200"), R"({"Time":t:1700385280000})");
  EXPECT_EQ(Parsed("a16454696d65c1fb41d9567480073b64"), R"({"Time":t:1700385280113})");
  EXPECT_EQ(Parsed("a16454696d65c120"), R"({"Time":t:-1000})");
  EXPECT_NE(ErrorOf("a16454696d651a6559d200").find("tag 1"), std::string::npos);
  EXPECT_NE(ErrorOf("a16454696d65c01a6559d200").find("tag 1"), std::string::npos);
  EXPECT_NE(ErrorOf("a16454696d65c16161").find("number"), std::string::npos);
}

TEST(CborParseTest, IndefiniteLengthsAndStrings) {
  // {_ "List": [_ "a", (_ "b", "c")], "Data": (_ h'00', h'ff'), "Map": {_ "k": "v"}}
  EXPECT_EQ(Parsed("bf644c6973749f61617f61626163ffff6444617461"
                   "5f4100"
                   "41ff"
                   "ff"
                   "634d6170bf616b6176ffff"),
            R"({"Data":b:AP8=,"List":["a","bc"],"Map":{"k":"v"}})");
  // Chunks of the wrong type, nested indefinite strings.
  EXPECT_NE(ErrorOf("a163537472"
                    "7f4161ff")
                .find("wrong type"),
            std::string::npos);
  EXPECT_NE(ErrorOf("a163537472"
                    "7f7f6161ffff")
                .find("nested"),
            std::string::npos);
  EXPECT_NE(ErrorOf("a163537472"
                    "7f01ff")
                .find("indefinite"),
            std::string::npos);
}

TEST(CborParseTest, NullAndUndefinedAreAbsent) {
  EXPECT_EQ(Parsed("a363537472f663496e74f7644c697374826161f6"), R"({"List":["a"]})");
  EXPECT_EQ(Parsed("f6"), "{}");
  EXPECT_EQ(Parsed(""), "{}");
}

TEST(CborParseTest, UnknownMembersAndLocationNames) {
  EXPECT_EQ(Parsed("a2675265"
                   "6e616d6564"
                   "6172"
                   "63585858"
                   "a0"),
            R"({"Renamed":"r"})");
  EXPECT_EQ(Parsed("a16d72656e616d65644f6e57697265"
                   "6177"),
            R"({"Renamed":"w"})");
}

TEST(CborParseTest, MalformedInputIsSerializationException) {
  for (std::string_view hex : {
           "a1",                    // truncated map
           "a163496e74",            // key without value
           "a163496e7401ff",        // trailing break
           "a163496e740100",        // trailing bytes
           "ff",                    // break outside a container
           "9bffffffffffffffff",    // array claiming 2^64-1 items
           "bbffffffffffffffff",    // map claiming 2^64-1 pairs
           "5bffffffffffffffff00",  // byte string longer than the data
           "a1"
           "63496e74"
           "1c",  // reserved additional information
           "a1"
           "63537472"
           "62c328",        // invalid UTF-8 text
           "bf63496e74ff",  // indefinite map with a key but no value
           "a10101",        // non-text key
           "f8ff",          // unassigned simple value
       }) {
    Result<Value> r = ParseHex(hex);
    ASSERT_FALSE(r.has_value()) << hex << " -> " << Canonical(*r);
    EXPECT_EQ(r.error().code, "SerializationException") << hex;
  }
  EXPECT_NE(ErrorOf("81a0").find("must be a CBOR map"), std::string::npos);
}

TEST(CborParseTest, DepthAndCountLimits) {
  std::string deep(200, '\x81');
  deep += '\xa0';
  std::string error;
  EXPECT_FALSE(ReadCbor(deep, &error).has_value());
  EXPECT_NE(error.find("deeply"), std::string::npos);
  // Indefinite arrays nest without declaring lengths; still limited.
  EXPECT_FALSE(ReadCbor(std::string(100000, '\x9f'), &error).has_value());
  CborReadLimits limits;
  limits.max_items = 10;
  EXPECT_FALSE(ReadCbor(Hex("8a000000000000000000000000"), &error, limits).has_value());
  EXPECT_EQ(error, "too many CBOR data items");
}

TEST(CborParseTest, UnionsAndDocuments) {
  // {"Choice": {"A": "x", "B": 1}}
  EXPECT_NE(ErrorOf("a1664368"
                    "6f696365a2614161786142"
                    "01")
                .find("exactly one"),
            std::string::npos);
  // {"Doc": {"k": [1, -2, 1.5, "s", h'00', true, null, 1(0)]}}
  EXPECT_EQ(Parsed("a163446f63a1616b88"
                   "01"
                   "21"
                   "f93e00"
                   "6173"
                   "4100"
                   "f5"
                   "f6"
                   "c100"),
            R"({"Doc":{"k":[i:1,i:-2,d:1.5,"s",b:AA==,true,null,t:0]}})");
}

Value Sample() {
  return Value::MakeStructure(
      {{"Str", "caf\xC3\xA9"},
       {"Renamed", "r"},
       {"Int", -7},
       {"Long", std::int64_t{-9223372036854775807 - 1}},
       {"Float", 1.5},
       {"Double", 0.1},
       {"Bool", true},
       {"Time", Timestamp{-1500}},
       {"Data", Blob{std::string("\x00\xff\x10", 3)}},
       {"List", Value::MakeList({"a", "b"})},
       {"Map", Value::MakeMap({{"k2", "v2"}, {"k1", "v1"}})},
       {"Nested", Value::MakeStructure({{"Time", Timestamp{1700000000000}}, {"Float", 0.1}})},
       {"Choice", Value::MakeStructure({{"B", 3}})},
       {"Doc", Value::MakeMap({{"l", Value::MakeList({1, 2.5, "s", false})}})},
       {"Structs", Value::MakeList({Value::MakeStructure({{"Long", std::int64_t{1} << 40}})})},
       {"Doubles", Value::MakeList({1e300, 5e-324, -0.0, 123456789.125})}});
}

TEST(CborWriteTest, RoundTripsEveryShapeType) {
  std::string body = WriteCborBody(Sample(), AllTypes());
  Result<Value> back = ParseCborBody(body, &AllTypes());
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(Canonical(*back), Canonical(Sample()));
}

TEST(CborWriteTest, ShortestEncodings) {
  auto encode = [](const Value& v) { return HexEncode(WriteCborBody(v, AllTypes())); };
  EXPECT_EQ(encode(Value::MakeStructure({{"Int", 1}})), "a163496e7401");
  EXPECT_EQ(encode(Value::MakeStructure({{"Int", -500}})), "a163496e743901f3");
  EXPECT_EQ(encode(Value::MakeStructure({{"Float", 1.5}})), "a165466c6f6174fa3fc00000");
  EXPECT_EQ(encode(Value::MakeStructure({{"Float", 0.1}})), "a165466c6f6174fb3fb999999999999a");
  EXPECT_EQ(encode(Value::MakeStructure({{"Double", NAN}})), "a166446f75626c65f97e00");
  EXPECT_EQ(encode(Value::MakeStructure({{"Time", Timestamp{1000}}})), "a16454696d65c101");
  EXPECT_EQ(encode(Value::MakeStructure({{"Time", Timestamp{1500}}})),
            "a16454696d65c1fb3ff8000000000000");
  EXPECT_EQ(encode(Value::MakeStructure({{"Renamed", "r"}, {"Str", Value()}})),
            "a16752656e616d65646172");
  EXPECT_EQ(encode(Value()), "a0");
}

TEST(CborCodecTest, ResponseAndErrorHeaders) {
  const ServiceModel& service = TestService();
  ResponseMeta meta;
  meta.request_id = "rid";
  http::HttpResponse r =
      CborCodec().WriteResponse(service, *service.FindOperation("Nothing"), Value(), meta);
  EXPECT_EQ(r.body, "");
  EXPECT_FALSE(r.headers.Has("Content-Type"));
  EXPECT_EQ(r.headers.Get("smithy-protocol"), "rpc-v2-cbor");
  r = CborCodec().WriteResponse(service, *service.FindOperation("Everything"),
                                Value::MakeStructure(), meta);
  EXPECT_EQ(HexEncode(r.body), "a0");
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/cbor");

  r = CborCodec().WriteError(service, AwsError::Make("TestCode", 409, "m"), meta);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.headers.Get("x-amzn-query-error"), "TestCode;Sender");
  EXPECT_FALSE(r.headers.Has("x-amzn-ErrorType"));  // the spec says SHOULD NOT
  std::string error;
  auto item = ReadCbor(r.body, &error);
  ASSERT_TRUE(item.has_value()) << error;
  ASSERT_EQ(item->items.size(), 4u);
  EXPECT_EQ(item->items[0].bytes, "__type");
  EXPECT_EQ(item->items[1].bytes, "com.amazonaws.testservice#TestError");
  EXPECT_EQ(item->items[2].bytes, "message");
  EXPECT_EQ(item->items[3].bytes, "m");
}

TEST(CborRoutingTest, PathsHeadersAndMethod) {
  http::HttpRequest request;
  request.method = "POST";
  request.path = "/service/GraniteServiceVersion20100801/operation/PutMetricData";
  EXPECT_FALSE(MatchCborRequest(request).has_value());  // no smithy-protocol header
  request.headers.Add("Smithy-Protocol", "rpc-v2-cbor");
  auto target = MatchCborRequest(request);
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->service_name, "GraniteServiceVersion20100801");
  EXPECT_EQ(target->operation, "PutMetricData");
  EXPECT_TRUE(TargetsService(*target, *ServiceCatalog::Embedded().Find("cloudwatch")));
  EXPECT_FALSE(TargetsService(*target, *ServiceCatalog::Embedded().Find("logs")));

  request.path = "/v1/service/com.amazonaws.cloudwatch.GraniteServiceVersion20100801/operation/X";
  target = MatchCborRequest(request);
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->service_name, "GraniteServiceVersion20100801");
  EXPECT_EQ(target->operation, "X");
  for (const char* bad :
       {"/service/S/operation/", "/service//operation/X", "/service/S/op/X", "/operation/X", "/"}) {
    request.path = bad;
    EXPECT_FALSE(MatchCborRequest(request).has_value()) << bad;
  }
  EXPECT_TRUE(CheckCborRequest(request).has_value());
  request.headers.Add("X-Amz-Target", "Granite.PutMetricData");
  EXPECT_FALSE(CheckCborRequest(request).has_value());
  request.headers.Remove("X-Amz-Target");
  request.method = "GET";
  EXPECT_FALSE(CheckCborRequest(request).has_value());
}

}  // namespace
}  // namespace tw::protocol
