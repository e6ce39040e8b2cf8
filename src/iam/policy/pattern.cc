// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/pattern.h"

#include <cctype>
#include <utility>

namespace tw::iam::policy {
namespace {

char Fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool EqualAt(std::string_view subject, std::size_t pos, std::string_view literal, bool fold) {
  if (subject.size() - pos < literal.size()) return false;
  if (!fold) return subject.compare(pos, literal.size(), literal) == 0;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (Fold(subject[pos + i]) != Fold(literal[i])) return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Positions of "${...}" spans, so ARN splitting does not cut "${aws:username}" at its colon.
bool InsideVariable(std::string_view text, std::size_t pos) {
  std::size_t open = text.rfind("${", pos);
  if (open == std::string_view::npos) return false;
  std::size_t close = text.find('}', open);
  return close != std::string_view::npos && close > pos;
}

}  // namespace

Pattern Pattern::Compile(std::string_view text, const PatternOptions& options) {
  Pattern p;
  p.case_insensitive_ = options.case_insensitive;
  auto literal = [&p](char c) {
    if (p.tokens_.empty() || p.tokens_.back().kind != TokenKind::kLiteral) {
      p.tokens_.push_back(Token{TokenKind::kLiteral, {}, std::nullopt});
    }
    p.tokens_.back().text += c;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (options.variables && c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      std::size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        std::string_view inner = text.substr(i + 2, close - i - 2);
        i = close;
        // The escapes for characters that are otherwise special ("Variables and tags": "Special
        // characters"): they always stand for themselves, even in a Like pattern.
        if (inner == "*" || inner == "?" || inner == "$") {
          literal(inner[0]);
          continue;
        }
        Token token{TokenKind::kVariable, {}, std::nullopt};
        std::size_t comma = inner.find(',');
        std::string_view key = TrimSpaces(inner.substr(0, comma));
        if (comma != std::string_view::npos) {
          std::string_view fallback = TrimSpaces(inner.substr(comma + 1));
          if (fallback.size() >= 2 && fallback.front() == '\'' && fallback.back() == '\'') {
            fallback = fallback.substr(1, fallback.size() - 2);
          }
          token.default_value = std::string(fallback);
        }
        for (char k : key) token.text += Fold(k);
        p.tokens_.push_back(std::move(token));
        p.has_variables_ = true;
        continue;
      }
    }
    if (options.wildcards && c == '*') {
      if (p.tokens_.empty() || p.tokens_.back().kind != TokenKind::kStar) {
        p.tokens_.push_back(Token{TokenKind::kStar, {}, std::nullopt});
      }
    } else if (options.wildcards && c == '?') {
      p.tokens_.push_back(Token{TokenKind::kQuestion, {}, std::nullopt});
    } else {
      literal(c);
    }
  }
  if (p.has_variables_) {
    p.shape_ = Shape::kGeneral;
    return p;
  }
  const auto& t = p.tokens_;
  if (t.size() == 1 && t[0].kind == TokenKind::kStar) {
    p.shape_ = Shape::kAny;
  } else if (t.empty() || (t.size() == 1 && t[0].kind == TokenKind::kLiteral)) {
    p.shape_ = Shape::kExact;
  } else if (t.size() == 2 && t[0].kind == TokenKind::kLiteral && t[1].kind == TokenKind::kStar) {
    p.shape_ = Shape::kPrefix;
  }
  return p;
}

namespace {

struct View {
  Pattern::TokenKind kind;
  std::string_view text;
};

// Tokens is a vector of Pattern::Token or of View.
template <typename Tokens>
bool GlobMatch(const Tokens& tokens, std::string_view subject, bool fold) {
  using TokenKind = Pattern::TokenKind;
  // Linear scan with backtracking to the most recent '*' only: a later '*' subsumes any retry of
  // an earlier one, so this is complete for glob patterns and O(n*m) at worst.
  std::size_t ti = 0;
  std::size_t si = 0;
  std::size_t star_ti = tokens.size();
  std::size_t star_si = 0;
  while (true) {
    if (ti < tokens.size()) {
      const auto& token = tokens[ti];
      if (token.kind == TokenKind::kStar) {
        star_ti = ti++;
        star_si = si;
        continue;
      }
      if (token.kind == TokenKind::kQuestion) {
        if (si < subject.size()) {
          ++si;
          ++ti;
          continue;
        }
      } else if (EqualAt(subject, si, token.text, fold)) {
        si += std::string_view(token.text).size();
        ++ti;
        continue;
      }
    } else if (si == subject.size()) {
      return true;
    }
    if (star_ti == tokens.size() || star_si >= subject.size()) return false;
    si = ++star_si;
    ti = star_ti + 1;
  }
}

}  // namespace

bool Pattern::Matches(std::string_view subject, const VariableSource* variables) const {
  switch (shape_) {
    case Shape::kAny:
      return true;
    case Shape::kExact:
      if (tokens_.empty()) return subject.empty();
      return subject.size() == tokens_[0].text.size() &&
             EqualAt(subject, 0, tokens_[0].text, case_insensitive_);
    case Shape::kPrefix:
      return EqualAt(subject, 0, tokens_[0].text, case_insensitive_);
    case Shape::kGeneral:
      break;
  }
  if (!has_variables_) return GlobMatch(tokens_, subject, case_insensitive_);
  std::vector<View> resolved;
  resolved.reserve(tokens_.size());
  for (const Token& t : tokens_) {
    if (t.kind != TokenKind::kVariable) {
      resolved.push_back(View{t.kind, t.text});
      continue;
    }
    std::optional<std::string_view> value;
    if (variables != nullptr) value = variables->LookupVariable(t.text);
    if (!value && t.default_value) value = *t.default_value;
    if (!value) return false;
    // A substituted value is literal text: a '*' in a tag value is not a wildcard.
    resolved.push_back(View{TokenKind::kLiteral, *value});
  }
  return GlobMatch(resolved, subject, case_insensitive_);
}

std::vector<std::string_view> Pattern::VariableKeys() const {
  std::vector<std::string_view> keys;
  for (const Token& t : tokens_) {
    if (t.kind == TokenKind::kVariable) keys.push_back(t.text);
  }
  return keys;
}

bool SplitArn(std::string_view arn, std::string_view (&parts)[6]) {
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return false;
    parts[i] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  parts[5] = arn.substr(start);
  return true;
}

ArnPattern ArnPattern::Compile(std::string_view text, bool variables) {
  ArnPattern p;
  PatternOptions options{.wildcards = true, .variables = variables, .case_insensitive = false};
  p.whole_ = Pattern::Compile(text, options);
  std::size_t start = 0;
  std::string_view parts[6];
  int found = 0;
  for (std::size_t i = 0; i < text.size() && found < 5; ++i) {
    if (text[i] == ':' && !(variables && InsideVariable(text, i))) {
      parts[found++] = text.substr(start, i - start);
      start = i + 1;
    }
  }
  if (found == 5) {
    parts[5] = text.substr(start);
    p.segmented_ = true;
    for (int i = 0; i < 6; ++i) p.segments_[i] = Pattern::Compile(parts[i], options);
  }
  return p;
}

bool ArnPattern::Matches(std::string_view arn, const VariableSource* variables) const {
  if (!segmented_) return whole_.Matches(arn, variables);
  std::string_view parts[6];
  if (!SplitArn(arn, parts)) return false;
  for (int i = 0; i < 6; ++i) {
    if (!segments_[i].Matches(parts[i], variables)) return false;
  }
  return true;
}

std::vector<std::string_view> ArnPattern::VariableKeys() const { return whole_.VariableKeys(); }

}  // namespace tw::iam::policy
