// SPDX-License-Identifier: Apache-2.0
#include "services/iam/credential_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>
#include <sodium.h>
#include <zlib.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

namespace tw::services::iam {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

void PutBigEndian32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void PngChunk(std::string& png, std::string_view type, std::string_view data) {
  PutBigEndian32(png, static_cast<std::uint32_t>(data.size()));
  std::string body(type);
  body.append(data);
  png.append(body);
  uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  PutBigEndian32(png, static_cast<std::uint32_t>(crc));
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  if (!SodiumReady()) return AwsError::From(ErrorCode::kInternalFailure, "libsodium init failed");
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return AwsError::From(ErrorCode::kInternalFailure, "password hashing ran out of memory");
  }
  return std::string(out.data());
}

bool VerifyPasswordHash(std::string_view hash, std::string_view password) {
  if (!SodiumReady() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::array<char, crypto_pwhash_STRBYTES> stored{};
  std::memcpy(stored.data(), hash.data(), hash.size());
  return crypto_pwhash_str_verify(stored.data(), password.data(), password.size()) == 0;
}

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char ch : bytes) {
    buffer = (buffer << 8) | ch;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    auto pos = kBase32.find(ch);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(pos);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string TotpCode(std::string_view key, std::int64_t counter) {
  unsigned char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message, sizeof message, digest,
       &digest_size);
  // RFC 4226 dynamic truncation.
  int offset = digest[digest_size - 1] & 0x0f;
  std::uint32_t binary = (static_cast<std::uint32_t>(digest[offset] & 0x7f) << 24) |
                         (static_cast<std::uint32_t>(digest[offset + 1]) << 16) |
                         (static_cast<std::uint32_t>(digest[offset + 2]) << 8) |
                         static_cast<std::uint32_t>(digest[offset + 3]);
  std::string code = std::to_string(binary % 1'000'000);
  return std::string(6 - code.size(), '0') + code;
}

std::optional<std::int64_t> FindTotpStep(std::string_view key, std::string_view code,
                                         std::int64_t now_step, std::int64_t behind,
                                         std::int64_t ahead) {
  if (code.size() != 6) return std::nullopt;
  for (std::int64_t step = now_step - behind; step <= now_step + ahead; ++step) {
    if (CRYPTO_memcmp(TotpCode(key, step).data(), code.data(), 6) == 0) {
      return step;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> FindConsecutiveTotpSteps(std::string_view key, std::string_view code1,
                                                     std::string_view code2, std::int64_t now_step,
                                                     std::int64_t behind, std::int64_t ahead) {
  if (code1.size() != 6 || code2.size() != 6) return std::nullopt;
  for (std::int64_t step = now_step - behind; step <= now_step + ahead; ++step) {
    if (TotpCode(key, step) == code1 && TotpCode(key, step + 1) == code2) return step;
  }
  return std::nullopt;
}

Result<std::string> QrCodePng(std::string_view text) {
  std::string input(text);
  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(
      QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!qr) return AwsError::From(ErrorCode::kInternalFailure, "QR encoding failed");
  constexpr int kScale = 4, kQuiet = 4;
  const int modules = qr->width;
  const int size = (modules + 2 * kQuiet) * kScale;
  // Raw scanlines: a filter byte (0, none) then one grey byte per pixel.
  std::string raw;
  raw.reserve(static_cast<std::size_t>(size) * (size + 1));
  for (int y = 0; y < size; ++y) {
    raw.push_back(0);
    int my = y / kScale - kQuiet;
    for (int x = 0; x < size; ++x) {
      int mx = x / kScale - kQuiet;
      bool dark = mx >= 0 && my >= 0 && mx < modules && my < modules &&
                  (qr->data[my * modules + mx] & 1) != 0;
      raw.push_back(dark ? '\0' : '\xff');
    }
  }
  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string compressed(compressed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &compressed_size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    return AwsError::From(ErrorCode::kInternalFailure, "PNG compression failed");
  }
  compressed.resize(compressed_size);
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  PutBigEndian32(header, static_cast<std::uint32_t>(size));
  PutBigEndian32(header, static_cast<std::uint32_t>(size));
  header.append({8, 0, 0, 0, 0});  // bit depth 8, greyscale, deflate, no filter, no interlace
  PngChunk(png, "IHDR", header);
  PngChunk(png, "IDAT", compressed);
  PngChunk(png, "IEND", "");
  return png;
}

}  // namespace tw::services::iam
