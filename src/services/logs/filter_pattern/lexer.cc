// SPDX-License-Identifier: Apache-2.0
#include "services/logs/filter_pattern/lexer.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw::services::logs::filter_pattern {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Characters that end a bare word: structure, quotes, regex delimiters and operator starts.
bool EndsWord(char c) {
  switch (c) {
    case '{':
    case '}':
    case '[':
    case ']':
    case '(':
    case ')':
    case ',':
    case '"':
    case '%':
    case '=':
    case '!':
    case '<':
    case '>':
    case '&':
    case '|':
      return true;
    default:
      return IsSpace(c);
  }
}

// Selectors may hold brackets ($.a[0][1]); they end where a value or operator could start.
bool EndsSelector(char c) {
  switch (c) {
    case '{':
    case '}':
    case '(':
    case ')':
    case ',':
    case '"':
    case '%':
    case '=':
    case '!':
    case '<':
    case '>':
    case '&':
    case '|':
      return true;
    default:
      return IsSpace(c);
  }
}

// Punctuation that is a token by itself.
std::optional<TokenKind> PunctuationKind(char c) {
  switch (c) {
    case '{':
      return TokenKind::kLBrace;
    case '}':
      return TokenKind::kRBrace;
    case '[':
      return TokenKind::kLBracket;
    case ']':
      return TokenKind::kRBracket;
    case '(':
      return TokenKind::kLParen;
    case ')':
      return TokenKind::kRParen;
    case ',':
      return TokenKind::kComma;
    default:
      return std::nullopt;
  }
}

PatternError ErrorAt(std::string_view pattern, std::size_t pos, std::size_t len,
                     std::string message) {
  return PatternError{pos + 1, std::string(pattern.substr(pos, len)), std::move(message)};
}

}  // namespace

PatternResult<std::vector<Token>> Lex(std::string_view pattern) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  const std::size_t n = pattern.size();
  auto push = [&](TokenKind kind, std::size_t start, std::size_t end, std::string text) {
    Token t;
    t.kind = kind;
    t.raw = pattern.substr(start, end - start);
    t.text = std::move(text);
    t.column = start + 1;
    tokens.push_back(std::move(t));
  };
  while (i < n) {
    const char c = pattern[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    if (auto kind = PunctuationKind(c)) {
      push(*kind, i, i + 1, std::string(1, c));
      ++i;
      continue;
    }
    const std::size_t start = i;
    switch (c) {
      case '&':
      case '|':
        if (i + 1 < n && pattern[i + 1] == c) {
          push(c == '&' ? TokenKind::kAnd : TokenKind::kOr, i, i + 2, std::string(2, c));
          i += 2;
          continue;
        }
        return ErrorAt(pattern, i, 1, std::string("unsupported operator; use `") + c + c + "`");
      case '=':
      case '!':
      case '<':
      case '>': {
        CompareOp op = CompareOp::kEq;
        std::size_t len = 1;
        const bool eq_next = i + 1 < n && pattern[i + 1] == '=';
        if (c == '=') {
          if (eq_next) return ErrorAt(pattern, i, 2, "unsupported operator; use `=`");
          op = CompareOp::kEq;
        } else if (c == '!') {
          if (!eq_next) return ErrorAt(pattern, i, 1, "unsupported operator; did you mean `!=`");
          op = CompareOp::kNe;
          len = 2;
        } else if (c == '<') {
          op = eq_next ? CompareOp::kLe : CompareOp::kLt;
          len = eq_next ? 2 : 1;
        } else {
          op = eq_next ? CompareOp::kGe : CompareOp::kGt;
          len = eq_next ? 2 : 1;
        }
        push(TokenKind::kOp, i, i + len, std::string(pattern.substr(i, len)));
        tokens.back().op = op;
        i += len;
        continue;
      }
      case '"': {
        std::string text;
        ++i;
        bool closed = false;
        while (i < n) {
          const char d = pattern[i];
          if (d == '\\' && i + 1 < n && (pattern[i + 1] == '"' || pattern[i + 1] == '\\')) {
            text.push_back(pattern[i + 1]);
            i += 2;
            continue;
          }
          if (d == '"') {
            closed = true;
            ++i;
            break;
          }
          text.push_back(d);
          ++i;
        }
        if (!closed) return ErrorAt(pattern, start, n - start, "unterminated quoted string");
        push(TokenKind::kString, start, i, std::move(text));
        continue;
      }
      case '%': {
        const std::size_t close = pattern.find('%', i + 1);
        if (close == std::string_view::npos) {
          return ErrorAt(pattern, start, n - start, "unterminated regular expression");
        }
        push(TokenKind::kRegex, start, close + 1,
             std::string(pattern.substr(start + 1, close - start - 1)));
        i = close + 1;
        continue;
      }
      case '$': {
        while (i < n && !EndsSelector(pattern[i])) ++i;
        push(TokenKind::kSelector, start, i, std::string(pattern.substr(start, i - start)));
        continue;
      }
      default:
        break;
    }
    while (i < n && !EndsWord(pattern[i])) ++i;
    push(TokenKind::kWord, start, i, std::string(pattern.substr(start, i - start)));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.column = n + 1;
  tokens.push_back(std::move(end));
  return tokens;
}

}  // namespace tw::services::logs::filter_pattern
