// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the S3 handlers (internal to services/s3): owner identities, ETag quoting,
// the stored per-object headers (system headers and x-amz-meta-* user metadata, kept as one JSON
// text in the object row), Content-MD5 checks and S3's url encoding of listings. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "common/result.h"
#include "protocol/value.h"
#include "services/s3/object_store.h"

namespace tw::services::s3 {

inline constexpr std::string_view kDefaultRegion = "us-east-1";
inline constexpr std::int64_t kMaxKeyBytes = 1024;

// S3's canonical user id of an account: 64 hex characters, stable per account.
std::string CanonicalUserId(std::string_view account_id);
// The Owner structure (ID, DisplayName) S3 reports for an account. The display name is the
// account id: trailwatch accounts have no e-mail address to derive one from.
protocol::Value OwnerValue(std::string_view account_id);
// The Initiator of a multipart upload: the canonical user for root, else the caller's ARN.
std::pair<std::string, std::string> InitiatorOf(const auth::Principal& principal);

std::string Quoted(std::string_view etag);
// Strips surrounding quotes (clients send ETags both ways in If-Match and part lists).
std::string_view Unquoted(std::string_view etag);

// S3 keeps Last-Modified to the second.
inline std::int64_t WholeSeconds(std::int64_t epoch_millis) {
  return epoch_millis - ((epoch_millis % 1000) + 1000) % 1000;
}

// Builds the stored headers JSON from a PutObject/CopyObject/CreateMultipartUpload input: the
// system headers S3 stores (Cache-Control, Content-Disposition, Content-Encoding without the
// aws-chunked transfer token, Content-Language, Expires) and user Metadata.
std::string StoredHeadersFrom(const protocol::Value& input);
// Puts stored headers back into an output Value (CacheControl, ..., Metadata).
void ApplyStoredHeaders(std::string_view stored, protocol::Value& output);

// Checks a Content-MD5 header against the bytes received: InvalidDigest when it is not base64
// of 16 bytes, BadDigest when it differs. `md5` is the raw digest of the body.
Status CheckContentMd5(std::string_view content_md5, std::string_view md5);

// S3's EncodingType=url form: percent-encoding of everything but unreserved characters and '/'.
std::string UrlEncodeKey(std::string_view key);

// ContentType S3 records when a PUT gives none.
inline constexpr std::string_view kDefaultContentType = "binary/octet-stream";

}  // namespace tw::services::s3
