// SPDX-License-Identifier: Apache-2.0
#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "common/strings.h"

namespace tw {
namespace {

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out, &size, md, nullptr) != 1) {
    throw std::runtime_error("EVP_Digest failed");
  }
  return std::string(reinterpret_cast<char*>(out), size);
}

}  // namespace

std::string Sha256(std::string_view data) { return Digest(EVP_sha256(), data); }

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string Md5(std::string_view data) { return Digest(EVP_md5(), data); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &size) == nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=';
    if (!ok) return std::nullopt;
  }
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tw

namespace tw {

struct StreamingDigest::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = nullptr;
  explicit State(const EVP_MD* m) : md(m) {
    if (ctx == nullptr || EVP_DigestInit_ex(ctx, md, nullptr) != 1) {
      throw std::runtime_error("EVP_DigestInit_ex failed");
    }
  }
  ~State() { EVP_MD_CTX_free(ctx); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
};

StreamingDigest::StreamingDigest(Algorithm algorithm) {
  const EVP_MD* md = algorithm == Algorithm::kMd5    ? EVP_md5()
                     : algorithm == Algorithm::kSha1 ? EVP_sha1()
                                                     : EVP_sha256();
  state_ = std::make_unique<State>(md);
}
StreamingDigest::StreamingDigest(StreamingDigest&&) noexcept = default;
StreamingDigest& StreamingDigest::operator=(StreamingDigest&&) noexcept = default;
StreamingDigest::~StreamingDigest() = default;

void StreamingDigest::Update(std::string_view data) {
  if (data.empty()) return;
  if (EVP_DigestUpdate(state_->ctx, data.data(), data.size()) != 1) {
    throw std::runtime_error("EVP_DigestUpdate failed");
  }
}

std::string StreamingDigest::Final() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(state_->ctx, out, &size) != 1 ||
      EVP_DigestInit_ex(state_->ctx, state_->md, nullptr) != 1) {
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  }
  return std::string(reinterpret_cast<char*>(out), size);
}

namespace {

// Slicing-by-8 tables for a reflected CRC with polynomial `poly` (already bit-reversed).
struct CrcTables {
  std::uint64_t t[8][256];
  explicit CrcTables(std::uint64_t poly) {
    for (std::uint64_t i = 0; i < 256; ++i) {
      std::uint64_t crc = i;
      for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
      t[0][i] = crc;
    }
    for (int k = 1; k < 8; ++k) {
      for (int i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
    }
  }
};

const CrcTables& TablesFor(StreamingCrc::Algorithm algorithm) {
  static const CrcTables crc32(0xEDB88320ull);
  static const CrcTables crc32c(0x82F63B78ull);
  static const CrcTables crc64nvme(0x9A6C9329AC4BC9B5ull);
  switch (algorithm) {
    case StreamingCrc::Algorithm::kCrc32:
      return crc32;
    case StreamingCrc::Algorithm::kCrc32c:
      return crc32c;
    case StreamingCrc::Algorithm::kCrc64Nvme:
      return crc64nvme;
  }
  return crc32;
}

std::uint64_t CrcMask(StreamingCrc::Algorithm algorithm) {
  return algorithm == StreamingCrc::Algorithm::kCrc64Nvme ? ~0ull : 0xffffffffull;
}

}  // namespace

StreamingCrc::StreamingCrc(Algorithm algorithm) : algorithm_(algorithm), crc_(CrcMask(algorithm)) {}

void StreamingCrc::Update(std::string_view data) {
  const CrcTables& tables = TablesFor(algorithm_);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t n = data.size();
  std::uint64_t crc = crc_;
  while (n >= 8) {
    std::uint64_t word = 0;
    for (int i = 0; i < 8; ++i) word |= static_cast<std::uint64_t>(p[i]) << (8 * i);
    word ^= crc;
    crc = tables.t[7][word & 0xff] ^ tables.t[6][(word >> 8) & 0xff] ^
          tables.t[5][(word >> 16) & 0xff] ^ tables.t[4][(word >> 24) & 0xff] ^
          tables.t[3][(word >> 32) & 0xff] ^ tables.t[2][(word >> 40) & 0xff] ^
          tables.t[1][(word >> 48) & 0xff] ^ tables.t[0][word >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ tables.t[0][(crc ^ *p++) & 0xff];
  crc_ = crc;
}

std::string StreamingCrc::Value() const {
  const std::uint64_t value = crc_ ^ CrcMask(algorithm_);
  const int bytes = algorithm_ == Algorithm::kCrc64Nvme ? 8 : 4;
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

}  // namespace tw
