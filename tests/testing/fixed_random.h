// SPDX-License-Identifier: Apache-2.0
// A RandomSource that yields a repeatable byte stream (a simple counter mix), so ids and request
// ids are deterministic in tests. Not thread-safe; not random.
#pragma once

#include <cstdint>

#include "common/random.h"

namespace tw::testing {

class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::uint64_t seed = 1) : state_(seed) {}
  void Fill(void* out, std::size_t size) override {
    auto* bytes = static_cast<unsigned char*>(out);
    for (std::size_t i = 0; i < size; ++i) {
      // splitmix64 step: well spread and repeatable.
      state_ += 0x9e3779b97f4a7c15ull;
      std::uint64_t z = state_;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      bytes[i] = static_cast<unsigned char>(z ^ (z >> 31));
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace tw::testing
