// SPDX-License-Identifier: Apache-2.0
// The tokenizer the three query parsers share. Differences between the languages are options:
// CWLI has `#` comment lines, regex literals (/.../, recognized where a value may start, so `a / b`
// stays a division) and time periods (`5m`); SQL and PPL have `--` comments. Identifiers may hold
// letters, digits, `_`, `.` and `@` (CloudWatch field names such as `userIdentity.userName` and
// `@timestamp`); anything else goes in backquotes. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/insights/ast.h"

namespace tw::services::logs::insights {

enum class TokenKind : std::uint8_t {
  kIdent,     // bare name (keywords are idents too)
  kQuoted,    // `backquoted name`
  kString,    // "..." or '...' (text unescaped)
  kNumber,    // 12, 1.5, 1e3
  kDuration,  // 5m, 1h (text = the whole token)
  kRegex,     // /.../ (text = the pattern between the slashes, flags appended as (?i) etc.)
  kSymbol,    // | , ( ) [ ] = != <> < <= > >= =~ + - * / % ^ ;
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  std::size_t begin = 0, end = 0;
};

struct LexOptions {
  bool hash_comments = false;   // CWLI: `#` to end of line
  bool dash_comments = false;   // SQL/PPL: `--` to end of line
  bool regex_literals = false;  // CWLI
  bool durations = false;       // CWLI: 5m, 1h, ...
};

// Fails with a QueryError for an unterminated string, backquote or regex, or a stray character.
// Always ends with a kEnd token.
struct LexResult {
  std::vector<Token> tokens;
  std::optional<QueryError> error;
};
LexResult Tokenize(std::string_view text, const LexOptions& options);

// Case-insensitive keyword test for an identifier token.
bool IsKeyword(const Token& token, std::string_view keyword);

}  // namespace tw::services::logs::insights
