// SPDX-License-Identifier: Apache-2.0
// The `pattern` constraints of the botocore models, made checkable. AWS services validate them
// with java.util.regex and Matcher.matches() (the whole value must match: "bad name!" fails
// `[\w+=,.@-]+` although "bad" would be found), so a model pattern is Java syntax with Java
// semantics. We translate it to RE2 (linear time, no ReDoS from a hostile value) and full-match
// UTF-8 text. What RE2 cannot express (lookaround, backreferences, possessive quantifiers, class
// intersection) is an error naming the construct, never a silently weaker check; the one
// lookahead in our models is handled by a reviewed rewrite (see pattern.cc).
//
// CompilePattern memoizes per pattern text in a process-wide cache: a translation is a pure
// function of the text, so sharing it is unobservable, and validation runs on every request.
// Everything here is thread-safe; CompiledPattern is immutable.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace tw::protocol {

// A Java pattern in RE2 terms: `re2` must full-match and no `forbidden` substring may occur
// (the latter carries rewritten negative lookaheads).
struct TranslatedPattern {
  std::string re2;
  std::vector<std::string> forbidden;
};

// Translates Java regex syntax to RE2 syntax with the same meaning under a full match.
// kInternalFailure naming the construct when there is no RE2 equivalent.
Result<TranslatedPattern> TranslateJavaPattern(std::string_view java_pattern);

class CompiledPattern {
 public:
  CompiledPattern(std::unique_ptr<re2::RE2> re, std::vector<std::string> forbidden);
  ~CompiledPattern();
  CompiledPattern(const CompiledPattern&) = delete;
  CompiledPattern& operator=(const CompiledPattern&) = delete;

  // True when the whole of `text` (UTF-8) matches, as Java's Matcher.matches() would.
  bool Matches(std::string_view text) const;
  // The RE2 form, for diagnostics and tests.
  const std::string& re2_pattern() const;

 private:
  std::unique_ptr<re2::RE2> re_;
  std::vector<std::string> forbidden_;
};

// The compiled form of a Java pattern, translated and compiled once per distinct text.
Result<std::shared_ptr<const CompiledPattern>> CompilePattern(std::string_view java_pattern);

}  // namespace tw::protocol
