// SPDX-License-Identifier: Apache-2.0
// Multipart uploads: create, upload part, complete (the "md5-of-md5s-N" ETag), abort, and the
// ListParts / ListMultipartUploads listings. Parts are blobs of their own; completing
// concatenates them into the object's blob and then drops the parts.
#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "common/crypto.h"
#include "common/strings.h"
#include "services/s3/errors.h"
#include "services/s3/s3_service.h"
#include "services/s3/support.h"

namespace tw::services::s3 {
namespace {

using protocol::Timestamp;
using protocol::Value;

constexpr std::int64_t kMinPartSize = 5 * 1024 * 1024;
constexpr std::int64_t kMaxPartNumber = 10000;
constexpr std::int64_t kDefaultMaxParts = 1000;
constexpr std::int64_t kDefaultMaxUploads = 1000;
constexpr std::string_view kUploadIdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kUploadIdLength = 64;

Value InitiatorValue(const UploadRecord& upload) {
  return Value::MakeStructure(
      {{"ID", upload.initiator_id}, {"DisplayName", upload.initiator_name}});
}

std::int64_t IntegerOr(const Value& input, std::string_view name, std::int64_t fallback) {
  const Value* v = input.Find(name);
  return v && v->is_integer() ? v->as_integer() : fallback;
}

// Where the completed object lives, as S3 reports it in CompleteMultipartUploadResult.
std::string LocationOf(const RequestContext& context, std::string_view bucket,
                       std::string_view key) {
  std::string host(context.http.headers.Get("Host"));
  if (host.empty()) host = "s3.amazonaws.com";
  std::string scheme = context.http.tls ? "https://" : "http://";
  if (host.starts_with(std::string(bucket) + ".")) {
    return scheme + host + "/" + UriEncode(key, true);
  }
  return scheme + host + "/" + std::string(bucket) + "/" + UriEncode(key, true);
}

}  // namespace

Result<Value> S3Service::CreateMultipartUpload(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::string key(input.GetString("Key"));
  if (key.size() > static_cast<std::size_t>(kMaxKeyBytes)) return KeyTooLong(key.size());
  if (bucket->object_ownership == "BucketOwnerEnforced") {
    std::string_view acl = input.GetString("ACL", "private");
    if (acl != "private" && acl != "bucket-owner-full-control") {
      return AccessControlListNotSupported();
    }
  }
  UploadRecord upload;
  upload.upload_id = context.random.FromAlphabet(kUploadIdAlphabet, kUploadIdLength);
  upload.bucket = bucket->name;
  upload.key = key;
  upload.initiated_at = WholeSeconds(EpochMillis(context.clock.Now()));
  upload.content_type = std::string(input.GetString("ContentType", kDefaultContentType));
  upload.headers = StoredHeadersFrom(input);
  if (const Value* acl = input.Find("ACL"); acl && acl->is_string())
    upload.canned_acl = acl->as_string();
  upload.storage_class = std::string(input.GetString("StorageClass", "STANDARD"));
  std::tie(upload.initiator_id, upload.initiator_name) = InitiatorOf(context.principal);
  auto created = store_.CreateUpload(upload);
  if (!created) return std::move(created).error();
  if (!*created) return NoSuchBucket(bucket->name);
  Value out = Value::MakeStructure();
  out.Set("Bucket", bucket->name);
  out.Set("Key", key);
  out.Set("UploadId", upload.upload_id);
  return out;
}

Result<Value> S3Service::UploadPart(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::string upload_id(input.GetString("UploadId"));
  std::int64_t part_number = IntegerOr(input, "PartNumber", 0);
  if (part_number < 1 || part_number > kMaxPartNumber) {
    return InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                           "partNumber", std::to_string(part_number));
  }
  auto upload = store_.GetUpload(upload_id);
  if (!upload) return std::move(upload).error();
  if (!*upload || (*upload)->bucket != bucket->name || (*upload)->key != input.GetString("Key")) {
    return NoSuchUpload(upload_id);
  }
  auto info = StoreRequestBody(context, input);
  if (!info) return std::move(info).error();
  PartRecord part;
  part.upload_id = upload_id;
  part.part_number = static_cast<int>(part_number);
  part.blob_id = info->id;
  part.size = static_cast<std::int64_t>(info->size);
  part.etag = HexEncode(info->md5);
  part.last_modified = WholeSeconds(EpochMillis(context.clock.Now()));
  auto outcome = store_.PutPart(part);
  if (!outcome || !outcome->found) blobs_.Remove(info->id);
  if (!outcome) return std::move(outcome).error();
  if (!outcome->found) return NoSuchUpload(upload_id);
  RemoveBlobs(outcome->unreferenced_blobs);
  Value out = Value::MakeStructure();
  out.Set("ETag", Quoted(part.etag));
  return out;
}

Result<Value> S3Service::CompleteMultipartUpload(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::string upload_id(input.GetString("UploadId"));
  std::string key(input.GetString("Key"));
  auto upload = store_.GetUpload(upload_id);
  if (!upload) return std::move(upload).error();
  if (!*upload || (*upload)->bucket != bucket->name || (*upload)->key != key) {
    return NoSuchUpload(upload_id);
  }
  const Value* body = input.Find("MultipartUpload");
  const Value* requested = body ? body->Find("Parts") : nullptr;
  if (!requested || !requested->is_list() || requested->as_list().empty()) return MalformedXml();

  auto stored = store_.ListParts(upload_id);
  if (!stored) return std::move(stored).error();
  std::map<int, const PartRecord*> by_number;
  for (const PartRecord& p : *stored) by_number[p.part_number] = &p;

  std::vector<PartRecord> used;
  std::int64_t previous = 0;
  for (const Value& item : requested->as_list()) {
    std::int64_t number = IntegerOr(item, "PartNumber", 0);
    if (number <= previous) return InvalidPartOrder(upload_id);
    previous = number;
    std::string etag(Unquoted(item.GetString("ETag")));
    auto it = by_number.find(static_cast<int>(number));
    if (it == by_number.end() || it->second->etag != etag) {
      return InvalidPart(upload_id, static_cast<int>(number), etag);
    }
    used.push_back(*it->second);
  }
  // Every part but the last must be at least 5 MiB.
  for (std::size_t i = 0; i + 1 < used.size(); ++i) {
    if (used[i].size < kMinPartSize) {
      return EntityTooSmall(used[i].size, used[i].part_number, Quoted(used[i].etag));
    }
  }

  std::vector<std::string> blob_ids;
  std::string digests;
  for (const PartRecord& p : used) {
    blob_ids.push_back(p.blob_id);
    digests += HexDecode(p.etag).value_or("");
  }
  auto info = blobs_.Concatenate(blob_ids, context.random);
  if (!info) return std::move(info).error();

  const UploadRecord& u = **upload;
  ObjectRecord object;
  object.bucket = bucket->name;
  object.key = key;
  object.blob_id = info->id;
  object.size = static_cast<std::int64_t>(info->size);
  // S3's multipart ETag: MD5 of the concatenated binary part MD5s, then "-<part count>".
  object.etag = HexEncode(Md5(digests)) + "-" + std::to_string(used.size());
  object.content_type = u.content_type;
  object.last_modified = WholeSeconds(EpochMillis(context.clock.Now()));
  object.headers = u.headers;
  object.canned_acl = u.canned_acl;
  object.storage_class = u.storage_class;
  object.parts_count = static_cast<std::int64_t>(used.size());
  auto outcome = store_.CompleteUpload(upload_id, object, used);
  if (!outcome || !outcome->found) blobs_.Remove(info->id);
  if (!outcome) return std::move(outcome).error();
  if (!outcome->found) return NoSuchUpload(upload_id);
  RemoveBlobs(outcome->unreferenced_blobs);

  Value out = Value::MakeStructure();
  out.Set("Location", LocationOf(context, bucket->name, key));
  out.Set("Bucket", bucket->name);
  out.Set("Key", key);
  out.Set("ETag", Quoted(object.etag));
  return out;
}

Result<Value> S3Service::AbortMultipartUpload(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::string upload_id(input.GetString("UploadId"));
  auto upload = store_.GetUpload(upload_id);
  if (!upload) return std::move(upload).error();
  if (!*upload || (*upload)->bucket != bucket->name || (*upload)->key != input.GetString("Key")) {
    return NoSuchUpload(upload_id);
  }
  auto outcome = store_.AbortUpload(upload_id);
  if (!outcome) return std::move(outcome).error();
  if (!outcome->found) return NoSuchUpload(upload_id);
  RemoveBlobs(outcome->unreferenced_blobs);
  return Value::MakeStructure();
}

Result<Value> S3Service::ListParts(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::string upload_id(input.GetString("UploadId"));
  auto upload = store_.GetUpload(upload_id);
  if (!upload) return std::move(upload).error();
  if (!*upload || (*upload)->bucket != bucket->name || (*upload)->key != input.GetString("Key")) {
    return NoSuchUpload(upload_id);
  }
  auto parts = store_.ListParts(upload_id);
  if (!parts) return std::move(parts).error();
  std::int64_t marker = IntegerOr(input, "PartNumberMarker", 0);
  std::int64_t max_parts =
      std::clamp<std::int64_t>(IntegerOr(input, "MaxParts", kDefaultMaxParts), 0, kDefaultMaxParts);
  Value list = Value::MakeList();
  bool truncated = false;
  std::int64_t last = 0;
  for (const PartRecord& p : *parts) {
    if (p.part_number <= marker) continue;
    if (static_cast<std::int64_t>(list.as_list().size()) == max_parts) {
      truncated = true;
      break;
    }
    Value item = Value::MakeStructure();
    item.Set("PartNumber", p.part_number);
    item.Set("LastModified", Timestamp{p.last_modified});
    item.Set("ETag", Quoted(p.etag));
    item.Set("Size", p.size);
    list.Push(std::move(item));
    last = p.part_number;
  }
  Value out = Value::MakeStructure();
  out.Set("Bucket", bucket->name);
  out.Set("Key", (*upload)->key);
  out.Set("UploadId", upload_id);
  out.Set("PartNumberMarker", marker);
  if (last > 0) out.Set("NextPartNumberMarker", last);
  out.Set("MaxParts", max_parts);
  out.Set("IsTruncated", truncated);
  if (!list.as_list().empty()) out.Set("Parts", std::move(list));
  out.Set("Initiator", InitiatorValue(**upload));
  out.Set("Owner", OwnerValue(bucket->account_id));
  out.Set("StorageClass", (*upload)->storage_class);
  return out;
}

Result<Value> S3Service::ListMultipartUploads(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  auto uploads = store_.ListUploads(bucket->name);
  if (!uploads) return std::move(uploads).error();
  std::string prefix(input.GetString("Prefix"));
  std::string delimiter(input.GetString("Delimiter"));
  std::string key_marker(input.GetString("KeyMarker"));
  std::string upload_id_marker(input.GetString("UploadIdMarker"));
  std::int64_t max_uploads = std::clamp<std::int64_t>(
      IntegerOr(input, "MaxUploads", kDefaultMaxUploads), 0, kDefaultMaxUploads);
  const bool url = input.GetString("EncodingType") == "url";
  auto encoded = [&](std::string_view text) {
    return url ? UrlEncodeKey(text) : std::string(text);
  };

  Value list = Value::MakeList();
  Value prefixes = Value::MakeList();
  std::string last_prefix;
  std::int64_t count = 0;
  bool truncated = false;
  bool past_upload_marker = upload_id_marker.empty();
  const UploadRecord* last = nullptr;
  for (const UploadRecord& u : *uploads) {
    if (!u.key.starts_with(prefix)) continue;
    // key-marker alone resumes after that key; with upload-id-marker, after that upload of it.
    if (!key_marker.empty() && u.key < key_marker) continue;
    if (!key_marker.empty() && u.key == key_marker) {
      if (upload_id_marker.empty()) continue;
      if (!past_upload_marker) {
        past_upload_marker = u.upload_id == upload_id_marker;
        continue;
      }
    }
    std::size_t at = delimiter.empty() ? std::string::npos : u.key.find(delimiter, prefix.size());
    if (at != std::string::npos) {
      std::string common = u.key.substr(0, at + delimiter.size());
      if (common == last_prefix) continue;
      if (count == max_uploads) {
        truncated = true;
        break;
      }
      prefixes.Push(Value::MakeStructure({{"Prefix", encoded(common)}}));
      last_prefix = std::move(common);
      ++count;
      continue;
    }
    if (count == max_uploads) {
      truncated = true;
      break;
    }
    Value item = Value::MakeStructure();
    item.Set("UploadId", u.upload_id);
    item.Set("Key", encoded(u.key));
    item.Set("Initiated", Timestamp{u.initiated_at});
    item.Set("StorageClass", u.storage_class);
    item.Set("Owner", OwnerValue(bucket->account_id));
    item.Set("Initiator", InitiatorValue(u));
    list.Push(std::move(item));
    last = &u;
    ++count;
  }
  Value out = Value::MakeStructure();
  out.Set("Bucket", bucket->name);
  out.Set("KeyMarker", encoded(key_marker));
  out.Set("UploadIdMarker", upload_id_marker);
  if (truncated && last) {
    out.Set("NextKeyMarker", encoded(last->key));
    out.Set("NextUploadIdMarker", last->upload_id);
  }
  out.Set("MaxUploads", max_uploads);
  out.Set("IsTruncated", truncated);
  if (!list.as_list().empty()) out.Set("Uploads", std::move(list));
  if (input.Find("Prefix")) out.Set("Prefix", encoded(prefix));
  if (input.Find("Delimiter")) out.Set("Delimiter", encoded(delimiter));
  if (!prefixes.as_list().empty()) out.Set("CommonPrefixes", std::move(prefixes));
  if (url) out.Set("EncodingType", "url");
  return out;
}

}  // namespace tw::services::s3
