// SPDX-License-Identifier: Apache-2.0
// The injected source of randomness: ids, request ids and generated keys come from here, so tests
// can make them deterministic. SecureRandom draws from OpenSSL's CSPRNG.
#pragma once

#include <cstdint>
#include <string>

namespace tw {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `size` bytes.
  virtual void Fill(void* out, std::size_t size) = 0;

  std::string Bytes(std::size_t size);
  // A version 4 UUID in lowercase, as AWS request ids are written.
  std::string Uuid();
  // `size` characters drawn uniformly from `alphabet`.
  std::string FromAlphabet(std::string_view alphabet, std::size_t size);
};

class SecureRandom final : public RandomSource {
 public:
  void Fill(void* out, std::size_t size) override;
};

}  // namespace tw
