// SPDX-License-Identifier: Apache-2.0
// A strict, bounded JSON reader for request bodies: RFC 8259 text (no comments, no trailing
// commas, valid UTF-8) into a boost::json::value, with a nesting limit. It exists because
// boost::json::parse in Boost 1.81 rounds some decimal numbers to a neighbouring double (about a
// fifth of random 17-digit values); metric values must arrive exactly as the client sent them, so
// numbers with a fraction or exponent are re-read with std::from_chars, which rounds correctly.
// Stateless; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace tw::protocol {

struct JsonReadError {
  std::string message;
};

// Parses one JSON document. On failure returns nullopt and fills `error` (when given).
std::optional<boost::json::value> ReadJson(std::string_view text, int max_depth,
                                           JsonReadError* error = nullptr);

}  // namespace tw::protocol
