// SPDX-License-Identifier: Apache-2.0
// The value-level building blocks shared by JSON and space-delimited matching: strict number
// parsing, the two wildcard flavours AWS uses, and the regular-expression subset of `%...%`
// (filter-patterns.md §4.2, §5, §6). Immutable after construction; thread-safe to share.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/pattern_error.h"

namespace re2 {
class RE2;
}

namespace tw::services::logs::filter_pattern {

// A decimal number as filter patterns write them: optional sign, digits with an optional
// fraction, optional exponent (`400`, `-1`, `+1000`, `55.5`, `.5`, `1e-3`, `10e3`). nullopt for
// anything else, including inf/nan/hex which std::from_chars would accept.
std::optional<double> ParseNumber(std::string_view text);

// `*` anywhere matches any run of characters (space-delimited conditions: `*.html*`, `4*`).
class Glob {
 public:
  explicit Glob(std::string_view pattern);
  bool Matches(std::string_view text) const;
  bool has_wildcard() const { return has_wildcard_; }

 private:
  std::vector<std::string> segments_;  // the literal pieces between stars
  bool leading_star_ = false;
  bool trailing_star_ = false;
  bool has_wildcard_ = false;
};

// JSON string values: `*` is a wildcard only as a prefix and/or suffix (`"Update*"`, `"*Trail"`,
// `"*Unauthorized*"`); a star in the middle is literal (filter-patterns.md §4.2).
class EdgeWildcard {
 public:
  explicit EdgeWildcard(std::string_view pattern);
  bool Matches(std::string_view text) const;
  bool has_wildcard() const { return leading_ || trailing_; }
  // The literal text when there is no wildcard.
  const std::string& core() const { return core_; }

 private:
  std::string core_;
  bool leading_ = false;
  bool trailing_ = false;
};

// A compiled `%...%` regular expression. Only the subset AWS documents is accepted: ASCII
// letters and digits, the symbols _ # = @ / ; , - : and the operators ^ $ ? [ ] { } | \ * + . —
// no parentheses, no other punctuation, no multi-byte characters ("Supported regular expressions
// (regex) syntax", FilterAndPatternSyntax.html). Blanks are accepted: the CDK documents
// regexValue('$.message', '=', 'bind: address already in use'). Matching is an unanchored search.
class AwsRegex {
 public:
  // column: where the regex (its opening `%`) starts in the pattern, for errors.
  static PatternResult<std::shared_ptr<const AwsRegex>> Compile(std::string_view text,
                                                                std::size_t column);
  ~AwsRegex();
  AwsRegex(const AwsRegex&) = delete;
  AwsRegex& operator=(const AwsRegex&) = delete;

  bool Search(std::string_view text) const;
  const std::string& source() const { return source_; }

 private:
  AwsRegex(std::string source, std::unique_ptr<re2::RE2> re);
  std::string source_;
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace tw::services::logs::filter_pattern
