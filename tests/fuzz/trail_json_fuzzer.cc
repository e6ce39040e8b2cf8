// SPDX-License-Identifier: Apache-2.0
// Fuzzes what CloudTrail reads back from storage and S3: the stored trail configuration and
// delivery state documents (TrailFromJson, StateFromJson) and gzip streams (Gunzip). Whatever
// parses must serialize and parse again to the same document; nothing may crash or hang.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/cloudtrail/log_files.h"
#include "services/cloudtrail/trail.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tw::services::cloudtrail;
  const std::string input(reinterpret_cast<const char*>(data), size);
  if (auto trail = TrailFromJson(input)) {
    const std::string once = TrailToJson(*trail);
    auto again = TrailFromJson(once);
    if (!again || TrailToJson(*again) != once) std::abort();
  }
  if (auto state = StateFromJson(input)) {
    const std::string once = StateToJson(*state);
    auto again = StateFromJson(once);
    if (!again || StateToJson(*again) != once) std::abort();
  }
  if (auto inflated = Gunzip(input)) {
    auto round = Gunzip(Gzip(*inflated));
    if (!round || *round != *inflated) std::abort();
  }
  return 0;
}
