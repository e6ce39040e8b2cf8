// SPDX-License-Identifier: Apache-2.0
// ListObjects (V1: Marker/NextMarker) and ListObjectsV2 (continuation tokens, StartAfter,
// KeyCount) over one listing walk: keys in UTF-8 byte order under a prefix, rolled up into
// CommonPrefixes at the first delimiter after the prefix. Keys and common prefixes both count
// toward max-keys, as in S3.
#include <algorithm>
#include <utility>

#include "common/crypto.h"
#include "services/s3/errors.h"
#include "services/s3/s3_service.h"
#include "services/s3/support.h"

namespace tw::services::s3 {
namespace {

using protocol::Timestamp;
using protocol::Value;

constexpr std::int64_t kMaxKeysCap = 1000;
constexpr int kBatch = 1000;
constexpr std::string_view kTokenPrefix = "tw1:";
// No UTF-8 key contains byte 0xFF, so "<prefix>\xff" sorts after every key under <prefix>.
constexpr std::string_view kAfterEverything = "\xff";

struct ListingRequest {
  std::string prefix;
  std::string delimiter;
  std::string marker;  // entries (keys or common prefixes) <= marker are skipped
  std::int64_t max_keys = kMaxKeysCap;
};

struct ListingResult {
  std::vector<ObjectRecord> contents;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string last_entry;  // the last key or common prefix returned
};

Result<ListingResult> Walk(SqliteS3Store& store, std::string_view bucket,
                           const ListingRequest& request) {
  ListingResult out;
  // max-keys=0 answers an empty, untruncated page (a truncated one would have no next marker).
  if (request.max_keys == 0) return out;
  std::string after = request.marker;
  std::int64_t count = 0;
  std::string last_prefix;
  for (;;) {
    auto batch = store.ListObjects(bucket, request.prefix, after, kBatch);
    if (!batch) return std::move(batch).error();
    bool reseek = false;
    for (ObjectRecord& object : *batch) {
      if (!object.key.starts_with(request.prefix)) return out;
      after = object.key;
      std::size_t at = request.delimiter.empty()
                           ? std::string::npos
                           : object.key.find(request.delimiter, request.prefix.size());
      if (at != std::string::npos) {
        std::string common = object.key.substr(0, at + request.delimiter.size());
        // Everything under this common prefix rolls up into it: continue after all of it.
        after = common + std::string(kAfterEverything);
        reseek = true;
        if (common <= request.marker || common == last_prefix) break;
        if (count == request.max_keys) {
          out.truncated = true;
          return out;
        }
        out.common_prefixes.push_back(common);
        out.last_entry = common;
        last_prefix = std::move(common);
        ++count;
        break;
      }
      if (count == request.max_keys) {
        out.truncated = true;
        return out;
      }
      out.last_entry = object.key;
      out.contents.push_back(std::move(object));
      ++count;
    }
    if (!reseek && static_cast<int>(batch->size()) < kBatch) return out;
  }
}

Result<std::int64_t> MaxKeysOf(const Value& input) {
  const Value* m = input.Find("MaxKeys");
  if (!m || !m->is_integer()) return kMaxKeysCap;
  if (m->as_integer() < 0) {
    return InvalidArgument("Provided max-keys not an integer or within integer range", "max-keys",
                           std::to_string(m->as_integer()));
  }
  return std::min(m->as_integer(), kMaxKeysCap);
}

// Keys and prefixes in S3's url encoding when the request asked for it (boto3 always does).
std::string Encoded(std::string_view text, bool url) {
  return url ? UrlEncodeKey(text) : std::string(text);
}

Value ContentsOf(const ListingResult& result, bool url, bool with_owner,
                 std::string_view account_id) {
  Value list = Value::MakeList();
  for (const ObjectRecord& o : result.contents) {
    Value item = Value::MakeStructure();
    item.Set("Key", Encoded(o.key, url));
    item.Set("LastModified", Timestamp{o.last_modified});
    item.Set("ETag", Quoted(o.etag));
    item.Set("Size", o.size);
    if (with_owner) item.Set("Owner", OwnerValue(account_id));
    item.Set("StorageClass", o.storage_class);
    list.Push(std::move(item));
  }
  return list;
}

Value CommonPrefixesOf(const ListingResult& result, bool url) {
  Value list = Value::MakeList();
  for (const std::string& p : result.common_prefixes) {
    list.Push(Value::MakeStructure({{"Prefix", Encoded(p, url)}}));
  }
  return list;
}

}  // namespace

Result<Value> S3Service::ListObjects(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  auto max_keys = MaxKeysOf(input);
  if (!max_keys) return std::move(max_keys).error();
  ListingRequest request;
  request.prefix = std::string(input.GetString("Prefix"));
  request.delimiter = std::string(input.GetString("Delimiter"));
  request.marker = std::string(input.GetString("Marker"));
  request.max_keys = *max_keys;
  auto result = Walk(store_, bucket->name, request);
  if (!result) return std::move(result).error();
  const bool url = input.GetString("EncodingType") == "url";

  Value out = Value::MakeStructure();
  out.Set("Name", bucket->name);
  out.Set("Prefix", Encoded(request.prefix, url));
  out.Set("Marker", Encoded(request.marker, url));
  out.Set("MaxKeys", *max_keys);
  if (input.Find("Delimiter")) out.Set("Delimiter", Encoded(request.delimiter, url));
  out.Set("IsTruncated", result->truncated);
  // V1 names the next marker only when a delimiter is used; otherwise the client continues
  // from the last key it received.
  if (result->truncated && !request.delimiter.empty()) {
    out.Set("NextMarker", Encoded(result->last_entry, url));
  }
  if (!result->contents.empty()) {
    out.Set("Contents", ContentsOf(*result, url, /*with_owner=*/true, bucket->account_id));
  }
  if (!result->common_prefixes.empty()) out.Set("CommonPrefixes", CommonPrefixesOf(*result, url));
  if (url) out.Set("EncodingType", "url");
  return out;
}

Result<Value> S3Service::ListObjectsV2(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  auto max_keys = MaxKeysOf(input);
  if (!max_keys) return std::move(max_keys).error();
  ListingRequest request;
  request.prefix = std::string(input.GetString("Prefix"));
  request.delimiter = std::string(input.GetString("Delimiter"));
  request.max_keys = *max_keys;
  const Value* token = input.Find("ContinuationToken");
  if (token && token->is_string()) {
    // The token wins over StartAfter, as in S3.
    auto decoded = Base64Decode(token->as_string());
    if (!decoded || !decoded->starts_with(kTokenPrefix)) {
      return InvalidArgument("The continuation token provided is incorrect", "continuation-token",
                             token->as_string());
    }
    request.marker = decoded->substr(kTokenPrefix.size());
  } else {
    request.marker = std::string(input.GetString("StartAfter"));
  }
  auto result = Walk(store_, bucket->name, request);
  if (!result) return std::move(result).error();
  const bool url = input.GetString("EncodingType") == "url";
  const Value* fetch_owner = input.Find("FetchOwner");
  const bool with_owner = fetch_owner && fetch_owner->is_bool() && fetch_owner->as_bool();

  Value out = Value::MakeStructure();
  out.Set("Name", bucket->name);
  out.Set("Prefix", Encoded(request.prefix, url));
  out.Set("MaxKeys", *max_keys);
  out.Set("KeyCount",
          static_cast<std::int64_t>(result->contents.size() + result->common_prefixes.size()));
  if (input.Find("Delimiter")) out.Set("Delimiter", Encoded(request.delimiter, url));
  out.Set("IsTruncated", result->truncated);
  if (token && token->is_string()) out.Set("ContinuationToken", token->as_string());
  if (result->truncated) {
    out.Set("NextContinuationToken", Base64Encode(std::string(kTokenPrefix) + result->last_entry));
  }
  if (const Value* start = input.Find("StartAfter"); start && start->is_string()) {
    out.Set("StartAfter", Encoded(start->as_string(), url));
  }
  if (!result->contents.empty()) {
    out.Set("Contents", ContentsOf(*result, url, with_owner, bucket->account_id));
  }
  if (!result->common_prefixes.empty()) out.Set("CommonPrefixes", CommonPrefixesOf(*result, url));
  if (url) out.Set("EncodingType", "url");
  return out;
}

}  // namespace tw::services::s3
