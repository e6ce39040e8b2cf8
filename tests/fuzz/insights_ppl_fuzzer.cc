// SPDX-License-Identifier: Apache-2.0
// Fuzzes the Logs Insights PPL parser: the input is a query. A query that compiles is run over a
// fixed set of events (CloudTrail JSON, plain text, not-quite JSON); one that does not must carry
// an error span inside the input. Invariants: no crash, no hang, spans in range.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/insights_fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const std::string query(reinterpret_cast<const char*>(data), size);
  tw::fuzz::RunInsightsQuery(tw::services::logs::insights::Language::kPpl, query);
  return 0;
}
