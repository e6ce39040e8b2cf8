// SPDX-License-Identifier: Apache-2.0
#include "services/logs/filter_pattern/parser.h"

#include <cctype>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/logs/filter_pattern/lexer.h"

namespace tw::services::logs::filter_pattern {
namespace {

// Parentheses nest at most this deep; the 1024-character pattern quota allows ~500, and the
// recursion must stay bounded for any input (fuzzing).
constexpr int kMaxDepth = 64;

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return IsWordChar(c) || c == '-'; }

bool IEqualsAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

PatternError Err(const Token& t, std::string message) {
  return PatternError{t.column, std::string(t.raw), std::move(message)};
}

// ---- term patterns (filter-patterns.md §3) ----

PatternResult<PatternAst> ParseTerms(std::string_view pattern) {
  PatternAst ast;
  ast.kind = PatternKind::kTerms;
  std::vector<TermGroupAst> groups;
  TermGroupAst leading;  // terms before any `?`
  bool saw_question = false;
  std::size_t leading_column = 0;
  std::size_t blank_terms = 0;
  std::size_t i = 0;
  const std::size_t n = pattern.size();
  while (i < n) {
    if (IsBlank(pattern[i])) {
      ++i;
      continue;
    }
    const std::size_t item_start = i;
    bool question = false;
    bool exclude = false;
    if (pattern[i] == '?' || pattern[i] == '-') {
      question = pattern[i] == '?';
      exclude = pattern[i] == '-';
      ++i;
      // The 2021 guide writes an exclusion as `"ERROR" - "Exiting"`, with a blank after the
      // minus; AWS treats that as the exclusion of "Exiting" (cases.jsonl, Example 3).
      while (i < n && IsBlank(pattern[i])) ++i;
      if (i >= n) {
        return PatternError{item_start + 1, std::string(1, pattern[item_start]),
                            "operator without a term"};
      }
      if (pattern[i] == '?' || pattern[i] == '-') {
        return PatternError{i + 1, std::string(1, pattern[i]),
                            "unsupported combination of `?` and `-` prefixes"};
      }
    }
    TermAst term;
    term.exclude = exclude;
    term.column = i + 1;
    if (pattern[i] == '"') {
      const std::size_t quote = i;
      ++i;
      bool closed = false;
      while (i < n) {
        if (pattern[i] == '\\' && i + 1 < n && (pattern[i + 1] == '"' || pattern[i + 1] == '\\')) {
          term.text.push_back(pattern[i + 1]);
          i += 2;
          continue;
        }
        if (pattern[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        term.text.push_back(pattern[i]);
        ++i;
      }
      if (!closed) {
        return PatternError{quote + 1, std::string(pattern.substr(quote)),
                            "unterminated quoted term"};
      }
      if (i < n && !IsBlank(pattern[i])) {
        return PatternError{i + 1, std::string(1, pattern[i]),
                            "expected a blank after the quoted term"};
      }
    } else {
      const std::size_t word_start = i;
      while (i < n && !IsBlank(pattern[i])) ++i;
      const std::string_view word = pattern.substr(word_start, i - word_start);
      for (char c : word) {
        if (!IsWordChar(c)) {
          // The guide: "Enclose exact phrases and terms that include non-alphanumeric characters
          // in double quotation marks". We refuse rather than guess how AWS tokenises them.
          return PatternError{word_start + 1, std::string(word),
                              "term with non-alphanumeric characters must be enclosed in double "
                              "quotes"};
        }
      }
      term.text = std::string(word);
    }
    bool blank = true;
    for (char c : term.text) blank = blank && IsBlank(c);
    if (blank) ++blank_terms;
    if (question) {
      saw_question = true;
      groups.emplace_back();
      groups.back().terms.push_back(std::move(term));
    } else if (saw_question) {
      groups.back().terms.push_back(std::move(term));
    } else {
      if (leading.terms.empty()) leading_column = item_start + 1;
      leading.terms.push_back(std::move(term));
    }
  }
  const std::size_t total = leading.terms.size() + groups.size();
  // `" "` (or `""`) alone is the documented match-all (FilterLogEvents, CLI examples).
  if (blank_terms > 0) {
    if (leading.terms.size() == 1 && groups.empty() && !leading.terms[0].exclude) {
      ast.kind = PatternKind::kMatchAll;
      return ast;
    }
    return PatternError{0, "", "unsupported: a blank quoted term combined with other terms"};
  }
  if (saw_question && !leading.terms.empty()) {
    // `A ?B` is not described by AWS (the CDK renders groups that each start with `?`).
    return PatternError{leading_column, std::string(pattern.substr(leading_column - 1)),
                        "unsupported: plain terms before the first `?` term"};
  }
  if (total == 0) {
    ast.kind = PatternKind::kMatchAll;
    return ast;
  }
  if (!saw_question) {
    groups.push_back(std::move(leading));
  }
  ast.term_groups = std::move(groups);
  return ast;
}

// ---- structured patterns ----

class StructuredParser {
 public:
  explicit StructuredParser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  PatternResult<PatternAst> ParseJson() {
    PatternAst ast;
    ast.kind = PatternKind::kJson;
    if (Peek().kind != TokenKind::kLBrace) return Err(Peek(), "expected `{`");
    Next();
    if (Peek().kind == TokenKind::kRBrace) return Err(Peek(), "empty JSON pattern");
    auto expr = ParseOr(0);
    if (!expr) return expr.error();
    if (Peek().kind != TokenKind::kRBrace) return Err(Peek(), "expected `&&`, `||` or `}`");
    Next();
    if (Peek().kind != TokenKind::kEnd) return Err(Peek(), "unexpected text after `}`");
    ast.json = std::move(*expr);
    return ast;
  }

  PatternResult<PatternAst> ParseSpaceDelimited() {
    PatternAst ast;
    ast.kind = PatternKind::kSpaceDelimited;
    if (Peek().kind != TokenKind::kLBracket) return Err(Peek(), "expected `[`");
    Next();
    if (Peek().kind == TokenKind::kRBracket) {
      return Err(Peek(), "unsupported: an empty space-delimited pattern `[]`");
    }
    while (true) {
      auto field = ParseField();
      if (!field) return field.error();
      ast.fields.push_back(std::move(*field));
      if (Peek().kind == TokenKind::kComma) {
        Next();
        continue;
      }
      if (Peek().kind == TokenKind::kRBracket) {
        Next();
        break;
      }
      return Err(Peek(), "expected `,` or `]`");
    }
    if (Peek().kind != TokenKind::kEnd) return Err(Peek(), "unexpected text after `]`");
    return ast;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (t.kind != TokenKind::kEnd) ++pos_;
    return t;
  }

  PatternResult<ValueAst> ParseValue() {
    const Token& t = Peek();
    ValueAst value;
    value.column = t.column;
    switch (t.kind) {
      case TokenKind::kString:
        value.kind = ValueAst::Kind::kQuoted;
        break;
      case TokenKind::kWord:
        value.kind = ValueAst::Kind::kBare;
        break;
      case TokenKind::kRegex:
        value.kind = ValueAst::Kind::kRegex;
        break;
      default:
        return Err(t, "expected a value");
    }
    value.text = t.text;
    Next();
    return value;
  }

  // JSON: or_expr := and_expr ('||' and_expr)* ; && binds tighter (AWS guide, compound
  // conditions: `A || B && C` is `A || (B && C)`).
  PatternResult<std::unique_ptr<JsonExprAst>> ParseOr(int depth) {
    auto first = ParseAnd(depth);
    if (!first) return first.error();
    if (Peek().kind != TokenKind::kOr) return std::move(*first);
    auto node = std::make_unique<JsonExprAst>();
    node->kind = JsonExprAst::Kind::kOr;
    node->children.push_back(std::move(*first));
    while (Peek().kind == TokenKind::kOr) {
      Next();
      auto next = ParseAnd(depth);
      if (!next) return next.error();
      node->children.push_back(std::move(*next));
    }
    return node;
  }

  PatternResult<std::unique_ptr<JsonExprAst>> ParseAnd(int depth) {
    auto first = ParsePrimary(depth);
    if (!first) return first.error();
    if (Peek().kind != TokenKind::kAnd) return std::move(*first);
    auto node = std::make_unique<JsonExprAst>();
    node->kind = JsonExprAst::Kind::kAnd;
    node->children.push_back(std::move(*first));
    while (Peek().kind == TokenKind::kAnd) {
      Next();
      auto next = ParsePrimary(depth);
      if (!next) return next.error();
      node->children.push_back(std::move(*next));
    }
    return node;
  }

  PatternResult<std::unique_ptr<JsonExprAst>> ParsePrimary(int depth) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kLParen) {
      if (depth >= kMaxDepth) return Err(t, "parentheses nested too deeply");
      Next();
      auto inner = ParseOr(depth + 1);
      if (!inner) return inner.error();
      if (Peek().kind != TokenKind::kRParen) return Err(Peek(), "expected `)`");
      Next();
      return std::move(*inner);
    }
    if (t.kind != TokenKind::kSelector) {
      if (t.kind == TokenKind::kWord && !t.text.empty() && t.text[0] != '$') {
        return Err(t, "expected a property selector starting with `$.`");
      }
      return Err(t, "expected a property selector or `(`");
    }
    auto selector = ParseSelector(t.raw, t.column);
    if (!selector) return selector.error();
    Next();
    auto node = std::make_unique<JsonExprAst>();
    node->selector = std::move(*selector);
    const Token& after = Peek();
    if (after.kind == TokenKind::kOp) {
      node->kind = JsonExprAst::Kind::kCompare;
      node->op = after.op;
      Next();
      auto value = ParseValue();
      if (!value) return value.error();
      node->value = std::move(*value);
      return node;
    }
    if (after.kind == TokenKind::kWord && after.text == "IS") {
      Next();
      const Token& what = Peek();
      if (what.kind == TokenKind::kWord && what.text == "TRUE") {
        node->kind = JsonExprAst::Kind::kIsTrue;
      } else if (what.kind == TokenKind::kWord && what.text == "FALSE") {
        node->kind = JsonExprAst::Kind::kIsFalse;
      } else if (what.kind == TokenKind::kWord && what.text == "NULL") {
        node->kind = JsonExprAst::Kind::kIsNull;
      } else if (what.kind == TokenKind::kWord && what.text == "NOT") {
        return Err(what, "unsupported: `IS NOT` (AWS documents IS TRUE, IS FALSE, IS NULL)");
      } else {
        return Err(what, "expected TRUE, FALSE or NULL after IS");
      }
      Next();
      return node;
    }
    if (after.kind == TokenKind::kWord && after.text == "NOT") {
      Next();
      if (Peek().kind == TokenKind::kWord && Peek().text == "EXISTS") {
        node->kind = JsonExprAst::Kind::kNotExists;
        Next();
        return node;
      }
      return Err(Peek(), "expected EXISTS after NOT");
    }
    if (after.kind == TokenKind::kWord &&
        (IEqualsAscii(after.text, "IS") || IEqualsAscii(after.text, "NOT") ||
         IEqualsAscii(after.text, "EXISTS"))) {
      return Err(after,
                 "unsupported keyword spelling (AWS writes IS, NOT EXISTS in upper case; "
                 "a bare EXISTS is not in the language)");
    }
    return Err(after, "expected a comparison operator, IS or NOT EXISTS");
  }

  // Space-delimited field: `...`, `name`, or `name op value ((&&|||) name op value)*`.
  PatternResult<FieldAst> ParseField() {
    const Token& t = Peek();
    FieldAst field;
    field.column = t.column;
    if (t.kind != TokenKind::kWord) {
      return Err(t, "expected a field name or `...`");
    }
    if (t.text == "...") {
      field.ellipsis = true;
      Next();
      return field;
    }
    for (char c : t.text) {
      if (!IsNameChar(c)) return Err(t, "field names may hold only letters, digits, `_` and `-`");
    }
    field.name = t.text;
    Next();
    if (Peek().kind == TokenKind::kOp) {
      auto condition = ParseFieldOr(field.name, /*first=*/true);
      if (!condition) return condition.error();
      field.condition = std::move(*condition);
    }
    return field;
  }

  PatternResult<std::unique_ptr<FieldConditionAst>> ParseFieldOr(const std::string& name,
                                                                 bool first) {
    auto left = ParseFieldAnd(name, first);
    if (!left) return left.error();
    if (Peek().kind != TokenKind::kOr) return std::move(*left);
    auto node = std::make_unique<FieldConditionAst>();
    node->kind = FieldConditionAst::Kind::kOr;
    node->children.push_back(std::move(*left));
    while (Peek().kind == TokenKind::kOr) {
      Next();
      auto next = ParseFieldAnd(name, false);
      if (!next) return next.error();
      node->children.push_back(std::move(*next));
    }
    return node;
  }

  PatternResult<std::unique_ptr<FieldConditionAst>> ParseFieldAnd(const std::string& name,
                                                                  bool first) {
    auto left = ParseFieldCompare(name, first);
    if (!left) return left.error();
    if (Peek().kind != TokenKind::kAnd) return std::move(*left);
    auto node = std::make_unique<FieldConditionAst>();
    node->kind = FieldConditionAst::Kind::kAnd;
    node->children.push_back(std::move(*left));
    while (Peek().kind == TokenKind::kAnd) {
      Next();
      auto next = ParseFieldCompare(name, false);
      if (!next) return next.error();
      node->children.push_back(std::move(*next));
    }
    return node;
  }

  PatternResult<std::unique_ptr<FieldConditionAst>> ParseFieldCompare(const std::string& name,
                                                                      bool first) {
    if (!first) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kLParen) {
        return Err(t, "unsupported: parentheses in a space-delimited field condition");
      }
      if (t.kind != TokenKind::kWord) return Err(t, "expected the field name `" + name + "`");
      // AWS's own example `[w1=ERROR || W1=WARNING, w2]` spells the name in another case, so
      // the name is compared case-insensitively. A condition on another field is rejected
      // ("Invalid filter pattern", awsdocs/amazon-cloudwatch-logs-user-guide issue #21).
      if (!IEqualsAscii(t.text, name)) {
        return Err(t, "a condition may only test its own field `" + name + "`");
      }
      Next();
    }
    const Token& op = Peek();
    if (op.kind != TokenKind::kOp) return Err(op, "expected a comparison operator");
    auto node = std::make_unique<FieldConditionAst>();
    node->kind = FieldConditionAst::Kind::kCompare;
    node->op = op.op;
    Next();
    auto value = ParseValue();
    if (!value) return value.error();
    node->value = std::move(*value);
    return node;
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

PatternResult<SelectorAst> ParseSelector(std::string_view text, std::size_t column) {
  SelectorAst selector;
  selector.text = std::string(text);
  selector.column = column;
  auto fail = [&](std::size_t at, std::string message) {
    return PatternError{column + at, std::string(text), std::move(message)};
  };
  if (text.empty() || text[0] != '$') return fail(0, "a property selector starts with `$`");
  std::size_t i = 1;
  while (i < text.size()) {
    if (text[i] == '.') {
      const std::size_t start = ++i;
      while (i < text.size() && IsNameChar(text[i])) ++i;
      if (i == start) {
        return fail(start,
                    "expected a property name after `.` (names may hold letters, digits, "
                    "`_` and `-`)");
      }
      SelectorStep step;
      step.key = std::string(text.substr(start, i - start));
      selector.steps.push_back(std::move(step));
    } else if (text[i] == '[') {
      const std::size_t close = text.find(']', i);
      if (close == std::string_view::npos) return fail(i, "expected `]` in the selector");
      const std::string_view inside = text.substr(i + 1, close - i - 1);
      if (inside == "*") {
        // Not documented for filter patterns (only `$.a[0]`); filter-patterns.md §4.1.
        return fail(i, "unsupported: the array wildcard `[*]` in a property selector");
      }
      if (inside.empty() || inside.size() > 9) return fail(i, "expected an array index");
      std::uint32_t index = 0;
      for (char c : inside) {
        if (c < '0' || c > '9') return fail(i, "expected an array index (digits)");
        index = index * 10 + static_cast<std::uint32_t>(c - '0');
      }
      SelectorStep step;
      step.is_index = true;
      step.index = index;
      selector.steps.push_back(std::move(step));
      i = close + 1;
    } else {
      if (i == 1) return fail(i, "expected `.` or `[` after `$`");
      return fail(i, "unexpected character in the property selector");
    }
  }
  if (selector.steps.empty()) return fail(0, "a property selector needs at least one step");
  return selector;
}

PatternResult<PatternAst> Parse(std::string_view pattern) {
  std::size_t first = 0;
  while (first < pattern.size() && IsBlank(pattern[first])) ++first;
  std::size_t last = pattern.size();
  while (last > first && IsBlank(pattern[last - 1])) --last;
  if (first == last) {
    PatternAst ast;
    ast.kind = PatternKind::kMatchAll;
    return ast;
  }
  const char lead = pattern[first];
  if (lead == '{' || lead == '[') {
    auto tokens = Lex(pattern);
    if (!tokens) return tokens.error();
    StructuredParser parser(std::move(*tokens));
    return lead == '{' ? parser.ParseJson() : parser.ParseSpaceDelimited();
  }
  if (lead == '%') {
    const std::size_t close = pattern.find('%', first + 1);
    if (close == std::string_view::npos) {
      return PatternError{first + 1, std::string(pattern.substr(first)),
                          "unterminated regular expression"};
    }
    if (close + 1 != last) {
      return PatternError{close + 2, std::string(pattern.substr(close + 1, last - close - 1)),
                          "unsupported: a regular expression pattern must be the whole pattern"};
    }
    PatternAst ast;
    ast.kind = PatternKind::kRegex;
    ast.regex.kind = ValueAst::Kind::kRegex;
    ast.regex.text = std::string(pattern.substr(first + 1, close - first - 1));
    ast.regex.column = first + 1;
    return ast;
  }
  return ParseTerms(pattern);
}

}  // namespace tw::services::logs::filter_pattern
