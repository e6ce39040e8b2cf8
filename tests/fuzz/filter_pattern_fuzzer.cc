// SPDX-License-Identifier: Apache-2.0
// Fuzzes the filter-pattern engine: the input is a pattern; whatever compiles is matched against
// a fixed set of messages (text, Apache line, JSON objects incl. CloudTrail-like, not-JSON), and
// metric-value expressions are resolved. Invariants: no crash, MatchResult extracted values only
// on a match, and Match/Matches agree.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/logs/filter_pattern/filter_pattern.h"
#include "services/logs/filter_pattern/value_expression.h"

namespace {

namespace fp = tw::services::logs::filter_pattern;

constexpr std::string_view kMessages[] = {
    "",
    "[ERROR 401] UNAUTHORIZED REQUEST",
    R"(127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534)",
    R"({"eventType":"UpdateTrail","arrayKey":["value",1,true,null],"objectList":[{"id":1}],)"
    R"("SomeObject":null,"ThisFlag":true,"n":-1.5e3,"big":18446744073709551615})",
    R"({"eventVersion":"1.08","userIdentity":{"type":"Root","accountId":"111122223333"},)"
    R"("eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","errorMessage":)"
    R"("Failed authentication","additionalEventData":{"MFAUsed":"No"}})",
    "[1,2,3]",
    R"({"unterminated": )",
    "\"quoted field\" [bracketed field] plain \"unclosed",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const std::string pattern(reinterpret_cast<const char*>(data), size);
  auto compiled = fp::Compile(pattern);
  if (!compiled) {
    // Errors must describe themselves and convert for the wire.
    if (compiled.error().ToAwsError().code != "InvalidParameterException") std::abort();
    return 0;
  }
  for (std::string_view message : kMessages) {
    const fp::LogEvent event(message);
    const fp::MatchResult result = fp::Match(*compiled, event);
    if (result.matched != fp::Matches(*compiled, event)) std::abort();
    if (!result.matched && !result.extracted.empty()) std::abort();
    for (std::string_view expression : {"1", "$.n", "$.objectList[0].id", "$1", "$ip"}) {
      auto value = fp::ValueExpression::Compile(expression, *compiled);
      if (value && result.matched) {
        (void)value->ResolveNumber(event, result);
        (void)value->ResolveText(event, result);
      }
    }
  }
  return 0;
}
