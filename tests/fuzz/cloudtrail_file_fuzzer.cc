// SPDX-License-Identifier: Apache-2.0
// Fuzzes what `trailwatch import` and its server operation parse from untrusted files: gzip
// framing (Gunzip), a CloudTrail log file ({"Records":[...]} with every record checked by
// ParseImportedRecord), and, for inputs starting with '[', the AWS shared config/credentials
// INI reader. Invariants: an accepted file's records each parse again, and its span is ordered.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cli/cloudtrail_files.h"
#include "cli/credentials.h"
#include "services/cloudtrail/imported_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text.front() == '[') (void)tw::cli::ParseIni(text);
  (void)tw::cli::Gunzip(text);
  auto file = tw::cli::ParseCloudTrailFile(text);
  if (file) {
    if (!file->records.empty() && file->first_event_millis > file->last_event_millis) std::abort();
    for (const std::string& record : file->records) {
      if (!tw::services::cloudtrail::ParseImportedRecord(record, "us-east-1")) std::abort();
    }
  }
  return 0;
}
