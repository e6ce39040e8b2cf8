// SPDX-License-Identifier: Apache-2.0
#include "protocol/json/json_codec.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <charconv>
#include <cmath>
#include <random>

#include "protocol/json/json_routing.h"
#include "protocol/json/wire_common.h"
#include "unit/protocol/json/test_support.h"

namespace tw::protocol {
namespace {

using testing::Canonical;
using testing::TestService;

const Shape& AllTypes() { return *TestService().FindShape("AllTypes"); }

Result<Value> Parse(std::string_view body) { return ParseJsonBody(body, &AllTypes()); }

std::string ParseError(std::string_view body) {
  Result<Value> r = Parse(body);
  if (r.has_value()) return "parsed: " + Canonical(*r);
  EXPECT_EQ(r.error().code, "SerializationException");
  EXPECT_EQ(r.error().http_status, 400);
  return r.error().message;
}

TEST(JsonParseTest, EveryShapeType) {
  Result<Value> r =
      Parse(R"({"Str":"s","renamedOnWire":"r","Int":-2147483648,"Long":9007199254740993,
      "Float":1.5,"Double":0.1,"Bool":true,"Time":1700000000.123,"Data":"AP8=",
      "List":["a","b"],"Map":{"z":"1","a":"2"},"Nested":{"Int":1},"Choice":{"B":7},
      "Doc":{"any":[1,"x",null,{"k":false}]},"Structs":[{"Str":"x"}],"Unknown":{"ignored":[1]}})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(
      Canonical(*r),
      R"({"Bool":true,"Choice":{"B":i:7},"Data":b:AP8=,"Doc":{"any":[i:1,"x",null,{"k":false}]},)"
      R"("Double":d:0.10000000000000001,"Float":d:1.5,"Int":i:-2147483648,)"
      R"("List":["a","b"],"Long":i:9007199254740993,"Map":{"z":"1","a":"2"},)"
      R"("Nested":{"Int":i:1},"Renamed":"r","Str":"s","Structs":[{"Str":"x"}],)"
      R"("Time":t:1700000000123})");
}

TEST(JsonParseTest, EmptyAndNullBodiesAreEmptyInput) {
  EXPECT_EQ(Canonical(*Parse("")), "{}");
  EXPECT_EQ(Canonical(*Parse("  \n")), "{}");
  EXPECT_EQ(Canonical(*Parse("null")), "{}");
  EXPECT_EQ(Canonical(*ParseJsonBody("{\"x\":1}", nullptr)), "{}");
}

TEST(JsonParseTest, NullMembersAndItemsAreAbsent) {
  EXPECT_EQ(Canonical(*Parse(R"({"Str":null,"List":["a",null],"Map":{"k":null}})")),
            R"({"List":["a"],"Map":{}})");
}

TEST(JsonParseTest, MalformedJsonIsSerializationException) {
  for (std::string_view body : {"{", "{\"Str\":}", "[1,]", "{\"a\":1}x", "{'a':1}", "{\"a\":1,}",
                                "{\"Str\":\"\xff\"}", "/*c*/{}", "nul"}) {
    EXPECT_NE(ParseError(body).find("not valid JSON"), std::string::npos) << body;
  }
}

TEST(JsonParseTest, TypeMismatchesUseAwsWording) {
  EXPECT_EQ(ParseError(R"({"Str":5})"), "NUMBER_VALUE can not be converted to a String");
  EXPECT_EQ(ParseError(R"({"Int":"5"})"), "STRING_VALUE can not be converted to an Integer");
  EXPECT_EQ(ParseError(R"({"Str":{}})"), "Start of structure or map found where not expected.");
  EXPECT_EQ(ParseError(R"({"Str":[]})"), "Start of list found where not expected");
  EXPECT_EQ(ParseError(R"({"Bool":"true"})"), "STRING_VALUE can not be converted to a Boolean");
  EXPECT_EQ(ParseError(R"({"List":"a"})"), "STRING_VALUE can not be converted to a List");
  EXPECT_EQ(ParseError(R"([])"), "Start of list found where not expected");
  EXPECT_EQ(ParseError(R"("x")"), "STRING_VALUE can not be converted to a Structure");
}

TEST(JsonParseTest, IntegerRanges) {
  EXPECT_EQ(Canonical(*Parse(R"({"Int":2147483647})")), "{\"Int\":i:2147483647}");
  EXPECT_EQ(ParseError(R"({"Int":2147483648})"), "Numeric value out of range of an Integer");
  EXPECT_EQ(ParseError(R"({"Int":-2147483649})"), "Numeric value out of range of an Integer");
  EXPECT_EQ(Canonical(*Parse(R"({"Long":-9223372036854775808})")),
            "{\"Long\":i:-9223372036854775808}");
  EXPECT_EQ(ParseError(R"({"Long":9223372036854775808})"), "Numeric value out of range of a Long");
  EXPECT_EQ(ParseError(R"({"Long":1e19})"), "Numeric value out of range of a Long");
  EXPECT_EQ(Canonical(*Parse(R"({"Int":1e3})")), "{\"Int\":i:1000}");
  EXPECT_NE(ParseError(R"({"Int":1.5})").find("fraction"), std::string::npos);
}

TEST(JsonParseTest, DoublesAreReadExactly) {
  // boost::json::parse in 1.81 misrounds values like this one; the reader must not.
  EXPECT_EQ(Parse(R"({"Double":186.68807003715798})")->Find("Double")->as_double(),
            186.68807003715798);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    double d = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 200) - 150);
    char buf[64];
    auto end = std::to_chars(buf, buf + sizeof(buf), d).ptr;
    std::string body = "{\"Double\":" + std::string(buf, end) + "}";
    ASSERT_EQ(Parse(body)->Find("Double")->as_double(), d) << body;
  }
  EXPECT_TRUE(std::isnan(Parse(R"({"Double":"NaN"})")->Find("Double")->as_double()));
  EXPECT_EQ(Parse(R"({"Double":"-Infinity"})")->Find("Double")->as_double(), -INFINITY);
  EXPECT_EQ(ParseError(R"({"Double":"1.5"})"), "STRING_VALUE can not be converted to a Double");
  EXPECT_EQ(ParseError(R"({"Double":1e400})"), "Numeric value out of range of a Double");
}

TEST(JsonParseTest, Timestamps) {
  EXPECT_EQ(Canonical(*Parse(R"({"Time":1700000000})")), "{\"Time\":t:1700000000000}");
  EXPECT_EQ(Canonical(*Parse(R"({"Time":-1.5})")), "{\"Time\":t:-1500}");
  EXPECT_EQ(Canonical(*Parse(R"({"Time":1.0005})")), "{\"Time\":t:1001}");  // nearest millisecond
  // Strict like the Smithy awsJson spec: no ISO 8601 strings.
  EXPECT_EQ(ParseError(R"({"Time":"2024-01-02T03:04:05Z"})"),
            "STRING_VALUE can not be converted to a Timestamp");
  EXPECT_EQ(ParseError(R"({"Time":1e300})"), "Timestamp out of range");
  EXPECT_EQ(ParseError(R"({"Time":9223372036854776})"), "Timestamp out of range");
}

TEST(JsonParseTest, BlobsAreStrictBase64) {
  EXPECT_EQ(Canonical(*Parse(R"({"Data":""})")), "{\"Data\":b:}");
  EXPECT_EQ(ParseError(R"({"Data":"AP8"})"), "Base64 encoded value is invalid");
  EXPECT_EQ(ParseError(R"({"Data":"A P8="})"), "Base64 encoded value is invalid");
}

TEST(JsonParseTest, UnionsTakeOneMember) {
  EXPECT_NE(ParseError(R"({"Choice":{"A":"x","B":1}})").find("exactly one"), std::string::npos);
  EXPECT_EQ(Canonical(*Parse(R"({"Choice":{"A":"x","B":null,"__type":"t"}})")),
            R"({"Choice":{"A":"x"}})");
}

TEST(JsonParseTest, NestingIsLimited) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "{\"Nested\":";
  deep += "{}";
  for (int i = 0; i < 200; ++i) deep += "}";
  EXPECT_FALSE(Parse(deep).has_value());
  std::string doc = "{\"Doc\":" + std::string(500, '[') + std::string(500, ']') + "}";
  EXPECT_FALSE(Parse(doc).has_value());
}

std::string Gzip(std::string_view data) {
  z_stream s{};
  deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&s, data.size()) + 32, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

TEST(JsonCodecTest, GzipBodiesAreDecoded) {
  const ServiceModel& service = TestService();
  http::HttpRequest request;
  request.headers.Add("Content-Encoding", "gzip");
  request.body = Gzip(R"({"Str":"compressed"})");
  Result<Value> r =
      JsonCodec().ParseRequest(request, service, *service.FindOperation("Everything"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(Canonical(*r), R"({"Str":"compressed"})");
  request.body.resize(request.body.size() / 2);
  EXPECT_FALSE(JsonCodec().ParseRequest(request, service, *service.FindOperation("Everything")));
  request.headers.Set("Content-Encoding", "br");
  EXPECT_FALSE(JsonCodec().ParseRequest(request, service, *service.FindOperation("Everything")));
  // A bomb: 64 MiB of zeros in a small body stops at the limit.
  request.headers.Set("Content-Encoding", "gzip");
  request.body = Gzip(std::string(64u << 20, '0'));
  Result<Value> bomb =
      JsonCodec().ParseRequest(request, service, *service.FindOperation("Everything"));
  ASSERT_FALSE(bomb.has_value());
  EXPECT_EQ(bomb.error().code, "SerializationException");
}

Value Sample() {
  return Value::MakeStructure(
      {{"Str", "tab\t\"q\" \\ caf\xC3\xA9 \x01"},
       {"Renamed", "r"},
       {"Int", -7},
       {"Long", std::int64_t{-9223372036854775807 - 1}},
       {"Float", 1.5},
       {"Double", 0.1},
       {"Bool", false},
       {"Time", Timestamp{-1500}},
       {"Data", Blob{std::string("\x00\xff\x10", 3)}},
       {"List", Value::MakeList({"a", "b"})},
       {"Map", Value::MakeMap({{"k2", "v2"}, {"k1", "v1"}})},
       {"Nested", Value::MakeStructure({{"Time", Timestamp{1700000000123}}, {"Double", 3.0}})},
       {"Choice", Value::MakeStructure({{"A", "x"}})},
       {"Doc", Value::MakeMap({{"n", Value()}, {"l", Value::MakeList({1, 2.5, "s", true})}})},
       {"Structs", Value::MakeList({Value::MakeStructure({{"Int", 1}})})},
       {"Doubles", Value::MakeList({1e300, 5e-324, -0.0, 123456789.125})}});
}

TEST(JsonWriteTest, RoundTripsEveryShapeType) {
  std::string body = WriteJsonBody(Sample(), AllTypes());
  EXPECT_NE(body.find("\"renamedOnWire\":\"r\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"Time\":-1.5"), std::string::npos) << body;
  EXPECT_NE(body.find("\"Double\":3.0"), std::string::npos) << body;
  EXPECT_NE(body.find("\\u0001"), std::string::npos) << body;
  Result<Value> back = Parse(body);
  ASSERT_TRUE(back.has_value()) << back.error().message << "\n" << body;
  EXPECT_EQ(Canonical(*back), Canonical(Sample()));
}

TEST(JsonWriteTest, NonFiniteDoublesAndBrokenUtf8) {
  Value v = Value::MakeStructure(
      {{"Doubles", Value::MakeList({NAN, INFINITY, -INFINITY})}, {"Str", "bad \xC3 byte"}});
  EXPECT_EQ(WriteJsonBody(v, AllTypes()),
            "{\"Str\":\"bad \xEF\xBF\xBD byte\",\"Doubles\":[\"NaN\",\"Infinity\",\"-Infinity\"]}");
}

TEST(JsonCodecTest, ResponseHeadersAndEmptyOutput) {
  const ServiceModel& service = TestService();
  ResponseMeta meta;
  meta.request_id = "rid";
  http::HttpResponse r =
      JsonCodec().WriteResponse(service, *service.FindOperation("Nothing"), Value(), meta);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(r.headers.Get("x-amzn-RequestId"), "rid");
}

TEST(JsonCodecTest, ErrorsNameTheShapeAndTheQueryCode) {
  const ServiceModel& service = TestService();
  ResponseMeta meta;
  meta.request_id = "rid";
  // By query code: __type is the shape, the header carries the code.
  http::HttpResponse r = JsonCodec().WriteError(
      service, AwsError::Make("TestCode", 409, "conflict").With("Detail", "d"), meta);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, R"({"__type":"TestError","message":"conflict","Detail":"d"})");
  EXPECT_EQ(r.headers.Get("x-amzn-ErrorType"), "TestError");
  EXPECT_EQ(r.headers.Get("x-amzn-query-error"), "TestCode;Sender");
  // By shape name, a server fault whose message member is "Message".
  r = JsonCodec().WriteError(service, AwsError::Make("ServerFault", 500, "x", Fault::kReceiver),
                             meta);
  EXPECT_EQ(r.body, R"({"__type":"ServerFault","Message":"x"})");
  EXPECT_EQ(r.headers.Get("x-amzn-query-error"), "ServerTrouble;Receiver");
  // Unmodeled codes pass through.
  r = JsonCodec().WriteError(service, AwsError::From(ErrorCode::kSerializationException, "m"),
                             meta);
  EXPECT_EQ(r.body, R"({"__type":"SerializationException","message":"m"})");
  EXPECT_EQ(r.headers.Get("x-amzn-query-error"), "SerializationException;Sender");
  // Not query-compatible: no x-amzn-query-error.
  const ServiceModel* logs = ServiceCatalog::Embedded().Find("logs");
  r = JsonCodec().WriteError(*logs, AwsError::Make("ResourceNotFoundException", 400, "m"), meta);
  EXPECT_FALSE(r.headers.Has("x-amzn-query-error"));
  // Structured members are written as the JSON they are.
  AwsError malformed = AwsError::Make("MalformedQueryException", 400, "bad");
  malformed.extra_json.emplace_back("queryCompileError", R"({"message":"bad"})");
  r = JsonCodec().WriteError(*logs, malformed, meta);
  EXPECT_EQ(r.body, R"({"__type":"MalformedQueryException","message":"bad",)"
                    R"("queryCompileError":{"message":"bad"}})");
}

TEST(JsonRoutingTest, MatchesContentTypeAndTarget) {
  http::HttpRequest request;
  request.headers.Add("Content-Type", "application/x-amz-json-1.1; charset=utf-8");
  request.headers.Add("X-Amz-Target",
                      "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents");
  auto target = MatchJsonRequest(request);
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->target_prefix, "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101");
  EXPECT_EQ(target->operation, "LookupEvents");
  EXPECT_EQ(target->json_version, "1.1");
  EXPECT_TRUE(TargetsService(*target, *ServiceCatalog::Embedded().Find("cloudtrail")));
  EXPECT_FALSE(TargetsService(*target, *ServiceCatalog::Embedded().Find("logs")));

  EXPECT_FALSE(JsonVersionOf("application/json").has_value());
  EXPECT_FALSE(JsonVersionOf("application/x-amz-json-1.2").has_value());
  EXPECT_EQ(JsonVersionOf("Application/X-Amz-Json-1.0"), "1.0");
  EXPECT_FALSE(ParseAmzTarget("NoDot").has_value());
  EXPECT_FALSE(ParseAmzTarget("Prefix.").has_value());
  EXPECT_FALSE(ParseAmzTarget(".Op").has_value());
  request.headers.Remove("X-Amz-Target");
  EXPECT_FALSE(MatchJsonRequest(request).has_value());
}

TEST(WireCommonTest, SmithyNamespaces) {
  EXPECT_EQ(wire::SmithyNamespace(*ServiceCatalog::Embedded().Find("cloudwatch")),
            "com.amazonaws.cloudwatch");
  EXPECT_EQ(wire::SmithyNamespace(*ServiceCatalog::Embedded().Find("logs")),
            "com.amazonaws.cloudwatchlogs");
  EXPECT_EQ(wire::EpochSecondsToMillis(NAN), std::nullopt);
  EXPECT_EQ(wire::EpochSecondsToMillis(1e17), std::nullopt);
  EXPECT_EQ(wire::EpochSecondsToMillis(-1.25), -1250);
}

}  // namespace
}  // namespace tw::protocol
