// SPDX-License-Identifier: Apache-2.0
// Replays the wire requests botocore recorded (tests/golden/protocol/record_requests.py) through
// routing and the codecs and compares the parsed Value with the recorded expectation.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "golden_util.h"
#include "protocol/query/query_codec.h"
#include "protocol/rest_xml/rest_routing.h"
#include "protocol/rest_xml/rest_xml_codec.h"

namespace tw::protocol {
namespace {

struct Expected {
  std::string service;
  std::string operation;
  std::string value;
};

Expected ReadExpected(const std::filesystem::path& path) {
  std::istringstream in(testing::ReadFileBytes(path));
  Expected e;
  std::string word;
  in >> word >> e.service >> word >> e.operation;
  in >> std::ws;
  std::getline(in, e.value);
  return e;
}

std::vector<std::filesystem::path> Cases(const std::string& protocol) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(testing::GoldenDir(protocol))) {
    if (entry.path().extension() == ".http") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(GoldenRequestTest, QueryRequestsRecordedWithBotocore) {
  auto cases = Cases("query");
  ASSERT_GE(cases.size(), 8u);
  QueryCodec codec;
  for (const auto& path : cases) {
    SCOPED_TRACE(path.filename().string());
    Expected e = ReadExpected(std::filesystem::path(path).replace_extension(".expected"));
    http::HttpRequest request = testing::ParseHttpFixture(testing::ReadFileBytes(path));
    const ServiceModel* service = ServiceCatalog::Embedded().Find(e.service);
    ASSERT_NE(service, nullptr);
    const Operation* op = service->FindOperation(e.operation);
    ASSERT_NE(op, nullptr);
    Result<Value> parsed = codec.ParseRequest(request, *service, *op);
    ASSERT_TRUE(parsed) << parsed.error().code << ": " << parsed.error().message;
    EXPECT_EQ(parsed->DebugString(), e.value);
  }
}

TEST(GoldenRequestTest, RestXmlRequestsRecordedWithBotocore) {
  auto cases = Cases("rest_xml");
  ASSERT_GE(cases.size(), 6u);
  RestXmlCodec codec;
  for (const auto& path : cases) {
    SCOPED_TRACE(path.filename().string());
    Expected e = ReadExpected(std::filesystem::path(path).replace_extension(".expected"));
    http::HttpRequest request = testing::ParseHttpFixture(testing::ReadFileBytes(path));
    const ServiceModel* service = ServiceCatalog::Embedded().Find(e.service);
    ASSERT_NE(service, nullptr);
    bool vhost = VirtualHostBucket(request.headers.Get("Host")).has_value();
    const Operation* op = MatchRestOperation(*service, request, vhost);
    ASSERT_NE(op, nullptr);
    EXPECT_EQ(op->name, e.operation);
    Result<Value> parsed = codec.ParseRequest(request, *service, *op);
    ASSERT_TRUE(parsed) << parsed.error().code << ": " << parsed.error().message;
    EXPECT_EQ(parsed->DebugString(), e.value);
  }
}

}  // namespace
}  // namespace tw::protocol
