// SPDX-License-Identifier: Apache-2.0
// Object operations: PutObject, GetObject/HeadObject (ranges, conditional requests, response-*
// overrides), DeleteObject, DeleteObjects and CopyObject.
#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"
#include "services/s3/errors.h"
#include "services/s3/s3_service.h"
#include "services/s3/support.h"

namespace tw::services::s3 {
namespace {

using protocol::Blob;
using protocol::Timestamp;
using protocol::Value;

constexpr std::string_view kEnforced = "BucketOwnerEnforced";
constexpr std::size_t kMaxDeleteKeys = 1000;

// The names a condition reports in <Condition>, for GET/HEAD and for CopyObject's source.
struct ConditionMembers {
  std::string_view if_match, if_none_match, if_modified_since, if_unmodified_since;
  std::string_view match_name, none_match_name, modified_name, unmodified_name;
  bool not_modified_is_412;  // CopyObject fails with 412 where GET answers 304
};

constexpr ConditionMembers kGetConditions{
    "IfMatch",  "IfNoneMatch",   "IfModifiedSince",   "IfUnmodifiedSince",
    "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
    false};
constexpr ConditionMembers kCopyConditions{"CopySourceIfMatch",
                                           "CopySourceIfNoneMatch",
                                           "CopySourceIfModifiedSince",
                                           "CopySourceIfUnmodifiedSince",
                                           "x-amz-copy-source-If-Match",
                                           "x-amz-copy-source-If-None-Match",
                                           "x-amz-copy-source-If-Modified-Since",
                                           "x-amz-copy-source-If-Unmodified-Since",
                                           true};

bool EtagListMatches(std::string_view list, std::string_view etag) {
  for (std::string_view item : Split(list, ',')) {
    std::string_view candidate = Unquoted(item);
    if (candidate == "*" || candidate == etag) return true;
  }
  return false;
}

// RFC 7232 section 6 order, which S3 follows: If-Match (else If-Unmodified-Since) decides 412;
// then If-None-Match (else If-Modified-Since) decides 304. A passing If-Match overrides a failing
// If-Unmodified-Since, and a passing If-None-Match overrides If-Modified-Since.
Status CheckConditions(const ObjectRecord& object, const Value& input, const ConditionMembers& m) {
  const Value* if_match = input.Find(m.if_match);
  const Value* if_none_match = input.Find(m.if_none_match);
  const Value* modified_since = input.Find(m.if_modified_since);
  const Value* unmodified_since = input.Find(m.if_unmodified_since);
  if (if_match && if_match->is_string()) {
    if (!EtagListMatches(if_match->as_string(), object.etag))
      return PreconditionFailed(m.match_name);
  } else if (unmodified_since && unmodified_since->is_timestamp()) {
    if (object.last_modified > unmodified_since->as_timestamp().epoch_millis) {
      return PreconditionFailed(m.unmodified_name);
    }
  }
  if (if_none_match && if_none_match->is_string()) {
    if (EtagListMatches(if_none_match->as_string(), object.etag)) {
      return m.not_modified_is_412 ? PreconditionFailed(m.none_match_name) : NotModified();
    }
  } else if (modified_since && modified_since->is_timestamp()) {
    if (object.last_modified <= modified_since->as_timestamp().epoch_millis) {
      return m.not_modified_is_412 ? PreconditionFailed(m.modified_name) : NotModified();
    }
  }
  return {};
}

std::optional<std::uint64_t> ParseDigits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// A single "bytes=" range. nullopt (inside the Result) means "ignore the header and answer the
// whole object", which is what S3 does with syntactically invalid or multiple ranges.
Result<std::optional<ByteRange>> ParseRange(std::string_view header, std::uint64_t size) {
  std::string_view spec = Trim(header);
  if (!spec.starts_with("bytes=") || spec.find(',') != std::string_view::npos) {
    return std::optional<ByteRange>();
  }
  spec.remove_prefix(6);
  std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>();
  std::string_view a = Trim(spec.substr(0, dash));
  std::string_view b = Trim(spec.substr(dash + 1));
  auto unsatisfiable = [&] { return InvalidRange(header, static_cast<std::int64_t>(size)); };
  if (a.empty()) {
    auto suffix = ParseDigits(b);
    if (!suffix) return std::optional<ByteRange>();
    if (*suffix == 0 || size == 0) return unsatisfiable();
    std::uint64_t n = std::min(*suffix, size);
    return std::optional<ByteRange>(ByteRange{size - n, size - 1});
  }
  auto first = ParseDigits(a);
  if (!first) return std::optional<ByteRange>();
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto end = ParseDigits(b);
    if (!end || *end < *first) return std::optional<ByteRange>();
    last = std::min(*end, last);
  }
  if (*first >= size) return unsatisfiable();
  return std::optional<ByteRange>(ByteRange{*first, last});
}

// Object ACLs under BucketOwnerEnforced: only the owner-only ones (CloudTrail writes its log
// files with bucket-owner-full-control, which is accepted).
Status CheckObjectAcl(const BucketRecord& bucket, const Value& input) {
  if (bucket.object_ownership != kEnforced) return {};
  std::string_view acl = input.GetString("ACL", "private");
  if (acl != "private" && acl != "bucket-owner-full-control") {
    return AccessControlListNotSupported();
  }
  for (std::string_view h : {"GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP"}) {
    if (input.Find(h)) return AccessControlListNotSupported();
  }
  return {};
}

std::optional<std::string> OptionalString(const Value& input, std::string_view name) {
  const Value* v = input.Find(name);
  if (!v || !v->is_string()) return std::nullopt;
  return v->as_string();
}

// x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, optionally "?versionId=...".
std::optional<std::pair<std::string, std::string>> ParseCopySource(std::string_view source) {
  source = source.substr(0, source.find('?'));
  if (source.starts_with('/')) source.remove_prefix(1);
  std::size_t slash = source.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == source.size()) {
    return std::nullopt;
  }
  auto bucket = UriDecode(source.substr(0, slash));
  auto key = UriDecode(source.substr(slash + 1));
  if (!bucket || !key) return std::nullopt;
  return std::make_pair(std::move(*bucket), std::move(*key));
}

}  // namespace

Result<Value> S3Service::PutObject(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::string key(input.GetString("Key"));
  if (key.size() > static_cast<std::size_t>(kMaxKeyBytes)) return KeyTooLong(key.size());
  if (Status st = CheckObjectAcl(*bucket, input); !st) return st.error();

  // Conditional writes: If-None-Match: * refuses to overwrite, If-Match needs the current ETag.
  const Value* if_none_match = input.Find("IfNoneMatch");
  const Value* if_match = input.Find("IfMatch");
  if (if_none_match || if_match) {
    auto current = store_.GetObject(bucket->name, key);
    if (!current) return std::move(current).error();
    if (if_none_match && *current && if_none_match->is_string() &&
        EtagListMatches(if_none_match->as_string(), (*current)->etag)) {
      return PreconditionFailed("If-None-Match");
    }
    if (if_match) {
      if (!*current) return NoSuchKey(key);
      if (!EtagListMatches(if_match->as_string(), (*current)->etag)) {
        return PreconditionFailed("If-Match");
      }
    }
  }

  auto info = StoreRequestBody(context, input);
  if (!info) return std::move(info).error();
  ObjectRecord record;
  record.bucket = bucket->name;
  record.key = key;
  record.blob_id = info->id;
  record.size = static_cast<std::int64_t>(info->size);
  record.etag = HexEncode(info->md5);
  record.content_type = std::string(input.GetString("ContentType", kDefaultContentType));
  record.last_modified = WholeSeconds(EpochMillis(context.clock.Now()));
  record.headers = StoredHeadersFrom(input);
  record.canned_acl = OptionalString(input, "ACL");
  record.storage_class = std::string(input.GetString("StorageClass", "STANDARD"));
  auto outcome = store_.PutObject(record);
  if (!outcome || !outcome->found) blobs_.Remove(info->id);
  if (!outcome) return std::move(outcome).error();
  if (!outcome->found) return NoSuchBucket(bucket->name);
  RemoveBlobs(outcome->unreferenced_blobs);
  Value out = Value::MakeStructure();
  out.Set("ETag", Quoted(record.etag));
  return out;
}

Status S3Service::StoreObject(const std::string& bucket, const std::string& key,
                              std::string_view body, const std::string& content_type,
                              const std::map<std::string, std::string>& metadata,
                              std::int64_t now_millis, RandomSource& random) {
  if (key.size() > static_cast<std::size_t>(kMaxKeyBytes)) return KeyTooLong(key.size());
  auto info = blobs_.Write(body, random);
  if (!info) return std::move(info).error();
  Value input = Value::MakeStructure();
  Value meta = Value::MakeMap();
  for (const auto& [name, value] : metadata) meta.Set(name, value);
  input.Set("Metadata", std::move(meta));
  ObjectRecord record;
  record.bucket = bucket;
  record.key = key;
  record.blob_id = info->id;
  record.size = static_cast<std::int64_t>(info->size);
  record.etag = HexEncode(info->md5);
  record.content_type = content_type.empty() ? std::string(kDefaultContentType) : content_type;
  record.last_modified = WholeSeconds(now_millis);
  record.headers = StoredHeadersFrom(input);
  record.canned_acl = "bucket-owner-full-control";
  auto outcome = store_.PutObject(record);
  if (!outcome || !outcome->found) blobs_.Remove(info->id);
  if (!outcome) return std::move(outcome).error();
  if (!outcome->found) return NoSuchBucket(bucket);
  RemoveBlobs(outcome->unreferenced_blobs);
  return {};
}

Result<Value> S3Service::GetObject(RequestContext& context, const Value& input) {
  return GetOrHeadObject(context, input, /*with_body=*/true);
}

Result<Value> S3Service::HeadObject(RequestContext& context, const Value& input) {
  return GetOrHeadObject(context, input, /*with_body=*/false);
}

Result<Value> S3Service::GetOrHeadObject(RequestContext& context, const Value& input,
                                         bool with_body) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::string key(input.GetString("Key"));
  auto found = store_.GetObject(bucket->name, key);
  if (!found) return std::move(found).error();
  if (!*found) return NoSuchKey(key);
  ObjectRecord object = std::move(**found);
  if (Status st = CheckConditions(object, input, kGetConditions); !st) return st.error();

  std::optional<ByteRange> range;
  const auto size = static_cast<std::uint64_t>(object.size);
  if (const Value* part = input.Find("PartNumber"); part && part->is_integer()) {
    // Part boundaries of a completed upload are not kept; a single-part object is its part 1.
    if (part->as_integer() != 1 || object.parts_count.value_or(1) != 1) {
      return AwsError::Make("InvalidPartNumber", 416, "The requested partnumber is not satisfiable")
          .With("PartNumberRequested", std::to_string(part->as_integer()))
          .With("ActualPartCount", std::to_string(object.parts_count.value_or(1)));
    }
  } else if (const Value* header = input.Find("Range"); header && header->is_string()) {
    auto parsed = ParseRange(header->as_string(), size);
    if (!parsed) return std::move(parsed).error();
    range = *parsed;
  }

  Value out = Value::MakeStructure();
  out.Set("AcceptRanges", "bytes");
  if (with_body) {
    std::uint64_t offset = range ? range->first : 0;
    std::optional<std::uint64_t> length;
    if (range) length = range->last - range->first + 1;
    auto opened = OpenObjectBody(bucket->name, key, offset, length, std::move(object));
    if (!opened) return std::move(opened).error();
    object = std::move(opened->first);
    out.Set("Body", Blob{std::move(opened->second.bytes), std::move(opened->second.file)});
  }
  out.Set("LastModified", Timestamp{object.last_modified});
  std::uint64_t length = range ? range->last - range->first + 1 : size;
  out.Set("ContentLength", static_cast<std::int64_t>(length));
  if (range) {
    out.Set("ContentRange", "bytes " + std::to_string(range->first) + "-" +
                                std::to_string(range->last) + "/" + std::to_string(size));
  }
  out.Set("ETag", Quoted(object.etag));
  out.Set("ContentType", object.content_type);
  ApplyStoredHeaders(object.headers, out);
  if (object.storage_class != "STANDARD") out.Set("StorageClass", object.storage_class);
  if (input.Find("PartNumber") && object.parts_count) out.Set("PartsCount", *object.parts_count);
  // response-* query parameters override the stored headers (GET only in S3; harmless on HEAD).
  constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kOverrides = {{
      {"ResponseCacheControl", "CacheControl"},
      {"ResponseContentDisposition", "ContentDisposition"},
      {"ResponseContentEncoding", "ContentEncoding"},
      {"ResponseContentLanguage", "ContentLanguage"},
      {"ResponseContentType", "ContentType"},
  }};
  for (const auto& [query, member] : kOverrides) {
    if (auto v = OptionalString(input, query)) out.Set(std::string(member), *v);
  }
  if (const Value* expires = input.Find("ResponseExpires"); expires && expires->is_timestamp()) {
    out.Set("Expires", FormatHttpDate(expires->as_timestamp().epoch_millis));
  }
  return out;
}

Result<Value> S3Service::DeleteObject(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  // S3 answers 204 whether or not the key existed.
  auto outcome = store_.DeleteObject(bucket->name, input.GetString("Key"));
  if (!outcome) return std::move(outcome).error();
  RemoveBlobs(outcome->unreferenced_blobs);
  return Value::MakeStructure();
}

Result<Value> S3Service::DeleteObjects(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  if (const Value* md5 = input.Find("ContentMD5"); md5 && md5->is_string()) {
    if (Status st = CheckContentMd5(md5->as_string(), Md5(context.http.body)); !st) {
      return st.error();
    }
  }
  const Value* del = input.Find("Delete");
  const Value* objects = del ? del->Find("Objects") : nullptr;
  if (!objects || !objects->is_list() || objects->as_list().empty() ||
      objects->as_list().size() > kMaxDeleteKeys) {
    return MalformedXml();
  }
  const Value* quiet_value = del->Find("Quiet");
  const bool quiet = quiet_value && quiet_value->is_bool() && quiet_value->as_bool();
  Value deleted = Value::MakeList();
  Value errors = Value::MakeList();
  std::size_t index = 0;
  auto denied = context.denied_items.begin();
  for (const Value& item : objects->as_list()) {
    std::string key(item.GetString("Key"));
    // Keys the caller may not delete: an AccessDenied error for that key, the others go on.
    const bool refused = denied != context.denied_items.end() && *denied == index;
    ++index;
    if (refused) {
      ++denied;
      Value e = Value::MakeStructure();
      e.Set("Key", key);
      if (auto version = OptionalString(item, "VersionId")) e.Set("VersionId", *version);
      e.Set("Code", "AccessDenied");
      e.Set("Message", "Access Denied");
      errors.Push(std::move(e));
      continue;
    }
    auto outcome = store_.DeleteObject(bucket->name, key);
    if (!outcome) {
      Value e = Value::MakeStructure();
      e.Set("Key", key);
      e.Set("Code", "InternalError");
      e.Set("Message", "We encountered an internal error. Please try again.");
      errors.Push(std::move(e));
      continue;
    }
    RemoveBlobs(outcome->unreferenced_blobs);
    // Quiet mode reports only the failures.
    if (quiet) continue;
    Value d = Value::MakeStructure();
    d.Set("Key", key);
    if (auto version = OptionalString(item, "VersionId")) d.Set("VersionId", *version);
    deleted.Push(std::move(d));
  }
  Value out = Value::MakeStructure();
  if (!deleted.as_list().empty()) out.Set("Deleted", std::move(deleted));
  if (!errors.as_list().empty()) out.Set("Errors", std::move(errors));
  return out;
}

Result<Value> S3Service::CopyObject(RequestContext& context, const Value& input) {
  std::string_view source_header = input.GetString("CopySource");
  auto source = ParseCopySource(source_header);
  if (!source) {
    return InvalidArgument("Invalid copy source object key", "x-amz-copy-source", source_header);
  }
  auto& [source_bucket_name, source_key] = *source;
  auto source_bucket = store_.GetBucket(source_bucket_name);
  if (!source_bucket) return std::move(source_bucket).error();
  if (!*source_bucket) return NoSuchBucket(source_bucket_name);
  // Reading the source of another account was authorized like GetObject (its bucket policy).
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::string key(input.GetString("Key"));
  if (key.size() > static_cast<std::size_t>(kMaxKeyBytes)) return KeyTooLong(key.size());
  if (Status st = CheckObjectAcl(*bucket, input); !st) return st.error();

  auto found = store_.GetObject(source_bucket_name, source_key);
  if (!found) return std::move(found).error();
  if (!*found) return NoSuchKey(source_key);
  const ObjectRecord& src = **found;
  if (Status st = CheckConditions(src, input, kCopyConditions); !st) return st.error();

  const bool replace = input.GetString("MetadataDirective", "COPY") == "REPLACE";
  const std::string storage_class(input.GetString("StorageClass", "STANDARD"));
  if (source_bucket_name == bucket->name && source_key == key && !replace &&
      storage_class == src.storage_class && !input.Find("WebsiteRedirectLocation") &&
      !input.Find("ServerSideEncryption")) {
    return InvalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without "
        "changing the object's metadata, storage class, website redirect location or encryption "
        "attributes.");
  }

  auto info = blobs_.Concatenate({src.blob_id}, context.random);
  if (!info) return std::move(info).error();
  ObjectRecord record;
  record.bucket = bucket->name;
  record.key = key;
  record.blob_id = info->id;
  record.size = static_cast<std::int64_t>(info->size);
  record.etag = HexEncode(info->md5);
  record.last_modified = WholeSeconds(EpochMillis(context.clock.Now()));
  if (replace) {
    record.content_type = std::string(input.GetString("ContentType", kDefaultContentType));
    record.headers = StoredHeadersFrom(input);
  } else {
    record.content_type = src.content_type;
    record.headers = src.headers;
  }
  record.canned_acl = OptionalString(input, "ACL");
  record.storage_class = storage_class;
  auto outcome = store_.PutObject(record);
  if (!outcome || !outcome->found) blobs_.Remove(info->id);
  if (!outcome) return std::move(outcome).error();
  if (!outcome->found) return NoSuchBucket(bucket->name);
  RemoveBlobs(outcome->unreferenced_blobs);
  Value result = Value::MakeStructure();
  result.Set("ETag", Quoted(record.etag));
  result.Set("LastModified", Timestamp{record.last_modified});
  Value out = Value::MakeStructure();
  out.Set("CopyObjectResult", std::move(result));
  return out;
}

}  // namespace tw::services::s3
