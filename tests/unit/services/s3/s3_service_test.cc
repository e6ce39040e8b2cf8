// SPDX-License-Identifier: Apache-2.0
// The S3 service over a real Database and blob directory in a temp dir: handlers are called the
// way the dispatcher calls them (validated input Values), and answers are checked against S3's.
#include "services/s3/s3_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "common/crypto.h"
#include "common/strings.h"
#include "services/s3/errors.h"
#include "services/s3/support.h"
#include "store/accounts_repository.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::services::s3 {
namespace {

// GetObject's Body is an open file range the server sends; read it as the client would.
std::string BodyOf(const protocol::Value& output) {
  const protocol::Value* body = output.Find("Body");
  if (body == nullptr || !body->is_blob()) return "<no body>";
  const auto& file = body->as_blob().file;
  if (!file) return body->as_blob().bytes;
  std::string out(static_cast<std::size_t>(file->length()), '\0');
  ssize_t n = ::pread(file->fd(), out.data(), out.size(), static_cast<off_t>(file->offset()));
  if (n != static_cast<ssize_t>(out.size())) return "<short read>";
  return out;
}

namespace fs = std::filesystem;
using protocol::Blob;
using protocol::Timestamp;
using protocol::Value;
using Method = Result<Value> (S3Service::*)(RequestContext&, const Value&);

constexpr std::string_view kAccount = "000000000000";
constexpr std::string_view kOtherAccount = "111111111111";
constexpr std::int64_t kMiB = 1024 * 1024;

Value S(Value::Entries members) { return Value::MakeStructure(std::move(members)); }

struct CallOptions {
  std::string region = "us-east-1";
  std::string account = std::string(kAccount);
  std::string body;  // the raw request body (Content-MD5 of XML payloads is checked over it)
};

CallOptions InRegion(std::string region) {
  CallOptions o;
  o.region = std::move(region);
  return o;
}

CallOptions AsAccount(std::string_view account) {
  CallOptions o;
  o.account = std::string(account);
  return o;
}

class S3ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tw-s3-test-" + SecureRandom().FromAlphabet("abcdef0123456789", 12));
    auto db = store::Database::Open(dir_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    store::AccountsRepository accounts(*db_);
    ASSERT_TRUE(accounts.EnsureAccount(kAccount, 0));
    ASSERT_TRUE(accounts.EnsureAccount(kOtherAccount, 0));
    service_ = std::make_unique<S3Service>(S3Deps{*db_, dir_});
  }

  void TearDown() override {
    service_.reset();
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Result<Value> Call(Method method, const Value& input, const CallOptions& options = {}) {
    auth::Principal principal;
    principal.account_id = options.account;
    principal.arn = "arn:aws:iam::" + options.account + ":root";
    principal.user_id = options.account;
    http::HttpRequest request;
    request.body = options.body;
    request.headers.Add("Host", "s3.localhost:4566");
    RequestContext context{"req-1", principal, options.region, clock_, random_, request};
    return ((*service_).*method)(context, input);
  }

  void MakeBucket(std::string_view name) {
    auto r = Call(&S3Service::CreateBucket, S({{"Bucket", name}}));
    ASSERT_TRUE(r) << r.error().code;
  }

  void Put(std::string_view bucket, std::string_view key, std::string body,
           Value::Entries extra = {}) {
    Value input = S({{"Bucket", bucket}, {"Key", key}, {"Body", Blob{std::move(body)}}});
    for (auto& [name, value] : extra) input.Set(name, value);
    auto r = Call(&S3Service::PutObject, input);
    ASSERT_TRUE(r) << r.error().code << ": " << r.error().message;
  }

  std::size_t BlobFiles() {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "s3" / "blobs")) {
      if (e.is_regular_file()) ++n;
    }
    return n;
  }

  fs::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<S3Service> service_;
  testing::FakeClock clock_{1'709'296'205'123};  // 2024-03-01T12:30:05.123Z
  testing::FixedRandom random_;
};

void ExpectError(const Result<Value>& r, std::string_view code, int status) {
  ASSERT_FALSE(r) << "expected " << code;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_EQ(r.error().http_status, status);
}

std::string ExtraOf(const AwsError& e, std::string_view name) {
  for (const auto& [n, v] : e.extra) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(BucketNameTest, FollowsS3Rules) {
  for (std::string_view ok : {"abc", "my-bucket.logs", "a1b2c3", "123"}) {
    EXPECT_TRUE(IsValidBucketName(ok)) << ok;
  }
  EXPECT_TRUE(IsValidBucketName(std::string(63, 'a')));
  for (std::string_view bad :
       {"ab", "UPPER", "under_score", "-start", "end-", "two..dots", "192.168.5.4", "xn--punycode",
        "sthree-x", "amzn-s3-demo-bucket", "name-s3alias", "name--ol-s3", "name.mrap", "name--x-s3",
        "name--table-s3", "spa ce"}) {
    EXPECT_FALSE(IsValidBucketName(bad)) << bad;
  }
  EXPECT_FALSE(IsValidBucketName(std::string(64, 'a')));
}

TEST_F(S3ServiceTest, CreateHeadListLocateAndDeleteBuckets) {
  ExpectError(Call(&S3Service::CreateBucket, S({{"Bucket", "Bad_Name"}})), "InvalidBucketName",
              400);
  auto created = Call(&S3Service::CreateBucket, S({{"Bucket", "logs"}}));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->GetString("Location"), "/logs");
  // us-east-1's legacy answer: re-creating your own bucket there is a 200.
  EXPECT_TRUE(Call(&S3Service::CreateBucket, S({{"Bucket", "logs"}})));
  ExpectError(Call(&S3Service::CreateBucket, S({{"Bucket", "logs"}}), AsAccount(kOtherAccount)),
              "BucketAlreadyExists", 409);
  // Elsewhere re-creating is BucketAlreadyOwnedByYou.
  Value eu = S({{"Bucket", "eu-logs"},
                {"CreateBucketConfiguration", S({{"LocationConstraint", "eu-west-1"}})}});
  ASSERT_TRUE(Call(&S3Service::CreateBucket, eu, InRegion("eu-west-1")));
  auto again = Call(&S3Service::CreateBucket, eu, InRegion("eu-west-1"));
  ExpectError(again, "BucketAlreadyOwnedByYou", 409);
  EXPECT_EQ(ExtraOf(again.error(), "BucketName"), "eu-logs");
  ExpectError(Call(&S3Service::CreateBucket, S({{"Bucket", "nowhere"}}), InRegion("eu-west-1")),
              "IllegalLocationConstraintException", 400);

  auto location = Call(&S3Service::GetBucketLocation, S({{"Bucket", "eu-logs"}}));
  ASSERT_TRUE(location);
  EXPECT_EQ(location->GetString("LocationConstraint"), "eu-west-1");
  location = Call(&S3Service::GetBucketLocation, S({{"Bucket", "logs"}}));
  ASSERT_TRUE(location);
  EXPECT_EQ(location->GetString("LocationConstraint", "absent"), "");

  auto head = Call(&S3Service::HeadBucket, S({{"Bucket", "eu-logs"}}));
  ASSERT_TRUE(head);
  EXPECT_EQ(head->GetString("BucketRegion"), "eu-west-1");
  ExpectError(Call(&S3Service::HeadBucket, S({{"Bucket", "missing"}})), "NoSuchBucket", 404);
  // Another account's caller is refused or let in by the authorizer (its own policies and the
  // bucket policy, tests/unit/server/cross_account_test.cc), not by the handler.
  EXPECT_TRUE(Call(&S3Service::HeadBucket, S({{"Bucket", "logs"}}), AsAccount(kOtherAccount)));

  auto list = Call(&S3Service::ListBuckets, S({}));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->Find("Buckets")->as_list().size(), 2u);
  EXPECT_EQ(list->Find("Buckets")->as_list()[0].GetString("Name"), "eu-logs");
  EXPECT_EQ(list->Find("Buckets")->as_list()[1].Find("CreationDate")->as_timestamp().epoch_millis,
            1'709'296'205'000);
  EXPECT_EQ(list->Find("Owner")->GetString("ID"), CanonicalUserId(kAccount));
  auto page = Call(&S3Service::ListBuckets, S({{"MaxBuckets", 1}}));
  ASSERT_TRUE(page);
  ASSERT_NE(page->Find("ContinuationToken"), nullptr);
  page = Call(&S3Service::ListBuckets,
              S({{"MaxBuckets", 1}, {"ContinuationToken", page->GetString("ContinuationToken")}}));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->Find("Buckets")->as_list()[0].GetString("Name"), "logs");
  EXPECT_EQ(page->Find("ContinuationToken"), nullptr);

  Put("logs", "a.txt", "x");
  auto not_empty = Call(&S3Service::DeleteBucket, S({{"Bucket", "logs"}}));
  ExpectError(not_empty, "BucketNotEmpty", 409);
  EXPECT_EQ(ExtraOf(not_empty.error(), "BucketName"), "logs");
  ASSERT_TRUE(Call(&S3Service::DeleteObject, S({{"Bucket", "logs"}, {"Key", "a.txt"}})));
  ASSERT_TRUE(Call(&S3Service::DeleteBucket, S({{"Bucket", "logs"}})));
  ExpectError(Call(&S3Service::DeleteBucket, S({{"Bucket", "logs"}})), "NoSuchBucket", 404);
}

TEST_F(S3ServiceTest, PutGetHeadWithMetadataEtagAndDefaults) {
  MakeBucket("data");
  Put("data", "dir/hello.txt", "hello world",
      {{"ContentType", "text/plain"},
       {"ContentEncoding", "aws-chunked"},
       {"CacheControl", "max-age=60"},
       {"Metadata", Value::MakeMap({{"owner", "alice"}})}});
  Put("data", "raw", "");
  auto got = Call(&S3Service::GetObject, S({{"Bucket", "data"}, {"Key", "dir/hello.txt"}}));
  ASSERT_TRUE(got);
  EXPECT_EQ(BodyOf(*got), "hello world");
  EXPECT_EQ(got->GetString("ETag"), "\"" + HexEncode(Md5("hello world")) + "\"");
  EXPECT_EQ(got->GetString("ContentType"), "text/plain");
  EXPECT_EQ(got->GetString("CacheControl"), "max-age=60");
  EXPECT_EQ(got->Find("ContentEncoding"), nullptr) << "aws-chunked is the transfer, not the object";
  EXPECT_EQ(got->Find("ContentLength")->as_integer(), 11);
  EXPECT_EQ(got->Find("LastModified")->as_timestamp().epoch_millis, 1'709'296'205'000);
  EXPECT_EQ(got->Find("Metadata")->GetString("owner"), "alice");
  EXPECT_EQ(got->Find("ContentRange"), nullptr);

  auto head = Call(&S3Service::HeadObject, S({{"Bucket", "data"}, {"Key", "raw"}}));
  ASSERT_TRUE(head);
  EXPECT_EQ(head->Find("Body"), nullptr);
  EXPECT_EQ(head->GetString("ContentType"), "binary/octet-stream");
  EXPECT_EQ(head->GetString("ETag"), "\"d41d8cd98f00b204e9800998ecf8427e\"");
  EXPECT_EQ(head->Find("ContentLength")->as_integer(), 0);

  auto missing = Call(&S3Service::GetObject, S({{"Bucket", "data"}, {"Key", "nope"}}));
  ExpectError(missing, "NoSuchKey", 404);
  EXPECT_EQ(ExtraOf(missing.error(), "Key"), "nope");
  ExpectError(Call(&S3Service::GetObject, S({{"Bucket", "nobucket"}, {"Key", "k"}})),
              "NoSuchBucket", 404);

  // Overwriting replaces the body and removes the old blob file.
  EXPECT_EQ(BlobFiles(), 2u);
  Put("data", "raw", "second");
  EXPECT_EQ(BlobFiles(), 2u);
  ASSERT_TRUE(Call(&S3Service::DeleteObject, S({{"Bucket", "data"}, {"Key", "raw"}})));
  EXPECT_EQ(BlobFiles(), 1u);
  // Deleting a missing key is still a success (204).
  EXPECT_TRUE(Call(&S3Service::DeleteObject, S({{"Bucket", "data"}, {"Key", "raw"}})));
  ExpectError(Call(&S3Service::PutObject,
                   S({{"Bucket", "data"}, {"Key", std::string(1025, 'k')}, {"Body", Blob{"x"}}})),
              "KeyTooLongError", 400);
}

TEST_F(S3ServiceTest, ContentMd5IsChecked) {
  MakeBucket("data");
  std::string good = Base64Encode(Md5("abc"));
  EXPECT_TRUE(
      Call(&S3Service::PutObject,
           S({{"Bucket", "data"}, {"Key", "k"}, {"Body", Blob{"abc"}}, {"ContentMD5", good}})));
  auto bad =
      Call(&S3Service::PutObject,
           S({{"Bucket", "data"}, {"Key", "k2"}, {"Body", Blob{"abd"}}, {"ContentMD5", good}}));
  ExpectError(bad, "BadDigest", 400);
  EXPECT_EQ(bad.error().message, "The Content-MD5 you specified did not match what we received.");
  ExpectError(
      Call(
          &S3Service::PutObject,
          S({{"Bucket", "data"}, {"Key", "k3"}, {"Body", Blob{"abc"}}, {"ContentMD5", "not-md5"}})),
      "InvalidDigest", 400);
  ExpectError(Call(&S3Service::HeadObject, S({{"Bucket", "data"}, {"Key", "k2"}})), "NoSuchKey",
              404);
  EXPECT_EQ(BlobFiles(), 1u) << "a refused body leaves no file";
}

TEST_F(S3ServiceTest, RangesAndConditions) {
  MakeBucket("data");
  Put("data", "k", "0123456789");
  auto get = [&](Value::Entries extra) {
    Value input = S({{"Bucket", "data"}, {"Key", "k"}});
    for (auto& [n, v] : extra) input.Set(n, v);
    return Call(&S3Service::GetObject, input);
  };
  auto r = get({{"Range", "bytes=2-4"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(BodyOf(*r), "234");
  EXPECT_EQ(r->GetString("ContentRange"), "bytes 2-4/10");
  EXPECT_EQ(r->Find("ContentLength")->as_integer(), 3);
  r = get({{"Range", "bytes=-3"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(BodyOf(*r), "789");
  r = get({{"Range", "bytes=7-100"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->GetString("ContentRange"), "bytes 7-9/10");
  r = get({{"Range", "bytes=0-1,4-5"}});  // multiple ranges: S3 sends the whole object
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("ContentRange"), nullptr);
  auto unsatisfiable = get({{"Range", "bytes=10-"}});
  ExpectError(unsatisfiable, "InvalidRange", 416);
  EXPECT_EQ(ExtraOf(unsatisfiable.error(), "ActualObjectSize"), "10");
  EXPECT_EQ(ExtraOf(unsatisfiable.error(), "RangeRequested"), "bytes=10-");

  std::string etag = "\"" + HexEncode(Md5("0123456789")) + "\"";
  const std::int64_t modified = 1'709'296'205'000;
  EXPECT_TRUE(get({{"IfMatch", etag}}));
  auto failed = get({{"IfMatch", "\"other\""}});
  ExpectError(failed, "PreconditionFailed", 412);
  EXPECT_EQ(ExtraOf(failed.error(), "Condition"), "If-Match");
  ExpectError(get({{"IfNoneMatch", etag}}), "NotModified", 304);
  EXPECT_TRUE(get({{"IfNoneMatch", "\"other\""}}));
  ExpectError(get({{"IfModifiedSince", Timestamp{modified}}}), "NotModified", 304);
  EXPECT_TRUE(get({{"IfModifiedSince", Timestamp{modified - 1000}}}));
  ExpectError(get({{"IfUnmodifiedSince", Timestamp{modified - 1000}}}), "PreconditionFailed", 412);
  // A passing If-Match overrides a failing If-Unmodified-Since (RFC 7232, as S3 documents).
  EXPECT_TRUE(get({{"IfMatch", etag}, {"IfUnmodifiedSince", Timestamp{modified - 1000}}}));
  // A passing If-None-Match overrides a failing If-Modified-Since.
  EXPECT_TRUE(get({{"IfNoneMatch", "\"other\""}, {"IfModifiedSince", Timestamp{modified}}}));
  // Response overrides.
  r = get({{"ResponseContentType", "application/json"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->GetString("ContentType"), "application/json");
}

TEST_F(S3ServiceTest, SmallBodiesAreReadLargeOnesSentFromTheFile) {
  MakeBucket("data");
  const std::uint64_t limit = S3Service::kInMemoryBodyLimit;
  std::string small(static_cast<std::size_t>(limit), 's');
  std::string large(static_cast<std::size_t>(limit) + 1, 'l');
  large.back() = 'z';
  Put("data", "small", small);
  Put("data", "large", large);
  auto get = [&](std::string key, Value::Entries extra = {}) {
    Value input = S({{"Bucket", "data"}, {"Key", key}});
    for (auto& [n, v] : extra) input.Set(n, v);
    return Call(&S3Service::GetObject, input);
  };

  auto r = get("small");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("Body")->as_blob().file, nullptr) << "up to the limit: in memory";
  EXPECT_EQ(r->Find("Body")->as_blob().bytes, small);

  r = get("large");
  ASSERT_TRUE(r);
  const auto& file = r->Find("Body")->as_blob().file;
  ASSERT_NE(file, nullptr) << "above the limit: sent from the blob file";
  EXPECT_TRUE(r->Find("Body")->as_blob().bytes.empty());
  EXPECT_EQ(file->offset(), 0u);
  EXPECT_EQ(file->length(), limit + 1);
  EXPECT_EQ(BodyOf(*r), large);

  // The size that counts is the range's: a short slice of a large object is read.
  r = get("large", {{"Range", "bytes=-2"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("Body")->as_blob().file, nullptr);
  EXPECT_EQ(r->Find("Body")->as_blob().bytes, "lz");
  r = get("large", {{"Range", "bytes=1-"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("Body")->as_blob().file, nullptr);
  EXPECT_EQ(BodyOf(*r), large.substr(1));
}

TEST_F(S3ServiceTest, ListObjectsV2PrefixDelimiterAndPagination) {
  MakeBucket("data");
  for (std::string_view key : {"a/1", "a/2", "b/1", "c", "d e+f", "z/q/1"}) Put("data", key, "x");
  auto list = [&](Value::Entries extra) {
    Value input = S({{"Bucket", "data"}});
    for (auto& [n, v] : extra) input.Set(n, v);
    return Call(&S3Service::ListObjectsV2, input);
  };
  auto r = list({{"Delimiter", "/"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("KeyCount")->as_integer(), 5);
  ASSERT_EQ(r->Find("Contents")->as_list().size(), 2u);
  EXPECT_EQ(r->Find("Contents")->as_list()[0].GetString("Key"), "c");
  EXPECT_EQ(r->Find("Contents")->as_list()[1].GetString("Key"), "d e+f");
  ASSERT_EQ(r->Find("CommonPrefixes")->as_list().size(), 3u);
  EXPECT_EQ(r->Find("CommonPrefixes")->as_list()[2].GetString("Prefix"), "z/");
  EXPECT_FALSE(r->Find("IsTruncated")->as_bool());

  r = list({{"Prefix", "a/"}, {"Delimiter", "/"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("KeyCount")->as_integer(), 2);
  EXPECT_EQ(r->Find("CommonPrefixes"), nullptr);

  r = list({{"EncodingType", "url"}, {"Prefix", "d "}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("Contents")->as_list()[0].GetString("Key"), "d%20e%2Bf");
  EXPECT_EQ(r->GetString("Prefix"), "d%20");

  // Walk with max-keys 2 and tokens; prefixes and keys both count.
  std::vector<std::string> seen;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    Value::Entries args = {{"Delimiter", "/"}, {"MaxKeys", 2}};
    if (!token.empty()) args.push_back({"ContinuationToken", token});
    r = list(args);
    ASSERT_TRUE(r);
    if (const Value* c = r->Find("Contents")) {
      for (const Value& item : c->as_list()) seen.emplace_back(item.GetString("Key"));
    }
    if (const Value* p = r->Find("CommonPrefixes")) {
      for (const Value& item : p->as_list()) seen.emplace_back(item.GetString("Prefix"));
    }
    if (!r->Find("IsTruncated")->as_bool()) break;
    token = std::string(r->GetString("NextContinuationToken"));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a/", "b/", "c", "d e+f", "z/"}));

  r = list({{"StartAfter", "b/1"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("Contents")->as_list()[0].GetString("Key"), "c");
  EXPECT_EQ(r->GetString("StartAfter"), "b/1");
  ExpectError(list({{"ContinuationToken", "garbage"}}), "InvalidArgument", 400);
  ExpectError(list({{"MaxKeys", -1}}), "InvalidArgument", 400);
  r = list({{"MaxKeys", 0}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("KeyCount")->as_integer(), 0);
  EXPECT_FALSE(r->Find("IsTruncated")->as_bool());
}

TEST_F(S3ServiceTest, ListObjectsV1MarkerAndNextMarker) {
  MakeBucket("data");
  for (std::string_view key : {"a/1", "a/2", "b", "c/1"}) Put("data", key, "x");
  auto r =
      Call(&S3Service::ListObjects, S({{"Bucket", "data"}, {"Delimiter", "/"}, {"MaxKeys", 2}}));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->Find("IsTruncated")->as_bool());
  EXPECT_EQ(r->GetString("NextMarker"), "b");
  EXPECT_EQ(r->GetString("Marker"), "");
  ASSERT_NE(r->Find("Contents")->as_list()[0].Find("Owner"), nullptr);
  r = Call(&S3Service::ListObjects,
           S({{"Bucket", "data"}, {"Delimiter", "/"}, {"Marker", "b"}, {"MaxKeys", 2}}));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->Find("IsTruncated")->as_bool());
  EXPECT_EQ(r->Find("CommonPrefixes")->as_list()[0].GetString("Prefix"), "c/");
  EXPECT_EQ(r->Find("NextMarker"), nullptr);
  // Without a delimiter S3 gives no NextMarker; the client continues from the last key.
  r = Call(&S3Service::ListObjects, S({{"Bucket", "data"}, {"MaxKeys", 1}}));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->Find("IsTruncated")->as_bool());
  EXPECT_EQ(r->Find("NextMarker"), nullptr);
}

TEST_F(S3ServiceTest, MultipartUploadLifecycle) {
  MakeBucket("data");
  auto created = Call(&S3Service::CreateMultipartUpload,
                      S({{"Bucket", "data"}, {"Key", "big"}, {"ContentType", "video/mp4"}}));
  ASSERT_TRUE(created);
  std::string id(created->GetString("UploadId"));
  auto part = [&](int n, std::string body) {
    return Call(&S3Service::UploadPart, S({{"Bucket", "data"},
                                           {"Key", "big"},
                                           {"UploadId", id},
                                           {"PartNumber", n},
                                           {"Body", Blob{std::move(body)}}}));
  };
  std::string p1(5 * kMiB, 'a');
  std::string p2(3, 'b');
  auto e1 = part(1, p1);
  auto e2 = part(2, "short");
  ASSERT_TRUE(e1) << e1.error().code << ": " << e1.error().message;
  ASSERT_TRUE(e2) << e2.error().code << ": " << e2.error().message;
  ExpectError(part(0, "x"), "InvalidArgument", 400);
  ExpectError(part(10001, "x"), "InvalidArgument", 400);

  auto complete = [&](std::vector<std::pair<int, std::string>> parts) {
    Value list = Value::MakeList();
    for (auto& [n, etag] : parts) list.Push(S({{"PartNumber", n}, {"ETag", etag}}));
    return Call(&S3Service::CompleteMultipartUpload,
                S({{"Bucket", "data"},
                   {"Key", "big"},
                   {"UploadId", id},
                   {"MultipartUpload", S({{"Parts", std::move(list)}})}}));
  };
  // Part 2 (5 bytes) is followed by part 3 here, so it is too small.
  auto e3 = part(3, p2);
  ASSERT_TRUE(e3);
  auto small = complete({{1, std::string(e1->GetString("ETag"))},
                         {2, std::string(e2->GetString("ETag"))},
                         {3, std::string(e3->GetString("ETag"))}});
  ExpectError(small, "EntityTooSmall", 400);
  EXPECT_EQ(ExtraOf(small.error(), "ProposedSize"), "5");
  EXPECT_EQ(ExtraOf(small.error(), "MinSizeAllowed"), "5242880");
  ExpectError(
      complete({{2, std::string(e2->GetString("ETag"))}, {1, std::string(e1->GetString("ETag"))}}),
      "InvalidPartOrder", 400);
  ExpectError(complete({{1, "\"0000\""}}), "InvalidPart", 400);
  ExpectError(complete({{7, "\"0000\""}}), "InvalidPart", 400);

  auto parts =
      Call(&S3Service::ListParts, S({{"Bucket", "data"}, {"Key", "big"}, {"UploadId", id}}));
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->Find("Parts")->as_list().size(), 3u);
  EXPECT_EQ(parts->Find("Parts")->as_list()[0].Find("Size")->as_integer(), 5 * kMiB);
  auto uploads = Call(&S3Service::ListMultipartUploads, S({{"Bucket", "data"}}));
  ASSERT_TRUE(uploads);
  ASSERT_EQ(uploads->Find("Uploads")->as_list().size(), 1u);
  EXPECT_EQ(uploads->Find("Uploads")->as_list()[0].GetString("UploadId"), id);

  // Parts 1 and 3 (the last may be small) make the object.
  auto done = complete(
      {{1, std::string(e1->GetString("ETag"))}, {3, std::string(Unquoted(e3->GetString("ETag")))}});
  ASSERT_TRUE(done) << done.error().code;
  std::string digests = Md5(p1) + Md5(p2);
  EXPECT_EQ(done->GetString("ETag"), "\"" + HexEncode(Md5(digests)) + "-2\"");
  EXPECT_EQ(done->GetString("Location"), "http://s3.localhost:4566/data/big");
  auto got = Call(&S3Service::GetObject, S({{"Bucket", "data"}, {"Key", "big"}}));
  ASSERT_TRUE(got);
  EXPECT_EQ(BodyOf(*got), p1 + p2);
  EXPECT_EQ(got->GetString("ContentType"), "video/mp4");
  EXPECT_EQ(BlobFiles(), 1u) << "parts are removed once the object is complete";
  ExpectError(complete({{1, std::string(e1->GetString("ETag"))}}), "NoSuchUpload", 404);

  auto second = Call(&S3Service::CreateMultipartUpload, S({{"Bucket", "data"}, {"Key", "x"}}));
  ASSERT_TRUE(second);
  std::string id2(second->GetString("UploadId"));
  ASSERT_TRUE(Call(&S3Service::AbortMultipartUpload,
                   S({{"Bucket", "data"}, {"Key", "x"}, {"UploadId", id2}})));
  ExpectError(Call(&S3Service::AbortMultipartUpload,
                   S({{"Bucket", "data"}, {"Key", "x"}, {"UploadId", id2}})),
              "NoSuchUpload", 404);
}

TEST_F(S3ServiceTest, CopyObjectDirectivesAndSelfCopy) {
  MakeBucket("src");
  MakeBucket("dst");
  Put("src", "k", "payload",
      {{"ContentType", "text/plain"}, {"Metadata", Value::MakeMap({{"a", "1"}})}});
  auto copied = Call(&S3Service::CopyObject,
                     S({{"Bucket", "dst"}, {"Key", "copy"}, {"CopySource", "/src/k"}}));
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(copied->Find("CopyObjectResult")->GetString("ETag"),
            "\"" + HexEncode(Md5("payload")) + "\"");
  auto got = Call(&S3Service::GetObject, S({{"Bucket", "dst"}, {"Key", "copy"}}));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->GetString("ContentType"), "text/plain");
  EXPECT_EQ(got->Find("Metadata")->GetString("a"), "1");

  ASSERT_TRUE(Call(&S3Service::CopyObject, S({{"Bucket", "dst"},
                                              {"Key", "replaced"},
                                              {"CopySource", "src/k"},
                                              {"MetadataDirective", "REPLACE"},
                                              {"Metadata", Value::MakeMap({{"b", "2"}})}})));
  got = Call(&S3Service::HeadObject, S({{"Bucket", "dst"}, {"Key", "replaced"}}));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->GetString("ContentType"), "binary/octet-stream");
  EXPECT_EQ(got->Find("Metadata")->GetString("b"), "2");
  EXPECT_EQ(got->Find("Metadata")->Find("a"), nullptr);

  ExpectError(
      Call(&S3Service::CopyObject, S({{"Bucket", "src"}, {"Key", "k"}, {"CopySource", "src/k"}})),
      "InvalidRequest", 400);
  ExpectError(Call(&S3Service::CopyObject,
                   S({{"Bucket", "dst"}, {"Key", "x"}, {"CopySource", "src/missing"}})),
              "NoSuchKey", 404);
  ExpectError(
      Call(&S3Service::CopyObject, S({{"Bucket", "dst"}, {"Key", "x"}, {"CopySource", "nosrc/k"}})),
      "NoSuchBucket", 404);
  ExpectError(Call(&S3Service::CopyObject, S({{"Bucket", "dst"},
                                              {"Key", "x"},
                                              {"CopySource", "src/k"},
                                              {"CopySourceIfMatch", "\"nope\""}})),
              "PreconditionFailed", 412);
}

TEST_F(S3ServiceTest, DeleteObjectsQuietAndVerbose) {
  MakeBucket("data");
  Put("data", "a", "1");
  Put("data", "b", "2");
  auto body = [](bool quiet, std::vector<std::string> keys) {
    Value objects = Value::MakeList();
    for (auto& k : keys) objects.Push(S({{"Key", k}}));
    return S({{"Objects", std::move(objects)}, {"Quiet", quiet}});
  };
  auto r = Call(&S3Service::DeleteObjects,
                S({{"Bucket", "data"}, {"Delete", body(false, {"a", "missing"})}}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->Find("Deleted")->as_list().size(), 2u);
  r = Call(&S3Service::DeleteObjects, S({{"Bucket", "data"}, {"Delete", body(true, {"b"})}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Find("Deleted"), nullptr);
  EXPECT_EQ(BlobFiles(), 0u);
}

TEST_F(S3ServiceTest, TaggingPolicyAclAndVersioning) {
  MakeBucket("data");
  ExpectError(Call(&S3Service::GetBucketTagging, S({{"Bucket", "data"}})), "NoSuchTagSet", 404);
  Value tags = Value::MakeList(
      {S({{"Key", "team"}, {"Value", "sec"}}), S({{"Key", "env"}, {"Value", "prod"}})});
  ASSERT_TRUE(Call(&S3Service::PutBucketTagging,
                   S({{"Bucket", "data"}, {"Tagging", S({{"TagSet", tags}})}})));
  auto got = Call(&S3Service::GetBucketTagging, S({{"Bucket", "data"}}));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->Find("TagSet")->as_list()[1].GetString("Value"), "prod");
  Value dupes =
      Value::MakeList({S({{"Key", "a"}, {"Value", "1"}}), S({{"Key", "a"}, {"Value", "2"}})});
  ExpectError(Call(&S3Service::PutBucketTagging,
                   S({{"Bucket", "data"}, {"Tagging", S({{"TagSet", dupes}})}})),
              "InvalidTag", 400);
  ASSERT_TRUE(Call(&S3Service::DeleteBucketTagging, S({{"Bucket", "data"}})));
  ExpectError(Call(&S3Service::GetBucketTagging, S({{"Bucket", "data"}})), "NoSuchTagSet", 404);

  ExpectError(Call(&S3Service::GetBucketPolicy, S({{"Bucket", "data"}})), "NoSuchBucketPolicy",
              404);
  auto malformed = Call(&S3Service::PutBucketPolicy, S({{"Bucket", "data"}, {"Policy", "nope"}}));
  ExpectError(malformed, "MalformedPolicy", 400);
  EXPECT_EQ(malformed.error().message,
            "Policies must be valid JSON and the first byte must be '{'");
  const std::string wrong_bucket =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
      R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]})";
  auto invalid =
      Call(&S3Service::PutBucketPolicy, S({{"Bucket", "data"}, {"Policy", wrong_bucket}}));
  ExpectError(invalid, "MalformedPolicy", 400);
  EXPECT_EQ(invalid.error().message, "Policy has invalid resource");
  const std::string no_principal = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                   R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]})";
  auto missing =
      Call(&S3Service::PutBucketPolicy, S({{"Bucket", "data"}, {"Policy", no_principal}}));
  ExpectError(missing, "MalformedPolicy", 400);
  EXPECT_EQ(missing.error().message, "Missing required field Principal");
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailWrite","Effect":"Allow",)"
      R"("Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",)"
      R"("Resource":"arn:aws:s3:::data/AWSLogs/000000000000/*",)"
      R"("Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]})";
  auto put = Call(&S3Service::PutBucketPolicy, S({{"Bucket", "data"}, {"Policy", policy}}));
  ASSERT_TRUE(put) << put.error().message;
  auto stored = Call(&S3Service::GetBucketPolicy, S({{"Bucket", "data"}}));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->GetString("Policy"), policy);
  auto seam = service_->BucketPolicy("data");
  ASSERT_TRUE(seam && *seam);
  EXPECT_EQ((*seam)->owner_account_id, kAccount);
  EXPECT_EQ((*seam)->policy, policy);
  ASSERT_TRUE(Call(&S3Service::DeleteBucketPolicy, S({{"Bucket", "data"}})));
  ExpectError(Call(&S3Service::GetBucketPolicy, S({{"Bucket", "data"}})), "NoSuchBucketPolicy",
              404);

  auto acl = Call(&S3Service::GetBucketAcl, S({{"Bucket", "data"}}));
  ASSERT_TRUE(acl);
  ASSERT_EQ(acl->Find("Grants")->as_list().size(), 1u);
  EXPECT_EQ(acl->Find("Grants")->as_list()[0].GetString("Permission"), "FULL_CONTROL");
  EXPECT_TRUE(Call(&S3Service::PutBucketAcl, S({{"Bucket", "data"}, {"ACL", "private"}})));
  ExpectError(Call(&S3Service::PutBucketAcl, S({{"Bucket", "data"}, {"ACL", "public-read"}})),
              "AccessControlListNotSupported", 400);
  // CloudTrail writes log files with bucket-owner-full-control, accepted with ACLs disabled.
  EXPECT_TRUE(Call(&S3Service::PutObject, S({{"Bucket", "data"},
                                             {"Key", "log.json.gz"},
                                             {"Body", Blob{"x"}},
                                             {"ACL", "bucket-owner-full-control"}})));
  ExpectError(
      Call(&S3Service::PutObject,
           S({{"Bucket", "data"}, {"Key", "log2"}, {"Body", Blob{"x"}}, {"ACL", "public-read"}})),
      "AccessControlListNotSupported", 400);
  ASSERT_TRUE(Call(&S3Service::CreateBucket,
                   S({{"Bucket", "legacy"}, {"ObjectOwnership", "ObjectWriter"}})));
  ASSERT_TRUE(Call(&S3Service::PutBucketAcl, S({{"Bucket", "legacy"}, {"ACL", "public-read"}})));
  acl = Call(&S3Service::GetBucketAcl, S({{"Bucket", "legacy"}}));
  ASSERT_TRUE(acl);
  ASSERT_EQ(acl->Find("Grants")->as_list().size(), 2u);
  EXPECT_EQ(acl->Find("Grants")->as_list()[1].Find("Grantee")->GetString("URI"),
            "http://acs.amazonaws.com/groups/global/AllUsers");

  auto versioning = Call(&S3Service::GetBucketVersioning, S({{"Bucket", "data"}}));
  ASSERT_TRUE(versioning);
  EXPECT_EQ(versioning->Find("Status"), nullptr);
  ASSERT_TRUE(
      Call(&S3Service::PutBucketVersioning,
           S({{"Bucket", "data"}, {"VersioningConfiguration", S({{"Status", "Enabled"}})}})));
  versioning = Call(&S3Service::GetBucketVersioning, S({{"Bucket", "data"}}));
  ASSERT_TRUE(versioning);
  EXPECT_EQ(versioning->GetString("Status"), "Enabled");
}

TEST_F(S3ServiceTest, StartupSweepsTemporaryAndUnreferencedBlobs) {
  MakeBucket("data");
  Put("data", "kept", "body");
  ASSERT_EQ(BlobFiles(), 1u);
  // What a crash mid-upload leaves: a temp file, and a renamed blob whose row never committed.
  fs::path shard = dir_ / "s3" / "blobs" / "ab";
  fs::create_directories(shard);
  std::ofstream(shard / ".tmp-ab000000000000000000000000000000") << "half";
  std::ofstream(shard / "ab000000000000000000000000000001") << "orphan";
  ASSERT_EQ(BlobFiles(), 3u);
  service_ = std::make_unique<S3Service>(S3Deps{*db_, dir_});
  EXPECT_EQ(BlobFiles(), 1u);
  auto got = Call(&S3Service::GetObject, S({{"Bucket", "data"}, {"Key", "kept"}}));
  ASSERT_TRUE(got);
  EXPECT_EQ(BodyOf(*got), "body");
}

}  // namespace
}  // namespace tw::services::s3
