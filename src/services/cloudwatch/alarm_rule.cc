// SPDX-License-Identifier: Apache-2.0
#include "services/cloudwatch/alarm_rule.h"

#include <algorithm>

namespace tw::services::cloudwatch {
namespace {

AwsError RuleError(std::string detail, std::size_t position) {
  return AwsError::Make(
      "ValidationError", 400,
      "Error in AlarmRule at position " + std::to_string(position + 1) + ": " + std::move(detail));
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsWordChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

// Recursive descent over the text; depth and element counts are bounded so hostile input
// (the fuzzer's) ends in an error, never in deep recursion.
class AlarmRule::Parser {
 public:
  Parser(std::string_view text, AlarmRule& rule) : text_(text), rule_(rule) {}

  Result<std::uint32_t> Rule() {
    auto node = Or(0);
    if (!node) return node;
    SkipBlanks();
    if (pos_ < text_.size()) {
      return RuleError("unexpected '" + std::string(Word()) + "'", pos_);
    }
    return node;
  }

 private:
  void SkipBlanks() {
    while (pos_ < text_.size() && IsBlank(text_[pos_])) ++pos_;
  }
  // The word (keyword or other run of word characters) at the position, or the one character.
  std::string_view Word() const {
    std::size_t end = pos_;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    if (end == pos_ && pos_ < text_.size()) ++end;
    return text_.substr(pos_, end - pos_);
  }
  // Consumes `keyword` when it is the next whole word.
  bool Accept(std::string_view keyword) {
    SkipBlanks();
    if (text_.substr(pos_, keyword.size()) != keyword) return false;
    std::size_t end = pos_ + keyword.size();
    if (end < text_.size() && IsWordChar(text_[end])) return false;
    pos_ = end;
    return true;
  }
  std::uint32_t Add(Node node) {
    rule_.nodes_.push_back(std::move(node));
    return static_cast<std::uint32_t>(rule_.nodes_.size() - 1);
  }
  Status CountElement() {
    if (++elements_ > kMaxRuleElements) {
      return RuleError("the rule has more than " + std::to_string(kMaxRuleElements) +
                           " elements (alarms, TRUE, FALSE and parentheses)",
                       pos_);
    }
    return {};
  }

  Result<std::uint32_t> Binary(int depth, Kind kind, std::string_view keyword) {
    auto first = kind == Kind::kOr ? Binary(depth, Kind::kAnd, "AND") : Not(depth);
    if (!first) return first;
    if (!Accept(keyword)) return first;
    Node node;
    node.kind = kind;
    node.children.push_back(*first);
    do {
      auto next = kind == Kind::kOr ? Binary(depth, Kind::kAnd, "AND") : Not(depth);
      if (!next) return next;
      node.children.push_back(*next);
    } while (Accept(keyword));
    return Add(std::move(node));
  }
  Result<std::uint32_t> Or(int depth) { return Binary(depth, Kind::kOr, "OR"); }

  Result<std::uint32_t> Not(int depth) {
    if (depth > kMaxRuleDepth) return RuleError("the rule is nested too deeply", pos_);
    if (Accept("NOT")) {
      auto operand = Not(depth + 1);
      if (!operand) return operand;
      Node node;
      node.kind = Kind::kNot;
      node.children.push_back(*operand);
      return Add(std::move(node));
    }
    return Primary(depth);
  }

  Result<std::uint32_t> Primary(int depth) {
    SkipBlanks();
    if (pos_ >= text_.size()) return RuleError("unexpected end of the rule", pos_);
    if (text_[pos_] == '(') {
      if (Status st = CountElement(); !st) return std::move(st).error();
      ++pos_;
      auto inner = Or(depth + 1);
      if (!inner) return inner;
      SkipBlanks();
      if (pos_ >= text_.size() || text_[pos_] != ')') {
        return RuleError("expected ')'", pos_);
      }
      ++pos_;
      return inner;
    }
    const std::size_t at = pos_;
    if (Accept("TRUE") || Accept("FALSE")) {
      if (Status st = CountElement(); !st) return std::move(st).error();
      Node node;
      node.kind = text_[at] == 'T' ? Kind::kTrue : Kind::kFalse;
      return Add(std::move(node));
    }
    std::optional<AlarmState> state;
    if (Accept("ALARM")) {
      state = AlarmState::kAlarm;
    } else if (Accept("OK")) {
      state = AlarmState::kOk;
    } else if (Accept("INSUFFICIENT_DATA")) {
      state = AlarmState::kInsufficientData;
    } else {
      return RuleError(
          "expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), TRUE, FALSE, NOT "
          "or '(' but found '" +
              std::string(Word()) + "'",
          pos_);
    }
    if (Status st = CountElement(); !st) return std::move(st).error();
    SkipBlanks();
    if (pos_ >= text_.size() || text_[pos_] != '(') {
      return RuleError("expected '(' after " + std::string(StateName(*state)), pos_);
    }
    ++pos_;
    SkipBlanks();
    std::string name;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const std::size_t close = text_.find('"', pos_ + 1);
      if (close == std::string_view::npos) return RuleError("unterminated quoted name", pos_);
      name = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      SkipBlanks();
      if (pos_ >= text_.size() || text_[pos_] != ')') return RuleError("expected ')'", pos_);
    } else {
      const std::size_t close = text_.find(')', pos_);
      if (close == std::string_view::npos) return RuleError("expected ')'", text_.size());
      std::size_t end = close;
      while (end > pos_ && IsBlank(text_[end - 1])) --end;
      name = std::string(text_.substr(pos_, end - pos_));
      if (name.find('(') != std::string::npos || name.find('"') != std::string::npos) {
        return RuleError("invalid alarm name '" + name + "'", pos_);
      }
      pos_ = close;
    }
    if (name.empty()) return RuleError("an alarm name is missing", pos_);
    ++pos_;  // ')'
    Node node;
    node.kind = Kind::kState;
    node.state = *state;
    auto& refs = rule_.references_;
    auto it = std::find(refs.begin(), refs.end(), name);
    if (it == refs.end()) {
      if (refs.size() == kMaxRuleAlarms) {
        return RuleError("the rule names more than " + std::to_string(kMaxRuleAlarms) + " alarms",
                         at);
      }
      refs.push_back(std::move(name));
      it = refs.end() - 1;
    }
    node.name = static_cast<std::uint32_t>(it - refs.begin());
    return Add(std::move(node));
  }

  std::string_view text_;
  AlarmRule& rule_;
  std::size_t pos_ = 0;
  std::size_t elements_ = 0;
};

Result<AlarmRule> AlarmRule::Parse(std::string_view text) {
  AlarmRule rule;
  Parser parser(text, rule);
  auto root = parser.Rule();
  if (!root) return std::move(root).error();
  rule.root_ = *root;
  return rule;
}

bool AlarmRule::Eval(std::uint32_t index, const StateOf& state_of) const {
  const Node& node = nodes_[index];
  switch (node.kind) {
    case Kind::kTrue:
      return true;
    case Kind::kFalse:
      return false;
    case Kind::kState: {
      std::optional<AlarmState> state = state_of(references_[node.name]);
      return state && *state == node.state;
    }
    case Kind::kNot:
      return !Eval(node.children.front(), state_of);
    case Kind::kAnd:
      for (std::uint32_t child : node.children) {
        if (!Eval(child, state_of)) return false;
      }
      return true;
    case Kind::kOr:
      for (std::uint32_t child : node.children) {
        if (Eval(child, state_of)) return true;
      }
      return false;
  }
  return false;
}

bool AlarmRule::Evaluate(const StateOf& state_of) const { return Eval(root_, state_of); }

void AlarmRule::Collect(std::uint32_t index, bool want, const StateOf& state_of,
                        std::vector<bool>& marked) const {
  const Node& node = nodes_[index];
  switch (node.kind) {
    case Kind::kTrue:
    case Kind::kFalse:
      return;
    case Kind::kState:
      if (Eval(index, state_of) == want) marked[node.name] = true;
      return;
    case Kind::kNot:
      Collect(node.children.front(), !want, state_of, marked);
      return;
    case Kind::kAnd:
    case Kind::kOr:
      for (std::uint32_t child : node.children) {
        if (Eval(child, state_of) == want) Collect(child, want, state_of, marked);
      }
      return;
  }
}

std::vector<std::string> AlarmRule::Supporting(bool outcome, const StateOf& state_of) const {
  std::vector<bool> marked(references_.size(), false);
  Collect(root_, outcome, state_of, marked);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < references_.size(); ++i) {
    if (marked[i]) out.push_back(references_[i]);
  }
  return out;
}

}  // namespace tw::services::cloudwatch
