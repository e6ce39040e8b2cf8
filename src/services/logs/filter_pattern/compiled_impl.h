// SPDX-License-Identifier: Apache-2.0
// Internal: the lowered forms a CompiledPattern holds. Shared by compiler.cc, matcher.cc and
// value_expression.cc only. Immutable after compilation; thread-safe to read.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/ast.h"
#include "services/logs/filter_pattern/text_match.h"

namespace tw::services::logs::filter_pattern::internal {

struct Term {
  std::string text;
  bool exclude = false;
};

// The values of a folded `$.x = A || $.x = B ...` run. Open addressing over a power-of-two table
// at most half full, probed with a hash the caller computed once per event field (the same
// `$.eventName` text is looked up in most of the CIS sets), and a mask of the value lengths that
// turns most misses into one bit test.
class StringSet {
 public:
  static std::size_t Hash(std::string_view text) { return std::hash<std::string_view>{}(text); }

  void insert(std::string value) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    lengths_ |= LengthBit(value.size());
    const std::size_t hash = Hash(value);  // before `value` is moved from
    Place(hash, std::move(value));
    ++count_;
  }
  bool Contains(std::string_view text, std::size_t hash) const {
    if ((lengths_ & LengthBit(text.size())) == 0 || slots_.empty()) return false;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (!slot.used) return false;
      if (slot.hash == hash && slot.value == text) return true;
    }
  }

 private:
  struct Slot {
    bool used = false;
    std::size_t hash = 0;
    std::string value;
  };
  static std::uint64_t LengthBit(std::size_t length) {
    return std::uint64_t{1} << (length < 63 ? length : 63);
  }
  void Place(std::size_t hash, std::string value) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i].used) {
      if (slots_[i].hash == hash && slots_[i].value == value) return;
      i = (i + 1) & mask;
    }
    slots_[i] = Slot{true, hash, std::move(value)};
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 8 : old.size() * 2, Slot{});
    for (Slot& slot : old) {
      if (slot.used) Place(slot.hash, std::move(slot.value));
    }
  }

  std::vector<Slot> slots_;
  std::size_t count_ = 0;
  std::uint64_t lengths_ = 0;
};

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
  std::vector<std::uint32_t> selector_ids;           // their process-wide ids (InternSelector)
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
