// SPDX-License-Identifier: Apache-2.0
// The timestamp formats on AWS wires: ISO 8601 (query and XML bodies, "2015-08-30T12:36:00Z",
// with optional fraction), SigV4's basic form ("20150830T123600Z"), RFC 1123 HTTP dates (REST
// headers) and epoch seconds (JSON and CBOR). All in UTC; times are epoch milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tw {

// "2015-08-30T12:36:00Z" or, when millis are non-zero and with_millis, "...12:36:00.123Z".
std::string FormatIso8601(std::int64_t epoch_millis, bool with_millis = true);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)" and date-only "YYYY-MM-DD".
std::optional<std::int64_t> ParseIso8601(std::string_view s);

// SigV4 "20150830T123600Z".
std::string FormatAmzDate(std::int64_t epoch_millis);
std::optional<std::int64_t> ParseAmzDate(std::string_view s);

// RFC 1123 "Sun, 30 Aug 2015 12:36:00 GMT".
std::string FormatHttpDate(std::int64_t epoch_millis);
std::optional<std::int64_t> ParseHttpDate(std::string_view s);

// Days since 1970-01-01 for a civil date, and back (proleptic Gregorian).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d);

}  // namespace tw
