// SPDX-License-Identifier: Apache-2.0
// Precompiled matchers for the strings a policy compares: glob patterns with '*' (any run,
// including empty) and '?' (exactly one character), policy variables (${aws:username},
// ${aws:PrincipalTag/team, 'default'}, the escapes ${*} ${?} ${$}), and ARN patterns matched
// segment by segment. Compiled once per policy; Matches() is const and allocation-free unless the
// pattern holds a variable. Thread-safe for concurrent Matches().
// Sources: IAM User Guide, "IAM JSON policy elements: Resource", "Action", and "IAM policy
// elements: Variables and tags"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw::iam::policy {

// Where a policy variable's value comes from: the request's single-valued context keys. Keys are
// looked up lower-cased (condition keys are case-insensitive). Multivalued keys cannot be used as
// variables, so a source reports them as absent.
class VariableSource {
 public:
  virtual ~VariableSource() = default;
  virtual std::optional<std::string_view> LookupVariable(std::string_view lower_key) const = 0;
};

struct PatternOptions {
  bool wildcards = true;          // '*' and '?' are wildcards (StringLike, ArnLike, Action, ...)
  bool variables = false;         // ${...} is substituted (2012-10-17 documents only)
  bool case_insensitive = false;  // ASCII case folding (Action, StringEqualsIgnoreCase)
};

class Pattern {
 public:
  enum class TokenKind : std::uint8_t { kLiteral, kStar, kQuestion, kVariable };
  struct Token {
    TokenKind kind = TokenKind::kLiteral;
    std::string text;  // the literal, or the lower-cased variable key
    std::optional<std::string> default_value;
  };

  Pattern() = default;
  static Pattern Compile(std::string_view text, const PatternOptions& options);

  // False when a variable has no value and no default (IAM: the element then does not match).
  bool Matches(std::string_view subject, const VariableSource* variables) const;

  bool has_variables() const { return has_variables_; }
  bool matches_everything() const { return shape_ == Shape::kAny; }
  // Keys of the variables used, lower-cased (for MissingContextValues).
  std::vector<std::string_view> VariableKeys() const;

 private:
  enum class Shape : std::uint8_t { kAny, kExact, kPrefix, kGeneral };

  std::vector<Token> tokens_;
  Shape shape_ = Shape::kGeneral;
  bool has_variables_ = false;
  bool case_insensitive_ = false;
};

// An ARN pattern from Resource/NotResource or an Arn* condition value: six segments
// (arn:partition:service:region:account:resource), each a glob; '*' in one segment never spans
// into the next, but in the resource segment it spans '/' and ':'. A pattern that is not six
// segments ("*", or AWS-accepted oddities such as "arn:aws:fdsasf") matches as one glob.
class ArnPattern {
 public:
  ArnPattern() = default;
  static ArnPattern Compile(std::string_view text, bool variables);
  bool Matches(std::string_view arn, const VariableSource* variables) const;
  bool matches_everything() const { return !segmented_ && whole_.matches_everything(); }
  std::vector<std::string_view> VariableKeys() const;

 private:
  bool segmented_ = false;
  Pattern segments_[6];
  Pattern whole_;
};

// Splits an ARN at its first five colons; false when it has fewer than six parts.
bool SplitArn(std::string_view arn, std::string_view (&parts)[6]);

}  // namespace tw::iam::policy
