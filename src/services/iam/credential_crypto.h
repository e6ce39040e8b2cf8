// SPDX-License-Identifier: Apache-2.0
// The cryptography behind console passwords and virtual MFA devices: argon2id password hashes
// (libsodium crypto_pwhash_str, verified in constant time), RFC 4648 base32, RFC 6238 TOTP
// (HMAC-SHA1, 30-second steps, 6 digits, as IAM's virtual MFA devices use) and the QR code PNG IAM
// returns for a new virtual device (libqrencode, written as a PNG with zlib). Pure functions apart
// from libsodium's own salt randomness; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tw::services::iam {

// An argon2id string (algorithm, parameters, salt and hash). Fails only when memory runs out.
Result<std::string> HashPassword(std::string_view password);
// Whether `password` matches `hash`; constant time in the password.
bool VerifyPasswordHash(std::string_view hash, std::string_view password);

std::string Base32Encode(std::string_view bytes);
// nullopt when `text` is not base32 (upper case, no padding).
std::optional<std::string> Base32Decode(std::string_view text);

inline constexpr std::int64_t kTotpStepSeconds = 30;
// The 6-digit code of time step `counter` for the raw secret `key`.
std::string TotpCode(std::string_view key, std::int64_t counter);
// The step whose code is `code`, searched from `now_step - behind` to `now_step + ahead`.
std::optional<std::int64_t> FindTotpStep(std::string_view key, std::string_view code,
                                         std::int64_t now_step, std::int64_t behind,
                                         std::int64_t ahead);
// The first of two consecutive steps whose codes are `code1` then `code2`, searched like
// FindTotpStep (EnableMFADevice, ResyncMFADevice).
std::optional<std::int64_t> FindConsecutiveTotpSteps(std::string_view key, std::string_view code1,
                                                     std::string_view code2, std::int64_t now_step,
                                                     std::int64_t behind, std::int64_t ahead);

// A PNG image of the QR code of `text` (8-bit greyscale, 4 pixels per module, a quiet zone of
// four modules). Fails when the text is too long for a QR code.
Result<std::string> QrCodePng(std::string_view text);

}  // namespace tw::services::iam
