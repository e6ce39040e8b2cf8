// SPDX-License-Identifier: Apache-2.0
// S3's metadata in the SQLite store (tables from migration 0003_s3.sql): buckets, bucket tags,
// objects, multipart uploads and parts. Bodies are not here but in the BlobStore; rows name their
// blob, and every call that drops or replaces a row returns the blob ids that are no longer
// referenced, for the caller to remove after the transaction committed. Each call is one
// transaction. Thread-safe (the Database serializes writers; readers see snapshots).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/database.h"

namespace tw::services::s3 {

struct BucketRecord {
  std::string name;
  std::string account_id;
  std::string region;
  std::int64_t created_at = 0;
  std::string object_ownership;
  std::string canned_acl;
  std::optional<std::string> versioning;
  std::optional<std::string> mfa_delete;
  std::optional<std::string> policy;
};

struct TagRecord {
  std::string key;
  std::string value;
};

struct ObjectRecord {
  std::string bucket;
  std::string key;
  std::string blob_id;
  std::int64_t size = 0;
  std::string etag;  // unquoted
  std::string content_type;
  std::int64_t last_modified = 0;
  std::string headers;  // JSON, see object_headers.h
  std::optional<std::string> canned_acl;
  std::string storage_class = "STANDARD";
  std::optional<std::int64_t> parts_count;
};

struct UploadRecord {
  std::string upload_id;
  std::string bucket;
  std::string key;
  std::int64_t initiated_at = 0;
  std::string content_type;
  std::string headers;
  std::optional<std::string> canned_acl;
  std::string storage_class = "STANDARD";
  std::string initiator_id;
  std::string initiator_name;
};

struct PartRecord {
  std::string upload_id;
  int part_number = 0;
  std::string blob_id;
  std::int64_t size = 0;
  std::string etag;  // unquoted
  std::int64_t last_modified = 0;
};

enum class DeleteBucketOutcome { kDeleted, kNotFound, kNotEmpty };

// A write that may have unreferenced blobs, and whether its parent (bucket or upload) existed.
struct WriteOutcome {
  bool found = true;
  std::vector<std::string> unreferenced_blobs;
};

class SqliteS3Store {
 public:
  explicit SqliteS3Store(store::Database& database) : db_(database) {}

  // Buckets. CreateBucket inserts unless the name is taken; then it returns the existing bucket.
  Result<std::optional<BucketRecord>> CreateBucket(const BucketRecord& bucket);
  Result<std::optional<BucketRecord>> GetBucket(std::string_view name);
  Result<std::vector<BucketRecord>> ListBuckets(std::string_view account_id);
  // Deleting a bucket aborts its multipart uploads; their part blobs are returned.
  Result<DeleteBucketOutcome> DeleteBucket(std::string_view name,
                                           std::vector<std::string>& unreferenced_blobs);
  // Setters answer false when the bucket is gone.
  Result<bool> SetBucketPolicy(std::string_view name, const std::optional<std::string>& policy);
  Result<bool> SetBucketAcl(std::string_view name, std::string_view canned_acl);
  Result<bool> SetBucketVersioning(std::string_view name, const std::optional<std::string>& status,
                                   const std::optional<std::string>& mfa_delete);
  // nullopt tags deletes the tag set.
  Result<bool> SetBucketTags(std::string_view name,
                             const std::optional<std::vector<TagRecord>>& tags);
  Result<std::vector<TagRecord>> GetBucketTags(std::string_view name);

  // Objects. PutObject replaces any object of that key (found=false: the bucket is gone).
  Result<WriteOutcome> PutObject(const ObjectRecord& object);
  Result<std::optional<ObjectRecord>> GetObject(std::string_view bucket, std::string_view key);
  // found=false when there was no such object (S3 answers 204 either way).
  Result<WriteOutcome> DeleteObject(std::string_view bucket, std::string_view key);
  // Up to `limit` objects with keys > `after` and >= `from`, in key (byte) order.
  Result<std::vector<ObjectRecord>> ListObjects(std::string_view bucket, std::string_view from,
                                                std::string_view after, int limit);

  // Multipart uploads.
  Result<bool> CreateUpload(const UploadRecord& upload);
  Result<std::optional<UploadRecord>> GetUpload(std::string_view upload_id);
  Result<std::vector<UploadRecord>> ListUploads(std::string_view bucket);
  // found=false when the upload is gone.
  Result<WriteOutcome> PutPart(const PartRecord& part);
  Result<std::vector<PartRecord>> ListParts(std::string_view upload_id);
  // Turns the upload into `object` if every part still has the blob the caller read
  // (`used_parts`); found=false when the upload is gone or changed. All part blobs and the
  // replaced object's blob become unreferenced.
  Result<WriteOutcome> CompleteUpload(std::string_view upload_id, const ObjectRecord& object,
                                      const std::vector<PartRecord>& used_parts);
  Result<WriteOutcome> AbortUpload(std::string_view upload_id);

  // Every blob a row refers to (for the startup sweep).
  Result<std::set<std::string>> ReferencedBlobs();

 private:
  store::Database& db_;
};

}  // namespace tw::services::s3
