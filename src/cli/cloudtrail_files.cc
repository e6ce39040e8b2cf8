// SPDX-License-Identifier: Apache-2.0
#include "cli/cloudtrail_files.h"

#include <zlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "services/cloudtrail/imported_record.h"

namespace tw::cli {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

AwsError BadFile(std::string message) {
  return AwsError::Make("InvalidCloudTrailFile", 0, std::move(message));
}

bool IsLogFileName(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.ends_with(".json.gz") || name.ends_with(".json");
}

}  // namespace

FoundFiles FindCloudTrailFiles(const std::vector<std::string>& paths) {
  FoundFiles found;
  for (const std::string& given : paths) {
    std::error_code ec;
    const fs::path path(given);
    if (fs::is_directory(path, ec)) {
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        found.errors.push_back(given + ": " + ec.message());
        continue;
      }
      for (const fs::directory_entry& entry : it) {
        std::error_code entry_ec;
        if (!entry.is_regular_file(entry_ec) || !IsLogFileName(entry.path())) continue;
        found.files.push_back({entry.path(), entry.file_size(entry_ec)});
      }
    } else if (fs::is_regular_file(path, ec)) {
      found.files.push_back({path, fs::file_size(path, ec)});
    } else {
      found.errors.push_back(given + ": no such file or directory");
    }
  }
  std::sort(found.files.begin(), found.files.end(),
            [](const FoundFile& a, const FoundFile& b) { return a.path < b.path; });
  found.files.erase(
      std::unique(found.files.begin(), found.files.end(),
                  [](const FoundFile& a, const FoundFile& b) { return a.path == b.path; }),
      found.files.end());
  return found;
}

Result<std::string> Gunzip(std::string_view data) {
  std::string out;
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return BadFile("zlib could not start");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  char buffer[65536];
  int rc = Z_OK;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof(buffer);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - zs.avail_out);
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (concatenated files are valid gzip).
      if (zs.avail_in == 0) break;
      if (inflateReset(&zs) != Z_OK) break;
      continue;
    }
    if (rc != Z_OK) break;
    if (zs.avail_in == 0 && zs.avail_out != 0) break;  // input ended inside a member
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return BadFile(rc == Z_OK || rc == Z_BUF_ERROR ? "the gzip data is truncated"
                                                   : "the gzip data is corrupt");
  }
  return out;
}

Result<std::string> ReadLogFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return BadFile("cannot be read");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string data = std::move(buffer).str();
  const bool gzip = data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
                    static_cast<unsigned char>(data[1]) == 0x8b;
  if (gzip) return Gunzip(data);
  if (path.filename().string().ends_with(".gz")) return BadFile("not gzip data");
  return data;
}

Result<CloudTrailFile> ParseCloudTrailFile(std::string_view text) {
  json::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec) return BadFile("not JSON: " + ec.message());
  if (!parsed.is_object()) return BadFile("not a JSON object with a Records array");
  const json::value* records = parsed.as_object().if_contains("Records");
  if (!records || !records->is_array()) return BadFile("no Records array");
  CloudTrailFile file;
  file.records.reserve(records->as_array().size());
  std::size_t index = 0;
  for (const json::value& record : records->as_array()) {
    ++index;
    std::string compact = json::serialize(record);
    auto event = services::cloudtrail::ParseImportedRecord(compact, "us-east-1");
    if (!event) {
      return BadFile("record " + std::to_string(index) + " of " +
                     std::to_string(records->as_array().size()) + ": " + event.error().message);
    }
    const std::int64_t t = event->event_time_millis;
    if (file.records.empty() || t < file.first_event_millis) file.first_event_millis = t;
    if (file.records.empty() || t > file.last_event_millis) file.last_event_millis = t;
    file.records.push_back(std::move(compact));
  }
  return file;
}

}  // namespace tw::cli
