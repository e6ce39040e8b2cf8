// SPDX-License-Identifier: Apache-2.0
// What a trail writes to S3, as pure functions: the object keys of log, digest and Insights files
// (CloudTrail User Guide, "Finding your CloudTrail log files" and "CloudTrail digest file
// structure"), the gzip JSON bodies, the digest document and the string a digest's signature
// covers. No I/O and no clock: times and random suffixes are arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tw::services::cloudtrail {

// "[<prefix>/]AWSLogs/<account>/<kind>/<region>/YYYY/MM/DD/", kind CloudTrail, CloudTrail-Digest
// or CloudTrail-Insight; the date is the UTC day of `millis`.
std::string LogDirectory(std::string_view prefix, std::string_view account, std::string_view kind,
                         std::string_view region, std::int64_t millis);

// <dir><account>_<kind>_<region>_<YYYYMMDDTHHmmZ>_<suffix>.json.gz: the directory dated by the
// delivery time, the file stamped with the newest event time of the file (minutes). `kind` is
// CloudTrail or CloudTrail-Insight (123456789012_CloudTrail-Insight_us-east-1_..._X.json.gz).
std::string LogFileKey(std::string_view prefix, std::string_view account, std::string_view kind,
                       std::string_view region, std::int64_t delivery_millis,
                       std::int64_t newest_event_millis, std::string_view suffix);

// <dir><account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHMMSSZ>.json.gz for
// a digest ending at `end_millis`.
std::string DigestFileKey(std::string_view prefix, std::string_view account,
                          std::string_view region, std::string_view trail,
                          std::string_view home_region, std::int64_t end_millis);

// {"Records":[r1,r2,...]} from complete record JSON texts.
std::string RecordsDocument(const std::vector<std::string_view>& records);

// gzip (RFC 1952) of `data`, and its inverse (InternalFailure on a malformed stream).
std::string Gzip(std::string_view data);
Result<std::string> Gunzip(std::string_view data);

// One delivered log file as its digest lists it.
struct DigestLogFile {
  std::string bucket;
  std::string key;
  std::string sha256_hex;  // of the uncompressed file
  std::int64_t oldest_event_millis = 0;
  std::int64_t newest_event_millis = 0;
};

// The previous digest of the chain; absent for a starting digest.
struct PreviousDigest {
  std::string bucket;
  std::string key;
  std::string sha256_hex;  // of the previous digest, uncompressed
  std::string signature_hex;
};

struct DigestInput {
  std::string account_id;
  std::int64_t start_millis = 0;
  std::int64_t end_millis = 0;
  std::string bucket;
  std::string key;
  std::string fingerprint;
  std::optional<PreviousDigest> previous;
  std::vector<DigestLogFile> log_files;
};

// The uncompressed digest JSON document.
std::string DigestDocument(const DigestInput& digest);

// "<digestEndTime>\n<bucket>/<key>\n<hex sha256 of the uncompressed digest>\n<previous
// signature or null>": what SHA256withRSA signs.
std::string DigestStringToSign(std::int64_t end_millis, std::string_view bucket,
                               std::string_view key, std::string_view digest_sha256_hex,
                               const std::optional<std::string>& previous_signature_hex);

}  // namespace tw::services::cloudtrail
