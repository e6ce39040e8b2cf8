// SPDX-License-Identifier: Apache-2.0
// CloudTrail log files on disk, for `trailwatch import`: finding them (files given directly, and
// folders searched recursively for *.json.gz and *.json — which covers the S3 delivery layout
// AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/), reading them (gzip or plain), and checking a
// whole file before anything of it is sent: it must be gzip when named .gz, one JSON document
// {"Records":[...]}, and every record must pass services/cloudtrail/imported_record.h's rules
// (an object with eventName and a CloudTrail eventTime). Pure apart from reading files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace tw::cli {

struct FoundFile {
  std::filesystem::path path;
  std::uintmax_t size = 0;  // on disk (compressed)
};

struct FoundFiles {
  std::vector<FoundFile> files;     // sorted by path: the S3 layout sorts by time
  std::vector<std::string> errors;  // paths that do not exist or cannot be listed
};

FoundFiles FindCloudTrailFiles(const std::vector<std::string>& paths);

// A file's text: gunzipped when it starts with the gzip magic (all members of a multi-member
// file); an error when a .gz file is not gzip or is truncated/corrupt.
Result<std::string> ReadLogFile(const std::filesystem::path& path);
Result<std::string> Gunzip(std::string_view data);

struct CloudTrailFile {
  std::vector<std::string> records;  // each record as compact JSON text
  std::int64_t first_event_millis = 0;
  std::int64_t last_event_millis = 0;
};

// Checks a whole file's text; the error names the first problem (and the record's position).
Result<CloudTrailFile> ParseCloudTrailFile(std::string_view text);

}  // namespace tw::cli
