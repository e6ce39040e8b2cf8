// SPDX-License-Identifier: Apache-2.0
// S3: buckets (create, head, list, location, delete, tagging, policy documents, canned ACLs,
// versioning state), objects (put, get with ranges and conditions, head, delete, batch delete,
// copy, V1 and V2 listings) and multipart uploads, with bodies in files under <data-dir>/s3/ and
// metadata in SQLite. Handlers are grouped by resource in buckets.cc, objects.cc, listing.cc and
// multipart.cc. Bucket-policy *evaluation* is not done here: BucketPolicy() is the seam the
// authorizer uses once the IAM policy engine evaluates resource policies. Thread-safe: state is
// in the Database and in immutable blob files.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "services/s3/object_store.h"
#include "services/s3/sqlite_s3_store.h"
#include "services/service.h"
#include "store/database.h"

namespace tw::services::s3 {

struct S3Deps {
  store::Database& database;
  std::filesystem::path data_dir;  // bodies go to <data_dir>/s3/blobs
};

// A bucket's policy as the authorizer needs it to evaluate a request against the bucket.
struct BucketPolicyInfo {
  std::string bucket;
  std::string owner_account_id;
  std::optional<std::string> policy;  // the document as stored, nullopt when none
};

class S3Service {
 public:
  // Removes blobs no row refers to (left by a crash mid-write) before any request runs.
  explicit S3Service(S3Deps deps);

  void Register(OperationTable& table);

  // The seam for bucket-policy evaluation; nullopt when the bucket does not exist.
  Result<std::optional<BucketPolicyInfo>> BucketPolicy(std::string_view bucket);

  // An object written by an AWS service on its own behalf (CloudTrail log and digest files): no
  // caller, so no ownership check; the service has checked the bucket policy. `metadata` are
  // user metadata names (x-amz-meta-<name>). NoSuchBucket when the bucket is gone.
  Status StoreObject(const std::string& bucket, const std::string& key, std::string_view body,
                     const std::string& content_type,
                     const std::map<std::string, std::string>& metadata, std::int64_t now_millis,
                     RandomSource& random);

  // buckets.cc
  Result<protocol::Value> CreateBucket(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> HeadBucket(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> ListBuckets(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetBucketLocation(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> DeleteBucket(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> PutBucketTagging(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetBucketTagging(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> DeleteBucketTagging(RequestContext& context,
                                              const protocol::Value& input);
  Result<protocol::Value> PutBucketPolicy(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetBucketPolicy(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> DeleteBucketPolicy(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> PutBucketAcl(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetBucketAcl(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> PutBucketVersioning(RequestContext& context,
                                              const protocol::Value& input);
  Result<protocol::Value> GetBucketVersioning(RequestContext& context,
                                              const protocol::Value& input);

  // objects.cc
  Result<protocol::Value> PutObject(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetObject(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> HeadObject(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> DeleteObject(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> DeleteObjects(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> CopyObject(RequestContext& context, const protocol::Value& input);

  // listing.cc
  Result<protocol::Value> ListObjects(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> ListObjectsV2(RequestContext& context, const protocol::Value& input);

  // multipart.cc
  Result<protocol::Value> CreateMultipartUpload(RequestContext& context,
                                                const protocol::Value& input);
  Result<protocol::Value> UploadPart(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> CompleteMultipartUpload(RequestContext& context,
                                                  const protocol::Value& input);
  Result<protocol::Value> AbortMultipartUpload(RequestContext& context,
                                               const protocol::Value& input);
  Result<protocol::Value> ListParts(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> ListMultipartUploads(RequestContext& context,
                                               const protocol::Value& input);

  // GetObject bodies up to this size are read into the response; larger ones are sent from the
  // blob file in pieces. Below it, a file-backed response costs more than the copy it saves (a
  // separate body write and its buffer per request); 64 KiB per in-flight request stays small
  // beside the server's worker count.
  static constexpr std::uint64_t kInMemoryBodyLimit = 64 * 1024;

  SqliteS3Store& store() { return store_; }
  const BlobStore& blobs() const { return blobs_; }

 private:
  // The bucket named by input.Bucket if the caller's account owns it: NoSuchBucket when it does
  // not exist, AccessDenied when another account owns it (no ACL or policy grants cross-account
  // access until bucket policies are evaluated).
  Result<BucketRecord> OwnedBucket(RequestContext& context, const protocol::Value& input);
  void RemoveBlobs(const std::vector<std::string>& ids);
  // The object's bytes (or a slice) for GetObject: read into memory up to kInMemoryBodyLimit,
  // beyond it opened for the server to send from the file. The row is re-read if a concurrent
  // overwrite removed the blob between the metadata read and the open.
  Result<std::pair<ObjectRecord, BlobBody>> OpenObjectBody(std::string_view bucket,
                                                           std::string_view key,
                                                           std::uint64_t offset,
                                                           std::optional<std::uint64_t> length,
                                                           ObjectRecord object);
  // The request body as a durable blob: the streamed one committed, or the buffered Body written;
  // when a ContentMD5 is given and differs, the blob is removed and the check's error returned.
  Result<BlobInfo> StoreRequestBody(RequestContext& context, const protocol::Value& input);
  Result<protocol::Value> GetOrHeadObject(RequestContext& context, const protocol::Value& input,
                                          bool with_body);

  SqliteS3Store store_;
  BlobStore blobs_;
};

}  // namespace tw::services::s3
