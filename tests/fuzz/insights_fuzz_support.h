// SPDX-License-Identifier: Apache-2.0
// Shared body of the three Logs Insights parser fuzzers (CWLI, SQL, PPL).
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include "services/logs/insights/executor.h"
#include "services/logs/insights/parser.h"

namespace tw::fuzz {

inline void RunInsightsQuery(services::logs::insights::Language language,
                             const std::string& query) {
  namespace in = services::logs::insights;
  static constexpr std::string_view kMessages[] = {
      R"({"eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser","userName":"alice"},)"
      R"("sourceIPAddress":"203.0.113.10","readOnly":false,"n":-1.5e3,"big":18446744073709551615,)"
      R"("resources":[{"ARN":"arn:aws:iam::1:role/r"}],"@odd":"x","a.b":{"c":1}})",
      R"({"eventName":"GetObject","requestParameters":{"bucketName":"reports"},"n":42})",
      "[ERROR] {\"cfg\":1} The error was: TimeoutException user=bob latency=80",
      "",
      R"({"unterminated": )",
      "2001:db8::1 10.0.0.1 - - [10/Oct/2000:13:25:15 -0700]",
  };
  in::ParseResult parsed = in::Parse(language, query);
  if (!parsed.ok()) {
    if (parsed.error->message.empty()) std::abort();
    if (parsed.error->begin > parsed.error->end || parsed.error->end > query.size()) std::abort();
    return;
  }
  in::ExecOptions options;
  options.default_limit = 50;
  in::Executor executor(parsed.query, options);
  std::int64_t t = 1'714'564'800'000;
  for (int round = 0; round < 3; ++round) {
    for (std::string_view message : kMessages) {
      executor.Add(in::EventData{t, t + 1, message, "stream", "1:group", "ptr"});
      t += 61'000;
    }
  }
  auto rows = executor.Finish();
  if (static_cast<std::int64_t>(rows.size()) > 18) std::abort();  // never more rows than events
  for (const auto& row : rows) {
    for (const auto& field : row) {
      if (field.field.empty()) std::abort();
    }
  }
}

}  // namespace tw::fuzz
