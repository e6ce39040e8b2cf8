// SPDX-License-Identifier: Apache-2.0
#include "services/logs/insights/lexer.h"

#include <cctype>

namespace tw::services::logs::insights {
namespace {

bool IdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '@' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IdentChar(char c) {
  return IdentStart(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.';
}
bool Digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Whether a `/` at this point starts a regex literal: where a value may begin, i.e. not after
// something that ends a value.
bool ValueMayStart(const std::vector<Token>& tokens) {
  if (tokens.empty()) return true;
  const Token& last = tokens.back();
  switch (last.kind) {
    case TokenKind::kIdent:
      // `parse <field> /regex/`: the field is the one before.
      if (tokens.size() >= 2 && IsKeyword(tokens[tokens.size() - 2], "parse")) return true;
      // `like` and `parse` take a regex; other names end a value.
      return IsKeyword(last, "like") || IsKeyword(last, "parse") || IsKeyword(last, "filter") ||
             IsKeyword(last, "and") || IsKeyword(last, "or") || IsKeyword(last, "not") ||
             IsKeyword(last, "in");
    case TokenKind::kQuoted:
      return tokens.size() >= 2 && IsKeyword(tokens[tokens.size() - 2], "parse");
    case TokenKind::kString:
    case TokenKind::kNumber:
    case TokenKind::kDuration:
    case TokenKind::kRegex:
      return false;
    case TokenKind::kSymbol:
      return last.text != ")" && last.text != "]";
    case TokenKind::kEnd:
      return true;
  }
  return true;
}

}  // namespace

bool IsKeyword(const Token& token, std::string_view keyword) {
  if (token.kind != TokenKind::kIdent || token.text.size() != keyword.size()) return false;
  for (std::size_t i = 0; i < keyword.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(token.text[i])) != keyword[i]) return false;
  }
  return true;
}

LexResult Tokenize(std::string_view text, const LexOptions& options) {
  LexResult out;
  auto fail = [&](std::string message, std::size_t begin, std::size_t end) {
    out.error = QueryError{std::move(message), begin, end};
    return out;
  };
  std::size_t i = 0;
  bool line_start = true;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      line_start = true;
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
      continue;
    }
    if (options.hash_comments && c == '#' && line_start) {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    line_start = false;
    if (options.dash_comments && c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    const std::size_t begin = i;
    Token token;
    token.begin = begin;
    if (c == '"' || c == '\'') {
      ++i;
      std::string value;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i];
        if (d == '\\' && i + 1 < text.size()) {
          char e = text[i + 1];
          switch (e) {
            case 'n':
              value += '\n';
              break;
            case 't':
              value += '\t';
              break;
            case 'r':
              value += '\r';
              break;
            case '\\':
              value += '\\';
              break;
            case '"':
              value += '"';
              break;
            case '\'':
              value += '\'';
              break;
            default:
              value += '\\';
              value += e;
          }
          i += 2;
          continue;
        }
        if (d == c) {
          // SQL style doubled quote inside a string.
          if (i + 1 < text.size() && text[i + 1] == c) {
            value += c;
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        value += d;
        ++i;
      }
      if (!closed) return fail("Unterminated string literal", begin, text.size());
      token.kind = TokenKind::kString;
      token.text = std::move(value);
    } else if (c == '`') {
      auto close = text.find('`', i + 1);
      if (close == std::string_view::npos) {
        return fail("Unterminated backquoted name", begin, text.size());
      }
      token.kind = TokenKind::kQuoted;
      token.text = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (options.regex_literals && c == '/' && ValueMayStart(out.tokens)) {
      ++i;
      std::string value;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i];
        if (d == '\\' && i + 1 < text.size()) {
          if (text[i + 1] != '/') value += d;
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (d == '/') {
          closed = true;
          ++i;
          break;
        }
        value += d;
        ++i;
      }
      if (!closed) return fail("Unterminated regular expression", begin, text.size());
      token.kind = TokenKind::kRegex;
      token.text = std::move(value);
    } else if (Digit(c) || (c == '.' && i + 1 < text.size() && Digit(text[i + 1]))) {
      while (i < text.size() && Digit(text[i])) ++i;
      if (i < text.size() && text[i] == '.' && i + 1 < text.size() && Digit(text[i + 1])) {
        ++i;
        while (i < text.size() && Digit(text[i])) ++i;
      }
      if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
        if (j < text.size() && Digit(text[j])) {
          i = j;
          while (i < text.size() && Digit(text[i])) ++i;
        }
      }
      token.kind = TokenKind::kNumber;
      if (i < text.size() && IdentStart(text[i]) && text[i] != '@') {
        // 5m, 1h, 100ms: a time period where the language has them; otherwise an error.
        std::size_t j = i;
        while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j])) != 0) ++j;
        if (!options.durations || (j < text.size() && IdentChar(text[j]))) {
          return fail("Unexpected symbol \"" + std::string(text.substr(begin, j - begin)) + "\"",
                      begin, j);
        }
        i = j;
        token.kind = TokenKind::kDuration;
      }
      token.text = std::string(text.substr(begin, i - begin));
    } else if (IdentStart(c)) {
      while (i < text.size() && IdentChar(text[i])) ++i;
      token.kind = TokenKind::kIdent;
      token.text = std::string(text.substr(begin, i - begin));
    } else {
      static constexpr std::string_view kTwo[] = {"!=", "<>", "<=", ">=", "=~", "=="};
      token.kind = TokenKind::kSymbol;
      bool matched = false;
      for (std::string_view two : kTwo) {
        if (text.substr(i, 2) == two) {
          token.text = std::string(two);
          i += 2;
          matched = true;
          break;
        }
      }
      if (!matched) {
        static constexpr std::string_view kOne = "|,()[]=<>+-*/%^;!:{}";
        if (kOne.find(c) == std::string_view::npos) {
          return fail("Unexpected symbol \"" + std::string(1, c) + "\"", begin, begin + 1);
        }
        token.text = std::string(1, c);
        ++i;
      }
    }
    token.end = i;
    out.tokens.push_back(std::move(token));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.begin = end.end = text.size();
  out.tokens.push_back(std::move(end));
  return out;
}

}  // namespace tw::services::logs::insights
