// SPDX-License-Identifier: Apache-2.0
// Internal: the lowered forms a CompiledPattern holds. Shared by compiler.cc, matcher.cc and
// value_expression.cc only. Immutable after compilation; thread-safe to read.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "services/logs/filter_pattern/ast.h"
#include "services/logs/filter_pattern/text_match.h"

namespace tw::services::logs::filter_pattern::internal {

struct Term {
  std::string text;
  bool exclude = false;
};

// Heterogeneous lookup so a string_view from the event probes the set without a copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// A JSON comparison's right-hand side.
struct JsonValue {
  enum class Kind {
    kText,    // quoted or bare non-number: exact, or `*` prefix/suffix wildcard
    kNumber,  // bare number: numeric against JSON numbers, text against strings
    kRegex,
  };
  Kind kind = Kind::kText;
  CompareOp op = CompareOp::kEq;
  EdgeWildcard text{""};
  std::string literal;  // as written (kNumber compares text through it)
  double number = 0;
  std::shared_ptr<const AwsRegex> regex;
};

struct JsonNode {
  enum class Kind { kAnd, kOr, kCompare, kInSet, kIsTrue, kIsFalse, kIsNull, kNotExists };
  Kind kind = Kind::kCompare;
  std::vector<std::uint32_t> children;  // kAnd / kOr
  std::uint32_t selector = 0;           // index into JsonProgram::selectors
  JsonValue value;                      // kCompare
  std::uint32_t set = 0;                // kInSet: index into JsonProgram::sets
};

struct JsonProgram {
  std::vector<JsonNode> nodes;  // nodes[root] is evaluated
  std::uint32_t root = 0;
  std::vector<std::vector<SelectorStep>> selectors;  // distinct selectors, resolved once/event
  std::vector<StringSet> sets;
};

// A space-delimited field condition's right-hand side.
struct FieldValue {
  enum class Kind { kText, kNumber, kRegex };
  Kind kind = Kind::kText;
  CompareOp op = CompareOp::kEq;
  Glob glob{""};
  double number = 0;
  std::shared_ptr<const AwsRegex> regex;
};

struct FieldNode {
  enum class Kind { kAnd, kOr, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<std::uint32_t> children;
  FieldValue value;
};

struct Field {
  std::string name;                  // "" for `...`
  std::string key;                   // "$name", the extracted-value key
  std::vector<FieldNode> condition;  // empty: no condition; else condition[0] is the root
};

struct SpaceDelimitedPlan {
  std::vector<Field> fields;         // in pattern order, `...` included
  std::vector<std::uint32_t> left;   // indexes of fields before `...` (or all without one)
  std::vector<std::uint32_t> right;  // indexes of fields after `...`
  bool has_ellipsis = false;
};

struct CompiledImpl {
  PatternKind kind = PatternKind::kMatchAll;
  std::string source;
  int regex_count = 0;
  std::vector<std::vector<Term>> term_groups;  // kTerms: OR of AND-groups
  std::shared_ptr<const AwsRegex> regex;       // kRegex
  JsonProgram json;                            // kJson
  SpaceDelimitedPlan fields;                   // kSpaceDelimited
};

}  // namespace tw::services::logs::filter_pattern::internal
