// SPDX-License-Identifier: Apache-2.0
#include "common/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

namespace tw {

std::string RandomSource::Bytes(std::size_t size) {
  std::string out(size, '\0');
  Fill(out.data(), size);
  return out;
}

std::string RandomSource::Uuid() {
  unsigned char b[16];
  Fill(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}

std::string RandomSource::FromAlphabet(std::string_view alphabet, std::size_t size) {
  std::string out;
  out.reserve(size);
  // Rejection sampling keeps the distribution uniform for any alphabet size.
  const unsigned limit = 256 - (256 % alphabet.size());
  while (out.size() < size) {
    unsigned char byte;
    Fill(&byte, 1);
    if (byte < limit) out.push_back(alphabet[byte % alphabet.size()]);
  }
  return out;
}

void SecureRandom::Fill(void* out, std::size_t size) {
  // Small requests (ids: a request id and an event id per API call) come from a per-thread
  // block of RAND_bytes output, each byte handed out once: one RAND_bytes call per 4 KiB
  // instead of one per id (RAND_bytes takes locks and was ~3% of the request path).
  constexpr std::size_t kBlock = 4096;
  constexpr std::size_t kSmall = 64;
  struct Pool {
    unsigned char bytes[kBlock];
    std::size_t used = kBlock;
  };
  thread_local Pool pool;
  if (size <= kSmall) {
    if (kBlock - pool.used < size) {
      if (RAND_bytes(pool.bytes, static_cast<int>(kBlock)) != 1) {
        throw std::runtime_error("RAND_bytes failed");
      }
      pool.used = 0;
    }
    std::memcpy(out, pool.bytes + pool.used, size);
    OPENSSL_cleanse(pool.bytes + pool.used, size);  // never handed out or left behind twice
    pool.used += size;
    return;
  }
  if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(size)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
}

}  // namespace tw
