// SPDX-License-Identifier: Apache-2.0
// Hashes, HMAC, base64 and constant-time comparison over OpenSSL 3 (EVP). Raw digests are
// returned as byte strings; HexEncode (common/strings.h) turns them into lowercase hex.
#pragma once

#include <cstdint>
#include <memory>
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

// A digest computed over data arriving in pieces (request bodies streamed to disk). Move-only.
class StreamingDigest {
 public:
  enum class Algorithm { kMd5, kSha1, kSha256 };
  explicit StreamingDigest(Algorithm algorithm);
  StreamingDigest(StreamingDigest&&) noexcept;
  StreamingDigest& operator=(StreamingDigest&&) noexcept;
  ~StreamingDigest();
  void Update(std::string_view data);
  // The raw digest; the object starts over afterwards.
  std::string Final();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The CRCs S3's flexible checksums use (x-amz-checksum-crc32, -crc32c, -crc64nvme), computed
// incrementally. Value() is the big-endian raw CRC (4 or 8 bytes), which S3 sends base64-encoded.
class StreamingCrc {
 public:
  enum class Algorithm { kCrc32, kCrc32c, kCrc64Nvme };
  explicit StreamingCrc(Algorithm algorithm);
  void Update(std::string_view data);
  std::string Value() const;

 private:
  Algorithm algorithm_;
  std::uint64_t crc_;
};

// Compares two secrets without leaking where they differ through timing.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace tw
