// SPDX-License-Identifier: Apache-2.0
// Fuzzes the event side of the filter-pattern engine: the input is a log event message, matched
// against CIS-style JSON patterns (folded `||` sets, wildcards, NOT EXISTS), a space-delimited and
// a term pattern, once through a plain string_view (copied into a padded buffer before parsing)
// and once through a std::string holding kLogEventPadding spare capacity (parsed in place).
// Invariants: no crash or out-of-bounds read, and both paths answer alike for every pattern,
// also when one LogEvent is matched by many patterns (the per-event selector memo).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/filter_pattern.h"

namespace {

namespace fp = tw::services::logs::filter_pattern;

const std::vector<fp::CompiledPattern>& Patterns() {
  static const std::vector<fp::CompiledPattern> patterns = [] {
    std::vector<fp::CompiledPattern> out;
    for (
        const char* text : {
            R"({ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") })",
            R"({ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" })",
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = "
            "DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
            "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName="
            "ScheduleKeyDeletion)) }",
            R"({ $.a[0].b = 1 || $.n > 10 || $.f IS TRUE || $.z IS NULL || $.s = %^x.*y$% })",
            "[ip, user, ..., status = 4*, bytes > 100]",
            "?ERROR ?\"Failed authentication\" -DEBUG",
        }) {
      auto compiled = fp::Compile(text);
      if (!compiled) std::abort();
      out.push_back(std::move(compiled).value());
    }
    return out;
  }();
  return patterns;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 65536) return 0;
  const std::string_view view(reinterpret_cast<const char*>(data), size);
  std::string padded;
  padded.reserve(size + fp::kLogEventPadding);
  padded.assign(view);
  const fp::LogEvent plain(view);
  const fp::LogEvent in_place(padded);
  for (const fp::CompiledPattern& pattern : Patterns()) {
    if (fp::Matches(pattern, plain) != fp::Matches(pattern, in_place)) std::abort();
    if (fp::Match(pattern, plain).matched != fp::Matches(pattern, plain)) std::abort();
  }
  return 0;
}
