// SPDX-License-Identifier: Apache-2.0
// CompiledPattern: a filter pattern checked and lowered into the form the matcher runs — term
// groups, a flat JSON expression program over a table of distinct selectors (with runs of
// `$.x = A || $.x = B ...` folded into one hash-set test), or a space-delimited field plan.
// Immutable and cheap to copy (shared ownership); thread-safe to share between threads.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "services/logs/filter_pattern/ast.h"

namespace tw::services::logs::filter_pattern {

namespace internal {
struct CompiledImpl;
}

class CompiledPattern {
 public:
  explicit CompiledPattern(std::shared_ptr<const internal::CompiledImpl> impl);

  PatternKind kind() const;
  // The pattern text as given to Compile().
  const std::string& source() const;
  // Number of `%regex%` occurrences (quota: 5 regex-bearing filters per log group).
  int regex_count() const;
  // Metric dimensions may only be used with JSON and space-delimited patterns (AWS answers
  // "The specified filter pattern does not support dimensions" otherwise).
  bool SupportsDimensions() const {
    return kind() == PatternKind::kJson || kind() == PatternKind::kSpaceDelimited;
  }
  // Space-delimited patterns: the named field at 1-based position `position` ("" for `...`
  // or out of range), and whether `name` is one of the named fields.
  std::string_view FieldNameAt(std::size_t position) const;
  bool HasField(std::string_view name) const;

  const internal::CompiledImpl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const internal::CompiledImpl> impl_;
};

}  // namespace tw::services::logs::filter_pattern
