// SPDX-License-Identifier: Apache-2.0
#include "services/s3/s3_service.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <utility>

#include "common/crypto.h"
#include "common/strings.h"
#include "services/s3/errors.h"
#include "services/s3/support.h"

namespace tw::services::s3 {

using protocol::Value;

// ---- support.h -------------------------------------------------------------------------------

std::string CanonicalUserId(std::string_view account_id) {
  return Sha256Hex("trailwatch-s3-canonical-user:" + std::string(account_id));
}

Value OwnerValue(std::string_view account_id) {
  Value owner = Value::MakeStructure();
  owner.Set("DisplayName", std::string(account_id));
  owner.Set("ID", CanonicalUserId(account_id));
  return owner;
}

std::pair<std::string, std::string> InitiatorOf(const auth::Principal& principal) {
  if (principal.type == auth::PrincipalType::kRoot || principal.arn.empty()) {
    return {CanonicalUserId(principal.account_id), principal.account_id};
  }
  return {principal.arn, principal.user_name.empty() ? principal.user_id : principal.user_name};
}

std::string Quoted(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

std::string_view Unquoted(std::string_view etag) {
  etag = Trim(etag);
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

namespace {

// Stored system headers: (input/output member name) in the order S3 answers them.
constexpr std::array<std::string_view, 5> kStoredHeaderMembers = {
    "CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "Expires"};

// "aws-chunked" in Content-Encoding describes the transfer, not the object; S3 drops it.
std::string WithoutAwsChunked(std::string_view encoding) {
  std::string out;
  for (std::string_view token : Split(encoding, ',')) {
    token = Trim(token);
    if (token.empty() || IEquals(token, "aws-chunked")) continue;
    if (!out.empty()) out += ",";
    out += token;
  }
  return out;
}

}  // namespace

std::string StoredHeadersFrom(const Value& input) {
  boost::json::object headers;
  for (std::string_view member : kStoredHeaderMembers) {
    const Value* v = input.Find(member);
    if (!v || !v->is_string()) continue;
    std::string text =
        member == "ContentEncoding" ? WithoutAwsChunked(v->as_string()) : v->as_string();
    if (!text.empty()) headers[member] = text;
  }
  boost::json::object metadata;
  if (const Value* m = input.Find("Metadata"); m && m->is_object()) {
    for (const auto& [key, value] : m->entries()) {
      if (value.is_string()) metadata[key] = value.as_string();
    }
  }
  boost::json::object root;
  root["headers"] = std::move(headers);
  root["metadata"] = std::move(metadata);
  return boost::json::serialize(root);
}

void ApplyStoredHeaders(std::string_view stored, Value& output) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(stored, ec);
  if (ec || !root.is_object()) return;
  if (const auto* headers = root.as_object().if_contains("headers");
      headers && headers->is_object()) {
    for (const auto& [name, value] : headers->as_object()) {
      if (value.is_string()) {
        output.Set(std::string(name), std::string(value.as_string()));
      }
    }
  }
  if (const auto* metadata = root.as_object().if_contains("metadata");
      metadata && metadata->is_object() && !metadata->as_object().empty()) {
    Value map = Value::MakeMap();
    for (const auto& [name, value] : metadata->as_object()) {
      if (value.is_string()) map.Set(std::string(name), std::string(value.as_string()));
    }
    output.Set("Metadata", std::move(map));
  }
}

Status CheckContentMd5(std::string_view content_md5, std::string_view md5) {
  auto decoded = Base64Decode(Trim(content_md5));
  if (!decoded || decoded->size() != 16) return InvalidDigest(content_md5);
  if (*decoded != md5) return BadDigest(Trim(content_md5), Base64Encode(md5));
  return {};
}

std::string UrlEncodeKey(std::string_view key) { return UriEncode(key, /*keep_slash=*/true); }

// ---- S3Service -------------------------------------------------------------------------------

S3Service::S3Service(S3Deps deps) : store_(deps.database), blobs_(deps.data_dir / "s3" / "blobs") {
  // A crash between writing a body and committing its row leaves a file nothing refers to.
  auto referenced = store_.ReferencedBlobs();
  if (!referenced) {
    spdlog::warn("s3: cannot list stored blobs, skipping the sweep: {}",
                 referenced.error().message);
    return;
  }
  std::size_t removed = blobs_.Sweep(*referenced);
  if (removed > 0) spdlog::info("s3: removed {} unreferenced blob files", removed);
}

Result<std::optional<BucketPolicyInfo>> S3Service::BucketPolicy(std::string_view bucket) {
  auto record = store_.GetBucket(bucket);
  if (!record) return std::move(record).error();
  if (!*record) return std::optional<BucketPolicyInfo>();
  return std::optional<BucketPolicyInfo>(
      BucketPolicyInfo{(*record)->name, (*record)->account_id, (*record)->policy});
}

Result<BucketRecord> S3Service::OwnedBucket(RequestContext& context, const Value& input) {
  std::string_view name = input.GetString("Bucket");
  auto record = store_.GetBucket(name);
  if (!record) return std::move(record).error();
  if (!*record) return NoSuchBucket(name);
  // A principal of another account, or a service principal (cloudtrail.amazonaws.com writing a
  // trail's log files), reaches a bucket only through its bucket policy: the authorizer has
  // already evaluated it, with the cross-account rule (the caller's own policies and the bucket
  // policy must both allow), before the handler runs.
  (void)context;
  return std::move(**record);
}

Result<BlobInfo> S3Service::StoreRequestBody(RequestContext& context,
                                             const protocol::Value& input) {
  Result<BlobInfo> info = [&] {
    if (context.streamed_body != nullptr) return context.streamed_body->Commit();
    const protocol::Value* body = input.Find("Body");
    return blobs_.Write(
        body && body->is_blob() ? std::string_view(body->as_blob().bytes) : std::string_view(),
        context.random);
  }();
  if (!info) return info;
  if (const protocol::Value* md5 = input.Find("ContentMD5"); md5 && md5->is_string()) {
    if (Status st = CheckContentMd5(md5->as_string(), info->md5); !st) {
      blobs_.Remove(info->id);
      return std::move(st).error();
    }
  }
  return info;
}

void S3Service::RemoveBlobs(const std::vector<std::string>& ids) {
  for (const std::string& id : ids) blobs_.Remove(id);
}

Result<std::pair<ObjectRecord, BlobBody>> S3Service::OpenObjectBody(
    std::string_view bucket, std::string_view key, std::uint64_t offset,
    std::optional<std::uint64_t> length, ObjectRecord object) {
  // A concurrent PUT of the same key removes the old blob after its commit; the row read before
  // may name a blob that is gone by the time it is opened. Re-reading the row finds the new one.
  // Once open, the descriptor keeps the bytes readable whatever happens to the file.
  constexpr int kAttempts = 3;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto body = blobs_.Open(object.blob_id, offset, length, kInMemoryBodyLimit);
    if (!body) return std::move(body).error();
    if (*body) return std::make_pair(std::move(object), std::move(**body));
    auto again = store_.GetObject(bucket, key);
    if (!again) return std::move(again).error();
    if (!*again) return NoSuchKey(key);
    object = std::move(**again);
  }
  return AwsError::From(ErrorCode::kInternalError, "the object body could not be read");
}

void S3Service::Register(OperationTable& table) {
  using Method = Result<Value> (S3Service::*)(RequestContext&, const Value&);
  auto add = [&](std::string operation, Method method) {
    table.Add("s3", std::move(operation), [this, method](RequestContext& c, const Value& in) {
      return (this->*method)(c, in);
    });
  };
  add("CreateBucket", &S3Service::CreateBucket);
  add("HeadBucket", &S3Service::HeadBucket);
  add("ListBuckets", &S3Service::ListBuckets);
  add("GetBucketLocation", &S3Service::GetBucketLocation);
  add("DeleteBucket", &S3Service::DeleteBucket);
  add("PutBucketTagging", &S3Service::PutBucketTagging);
  add("GetBucketTagging", &S3Service::GetBucketTagging);
  add("DeleteBucketTagging", &S3Service::DeleteBucketTagging);
  add("PutBucketPolicy", &S3Service::PutBucketPolicy);
  add("GetBucketPolicy", &S3Service::GetBucketPolicy);
  add("DeleteBucketPolicy", &S3Service::DeleteBucketPolicy);
  add("PutBucketAcl", &S3Service::PutBucketAcl);
  add("GetBucketAcl", &S3Service::GetBucketAcl);
  add("PutBucketVersioning", &S3Service::PutBucketVersioning);
  add("GetBucketVersioning", &S3Service::GetBucketVersioning);
  add("PutObject", &S3Service::PutObject);
  add("GetObject", &S3Service::GetObject);
  add("HeadObject", &S3Service::HeadObject);
  add("DeleteObject", &S3Service::DeleteObject);
  add("DeleteObjects", &S3Service::DeleteObjects);
  add("CopyObject", &S3Service::CopyObject);
  add("ListObjects", &S3Service::ListObjects);
  add("ListObjectsV2", &S3Service::ListObjectsV2);
  add("CreateMultipartUpload", &S3Service::CreateMultipartUpload);
  add("UploadPart", &S3Service::UploadPart);
  add("CompleteMultipartUpload", &S3Service::CompleteMultipartUpload);
  add("AbortMultipartUpload", &S3Service::AbortMultipartUpload);
  add("ListParts", &S3Service::ListParts);
  add("ListMultipartUploads", &S3Service::ListMultipartUploads);
}

}  // namespace tw::services::s3
