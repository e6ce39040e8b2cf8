// SPDX-License-Identifier: Apache-2.0
// Small string helpers used across layers: ASCII case folding, trimming, splitting, percent
// encoding as SigV4 and the query protocol define it, and hex. GCC 12 has no <format>; use fmt.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

std::string ToLower(std::string_view s);
bool IEquals(std::string_view a, std::string_view b);
bool IStartsWith(std::string_view s, std::string_view prefix);
std::string_view Trim(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char sep);

// RFC 3986 percent-encoding of every byte except the unreserved set A-Z a-z 0-9 - . _ ~ (and '/'
// when keep_slash), with uppercase hex: SigV4's UriEncode.
std::string UriEncode(std::string_view s, bool keep_slash = false);
// Percent-decoding; when plus_as_space, '+' decodes to ' ' (form bodies). Returns nullopt for a
// malformed escape.
std::optional<std::string> UriDecode(std::string_view s, bool plus_as_space = false);

// name=value pairs of an application/x-www-form-urlencoded string, decoded, in order.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseFormEncoded(
    std::string_view s);

// Appends `s` as a JSON string literal: quotes, the two-character escapes, and \u00XX (lowercase
// hex) for other control characters. Bytes >= 0x80 pass through: the caller owns UTF-8 validity.
void AppendJsonString(std::string& out, std::string_view s);

std::string HexEncode(std::string_view bytes);
std::optional<std::string> HexDecode(std::string_view hex);

}  // namespace tw
