// SPDX-License-Identifier: Apache-2.0
#include "services/s3/sqlite_s3_store.h"

#include <utility>

#include "store/sqlite/sql.h"

namespace tw::services::s3 {
namespace {

using store::Connection;
using store::Statement;
using store::StepResult;

constexpr std::string_view kBucketColumns =
    "name, account_id, region, created_at, object_ownership, canned_acl, versioning, mfa_delete, "
    "policy";
constexpr std::string_view kObjectColumns =
    "bucket, object_key, blob_id, size, etag, content_type, last_modified, headers, canned_acl, "
    "storage_class, parts_count";
constexpr std::string_view kUploadColumns =
    "upload_id, bucket, object_key, initiated_at, content_type, headers, canned_acl, "
    "storage_class, initiator_id, initiator_name";
constexpr std::string_view kPartColumns =
    "upload_id, part_number, blob_id, size, etag, last_modified";

BucketRecord ReadBucket(const Statement& s) {
  BucketRecord b;
  b.name = s.ColumnString(0);
  b.account_id = s.ColumnString(1);
  b.region = s.ColumnString(2);
  b.created_at = s.ColumnInt64(3);
  b.object_ownership = s.ColumnString(4);
  b.canned_acl = s.ColumnString(5);
  b.versioning = s.ColumnOptionalString(6);
  b.mfa_delete = s.ColumnOptionalString(7);
  b.policy = s.ColumnOptionalString(8);
  return b;
}

ObjectRecord ReadObject(const Statement& s) {
  ObjectRecord o;
  o.bucket = s.ColumnString(0);
  o.key = s.ColumnString(1);
  o.blob_id = s.ColumnString(2);
  o.size = s.ColumnInt64(3);
  o.etag = s.ColumnString(4);
  o.content_type = s.ColumnString(5);
  o.last_modified = s.ColumnInt64(6);
  o.headers = s.ColumnString(7);
  o.canned_acl = s.ColumnOptionalString(8);
  o.storage_class = s.ColumnString(9);
  o.parts_count = s.ColumnOptionalInt64(10);
  return o;
}

UploadRecord ReadUpload(const Statement& s) {
  UploadRecord u;
  u.upload_id = s.ColumnString(0);
  u.bucket = s.ColumnString(1);
  u.key = s.ColumnString(2);
  u.initiated_at = s.ColumnInt64(3);
  u.content_type = s.ColumnString(4);
  u.headers = s.ColumnString(5);
  u.canned_acl = s.ColumnOptionalString(6);
  u.storage_class = s.ColumnString(7);
  u.initiator_id = s.ColumnString(8);
  u.initiator_name = s.ColumnString(9);
  return u;
}

PartRecord ReadPart(const Statement& s) {
  PartRecord p;
  p.upload_id = s.ColumnString(0);
  p.part_number = static_cast<int>(s.ColumnInt64(1));
  p.blob_id = s.ColumnString(2);
  p.size = s.ColumnInt64(3);
  p.etag = s.ColumnString(4);
  p.last_modified = s.ColumnInt64(5);
  return p;
}

// Runs a prepared query and collects every row with `read`.
template <typename T, typename ReadRow, typename... Args>
Result<std::vector<T>> QueryAll(Connection& c, const std::string& sql, ReadRow read,
                                const Args&... args) {
  Result<Statement> s = store::sql::Query(c, sql, args...);
  if (!s) return std::move(s).error();
  std::vector<T> out;
  if (Status st =
          store::sql::ForEachRow(*s, [&](const Statement& row) { out.push_back(read(row)); });
      !st) {
    return std::move(st).error();
  }
  return out;
}

template <typename T, typename ReadRow, typename... Args>
Result<std::optional<T>> QueryOne(Connection& c, const std::string& sql, ReadRow read,
                                  const Args&... args) {
  Result<std::vector<T>> rows = QueryAll<T>(c, sql, read, args...);
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

template <typename... Args>
Result<std::int64_t> Exec(Connection& c, std::string_view sql, const Args&... args) {
  if (Status st = store::sql::Exec(c, sql, args...); !st) return std::move(st).error();
  return c.Changes();
}

std::string Select(std::string_view columns, std::string_view rest) {
  return "SELECT " + std::string(columns) + " " + std::string(rest);
}

Result<bool> BucketExists(Connection& c, std::string_view name) {
  Result<std::vector<int>> rows = QueryAll<int>(
      c, "SELECT 1 FROM s3_buckets WHERE name = ?1", [](const Statement&) { return 1; }, name);
  if (!rows) return std::move(rows).error();
  return !rows->empty();
}

Result<std::vector<std::string>> PartBlobs(Connection& c, std::string_view upload_id) {
  return QueryAll<std::string>(
      c, "SELECT blob_id FROM s3_parts WHERE upload_id = ?1",
      [](const Statement& s) { return s.ColumnString(0); }, upload_id);
}

// Deletes an upload and its parts, adding the part blobs to `blobs`; false when it was gone.
Result<bool> DropUpload(Connection& c, std::string_view upload_id,
                        std::vector<std::string>& blobs) {
  Result<std::vector<std::string>> parts = PartBlobs(c, upload_id);
  if (!parts) return std::move(parts).error();
  if (auto n = Exec(c, "DELETE FROM s3_parts WHERE upload_id = ?1", upload_id); !n) {
    return std::move(n).error();
  }
  auto n = Exec(c, "DELETE FROM s3_uploads WHERE upload_id = ?1", upload_id);
  if (!n) return std::move(n).error();
  blobs.insert(blobs.end(), parts->begin(), parts->end());
  return *n > 0;
}

Result<std::optional<std::string>> ObjectBlob(Connection& c, std::string_view bucket,
                                              std::string_view key) {
  return QueryOne<std::string>(
      c, "SELECT blob_id FROM s3_objects WHERE bucket = ?1 AND object_key = ?2",
      [](const Statement& s) { return s.ColumnString(0); }, bucket, key);
}

Status UpsertObject(Connection& c, const ObjectRecord& o) {
  auto n = Exec(c,
                "INSERT OR REPLACE INTO s3_objects (" + std::string(kObjectColumns) +
                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                o.bucket, o.key, o.blob_id, o.size, o.etag, o.content_type, o.last_modified,
                o.headers, o.canned_acl, o.storage_class, o.parts_count);
  if (!n) return std::move(n).error();
  return {};
}

}  // namespace

Result<std::optional<BucketRecord>> SqliteS3Store::CreateBucket(const BucketRecord& b) {
  return db_.Write([&](Connection& c) -> Result<std::optional<BucketRecord>> {
    auto existing = QueryOne<BucketRecord>(
        c, Select(kBucketColumns, "FROM s3_buckets WHERE name = ?1"), ReadBucket, b.name);
    if (!existing || existing->has_value()) return existing;
    auto n = Exec(c,
                  "INSERT INTO s3_buckets (" + std::string(kBucketColumns) +
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                  b.name, b.account_id, b.region, b.created_at, b.object_ownership, b.canned_acl,
                  b.versioning, b.mfa_delete, b.policy);
    if (!n) return std::move(n).error();
    return std::optional<BucketRecord>();
  });
}

Result<std::optional<BucketRecord>> SqliteS3Store::GetBucket(std::string_view name) {
  return db_.Read([&](Connection& c) {
    return QueryOne<BucketRecord>(c, Select(kBucketColumns, "FROM s3_buckets WHERE name = ?1"),
                                  ReadBucket, name);
  });
}

Result<std::vector<BucketRecord>> SqliteS3Store::ListBuckets(std::string_view account_id) {
  return db_.Read([&](Connection& c) {
    return QueryAll<BucketRecord>(
        c, Select(kBucketColumns, "FROM s3_buckets WHERE account_id = ?1 ORDER BY name"),
        ReadBucket, account_id);
  });
}

Result<DeleteBucketOutcome> SqliteS3Store::DeleteBucket(std::string_view name,
                                                        std::vector<std::string>& blobs) {
  std::vector<std::string> dropped;
  auto outcome = db_.Write([&](Connection& c) -> Result<DeleteBucketOutcome> {
    auto exists = BucketExists(c, name);
    if (!exists) return std::move(exists).error();
    if (!*exists) return DeleteBucketOutcome::kNotFound;
    auto any = QueryAll<int>(
        c, "SELECT 1 FROM s3_objects WHERE bucket = ?1 LIMIT 1", [](const Statement&) { return 1; },
        name);
    if (!any) return std::move(any).error();
    if (!any->empty()) return DeleteBucketOutcome::kNotEmpty;
    auto uploads = QueryAll<std::string>(
        c, "SELECT upload_id FROM s3_uploads WHERE bucket = ?1",
        [](const Statement& s) { return s.ColumnString(0); }, name);
    if (!uploads) return std::move(uploads).error();
    for (const std::string& id : *uploads) {
      if (auto dropped_one = DropUpload(c, id, dropped); !dropped_one) {
        return std::move(dropped_one).error();
      }
    }
    if (auto n = Exec(c, "DELETE FROM s3_bucket_tags WHERE bucket = ?1", name); !n) {
      return std::move(n).error();
    }
    if (auto n = Exec(c, "DELETE FROM s3_buckets WHERE name = ?1", name); !n) {
      return std::move(n).error();
    }
    return DeleteBucketOutcome::kDeleted;
  });
  if (outcome && *outcome == DeleteBucketOutcome::kDeleted) {
    blobs.insert(blobs.end(), dropped.begin(), dropped.end());
  }
  return outcome;
}

Result<bool> SqliteS3Store::SetBucketPolicy(std::string_view name,
                                            const std::optional<std::string>& policy) {
  return db_.Write([&](Connection& c) -> Result<bool> {
    auto n = Exec(c, "UPDATE s3_buckets SET policy = ?2 WHERE name = ?1", name, policy);
    if (!n) return std::move(n).error();
    return *n > 0;
  });
}

Result<bool> SqliteS3Store::SetBucketAcl(std::string_view name, std::string_view canned_acl) {
  return db_.Write([&](Connection& c) -> Result<bool> {
    auto n = Exec(c, "UPDATE s3_buckets SET canned_acl = ?2 WHERE name = ?1", name, canned_acl);
    if (!n) return std::move(n).error();
    return *n > 0;
  });
}

Result<bool> SqliteS3Store::SetBucketVersioning(std::string_view name,
                                                const std::optional<std::string>& status,
                                                const std::optional<std::string>& mfa_delete) {
  return db_.Write([&](Connection& c) -> Result<bool> {
    auto n = Exec(c,
                  "UPDATE s3_buckets SET versioning = coalesce(?2, versioning), "
                  "mfa_delete = coalesce(?3, mfa_delete) WHERE name = ?1",
                  name, status, mfa_delete);
    if (!n) return std::move(n).error();
    return *n > 0;
  });
}

Result<bool> SqliteS3Store::SetBucketTags(std::string_view name,
                                          const std::optional<std::vector<TagRecord>>& tags) {
  return db_.Write([&](Connection& c) -> Result<bool> {
    auto exists = BucketExists(c, name);
    if (!exists || !*exists) return exists;
    if (auto n = Exec(c, "DELETE FROM s3_bucket_tags WHERE bucket = ?1", name); !n) {
      return std::move(n).error();
    }
    if (!tags) return true;
    int position = 0;
    for (const TagRecord& t : *tags) {
      auto n = Exec(c,
                    "INSERT INTO s3_bucket_tags (bucket, position, tag_key, tag_value) "
                    "VALUES (?1, ?2, ?3, ?4)",
                    name, position++, t.key, t.value);
      if (!n) return std::move(n).error();
    }
    return true;
  });
}

Result<std::vector<TagRecord>> SqliteS3Store::GetBucketTags(std::string_view name) {
  return db_.Read([&](Connection& c) {
    return QueryAll<TagRecord>(
        c, "SELECT tag_key, tag_value FROM s3_bucket_tags WHERE bucket = ?1 ORDER BY position",
        [](const Statement& s) {
          return TagRecord{s.ColumnString(0), s.ColumnString(1)};
        },
        name);
  });
}

Result<WriteOutcome> SqliteS3Store::PutObject(const ObjectRecord& object) {
  return db_.Write([&](Connection& c) -> Result<WriteOutcome> {
    WriteOutcome out;
    auto exists = BucketExists(c, object.bucket);
    if (!exists) return std::move(exists).error();
    if (!*exists) return WriteOutcome{false, {}};
    auto old = ObjectBlob(c, object.bucket, object.key);
    if (!old) return std::move(old).error();
    if (Status st = UpsertObject(c, object); !st) return std::move(st).error();
    if (*old && **old != object.blob_id) out.unreferenced_blobs.push_back(**old);
    return out;
  });
}

Result<std::optional<ObjectRecord>> SqliteS3Store::GetObject(std::string_view bucket,
                                                             std::string_view key) {
  return db_.Read([&](Connection& c) {
    return QueryOne<ObjectRecord>(
        c, Select(kObjectColumns, "FROM s3_objects WHERE bucket = ?1 AND object_key = ?2"),
        ReadObject, bucket, key);
  });
}

Result<WriteOutcome> SqliteS3Store::DeleteObject(std::string_view bucket, std::string_view key) {
  return db_.Write([&](Connection& c) -> Result<WriteOutcome> {
    auto old = ObjectBlob(c, bucket, key);
    if (!old) return std::move(old).error();
    if (!*old) return WriteOutcome{false, {}};
    auto n = Exec(c, "DELETE FROM s3_objects WHERE bucket = ?1 AND object_key = ?2", bucket, key);
    if (!n) return std::move(n).error();
    return WriteOutcome{true, {**old}};
  });
}

Result<std::vector<ObjectRecord>> SqliteS3Store::ListObjects(std::string_view bucket,
                                                             std::string_view from,
                                                             std::string_view after, int limit) {
  return db_.Read([&](Connection& c) {
    return QueryAll<ObjectRecord>(
        c,
        Select(kObjectColumns,
               "FROM s3_objects WHERE bucket = ?1 AND object_key >= ?2 AND object_key > ?3 "
               "ORDER BY object_key LIMIT ?4"),
        ReadObject, bucket, from, after, limit);
  });
}

Result<bool> SqliteS3Store::CreateUpload(const UploadRecord& u) {
  return db_.Write([&](Connection& c) -> Result<bool> {
    auto exists = BucketExists(c, u.bucket);
    if (!exists || !*exists) return exists;
    auto n = Exec(c,
                  "INSERT INTO s3_uploads (" + std::string(kUploadColumns) +
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                  u.upload_id, u.bucket, u.key, u.initiated_at, u.content_type, u.headers,
                  u.canned_acl, u.storage_class, u.initiator_id, u.initiator_name);
    if (!n) return std::move(n).error();
    return true;
  });
}

Result<std::optional<UploadRecord>> SqliteS3Store::GetUpload(std::string_view upload_id) {
  return db_.Read([&](Connection& c) {
    return QueryOne<UploadRecord>(c, Select(kUploadColumns, "FROM s3_uploads WHERE upload_id = ?1"),
                                  ReadUpload, upload_id);
  });
}

Result<std::vector<UploadRecord>> SqliteS3Store::ListUploads(std::string_view bucket) {
  return db_.Read([&](Connection& c) {
    return QueryAll<UploadRecord>(
        c,
        Select(kUploadColumns,
               "FROM s3_uploads WHERE bucket = ?1 ORDER BY object_key, initiated_at, upload_id"),
        ReadUpload, bucket);
  });
}

Result<WriteOutcome> SqliteS3Store::PutPart(const PartRecord& p) {
  return db_.Write([&](Connection& c) -> Result<WriteOutcome> {
    auto upload = QueryAll<int>(
        c, "SELECT 1 FROM s3_uploads WHERE upload_id = ?1", [](const Statement&) { return 1; },
        p.upload_id);
    if (!upload) return std::move(upload).error();
    if (upload->empty()) return WriteOutcome{false, {}};
    auto old = QueryOne<std::string>(
        c, "SELECT blob_id FROM s3_parts WHERE upload_id = ?1 AND part_number = ?2",
        [](const Statement& s) { return s.ColumnString(0); }, p.upload_id, p.part_number);
    if (!old) return std::move(old).error();
    auto n = Exec(c,
                  "INSERT OR REPLACE INTO s3_parts (" + std::string(kPartColumns) +
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  p.upload_id, p.part_number, p.blob_id, p.size, p.etag, p.last_modified);
    if (!n) return std::move(n).error();
    WriteOutcome out;
    if (*old) out.unreferenced_blobs.push_back(**old);
    return out;
  });
}

Result<std::vector<PartRecord>> SqliteS3Store::ListParts(std::string_view upload_id) {
  return db_.Read([&](Connection& c) {
    return QueryAll<PartRecord>(
        c, Select(kPartColumns, "FROM s3_parts WHERE upload_id = ?1 ORDER BY part_number"),
        ReadPart, upload_id);
  });
}

Result<WriteOutcome> SqliteS3Store::CompleteUpload(std::string_view upload_id,
                                                   const ObjectRecord& object,
                                                   const std::vector<PartRecord>& used_parts) {
  return db_.Write([&](Connection& c) -> Result<WriteOutcome> {
    // The parts must still be the ones whose bytes the caller concatenated.
    for (const PartRecord& used : used_parts) {
      auto blob = QueryOne<std::string>(
          c, "SELECT blob_id FROM s3_parts WHERE upload_id = ?1 AND part_number = ?2",
          [](const Statement& s) { return s.ColumnString(0); }, upload_id, used.part_number);
      if (!blob) return std::move(blob).error();
      if (!*blob || **blob != used.blob_id) return WriteOutcome{false, {}};
    }
    auto exists = BucketExists(c, object.bucket);
    if (!exists) return std::move(exists).error();
    if (!*exists) return WriteOutcome{false, {}};
    WriteOutcome out;
    auto old = ObjectBlob(c, object.bucket, object.key);
    if (!old) return std::move(old).error();
    if (*old) out.unreferenced_blobs.push_back(**old);
    auto dropped = DropUpload(c, upload_id, out.unreferenced_blobs);
    if (!dropped) return std::move(dropped).error();
    if (!*dropped) return WriteOutcome{false, {}};
    if (Status st = UpsertObject(c, object); !st) return std::move(st).error();
    return out;
  });
}

Result<WriteOutcome> SqliteS3Store::AbortUpload(std::string_view upload_id) {
  return db_.Write([&](Connection& c) -> Result<WriteOutcome> {
    WriteOutcome out;
    auto dropped = DropUpload(c, upload_id, out.unreferenced_blobs);
    if (!dropped) return std::move(dropped).error();
    out.found = *dropped;
    return out;
  });
}

Result<std::set<std::string>> SqliteS3Store::ReferencedBlobs() {
  return db_.Read([&](Connection& c) -> Result<std::set<std::string>> {
    auto rows = QueryAll<std::string>(
        c, "SELECT blob_id FROM s3_objects UNION SELECT blob_id FROM s3_parts",
        [](const Statement& s) { return s.ColumnString(0); });
    if (!rows) return std::move(rows).error();
    return std::set<std::string>(rows->begin(), rows->end());
  });
}

}  // namespace tw::services::s3
