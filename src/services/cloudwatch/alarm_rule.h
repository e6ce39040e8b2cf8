// SPDX-License-Identifier: Apache-2.0
// The AlarmRule of a composite alarm (PutCompositeAlarm): parsed once into a small expression
// tree and evaluated against the states of the alarms it names. Grammar (CloudWatch API
// Reference, PutCompositeAlarm AlarmRule), keywords upper-case as AWS writes them:
//
//   rule    := or
//   or      := and ( "OR" and )*
//   and     := not ( "AND" not )*
//   not     := "NOT" not | primary
//   primary := "(" rule ")" | "TRUE" | "FALSE" | state "(" name ")"
//   state   := "ALARM" | "OK" | "INSUFFICIENT_DATA"
//   name    := '"' any characters but '"' '"' | bare characters up to ")", outer blanks trimmed
//
// A name is an alarm name or an alarm ARN. Limits (PutCompositeAlarm): at most 100 distinct
// alarms and 500 elements (alarm functions, TRUE/FALSE and parenthesised groups); nesting is
// bounded so evaluation never runs deep. Errors are ValidationError (400) naming the problem and
// its position.
//
// Thread-safety: an AlarmRule is immutable after Parse; Evaluate is const and reentrant.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "services/cloudwatch/types.h"

namespace tw::services::cloudwatch {

inline constexpr std::size_t kMaxRuleAlarms = 100;
inline constexpr std::size_t kMaxRuleElements = 500;
inline constexpr int kMaxRuleDepth = 100;

class AlarmRule {
 public:
  // The state of a named alarm; nullopt when there is no such alarm (its functions are FALSE).
  using StateOf = std::function<std::optional<AlarmState>(std::string_view name)>;

  static Result<AlarmRule> Parse(std::string_view text);

  bool Evaluate(const StateOf& state_of) const;
  // The alarms (as written in the rule, distinct, in order of appearance) whose functions hold a
  // value that supports `outcome`: for a TRUE rule, the functions that are TRUE outside a NOT
  // and FALSE under one; for a FALSE rule, the opposite. These are the "triggering" children.
  std::vector<std::string> Supporting(bool outcome, const StateOf& state_of) const;
  // Every alarm the rule names, as written, distinct, in order of appearance.
  const std::vector<std::string>& references() const { return references_; }

 private:
  enum class Kind : std::uint8_t { kTrue, kFalse, kState, kNot, kAnd, kOr };
  struct Node {
    Kind kind = Kind::kTrue;
    AlarmState state = AlarmState::kAlarm;  // kState
    std::uint32_t name = 0;                 // kState: index into references_
    std::vector<std::uint32_t> children;    // kNot (one), kAnd, kOr
  };
  class Parser;

  bool Eval(std::uint32_t node, const StateOf& state_of) const;
  void Collect(std::uint32_t node, bool want, const StateOf& state_of,
               std::vector<bool>& marked) const;

  std::vector<Node> nodes_;
  std::uint32_t root_ = 0;
  std::vector<std::string> references_;
};

}  // namespace tw::services::cloudwatch
