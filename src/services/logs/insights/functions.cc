// SPDX-License-Identifier: Apache-2.0
#include "services/logs/insights/functions.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>

namespace tw::services::logs::insights {
namespace {

constexpr FunctionInfo kFunctions[] = {
    // Numeric.
    {"abs", 1, 1, false},
    {"ceil", 1, 1, false},
    {"floor", 1, 1, false},
    {"greatest", 1, -1, false},
    {"least", 1, -1, false},
    {"log", 1, 1, false},
    {"sqrt", 1, 1, false},
    // General.
    {"ispresent", 1, 1, false},
    {"coalesce", 1, -1, false},
    // String.
    {"isempty", 1, 1, false},
    {"isblank", 1, 1, false},
    {"concat", 1, -1, false},
    {"ltrim", 1, 2, false},
    {"rtrim", 1, 2, false},
    {"trim", 1, 2, false},
    {"strlen", 1, 1, false},
    {"toupper", 1, 1, false},
    {"tolower", 1, 1, false},
    {"substr", 2, 3, false},
    {"replace", 3, 3, false},
    {"strcontains", 2, 2, false},
    // Datetime.
    {"bin", 1, 1, false},
    {"datefloor", 2, 2, false},
    {"dateceil", 2, 2, false},
    {"fromMillis", 1, 1, false},
    {"toMillis", 1, 1, false},
    // IP.
    {"isValidIp", 1, 1, false},
    {"isValidIpV4", 1, 1, false},
    {"isValidIpV6", 1, 1, false},
    {"isIpInSubnet", 2, 2, false},
    {"isIpv4InSubnet", 2, 2, false},
    {"isIpv6InSubnet", 2, 2, false},
    // Nothing is masked (no data protection policies), so unmask is the identity.
    {"unmask", 1, 1, false},
    // Aggregations.
    {"avg", 1, 1, true},
    {"count", 0, 1, true},
    {"count_distinct", 1, 1, true},
    {"max", 1, 1, true},
    {"min", 1, 1, true},
    {"pct", 2, 2, true},
    {"stddev", 1, 1, true},
    {"sum", 1, 1, true},
    {"earliest", 1, 1, true},
    {"latest", 1, 1, true},
    {"sortsFirst", 1, 1, true},
    {"sortsLast", 1, 1, true},
};

// SQL / PPL spellings of the same functions.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"lower", "tolower"},
    {"upper", "toupper"},
    {"length", "strlen"},
    {"char_length", "strlen"},
    {"ln", "log"},
    {"dc", "count_distinct"},
    {"distinct_count", "count_distinct"},
    {"ifnull", "coalesce"},
    {"ceiling", "ceil"},
    {"stddev_samp", "stddev"},
};

constexpr std::string_view kUnsupported[] = {"jsonParse",      "rate",        "count_over_time",
                                             "sum_over_time",  "histogram",   "percentile",
                                             "regexp_extract", "date_format", "from_unixtime",
                                             "substring",      "split",       "json_extract"};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string Text(const Cell& c) { return CellText(c); }

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string TrimChars(std::string s, const std::string* chars, bool left, bool right) {
  auto drop = [&](char c) { return chars ? chars->find(c) != std::string::npos : IsSpace(c); };
  std::size_t b = 0, e = s.size();
  if (left) {
    while (b < e && drop(s[b])) ++b;
  }
  if (right) {
    while (e > b && drop(s[e - 1])) --e;
  }
  return s.substr(b, e - b);
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Byte offset of code point `index` (clamped to the end).
std::size_t ByteOffset(std::string_view s, std::size_t index) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (points == index) return i;
      ++points;
    }
  }
  return s.size();
}

struct Address {
  int family = 0;  // AF_INET / AF_INET6
  std::array<unsigned char, 16> bytes{};
};

std::optional<Address> ParseIp(const std::string& text) {
  Address a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET;
    return a;
  }
  if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET6;
    return a;
  }
  return std::nullopt;
}

// 1 / 0 / null (invalid address or CIDR).
Cell InSubnet(const Cell& ip_cell, const Cell& cidr_cell, int family) {
  if (ip_cell.is_null() || cidr_cell.is_null()) return Cell::Null();
  auto ip = ParseIp(Text(ip_cell));
  const std::string cidr = Text(cidr_cell);
  const auto slash = cidr.find('/');
  if (slash == std::string::npos) return Cell::Bool(false);
  auto net = ParseIp(cidr.substr(0, slash));
  auto bits = ParseNumber(cidr.substr(slash + 1));
  if (!ip || !net || !bits) return Cell::Bool(false);
  if (ip->family != net->family || (family != 0 && ip->family != family)) return Cell::Bool(false);
  const int max_bits = ip->family == AF_INET ? 32 : 128;
  if (*bits < 0 || *bits > max_bits) return Cell::Bool(false);
  int remaining = static_cast<int>(*bits);
  for (std::size_t i = 0; remaining > 0; ++i, remaining -= 8) {
    const unsigned char mask =
        remaining >= 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - remaining));
    if ((ip->bytes[i] & mask) != (net->bytes[i] & mask)) return Cell::Bool(false);
  }
  return Cell::Bool(true);
}

// Times beyond what a calendar can show (about ±30,000 years) are clamped there.
constexpr double kMaxMillis = 1e15;

std::tm ToTm(double ms) {
  ms = std::clamp(ms, -kMaxMillis, kMaxMillis);
  const std::time_t seconds = static_cast<std::time_t>(std::floor(ms / 1000.0));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

double FromTm(std::tm tm) { return static_cast<double>(timegm(&tm)) * 1000.0; }

}  // namespace

std::optional<FunctionInfo> FindFunction(std::string_view name, Language language) {
  for (const FunctionInfo& f : kFunctions) {
    if (EqualsIgnoreCase(f.name, name)) return f;
  }
  if (language != Language::kCwli) {
    for (const auto& [alias, target] : kAliases) {
      if (EqualsIgnoreCase(alias, name)) return FindFunction(target, Language::kCwli);
    }
  }
  return std::nullopt;
}

bool IsUnsupportedAwsFunction(std::string_view name) {
  return std::any_of(std::begin(kUnsupported), std::end(kUnsupported),
                     [&](std::string_view u) { return EqualsIgnoreCase(u, name); });
}

std::optional<double> ParseNumber(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> ToNumber(const Cell& cell) {
  switch (cell.kind) {
    case Kind::kNumber:
    case Kind::kTime:
    case Kind::kBool:
      return cell.num;
    case Kind::kString:
      return ParseNumber(cell.text);
    case Kind::kNull:
      return std::nullopt;
  }
  return std::nullopt;
}

void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    out += std::to_string(static_cast<long long>(value));
    return;
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec == std::errc()) out.append(buffer, end);
}

std::string FormatTimestamp(double ms) {
  const double floored = std::floor(std::clamp(ms, -kMaxMillis, kMaxMillis));
  const std::tm tm = ToTm(floored);
  const long long millis =
      static_cast<long long>(floored) - static_cast<long long>(std::floor(floored / 1000.0)) * 1000;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d.%03lld", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

std::string CellText(const Cell& cell) {
  switch (cell.kind) {
    case Kind::kNull:
      return {};
    case Kind::kString:
      return cell.text;
    case Kind::kNumber: {
      if (!cell.text.empty()) return cell.text;
      std::string out;
      AppendNumber(out, cell.num);
      return out;
    }
    case Kind::kTime:
      return FormatTimestamp(cell.num);
    case Kind::kBool:
      return cell.num != 0 ? "1" : "0";
  }
  return {};
}

std::optional<Period> ParsePeriod(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.')) {
    ++i;
  }
  auto amount = ParseNumber(text.substr(0, i));
  if (!amount || *amount <= 0) return std::nullopt;
  std::string unit(text.substr(i));
  // Plural forms are accepted (5mins, 2hours, 3days).
  static const std::pair<std::string_view, double> kUnits[] = {
      {"ms", 1},           {"msec", 1},           {"msecs", 1},
      {"s", 1000},         {"sec", 1000},         {"secs", 1000},
      {"second", 1000},    {"seconds", 1000},     {"m", 60'000},
      {"min", 60'000},     {"mins", 60'000},      {"minute", 60'000},
      {"minutes", 60'000}, {"h", 3'600'000},      {"hr", 3'600'000},
      {"hrs", 3'600'000},  {"hour", 3'600'000},   {"hours", 3'600'000},
      {"d", 86'400'000},   {"day", 86'400'000},   {"days", 86'400'000},
      {"w", 604'800'000},  {"week", 604'800'000}, {"weeks", 604'800'000}};
  for (const auto& [name, ms] : kUnits) {
    if (unit == name) return Period{*amount * ms, 0};
  }
  static const std::pair<std::string_view, int> kCalendar[] = {
      {"mo", 1}, {"mon", 1}, {"mons", 1}, {"month", 1},   {"months", 1},
      {"q", 3},  {"qtr", 3}, {"qtrs", 3}, {"quarter", 3}, {"quarters", 3},
      {"y", 12}, {"yr", 12}, {"yrs", 12}, {"year", 12},   {"years", 12}};
  for (const auto& [name, months] : kCalendar) {
    if (unit == name) {
      if (*amount != std::floor(*amount) || *amount > 120'000) return std::nullopt;
      return Period{0, months * static_cast<int>(*amount)};
    }
  }
  return std::nullopt;
}

double FloorToPeriod(double ms, const Period& period) {
  if (period.calendar_months > 0) {
    std::tm tm = ToTm(ms);
    const int total = (tm.tm_year * 12 + tm.tm_mon);
    const int floored = total - ((total % period.calendar_months) + period.calendar_months) %
                                    period.calendar_months;
    std::tm out{};
    out.tm_year = floored / 12;
    out.tm_mon = floored % 12;
    out.tm_mday = 1;
    return FromTm(out);
  }
  return std::floor(ms / period.millis) * period.millis;
}

double CeilToPeriod(double ms, const Period& period) {
  const double floor = FloorToPeriod(ms, period);
  if (floor == ms) return ms;
  if (period.calendar_months > 0) {
    std::tm tm = ToTm(floor);
    tm.tm_mon += period.calendar_months;
    return FromTm(tm);
  }
  return floor + period.millis;
}

Cell CallScalar(std::string_view name, const std::vector<Cell>& args, double timestamp) {
  auto num = [&](std::size_t i) { return ToNumber(args[i]); };
  auto math = [&](double (*f)(double)) {
    auto v = num(0);
    return v ? Cell::Number(f(*v)) : Cell::Null();
  };
  if (name == "abs") return math(std::fabs);
  if (name == "ceil") return math(std::ceil);
  if (name == "floor") return math(std::floor);
  if (name == "sqrt") {
    auto v = num(0);
    return v && *v >= 0 ? Cell::Number(std::sqrt(*v)) : Cell::Null();
  }
  if (name == "log") {
    auto v = num(0);
    return v && *v > 0 ? Cell::Number(std::log(*v)) : Cell::Null();
  }
  if (name == "greatest" || name == "least") {
    std::optional<double> best;
    for (std::size_t i = 0; i < args.size(); ++i) {
      auto v = num(i);
      if (!v) continue;
      if (!best || (name == "greatest" ? *v > *best : *v < *best)) best = v;
    }
    return best ? Cell::Number(*best) : Cell::Null();
  }
  if (name == "ispresent") return Cell::Bool(!args[0].is_null());
  if (name == "coalesce") {
    for (const Cell& c : args) {
      if (!c.is_null()) return c;
    }
    return Cell::Null();
  }
  if (name == "unmask") return args[0];
  if (name == "isempty") return Cell::Bool(args[0].is_null() || Text(args[0]).empty());
  if (name == "isblank") {
    if (args[0].is_null()) return Cell::Bool(true);
    const std::string s = Text(args[0]);
    return Cell::Bool(std::all_of(s.begin(), s.end(), IsSpace));
  }
  if (name == "concat") {
    std::string out;
    for (const Cell& c : args) out += Text(c);
    return Cell::String(std::move(out));
  }
  if (name == "ltrim" || name == "rtrim" || name == "trim") {
    if (args[0].is_null()) return Cell::Null();
    std::string chars;
    if (args.size() > 1) chars = Text(args[1]);
    return Cell::String(TrimChars(Text(args[0]), args.size() > 1 ? &chars : nullptr,
                                  name != "rtrim", name != "ltrim"));
  }
  if (name == "strlen") {
    if (args[0].is_null()) return Cell::Null();
    return Cell::Number(static_cast<double>(CodePoints(Text(args[0]))));
  }
  if (name == "toupper" || name == "tolower") {
    if (args[0].is_null()) return Cell::Null();
    std::string s = Text(args[0]);
    for (char& c : s) {
      c = static_cast<char>(name == "toupper" ? std::toupper(static_cast<unsigned char>(c))
                                              : std::tolower(static_cast<unsigned char>(c)));
    }
    return Cell::String(std::move(s));
  }
  if (name == "substr") {
    if (args[0].is_null()) return Cell::Null();
    const std::string s = Text(args[0]);
    auto start = num(1);
    if (!start || *start < 0) return Cell::Null();
    // Clamped before converting: positions past the end mean the end.
    const double size = static_cast<double>(s.size());
    const std::size_t b = ByteOffset(s, static_cast<std::size_t>(std::min(*start, size)));
    std::size_t e = s.size();
    if (args.size() > 2) {
      auto length = num(2);
      if (!length || *length < 0) return Cell::Null();
      e = ByteOffset(s, static_cast<std::size_t>(std::min(*start + *length, size)));
    }
    return Cell::String(s.substr(b, e - b));
  }
  if (name == "replace") {
    if (args[0].is_null()) return Cell::Null();
    std::string s = Text(args[0]);
    const std::string from = Text(args[1]);
    const std::string to = Text(args[2]);
    if (from.empty()) return Cell::String(std::move(s));
    std::string out;
    std::size_t at = 0;
    for (std::size_t hit; (hit = s.find(from, at)) != std::string::npos; at = hit + from.size()) {
      out.append(s, at, hit - at);
      out += to;
    }
    out.append(s, at);
    return Cell::String(std::move(out));
  }
  if (name == "strcontains") {
    if (args[0].is_null()) return Cell::Null();
    return Cell::Bool(Text(args[0]).find(Text(args[1])) != std::string::npos);
  }
  if (name == "bin") {
    auto period = ParsePeriod(Text(args[0]));
    if (!period) return Cell::Null();
    return Cell::Time(FloorToPeriod(timestamp, *period));
  }
  if (name == "datefloor" || name == "dateceil") {
    auto t = num(0);
    auto period = ParsePeriod(Text(args[1]));
    if (!t || !period) return Cell::Null();
    return Cell::Time(name == "datefloor" ? FloorToPeriod(*t, *period) : CeilToPeriod(*t, *period));
  }
  if (name == "fromMillis") {
    auto v = num(0);
    return v ? Cell::Time(*v) : Cell::Null();
  }
  if (name == "toMillis") {
    auto v = num(0);
    return v ? Cell::Number(*v) : Cell::Null();
  }
  if (name == "isValidIp" || name == "isValidIpV4" || name == "isValidIpV6") {
    if (args[0].is_null()) return Cell::Bool(false);
    auto ip = ParseIp(Text(args[0]));
    if (!ip) return Cell::Bool(false);
    if (name == "isValidIpV4") return Cell::Bool(ip->family == AF_INET);
    if (name == "isValidIpV6") return Cell::Bool(ip->family == AF_INET6);
    return Cell::Bool(true);
  }
  if (name == "isIpInSubnet") return InSubnet(args[0], args[1], 0);
  if (name == "isIpv4InSubnet") return InSubnet(args[0], args[1], AF_INET);
  if (name == "isIpv6InSubnet") return InSubnet(args[0], args[1], AF_INET6);
  return Cell::Null();
}

}  // namespace tw::services::logs::insights
