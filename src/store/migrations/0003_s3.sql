-- SPDX-License-Identifier: Apache-2.0
-- S3: buckets (with their tags, policy, canned ACL and versioning state), objects, and multipart
-- uploads with their parts. Object and part bodies are files under <data-dir>/s3/blobs/, named by
-- blob_id; a row is written only after its file is durably in place, so a crash leaves at most an
-- unreferenced file (swept at startup), never a row without a body. Bucket names are global, as
-- in S3: one namespace shared by every account. Keys compare as bytes (BINARY), which is S3's
-- UTF-8 binary listing order. Times are epoch milliseconds, whole seconds for objects (S3 reports
-- Last-Modified to the second).

CREATE TABLE s3_buckets (
  name TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  region TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  object_ownership TEXT NOT NULL,  -- BucketOwnerEnforced (the default), BucketOwnerPreferred, ...
  canned_acl TEXT NOT NULL,        -- private, public-read, ...
  versioning TEXT,                 -- NULL until PutBucketVersioning; then Enabled or Suspended
  mfa_delete TEXT,
  policy TEXT                      -- the bucket policy document as given, NULL when none
) STRICT;

CREATE INDEX s3_buckets_by_account ON s3_buckets (account_id, name);

CREATE TABLE s3_bucket_tags (
  bucket TEXT NOT NULL REFERENCES s3_buckets (name),
  position INTEGER NOT NULL,
  tag_key TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (bucket, tag_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE s3_objects (
  bucket TEXT NOT NULL REFERENCES s3_buckets (name),
  object_key TEXT NOT NULL,
  blob_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,  -- without the quotes
  content_type TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  headers TEXT NOT NULL,   -- JSON: stored system headers (Cache-Control, ...) and user metadata
  canned_acl TEXT,
  storage_class TEXT NOT NULL,
  parts_count INTEGER,     -- set for objects made by CompleteMultipartUpload
  PRIMARY KEY (bucket, object_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE s3_uploads (
  upload_id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL REFERENCES s3_buckets (name),
  object_key TEXT NOT NULL,
  initiated_at INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL,
  canned_acl TEXT,
  storage_class TEXT NOT NULL,
  initiator_id TEXT NOT NULL,
  initiator_name TEXT NOT NULL
) STRICT;

CREATE INDEX s3_uploads_by_key ON s3_uploads (bucket, object_key, upload_id);

CREATE TABLE s3_parts (
  upload_id TEXT NOT NULL REFERENCES s3_uploads (upload_id),
  part_number INTEGER NOT NULL,
  blob_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) STRICT, WITHOUT ROWID;
