// SPDX-License-Identifier: Apache-2.0
#include "protocol/validate/pattern.h"

#include <re2/re2.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

namespace tw::protocol {
namespace {

AwsError Unsupported(std::string_view pattern, std::string_view what) {
  return AwsError::From(ErrorCode::kInternalFailure, "model pattern " + std::string(pattern) +
                                                         ": " + std::string(what) +
                                                         " has no RE2 equivalent");
}

// Negative lookaheads that RE2 cannot run, each rewritten by hand into "full-match this
// lookahead-free pattern and contain none of these substrings". Only exact pattern texts are
// rewritten, so a model refresh that changes one falls back to the translator, which rejects
// it, and the all-patterns test fails instead of a check silently weakening.
struct Rewrite {
  std::string_view java;
  std::string_view without_lookahead;
  std::string_view forbidden;
};
constexpr Rewrite kRewrites[] = {
    // iam accountAliasType. `-(?!-)` inside the repetition: a hyphen not followed by a hyphen.
    // The first and last characters are [a-z0-9], so "--" can only appear inside the repetition,
    // which makes the pattern equal to the hyphen-permissive one without any "--".
    {R"(^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$)", R"(^[a-z0-9]([a-z0-9]|-){1,61}[a-z0-9]$)",
     "--"},
};

// Java's \s is [ \t\n\x0B\f\r]; RE2's lacks \x0B (vertical tab).
constexpr std::string_view kJavaSpaceInClass = R"(\t\n\x0B\f\r\x20)";
// Java's `.` without DOTALL excludes every line terminator, RE2's only \n.
constexpr std::string_view kJavaDot = R"([^\n\r\x{85}\x{2028}\x{2029}])";

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool IsAsciiAlnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string HexEscape(char32_t cp) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  do {
    hex.insert(hex.begin(), kDigits[cp & 0xF]);
    cp >>= 4;
  } while (cp != 0);
  return "\\x{" + hex + "}";
}

// A literal code point in RE2 syntax, valid inside and outside a character class.
std::string Literal(char32_t cp) {
  if (IsAsciiAlnum(cp) || cp == '_') return std::string(1, static_cast<char>(cp));
  // RE2 accepts a backslash before any ASCII punctuation; escaping all of it avoids reasoning
  // about which characters are special where.
  if (cp > 0x20 && cp < 0x7F) return std::string{'\\', static_cast<char>(cp)};
  return HexEscape(cp);
}

// The general categories RE2 knows, which Java spells the same way in \p{..}.
bool IsKnownCategory(std::string_view name) {
  static constexpr std::string_view kCategories[] = {
      "L",  "Lu", "Ll", "Lt", "Lm", "Lo", "M",  "Mn", "Mc", "Me", "N",  "Nd",
      "Nl", "No", "P",  "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S",  "Sm",
      "Sc", "Sk", "So", "Z",  "Zs", "Zl", "Zp", "C",  "Cc", "Cf", "Co", "Cs"};
  for (std::string_view c : kCategories) {
    if (c == name) return true;
  }
  return false;
}

class Translator {
 public:
  explicit Translator(std::string_view pattern) : in_(pattern) {}

  Result<TranslatedPattern> Run() {
    while (pos_ < in_.size()) {
      if (Status st = Step(); !st) return st.error();
    }
    if (groups_.size() != 1) return Unsupported(in_, "an unbalanced group");
    return TranslatedPattern{std::move(out_), {}};
  }

 private:
  // One escape sequence after the backslash. Either a single code point (usable as a range
  // end) or a class such as \d, with its text for outside and inside a character class.
  struct Escape {
    std::optional<char32_t> cp;
    std::string outside;
    std::string inside;  // empty: not allowed inside a class
  };

  Status Step() {
    char c = in_[pos_];
    switch (c) {
      case '\\': {
        if (pos_ + 1 < in_.size() && in_[pos_ + 1] == 'Q') return Quote();
        auto escape = ParseEscape();
        if (!escape) return escape.error();
        out_ += escape->cp ? Literal(*escape->cp) : escape->outside;
        return {};
      }
      case '[':
        return Class();
      case '(':
        return OpenGroup();
      case ')':
        if (groups_.size() == 1) return Unsupported(in_, "an unbalanced ')'");
        groups_.pop_back();
        out_ += ')';
        ++pos_;
        return Quantifier();
      case '.':
        out_ += groups_.back().dotall ? "(?s:.)" : std::string(kJavaDot);
        ++pos_;
        return Quantifier();
      case '*':
      case '+':
      case '?':
      case '{':
        return Quantifier();
      case '^':
      case '$':
      case '|':
        // Under a full match Java's `$` (end, or before a final line terminator that then
        // stays unmatched) and RE2's `$` (end of text) accept the same strings.
        out_ += c;
        ++pos_;
        return {};
      default: {
        auto cp = NextCodePoint();
        if (!cp) return cp.error();
        out_ += Literal(*cp);
        return Quantifier();
      }
    }
  }

  // Copies a quantifier that follows an atom, rejecting Java's possessive forms.
  Status Quantifier() {
    if (pos_ >= in_.size()) return {};
    char c = in_[pos_];
    if (c == '*' || c == '+' || c == '?') {
      out_ += c;
      ++pos_;
    } else if (c == '{') {
      std::size_t end = in_.find('}', pos_);
      if (end == std::string_view::npos) return Unsupported(in_, "an unterminated '{'");
      out_.append(in_.substr(pos_, end - pos_ + 1));
      pos_ = end + 1;
    } else {
      return {};
    }
    if (pos_ < in_.size() && in_[pos_] == '+') return Unsupported(in_, "a possessive quantifier");
    if (pos_ < in_.size() && in_[pos_] == '?') {
      out_ += '?';
      ++pos_;
    }
    return {};
  }

  Status Quote() {
    pos_ += 2;  // \Q
    std::size_t end = in_.find("\\E", pos_);
    std::string_view quoted = in_.substr(pos_, end == std::string_view::npos ? end : end - pos_);
    Translator inner(quoted);
    while (inner.pos_ < quoted.size()) {
      auto cp = inner.NextCodePoint();
      if (!cp) return cp.error();
      out_ += Literal(*cp);
    }
    pos_ = end == std::string_view::npos ? in_.size() : end + 2;
    return Quantifier();
  }

  Status OpenGroup() {
    std::string_view rest = in_.substr(pos_);
    if (!rest.starts_with("(?")) {
      groups_.push_back(groups_.back());
      out_ += '(';
      ++pos_;
      return {};
    }
    if (rest.starts_with("(?=") || rest.starts_with("(?!") || rest.starts_with("(?<=") ||
        rest.starts_with("(?<!")) {
      return Unsupported(in_, "lookaround");
    }
    if (rest.starts_with("(?>")) return Unsupported(in_, "an atomic group");
    if (rest.starts_with("(?:")) {
      groups_.push_back(groups_.back());
      out_ += "(?:";
      pos_ += 3;
      return {};
    }
    if (rest.starts_with("(?<")) {
      std::size_t end = rest.find('>');
      if (end == std::string_view::npos) return Unsupported(in_, "an unterminated group name");
      groups_.push_back(groups_.back());
      out_ += "(?P<";
      out_.append(rest.substr(3, end - 2));
      pos_ += end + 1;
      return {};
    }
    // Inline flags: (?s) (?i-m) (?s:...). RE2 shares i, m and s with Java; `s` we apply
    // ourselves because every `.` is translated explicitly.
    std::size_t i = 2;
    bool on = true;
    std::optional<bool> dotall;
    std::string flags;
    for (; i < rest.size() && rest[i] != ')' && rest[i] != ':'; ++i) {
      char f = rest[i];
      if (f == '-') {
        on = false;
        flags += f;
      } else if (f == 's') {
        dotall = on;
      } else if (f == 'i' || f == 'm') {
        flags += f;
      } else {
        return Unsupported(in_, std::string("the inline flag '") + f + "'");
      }
    }
    if (i >= rest.size()) return Unsupported(in_, "an unterminated inline flag group");
    if (!flags.empty() && flags.back() == '-') flags.pop_back();
    if (rest[i] == ')') {
      if (dotall) groups_.back().dotall = *dotall;
      if (!flags.empty()) out_ += "(?" + flags + ")";
    } else {
      Group group = groups_.back();
      if (dotall) group.dotall = *dotall;
      groups_.push_back(group);
      out_ += flags.empty() ? "(?:" : "(?" + flags + ":";
    }
    pos_ += i + 1;
    return {};
  }

  Status Class() {
    ++pos_;  // [
    std::string text = "[";
    if (pos_ < in_.size() && in_[pos_] == '^') {
      text += '^';
      ++pos_;
    }
    // Java decides what `-` means from its neighbours: a range between two single characters,
    // a literal anywhere else ([\w-_], [a-z-], [-a]). Collect the items first, then decide.
    struct Item {
      enum class Kind { kChar, kClass, kDash } kind;
      char32_t cp = 0;
      std::string text;
    };
    std::vector<Item> items;
    while (true) {
      if (pos_ >= in_.size()) return Unsupported(in_, "an unterminated character class");
      char c = in_[pos_];
      if (c == ']') {
        if (items.empty()) return Unsupported(in_, "an empty character class");
        ++pos_;
        break;
      }
      if (c == '[') return Unsupported(in_, "a nested character class (union)");
      if (in_.substr(pos_).starts_with("&&")) {
        return Unsupported(in_, "character class intersection");
      }
      if (c == '-') {
        items.push_back({Item::Kind::kDash});
        ++pos_;
      } else if (c == '\\') {
        auto escape = ParseEscape();
        if (!escape) return escape.error();
        if (escape->cp) {
          items.push_back({Item::Kind::kChar, *escape->cp});
        } else if (escape->inside.empty()) {
          return Unsupported(in_, "this escape inside a character class");
        } else {
          items.push_back({Item::Kind::kClass, 0, escape->inside});
        }
      } else {
        auto cp = NextCodePoint();
        if (!cp) return cp.error();
        items.push_back({Item::Kind::kChar, *cp});
      }
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Item& item = items[i];
      if (item.kind == Item::Kind::kChar && i + 2 < items.size() &&
          items[i + 1].kind == Item::Kind::kDash && items[i + 2].kind == Item::Kind::kChar) {
        if (items[i + 2].cp < item.cp) return Unsupported(in_, "a reversed class range");
        text += Literal(item.cp) + "-" + Literal(items[i + 2].cp);
        i += 2;
      } else if (item.kind == Item::Kind::kDash) {
        text += "\\-";
      } else if (item.kind == Item::Kind::kChar) {
        text += Literal(item.cp);
      } else {
        text += item.text;
      }
    }
    out_ += text + "]";
    return Quantifier();
  }

  // Parses the escape at pos_ (which is the backslash) and advances past it.
  Result<Escape> ParseEscape() {
    ++pos_;
    if (pos_ >= in_.size()) return Unsupported(in_, "a trailing backslash");
    char c = in_[pos_];
    auto simple = [&](char32_t cp) -> Result<Escape> {
      ++pos_;
      return Escape{cp, {}, {}};
    };
    auto cls = [&](std::string outside, std::string inside) -> Result<Escape> {
      ++pos_;
      return Escape{std::nullopt, std::move(outside), std::move(inside)};
    };
    switch (c) {
      case 't':
        return simple('\t');
      case 'n':
        return simple('\n');
      case 'r':
        return simple('\r');
      case 'f':
        return simple('\f');
      case 'a':
        return simple('\a');
      case 'e':
        return simple(0x1B);
      case 'u':
        return UnicodeEscape();
      case 'x':
        return HexEscapeSequence();
      case '0':
        return OctalEscape();
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        // ASCII-only in both engines (Java without UNICODE_CHARACTER_CLASS).
        return cls(std::string{'\\', c}, std::string{'\\', c});
      case 's':
        return cls("[" + std::string(kJavaSpaceInClass) + "]", std::string(kJavaSpaceInClass));
      case 'S':
        return cls("[^" + std::string(kJavaSpaceInClass) + "]", "");
      case 'p':
      case 'P':
        return Property(c);
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        return cls(std::string{'\\', c}, "");
      default:
        break;
    }
    if (c >= '1' && c <= '9') return Unsupported(in_, "a backreference");
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return Unsupported(in_, std::string("the escape \\") + c);
    }
    // A backslash before anything else is that character, literally.
    auto cp = NextCodePoint();
    if (!cp) return cp.error();
    return Escape{*cp, {}, {}};
  }

  Result<Escape> UnicodeEscape() {
    auto unit = [&](std::size_t at) -> std::optional<char32_t> {
      // Java's \u takes exactly four hex digits: `\u10000` is U+1000 followed by '0'.
      if (at + 4 > in_.size()) return std::nullopt;
      char32_t value = 0;
      for (std::size_t k = at; k < at + 4; ++k) {
        if (!IsHex(in_[k])) return std::nullopt;
        value = value * 16 + static_cast<char32_t>(HexValue(in_[k]));
      }
      return value;
    };
    auto high = unit(pos_ + 1);
    if (!high) return Unsupported(in_, "a malformed \\u escape");
    pos_ += 5;
    if (*high >= 0xD800 && *high <= 0xDBFF) {
      // Java joins an escaped surrogate pair into one supplementary code point.
      if (in_.substr(pos_).starts_with("\\u")) {
        auto low = unit(pos_ + 2);
        if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
          pos_ += 6;
          return Escape{0x10000 + ((*high - 0xD800) << 10) + (*low - 0xDC00), {}, {}};
        }
      }
      return Unsupported(in_, "a lone surrogate (it cannot occur in UTF-8 text)");
    }
    if (*high >= 0xDC00 && *high <= 0xDFFF) {
      return Unsupported(in_, "a lone surrogate (it cannot occur in UTF-8 text)");
    }
    return Escape{*high, {}, {}};
  }

  Result<Escape> HexEscapeSequence() {
    ++pos_;  // x
    char32_t value = 0;
    if (pos_ < in_.size() && in_[pos_] == '{') {
      std::size_t end = in_.find('}', pos_);
      if (end == std::string_view::npos || end == pos_ + 1) {
        return Unsupported(in_, "a malformed \\x{..} escape");
      }
      for (std::size_t k = pos_ + 1; k < end; ++k) {
        if (!IsHex(in_[k]) || value > 0x10FFFF) return Unsupported(in_, "a malformed \\x escape");
        value = value * 16 + static_cast<char32_t>(HexValue(in_[k]));
      }
      pos_ = end + 1;
    } else {
      if (pos_ + 2 > in_.size() || !IsHex(in_[pos_]) || !IsHex(in_[pos_ + 1])) {
        return Unsupported(in_, "a malformed \\x escape");
      }
      value = static_cast<char32_t>(HexValue(in_[pos_]) * 16 + HexValue(in_[pos_ + 1]));
      pos_ += 2;
    }
    if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
      return Unsupported(in_, "a \\x escape outside Unicode scalar values");
    }
    return Escape{value, {}, {}};
  }

  Result<Escape> OctalEscape() {
    ++pos_;  // 0
    char32_t value = 0;
    int digits = 0;
    while (pos_ < in_.size() && digits < 3 && in_[pos_] >= '0' && in_[pos_] <= '7') {
      char32_t next = value * 8 + static_cast<char32_t>(in_[pos_] - '0');
      if (next > 0377) break;
      value = next;
      ++pos_;
      ++digits;
    }
    if (digits == 0) return Unsupported(in_, "a malformed octal escape");
    return Escape{value, {}, {}};
  }

  Result<Escape> Property(char p) {
    ++pos_;
    std::string name;
    if (pos_ < in_.size() && in_[pos_] == '{') {
      std::size_t end = in_.find('}', pos_);
      if (end == std::string_view::npos) return Unsupported(in_, "an unterminated \\p{");
      name = std::string(in_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
    } else if (pos_ < in_.size()) {
      name = std::string(1, in_[pos_]);
      ++pos_;
    }
    if (name.starts_with("Is") && IsKnownCategory(name.substr(2))) name = name.substr(2);
    if (!IsKnownCategory(name)) return Unsupported(in_, "the property \\p{" + name + "}");
    std::string text = std::string{'\\', p, '{'} + name + "}";
    return Escape{std::nullopt, text, text};
  }

  // Decodes one UTF-8 code point of the pattern itself.
  Result<char32_t> NextCodePoint() {
    auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(in_[k]); };
    std::uint8_t lead = byte(pos_);
    int length = lead < 0x80           ? 1
                 : (lead >> 5) == 0x6  ? 2
                 : (lead >> 4) == 0xE  ? 3
                 : (lead >> 3) == 0x1E ? 4
                                       : 0;
    if (length == 0 || pos_ + static_cast<std::size_t>(length) > in_.size()) {
      return Unsupported(in_, "invalid UTF-8");
    }
    char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (int k = 1; k < length; ++k) {
      std::uint8_t next = byte(pos_ + static_cast<std::size_t>(k));
      if ((next & 0xC0) != 0x80) return Unsupported(in_, "invalid UTF-8");
      cp = (cp << 6) | (next & 0x3F);
    }
    pos_ += static_cast<std::size_t>(length);
    return cp;
  }

  struct Group {
    bool dotall = false;
  };

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string out_;
  std::vector<Group> groups_{Group{}};
};

// Heterogeneous lookup: a cache hit on the request path allocates nothing.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

struct Cache {
  std::shared_mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const CompiledPattern>, StringHash,
                     std::equal_to<>>
      compiled;
};

Cache& PatternCache() {
  static Cache* cache = new Cache();  // never destroyed: usable from other static destructors
  return *cache;
}

}  // namespace

Result<TranslatedPattern> TranslateJavaPattern(std::string_view java_pattern) {
  for (const Rewrite& rewrite : kRewrites) {
    if (rewrite.java != java_pattern) continue;
    auto translated = Translator(rewrite.without_lookahead).Run();
    if (!translated) return translated;
    translated->forbidden.emplace_back(rewrite.forbidden);
    return translated;
  }
  return Translator(java_pattern).Run();
}

CompiledPattern::CompiledPattern(std::unique_ptr<re2::RE2> re, std::vector<std::string> forbidden)
    : re_(std::move(re)), forbidden_(std::move(forbidden)) {}

CompiledPattern::~CompiledPattern() = default;

bool CompiledPattern::Matches(std::string_view text) const {
  for (const std::string& f : forbidden_) {
    if (text.find(f) != std::string_view::npos) return false;
  }
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

const std::string& CompiledPattern::re2_pattern() const { return re_->pattern(); }

Result<std::shared_ptr<const CompiledPattern>> CompilePattern(std::string_view java_pattern) {
  Cache& cache = PatternCache();
  {
    std::shared_lock lock(cache.mutex);
    auto it = cache.compiled.find(java_pattern);
    if (it != cache.compiled.end()) return it->second;
  }
  auto translated = TranslateJavaPattern(java_pattern);
  if (!translated) return translated.error();
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_never_capture(true);
  auto re = std::make_unique<re2::RE2>(translated->re2, options);
  if (!re->ok()) {
    return AwsError::From(ErrorCode::kInternalFailure,
                          "model pattern " + std::string(java_pattern) + ": RE2 rejects " +
                              translated->re2 + ": " + re->error());
  }
  auto compiled =
      std::make_shared<const CompiledPattern>(std::move(re), std::move(translated->forbidden));
  std::unique_lock lock(cache.mutex);
  auto [it, inserted] = cache.compiled.emplace(std::string(java_pattern), std::move(compiled));
  return it->second;
}

}  // namespace tw::protocol
