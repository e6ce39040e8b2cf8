// SPDX-License-Identifier: Apache-2.0
#include "common/time_format.h"

#include <array>
#include <charconv>
#include <cstdio>

#include "common/strings.h"

namespace tw {
namespace {

constexpr std::int64_t kMillisPerDay = 86'400'000;

struct Civil {
  std::int64_t year;
  unsigned month, day, hour, minute, second, millis;
};

// Howard Hinnant's civil-from-days algorithm.
Civil CivilFromMillis(std::int64_t epoch_millis) {
  std::int64_t days = epoch_millis / kMillisPerDay;
  std::int64_t rem = epoch_millis % kMillisPerDay;
  if (rem < 0) {
    rem += kMillisPerDay;
    --days;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  Civil c{y + (m <= 2), m, d, 0, 0, 0, 0};
  c.hour = static_cast<unsigned>(rem / 3'600'000);
  c.minute = static_cast<unsigned>(rem / 60'000 % 60);
  c.second = static_cast<unsigned>(rem / 1000 % 60);
  c.millis = static_cast<unsigned>(rem % 1000);
  return c;
}

std::optional<unsigned> Digits(std::string_view s, std::size_t pos, std::size_t count) {
  if (pos + count > s.size()) return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return value;
}

bool ValidCivil(unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned se) {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && se <= 60;
}

std::int64_t ToMillis(std::int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned se,
                      unsigned ms) {
  return DaysFromCivil(y, mo, d) * kMillisPerDay + (h * 3600LL + mi * 60LL + se) * 1000 + ms;
}

constexpr std::array<const char*, 7> kWeekdays = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string FormatIso8601(std::int64_t epoch_millis, bool with_millis) {
  Civil c = CivilFromMillis(epoch_millis);
  char buf[40];
  if (with_millis && c.millis != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
                  static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second,
                  c.millis);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
                  static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second);
  }
  return buf;
}

std::optional<std::int64_t> ParseIso8601(std::string_view s) {
  auto y = Digits(s, 0, 4);
  if (!y || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto mo = Digits(s, 5, 2);
  auto d = Digits(s, 8, 2);
  if (!mo || !d) return std::nullopt;
  if (s.size() == 10) {
    if (!ValidCivil(*mo, *d, 0, 0, 0)) return std::nullopt;
    return ToMillis(*y, *mo, *d, 0, 0, 0, 0);
  }
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  auto h = Digits(s, 11, 2);
  auto mi = Digits(s, 14, 2);
  auto se = Digits(s, 17, 2);
  if (!h || !mi || !se || !ValidCivil(*mo, *d, *h, *mi, *se)) return std::nullopt;
  std::size_t pos = 19;
  unsigned ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    unsigned scale = 100;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += static_cast<unsigned>(s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset_minutes = 0;
  if (pos == s.size()) {
    // No zone: AWS treats it as UTC.
  } else if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
  } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
    auto oh = Digits(s, pos + 1, 2);
    auto om = Digits(s, pos + 4, 2);
    if (!oh || !om) return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (s[pos] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  return ToMillis(*y, *mo, *d, *h, *mi, *se, ms) - offset_minutes * 60'000;
}

std::string FormatAmzDate(std::int64_t epoch_millis) {
  Civil c = CivilFromMillis(epoch_millis);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02uT%02u%02u%02uZ", static_cast<long long>(c.year),
                c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

std::optional<std::int64_t> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  auto y = Digits(s, 0, 4);
  auto mo = Digits(s, 4, 2);
  auto d = Digits(s, 6, 2);
  auto h = Digits(s, 9, 2);
  auto mi = Digits(s, 11, 2);
  auto se = Digits(s, 13, 2);
  if (!y || !mo || !d || !h || !mi || !se || !ValidCivil(*mo, *d, *h, *mi, *se)) {
    return std::nullopt;
  }
  return ToMillis(*y, *mo, *d, *h, *mi, *se, 0);
}

std::string FormatHttpDate(std::int64_t epoch_millis) {
  Civil c = CivilFromMillis(epoch_millis);
  std::int64_t days = epoch_millis / kMillisPerDay - (epoch_millis % kMillisPerDay < 0 ? 1 : 0);
  const char* weekday = kWeekdays[static_cast<std::size_t>(((days % 7) + 7) % 7)];
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u GMT", weekday, c.day,
                kMonths[c.month - 1], static_cast<long long>(c.year), c.hour, c.minute, c.second);
  return buf;
}

std::optional<std::int64_t> ParseHttpDate(std::string_view s) {
  // "Sun, 30 Aug 2015 12:36:00 GMT"
  s = Trim(s);
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto d = Digits(s, 5, 2);
  auto y = Digits(s, 12, 4);
  auto h = Digits(s, 17, 2);
  auto mi = Digits(s, 20, 2);
  auto se = Digits(s, 23, 2);
  unsigned mo = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (s.substr(8, 3) == kMonths[i]) mo = i + 1;
  }
  if (!d || !y || !h || !mi || !se || mo == 0 || !ValidCivil(mo, *d, *h, *mi, *se)) {
    return std::nullopt;
  }
  return ToMillis(*y, mo, *d, *h, *mi, *se, 0);
}

}  // namespace tw
