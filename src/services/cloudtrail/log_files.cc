// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/log_files.h"

#include <zlib.h>

#include <cstdio>

#include "common/strings.h"
#include "common/time_format.h"

namespace tw::services::cloudtrail {
namespace {

// "2015-08-17T15:01:31Z" → fields.
struct Civil {
  std::string year, month, day, hour, minute, second;
};

Civil CivilOf(std::int64_t millis) {
  std::string iso = FormatIso8601(millis, /*with_millis=*/false);
  return Civil{iso.substr(0, 4),  iso.substr(5, 2),  iso.substr(8, 2),
               iso.substr(11, 2), iso.substr(14, 2), iso.substr(17, 2)};
}

std::string TimeOrNull(const std::optional<std::int64_t>& millis) {
  if (!millis) return "null";
  return "\"" + FormatIso8601(*millis, false) + "\"";
}

void AppendQuoted(std::string& out, std::string_view text) { AppendJsonString(out, text); }

}  // namespace

std::string LogDirectory(std::string_view prefix, std::string_view account, std::string_view kind,
                         std::string_view region, std::int64_t millis) {
  Civil c = CivilOf(millis);
  std::string out;
  if (!prefix.empty()) {
    out.append(prefix);
    if (out.back() != '/') out.push_back('/');
  }
  out.append("AWSLogs/").append(account).append("/").append(kind).append("/").append(region);
  out.append("/").append(c.year).append("/").append(c.month).append("/").append(c.day);
  out.push_back('/');
  return out;
}

std::string LogFileKey(std::string_view prefix, std::string_view account, std::string_view kind,
                       std::string_view region, std::int64_t delivery_millis,
                       std::int64_t newest_event_millis, std::string_view suffix) {
  Civil c = CivilOf(newest_event_millis);
  std::string out = LogDirectory(prefix, account, kind, region, delivery_millis);
  out.append(account).append("_CloudTrail_").append(region).append("_");
  out.append(c.year + c.month + c.day + "T" + c.hour + c.minute + "Z_");
  out.append(suffix).append(".json.gz");
  return out;
}

std::string DigestFileKey(std::string_view prefix, std::string_view account,
                          std::string_view region, std::string_view trail,
                          std::string_view home_region, std::int64_t end_millis) {
  Civil c = CivilOf(end_millis);
  std::string out = LogDirectory(prefix, account, "CloudTrail-Digest", region, end_millis);
  out.append(account).append("_CloudTrail-Digest_").append(region).append("_").append(trail);
  out.append("_").append(home_region).append("_");
  out.append(c.year + c.month + c.day + "T" + c.hour + c.minute + c.second + "Z.json.gz");
  return out;
}

std::string RecordsDocument(const std::vector<std::string_view>& records) {
  std::size_t size = 16;
  for (std::string_view r : records) size += r.size() + 1;
  std::string out;
  out.reserve(size);
  out.append("{\"Records\":[");
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i) out.push_back(',');
    out.append(records[i]);
  }
  out.append("]}");
  return out;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's. The fastest level: files
  // are written on the delivery thread, which shares the CPU with request handling.
  deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Result<std::string> Gunzip(std::string_view data) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) {
    return AwsError::From(ErrorCode::kInternalFailure, "inflateInit2 failed");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof buffer;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return AwsError::From(ErrorCode::kInternalFailure, "not a complete gzip stream");
  }
  return out;
}

std::string DigestDocument(const DigestInput& d) {
  std::string out = "{\"awsAccountId\":";
  AppendQuoted(out, d.account_id);
  out += ",\"digestStartTime\":" + TimeOrNull(d.start_millis);
  out += ",\"digestEndTime\":" + TimeOrNull(d.end_millis);
  out += ",\"digestS3Bucket\":";
  AppendQuoted(out, d.bucket);
  out += ",\"digestS3Object\":";
  AppendQuoted(out, d.key);
  out += ",\"digestPublicKeyFingerprint\":";
  AppendQuoted(out, d.fingerprint);
  out += ",\"digestSignatureAlgorithm\":\"SHA256withRSA\"";
  std::optional<std::int64_t> newest, oldest;
  for (const DigestLogFile& f : d.log_files) {
    if (!newest || f.newest_event_millis > *newest) newest = f.newest_event_millis;
    if (!oldest || f.oldest_event_millis < *oldest) oldest = f.oldest_event_millis;
  }
  out += ",\"newestEventTime\":" + TimeOrNull(newest);
  out += ",\"oldestEventTime\":" + TimeOrNull(oldest);
  if (d.previous) {
    out += ",\"previousDigestS3Bucket\":";
    AppendQuoted(out, d.previous->bucket);
    out += ",\"previousDigestS3Object\":";
    AppendQuoted(out, d.previous->key);
    out += ",\"previousDigestHashValue\":";
    AppendQuoted(out, d.previous->sha256_hex);
    out += ",\"previousDigestHashAlgorithm\":\"SHA-256\",\"previousDigestSignature\":";
    AppendQuoted(out, d.previous->signature_hex);
  } else {
    out +=
        ",\"previousDigestS3Bucket\":null,\"previousDigestS3Object\":null,"
        "\"previousDigestHashValue\":null,\"previousDigestHashAlgorithm\":null,"
        "\"previousDigestSignature\":null";
  }
  out += ",\"logFiles\":[";
  for (std::size_t i = 0; i < d.log_files.size(); ++i) {
    const DigestLogFile& f = d.log_files[i];
    if (i) out.push_back(',');
    out += "{\"s3Bucket\":";
    AppendQuoted(out, f.bucket);
    out += ",\"s3Object\":";
    AppendQuoted(out, f.key);
    out += ",\"hashValue\":";
    AppendQuoted(out, f.sha256_hex);
    out +=
        ",\"hashAlgorithm\":\"SHA-256\",\"newestEventTime\":" + TimeOrNull(f.newest_event_millis) +
        ",\"oldestEventTime\":" + TimeOrNull(f.oldest_event_millis) + "}";
  }
  out += "]}";
  return out;
}

std::string DigestStringToSign(std::int64_t end_millis, std::string_view bucket,
                               std::string_view key, std::string_view digest_sha256_hex,
                               const std::optional<std::string>& previous_signature_hex) {
  std::string out = FormatIso8601(end_millis, false);
  out.push_back('\n');
  out.append(bucket).append("/").append(key).append("\n");
  out.append(digest_sha256_hex).append("\n");
  out.append(previous_signature_hex ? *previous_signature_hex : std::string("null"));
  return out;
}

}  // namespace tw::services::cloudtrail
