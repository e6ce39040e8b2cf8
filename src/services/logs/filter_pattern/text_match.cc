// SPDX-License-Identifier: Apache-2.0
#include "services/logs/filter_pattern/text_match.h"

#include <re2/re2.h>

#include <cctype>
#include <charconv>
#include <string>
#include <string_view>
#include <system_error>

namespace tw::services::logs::filter_pattern {

std::optional<double> ParseNumber(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  const std::size_t mantissa_start = i;
  std::size_t digits = 0;
  while (i < n && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != n) return std::nullopt;
  // from_chars takes no leading '+'; the sign is applied by hand.
  double value = 0;
  const char* begin = text.data() + mantissa_start;
  const auto [ptr, ec] = std::from_chars(begin, text.data() + n, value);
  if (ptr != text.data() + n) {
    // Out of range (1e999) parses as an error; such a value is not a usable number.
    if (ec == std::errc::result_out_of_range) return std::nullopt;
    return std::nullopt;
  }
  if (ec != std::errc()) return std::nullopt;
  return text[0] == '-' ? -value : value;
}

Glob::Glob(std::string_view pattern) {
  std::string current;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '*') {
      has_wildcard_ = true;
      if (i == 0) leading_star_ = true;
      if (i + 1 == pattern.size()) trailing_star_ = true;
      if (!current.empty()) segments_.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(pattern[i]);
    }
  }
  if (!current.empty()) segments_.push_back(std::move(current));
}

bool Glob::Matches(std::string_view text) const {
  if (!has_wildcard_) {
    return segments_.empty() ? text.empty() : text == segments_[0];
  }
  std::size_t pos = 0;
  std::size_t first = 0;
  std::size_t last = segments_.size();
  if (!leading_star_ && first < last) {
    const std::string& s = segments_[first];
    if (text.substr(0, s.size()) != s) return false;
    pos = s.size();
    ++first;
  }
  std::size_t end = text.size();
  if (!trailing_star_ && first < last) {
    const std::string& s = segments_[last - 1];
    if (s.size() > end - pos || text.substr(end - s.size()) != s) return false;
    end -= s.size();
    --last;
  }
  for (std::size_t k = first; k < last; ++k) {
    const std::size_t found = text.substr(0, end).find(segments_[k], pos);
    if (found == std::string_view::npos) return false;
    pos = found + segments_[k].size();
  }
  return pos <= end;
}

EdgeWildcard::EdgeWildcard(std::string_view pattern) {
  if (!pattern.empty() && pattern.front() == '*') {
    leading_ = true;
    pattern.remove_prefix(1);
  }
  if (!pattern.empty() && pattern.back() == '*') {
    trailing_ = true;
    pattern.remove_suffix(1);
  }
  core_ = std::string(pattern);
}

bool EdgeWildcard::Matches(std::string_view text) const {
  if (leading_ && trailing_) return text.find(core_) != std::string_view::npos;
  if (leading_)
    return text.size() >= core_.size() && text.substr(text.size() - core_.size()) == core_;
  if (trailing_) return text.substr(0, core_.size()) == core_;
  return text == core_;
}

namespace {

bool AllowedRegexChar(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '_':
    case '#':
    case '=':
    case '@':
    case '/':
    case ';':
    case ',':
    case '-':
    case ':':
    case '^':
    case '$':
    case '?':
    case '[':
    case ']':
    case '{':
    case '}':
    case '|':
    case '\\':
    case '*':
    case '+':
    case '.':
    case ' ':
      return true;
    default:
      return false;
  }
}

}  // namespace

AwsRegex::AwsRegex(std::string source, std::unique_ptr<re2::RE2> re)
    : source_(std::move(source)), re_(std::move(re)) {}

AwsRegex::~AwsRegex() = default;

PatternResult<std::shared_ptr<const AwsRegex>> AwsRegex::Compile(std::string_view text,
                                                                 std::size_t column) {
  const std::string written = "%" + std::string(text) + "%";
  if (text.empty()) return PatternError{column, written, "empty regular expression"};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!AllowedRegexChar(c)) {
      std::string message = c >= 0x80 ? "multi-byte characters are not supported in a regular "
                                        "expression"
                            : (c == '(' || c == ')')
                                ? "parentheses are not supported in a regular "
                                  "expression"
                                : "character not supported in a regular expression";
      return PatternError{column + 1 + i, std::string(1, static_cast<char>(c)), std::move(message)};
    }
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_never_capture(true);
  options.set_case_sensitive(true);
  auto re = std::make_unique<re2::RE2>(std::string(text), options);
  if (!re->ok()) {
    return PatternError{column, written, "invalid regular expression (" + re->error() + ")"};
  }
  return std::shared_ptr<const AwsRegex>(new AwsRegex(std::string(text), std::move(re)));
}

bool AwsRegex::Search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace tw::services::logs::filter_pattern
