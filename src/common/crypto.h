// SPDX-License-Identifier: Apache-2.0
// Hashes, HMAC, base64 and constant-time comparison over OpenSSL 3 (EVP). Raw digests are
// returned as byte strings; HexEncode (common/strings.h) turns them into lowercase hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tw {

std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string Md5(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

std::string Base64Encode(std::string_view bytes);
// Standard alphabet with padding; whitespace is not accepted. nullopt on malformed input.
std::optional<std::string> Base64Decode(std::string_view text);

// Compares two secrets without leaking where they differ through timing.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace tw
