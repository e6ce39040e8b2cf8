// SPDX-License-Identifier: Apache-2.0
// The syntax tree of a CloudWatch Logs filter pattern, as the parser builds it and before the
// compiler turns it into a CompiledPattern. One shape per pattern kind (filter-patterns.md §1):
// match-all, term pattern, whole-pattern regex, JSON pattern and space-delimited pattern. Values
// keep their source text and column so the compiler can report errors against the pattern.
// Plain values; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tw::services::logs::filter_pattern {

enum class PatternKind { kMatchAll, kTerms, kRegex, kJson, kSpaceDelimited };

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

// The right-hand side of a comparison as written.
struct ValueAst {
  enum class Kind {
    kQuoted,  // "text" (escapes \" and \\ already resolved)
    kBare,    // text, 4*, 123.123.*, kms.amazonaws.com, 1e-3, *
    kRegex,   // %re% (text holds re without the percent signs)
  };
  Kind kind = Kind::kBare;
  std::string text;
  std::size_t column = 0;
};

// ---- term patterns (§3) ----
struct TermAst {
  std::string text;  // the substring to look for
  bool exclude = false;
  std::size_t column = 0;
};
// Terms of one group are ANDed; groups (each started by `?`) are ORed.
struct TermGroupAst {
  std::vector<TermAst> terms;
};

// ---- JSON patterns (§4) ----
struct SelectorStep {
  std::string key;          // object member name, when !is_index
  std::uint32_t index = 0;  // array element, when is_index
  bool is_index = false;
};
struct SelectorAst {
  std::string text;  // as written, e.g. "$.objectList[1].id"
  std::vector<SelectorStep> steps;
  std::size_t column = 0;
};

struct JsonExprAst {
  enum class Kind { kAnd, kOr, kCompare, kIsTrue, kIsFalse, kIsNull, kNotExists };
  Kind kind = Kind::kCompare;
  std::vector<std::unique_ptr<JsonExprAst>> children;  // kAnd / kOr
  SelectorAst selector;                                // leaves
  CompareOp op = CompareOp::kEq;                       // kCompare
  ValueAst value;                                      // kCompare
};

// ---- space-delimited patterns (§5) ----
struct FieldConditionAst {
  enum class Kind { kAnd, kOr, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<std::unique_ptr<FieldConditionAst>> children;
  CompareOp op = CompareOp::kEq;
  ValueAst value;
};
struct FieldAst {
  bool ellipsis = false;  // `...`
  std::string name;
  std::size_t column = 0;
  std::unique_ptr<FieldConditionAst> condition;  // null: the field only names (extracts) a value
};

struct PatternAst {
  PatternKind kind = PatternKind::kMatchAll;
  std::vector<TermGroupAst> term_groups;  // kTerms
  ValueAst regex;                         // kRegex
  std::unique_ptr<JsonExprAst> json;      // kJson
  std::vector<FieldAst> fields;           // kSpaceDelimited
};

}  // namespace tw::services::logs::filter_pattern
