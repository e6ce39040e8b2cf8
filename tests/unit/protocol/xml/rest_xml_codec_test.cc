// SPDX-License-Identifier: Apache-2.0
#include "protocol/rest_xml/rest_xml_codec.h"

#include <gtest/gtest.h>

#include "protocol/rest_xml/rest_routing.h"
#include "protocol/xml/xml_shape.h"

namespace tw::protocol {
namespace {

const ServiceModel& S3() { return *ServiceCatalog::Embedded().Find("s3"); }

http::HttpRequest Req(std::string method, std::string target, std::string host = "localhost:4566",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::HttpRequest r;
  r.method = std::move(method);
  std::size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.raw_query = target.substr(q + 1);
  r.headers.Add("Host", std::move(host));
  for (auto& [k, v] : headers) r.headers.Add(k, v);
  return r;
}

std::string Route(const http::HttpRequest& r) {
  bool vhost = VirtualHostBucket(r.headers.Get("Host")).has_value();
  const Operation* op = MatchRestOperation(S3(), r, vhost);
  return op ? op->name : "<none>";
}

TEST(RestRoutingTest, S3Table) {
  struct Case {
    std::string method, target, host;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string expected;
  };
  const std::string cp = "x-amz-copy-source";
  std::vector<Case> cases = {
      {"GET", "/", "localhost:4566", {}, "ListBuckets"},
      {"GET", "/b", "localhost", {}, "ListObjects"},
      {"GET", "/b/", "localhost", {}, "ListObjects"},
      {"GET", "/b?list-type=2&prefix=a", "localhost", {}, "ListObjectsV2"},
      {"GET", "/b?acl", "localhost", {}, "GetBucketAcl"},
      {"GET", "/b?acl=", "localhost", {}, "GetBucketAcl"},
      {"GET", "/b?location", "localhost", {}, "GetBucketLocation"},
      {"GET", "/b?uploads", "localhost", {}, "ListMultipartUploads"},
      {"GET", "/b?versions", "localhost", {}, "ListObjectVersions"},
      {"GET", "/b?lifecycle", "localhost", {}, "GetBucketLifecycleConfiguration"},
      {"GET", "/b?analytics", "localhost", {}, "ListBucketAnalyticsConfigurations"},
      {"GET", "/b?analytics&id=x", "localhost", {}, "GetBucketAnalyticsConfiguration"},
      {"PUT", "/b", "localhost", {}, "CreateBucket"},
      {"HEAD", "/b", "localhost", {}, "HeadBucket"},
      {"DELETE", "/b", "localhost", {}, "DeleteBucket"},
      {"POST", "/b?delete", "localhost", {}, "DeleteObjects"},
      {"PUT", "/b/k", "localhost", {}, "PutObject"},
      {"PUT", "/b/a/b%20c", "localhost", {{cp, "/o/k"}}, "CopyObject"},
      {"PUT", "/b/k?partNumber=1&uploadId=u", "localhost", {}, "UploadPart"},
      {"PUT", "/b/k?partNumber=1&uploadId=u", "localhost", {{cp, "/o/k"}}, "UploadPartCopy"},
      {"PUT", "/b/k?tagging", "localhost", {}, "PutObjectTagging"},
      {"GET", "/b/k", "localhost", {}, "GetObject"},
      {"GET", "/b/k?versionId=3", "localhost", {}, "GetObject"},
      {"GET", "/b/k?uploadId=u", "localhost", {}, "ListParts"},
      {"GET", "/b/k?acl", "localhost", {}, "GetObjectAcl"},
      {"GET", "/b/k?attributes", "localhost", {}, "GetObjectAttributes"},
      {"GET", "/b/k?x-id=GetObject", "localhost", {}, "GetObject"},
      {"HEAD", "/b/k", "localhost", {}, "HeadObject"},
      {"DELETE", "/b/k", "localhost", {}, "DeleteObject"},
      {"DELETE", "/b/k?uploadId=u", "localhost", {}, "AbortMultipartUpload"},
      {"POST", "/b/k?uploads", "localhost", {}, "CreateMultipartUpload"},
      {"POST", "/b/k?uploadId=u", "localhost", {}, "CompleteMultipartUpload"},
      {"POST", "/b/k?select&select-type=2", "localhost", {}, "SelectObjectContent"},
      // Virtual-hosted: the path is the key.
      {"GET", "/", "b.s3.localhost:4566", {}, "ListObjects"},
      {"GET", "/?list-type=2", "b.s3.us-east-1.localhost", {}, "ListObjectsV2"},
      {"GET", "/k/with/slash", "my.bucket.localhost", {}, "GetObject"},
      {"PUT", "/", "b.s3.amazonaws.com", {}, "CreateBucket"},
      {"GET", "/", "s3.localhost:4566", {}, "ListBuckets"},
      {"PATCH", "/b", "localhost", {}, "<none>"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Route(Req(c.method, c.target, c.host, c.headers)), c.expected)
        << c.method << " " << c.target << " @" << c.host;
  }
}

TEST(RestRoutingTest, VirtualHostBucket) {
  EXPECT_EQ(VirtualHostBucket("b.s3.localhost:4566"), "b");
  EXPECT_EQ(VirtualHostBucket("my.dotted.bucket.s3.eu-west-1.localhost"), "my.dotted.bucket");
  EXPECT_EQ(VirtualHostBucket("Bucket.LOCALHOST"), "bucket");
  EXPECT_EQ(VirtualHostBucket("b.s3.amazonaws.com"), "b");
  EXPECT_EQ(VirtualHostBucket("b.s3.us-west-2.amazonaws.com"), "b");
  EXPECT_EQ(VirtualHostBucket("b.s3-us-west-2.amazonaws.com"), "b");
  EXPECT_FALSE(VirtualHostBucket("localhost:4566"));
  EXPECT_FALSE(VirtualHostBucket("s3.localhost"));
  EXPECT_FALSE(VirtualHostBucket("s3.us-east-1.localhost"));
  EXPECT_FALSE(VirtualHostBucket("s3.amazonaws.com"));
  EXPECT_FALSE(VirtualHostBucket("127.0.0.1:4566"));
  EXPECT_FALSE(VirtualHostBucket("[::1]:4566"));
  EXPECT_FALSE(VirtualHostBucket("iam.amazonaws.com"));
}

TEST(RestRoutingTest, UriTemplates) {
  auto l = MatchUriTemplate("/{Bucket}/{Key+}?uploads", "/b/a%2Fb/c%20d");
  ASSERT_TRUE(l);
  EXPECT_EQ((*l)[1], (std::pair<std::string, std::string>{"Key", "a/b/c d"}));
  EXPECT_FALSE(MatchUriTemplate("/{Bucket}/{Key+}", "/b/"));
  EXPECT_FALSE(MatchUriTemplate("/{Bucket}", "/b/k"));
  EXPECT_FALSE(MatchUriTemplate("/{Bucket}", "/%zz"));
  EXPECT_TRUE(MatchUriTemplate("/", "/"));
  EXPECT_FALSE(MatchUriTemplate("/", "/b"));
}

Result<Value> Parse(const http::HttpRequest& r, std::string_view op) {
  return RestXmlCodec().ParseRequest(r, S3(), *S3().FindOperation(op));
}

TEST(RestXmlCodecTest, MalformedHeaderQueryAndBodyErrors) {
  auto bad_int = Parse(Req("GET", "/b?list-type=2&max-keys=ten"), "ListObjectsV2");
  ASSERT_FALSE(bad_int);
  EXPECT_EQ(bad_int.error().code, "InvalidArgument");
  ASSERT_EQ(bad_int.error().extra.size(), 2u);
  EXPECT_EQ(bad_int.error().extra[0].second, "max-keys");
  EXPECT_EQ(bad_int.error().extra[1].second, "ten");
  auto bad_date =
      Parse(Req("GET", "/b/k", "localhost", {{"If-Modified-Since", "yesterday"}}), "GetObject");
  ASSERT_FALSE(bad_date);
  EXPECT_EQ(bad_date.error().code, "InvalidArgument");
  http::HttpRequest r = Req("POST", "/b?delete");
  r.body = "<Delete><Object><Key>a</Key></Object>";
  auto bad_xml = Parse(r, "DeleteObjects");
  ASSERT_FALSE(bad_xml);
  EXPECT_EQ(bad_xml.error().code, "MalformedXML");
  r.body = "<Delete><Quiet>maybe</Quiet></Delete>";
  EXPECT_FALSE(Parse(r, "DeleteObjects"));
  r.body = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Delete>&e;</Delete>";
  EXPECT_FALSE(Parse(r, "DeleteObjects"));
}

TEST(RestXmlCodecTest, HeaderListsBooleansAndAttributes) {
  auto v = Parse(Req("GET", "/b/k?attributes", "localhost",
                     {{"x-amz-object-attributes", "ETag, \"Object,Size\",StorageClass"},
                      {"x-amz-max-parts", "5"}}),
                 "GetObjectAttributes");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->Find("ObjectAttributes")->DebugString(), R"(["ETag","Object,Size","StorageClass"])");
  EXPECT_EQ(v->Find("MaxParts")->as_integer(), 5);

  http::HttpRequest acl = Req("PUT", "/b?acl");
  acl.body =
      "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><AccessControlList>"
      "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:type=\"CanonicalUser\"><ID>abc</ID></Grantee><Permission>READ</Permission></Grant>"
      "</AccessControlList><Owner><ID>abc</ID></Owner></AccessControlPolicy>";
  auto p = Parse(acl, "PutBucketAcl");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->Find("AccessControlPolicy")->DebugString(),
            R"({"Grants":[{"Grantee":{"ID":"abc","Type":"CanonicalUser"},"Permission":"READ"}],)"
            R"("Owner":{"ID":"abc"}})");
}

// Writes a Value through the XML shape writer and reads it back with the reader.
Value RoundTrip(const Shape& shape, const Value& v) {
  xml::XmlWriter w;
  xml::WriteStructureElement(w, "Root", shape, v, xml::XmlStyle{}, nullptr);
  auto doc = xml::ParseXml(w.Take());
  EXPECT_TRUE(doc);
  auto back = xml::ReadXml(*doc, shape);
  EXPECT_TRUE(back) << back.error().message;
  return back ? *back : Value();
}

TEST(RestXmlCodecTest, XmlRoundTripOfListsFlattenedListsNestingTimestampsAndBlobs) {
  const Shape& list_out = *S3().FindShape("ListObjectsV2Output");
  Value objects = Value::MakeStructure(
      {{"Contents",
        Value::MakeList({Value::MakeStructure({{"Key", "a&<b>"},
                                               {"LastModified", Timestamp{1709296205123}},
                                               {"Owner", Value::MakeStructure({{"ID", "x"}})},
                                               {"Size", std::int64_t{1} << 40}}),
                         Value::MakeStructure({{"Key", " spaced "}})})},
       {"IsTruncated", true}});
  EXPECT_EQ(RoundTrip(list_out, objects).DebugString(), objects.DebugString());

  const Shape& tagging = *S3().FindShape("Tagging");
  Value tags = Value::MakeStructure(
      {{"TagSet", Value::MakeList({Value::MakeStructure({{"Key", "k"}, {"Value", ""}})})}});
  EXPECT_EQ(RoundTrip(tagging, tags).DebugString(), tags.DebugString());

  // Blob and map members exist only in the query services' shapes; the writer and reader are
  // shared, so exercise them through SNS's MessageAttributeValue map.
  const Shape& publish = *ServiceCatalog::Embedded().Find("sns")->FindShape("PublishInput");
  Value attrs = Value::MakeStructure(
      {{"MessageAttributes",
        Value::MakeMap({{"b", Value::MakeStructure({{"BinaryValue", Blob{std::string("\0\xff", 2)}},
                                                    {"DataType", "Binary"}})}})}});
  EXPECT_EQ(RoundTrip(publish, attrs), attrs);  // exact bytes, not just sizes
}

TEST(RestXmlCodecTest, HeadErrorsHaveNoBodyAndRequestIdsAreSet) {
  RestXmlCodec c;
  auto head =
      c.WriteError(S3(), AwsError::Make("NoSuchBucket", 404, "nope"), ResponseMeta{"rid", "HEAD"});
  EXPECT_EQ(head.status, 404);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.headers.Get("x-amz-request-id"), "rid");
  EXPECT_FALSE(head.headers.Get("x-amz-id-2").empty());
  auto get = c.WriteError(S3(), AwsError::Make("NoSuchBucket", 404, "nope").With("BucketName", "b"),
                          ResponseMeta{"rid", "GET"});
  EXPECT_NE(get.body.find("<BucketName>b</BucketName><RequestId>rid</RequestId>"),
            std::string::npos);
}

}  // namespace
}  // namespace tw::protocol
