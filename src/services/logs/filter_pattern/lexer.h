// SPDX-License-Identifier: Apache-2.0
// Tokenizer for the structured pattern kinds: JSON patterns `{ ... }` and space-delimited
// patterns `[ ... ]` (filter-patterns.md §4, §5). Term patterns have a simpler, whitespace-driven
// lexical structure and are scanned by the parser directly. Columns are 1-based byte offsets.
// Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/ast.h"
#include "services/logs/filter_pattern/pattern_error.h"

namespace tw::services::logs::filter_pattern {

enum class TokenKind {
  kLBrace,    // {
  kRBrace,    // }
  kLBracket,  // [
  kRBracket,  // ]
  kLParen,    // (
  kRParen,    // )
  kComma,     // ,
  kAnd,       // &&
  kOr,        // ||
  kOp,        // = != < <= > >=
  kSelector,  // $.a.b[0]  (raw text; the parser splits it into steps)
  kString,    // "..." (text holds the unescaped content)
  kRegex,     // %...% (text holds the content between the percent signs)
  kWord,      // any other run: names, bare values, IS, NOT, ..., 4*, 1e-3
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;      // decoded content (strings, regexes) or the raw text
  std::string_view raw;  // exactly as written in the pattern
  std::size_t column = 0;
  CompareOp op = CompareOp::kEq;  // kOp only
};

// Splits a JSON or space-delimited pattern into tokens, ending with one kEnd token. Rejects
// characters and operators the language does not have (`==`, a lone `&`, `!` without `=`,
// unterminated strings or regular expressions).
PatternResult<std::vector<Token>> Lex(std::string_view pattern);

}  // namespace tw::services::logs::filter_pattern
