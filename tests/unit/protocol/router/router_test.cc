// SPDX-License-Identifier: Apache-2.0
#include "protocol/router/router.h"

#include <gtest/gtest.h>

namespace tw::protocol {
namespace {

const ServiceCatalog& Catalog() { return ServiceCatalog::Embedded(); }

http::HttpRequest Post(std::string path, std::string body, std::string content_type) {
  http::HttpRequest r;
  r.method = "POST";
  r.path = std::move(path);
  r.body = std::move(body);
  r.headers.Add("Host", "127.0.0.1:4566");
  if (!content_type.empty()) r.headers.Add("Content-Type", std::move(content_type));
  return r;
}

struct Case {
  const char* name;
  http::HttpRequest request;
  std::string scope_service;
  std::string service;
  Protocol protocol;
  std::string operation;
  bool known;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  cases.push_back({"query form body, signed for sts",
                   Post("/", "Action=GetCallerIdentity&Version=2011-06-15",
                        "application/x-www-form-urlencoded; charset=utf-8"),
                   "sts", "sts", Protocol::kQuery, "GetCallerIdentity", true});
  cases.push_back(
      {"query unsigned: Version tells IAM from STS",
       Post("/", "Action=ListUsers&Version=2010-05-08", "application/x-www-form-urlencoded"), "",
       "iam", Protocol::kQuery, "ListUsers", true});
  cases.push_back({"query with an action the service lacks",
                   Post("/", "Action=Nope&Version=2011-06-15", "application/x-www-form-urlencoded"),
                   "sts", "sts", Protocol::kQuery, "Nope", false});
  {
    http::HttpRequest get;
    get.method = "GET";
    get.path = "/";
    get.raw_query = "Action=ListTopics&Version=2010-03-31";
    cases.push_back(
        {"query in the query string", get, "sns", "sns", Protocol::kQuery, "ListTopics", true});
  }
  {
    auto r = Post("/", "{}", "application/x-amz-json-1.1");
    r.headers.Add("X-Amz-Target", "Logs_20140328.DescribeLogGroups");
    cases.push_back(
        {"json 1.1 by target", r, "logs", "logs", Protocol::kJson, "DescribeLogGroups", true});
    cases.push_back({"json unsigned: the target prefix names the service", r, "", "logs",
                     Protocol::kJson, "DescribeLogGroups", true});
  }
  {
    auto r = Post("/", "{}", "application/x-amz-json-1.0");
    r.headers.Add("X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics");
    r.headers.Add("x-amzn-query-mode", "true");
    cases.push_back({"cloudwatch json 1.0 query mode", r, "monitoring", "cloudwatch",
                     Protocol::kJson, "ListMetrics", true});
  }
  {
    auto r = Post("/service/GraniteServiceVersion20100801/operation/PutMetricData",
                  std::string(1, '\xa0'), "application/cbor");
    r.headers.Add("smithy-protocol", "rpc-v2-cbor");
    cases.push_back({"cloudwatch rpc-v2-cbor", r, "monitoring", "cloudwatch", Protocol::kRpcV2Cbor,
                     "PutMetricData", true});
  }
  {
    auto r =
        Post("/", "Action=ListMetrics&Version=2010-08-01", "application/x-www-form-urlencoded");
    cases.push_back(
        {"cloudwatch query", r, "monitoring", "cloudwatch", Protocol::kQuery, "ListMetrics", true});
  }
  {
    http::HttpRequest r;
    r.method = "PUT";
    r.path = "/reports";
    cases.push_back(
        {"s3 path style create bucket", r, "s3", "s3", Protocol::kRestXml, "CreateBucket", true});
    http::HttpRequest list;
    list.method = "GET";
    list.path = "/reports";
    list.raw_query = "list-type=2&prefix=a";
    cases.push_back(
        {"s3 list objects v2", list, "s3", "s3", Protocol::kRestXml, "ListObjectsV2", true});
    http::HttpRequest vhost;
    vhost.method = "GET";
    vhost.path = "/a/key.txt";
    vhost.headers.Add("Host", "reports.s3.us-east-1.localhost:4566");
    cases.push_back(
        {"s3 virtual host get object", vhost, "s3", "s3", Protocol::kRestXml, "GetObject", true});
    http::HttpRequest buckets;
    buckets.method = "GET";
    buckets.path = "/";
    cases.push_back(
        {"s3 unsigned list buckets", buckets, "", "s3", Protocol::kRestXml, "ListBuckets", true});
  }
  return cases;
}

TEST(RouterTest, ResolvesServiceProtocolAndOperation) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto route = ResolveRoute(c.request, Catalog(), c.scope_service);
    ASSERT_TRUE(route) << route.error().message;
    EXPECT_EQ(route->service->name(), c.service);
    EXPECT_EQ(route->protocol, c.protocol);
    EXPECT_EQ(route->operation_name, c.operation);
    EXPECT_EQ(route->operation != nullptr, c.known);
  }
}

TEST(RouterTest, UnknownOperationsGetEachProtocolsError) {
  Route query;
  query.service = Catalog().Find("iam");
  query.protocol = Protocol::kQuery;
  query.operation_name = "Frobnicate";
  AwsError e = UnknownOperationError(query);
  EXPECT_EQ(e.code, "InvalidAction");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.message, "Could not find operation Frobnicate for version 2010-05-08");

  query.operation_name.clear();
  EXPECT_EQ(UnknownOperationError(query).code, "MissingAction");

  Route json;
  json.service = Catalog().Find("logs");
  json.protocol = Protocol::kJson;
  json.operation_name = "Frobnicate";
  EXPECT_EQ(UnknownOperationError(json).code, "UnknownOperationException");

  Route s3;
  s3.service = Catalog().Find("s3");
  s3.protocol = Protocol::kRestXml;
  EXPECT_EQ(UnknownOperationError(s3).code, "MethodNotAllowed");
  EXPECT_EQ(UnknownOperationError(s3).http_status, 405);
}

}  // namespace
}  // namespace tw::protocol
