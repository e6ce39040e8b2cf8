// SPDX-License-Identifier: Apache-2.0
// SigningKeys: CloudTrail's per-Region RSA key pairs that sign digest files (SHA256withRSA,
// PKCS#1 v1.5 over SHA-256) and that ListPublicKeys publishes. A Region's key is generated on
// first use (2048 bits) and kept as a PKCS#8 PEM file, readable by the owner only, in
// <data-dir>/cloudtrail-keys/<region>.pem, so digests stay verifiable across restarts. The
// validity period starts when the key was made. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tw::services::cloudtrail {

struct PublicKeyInfo {
  std::string der;          // PKCS#1 RSAPublicKey, DER
  std::string fingerprint;  // 32 hex digits: MD5 of the DER
  std::int64_t valid_from_millis = 0;
  std::int64_t valid_to_millis = 0;
};

class SigningKeys {
 public:
  static constexpr std::int64_t kValidityMillis = 10LL * 365 * 24 * 3600 * 1000;

  explicit SigningKeys(std::filesystem::path dir);
  ~SigningKeys();
  SigningKeys(const SigningKeys&) = delete;
  SigningKeys& operator=(const SigningKeys&) = delete;

  // The Region's key (created now if it has none yet).
  Result<PublicKeyInfo> PublicKey(const std::string& region, std::int64_t now_millis);
  // Hex of the SHA256withRSA signature of `data` with the Region's key.
  Result<std::string> SignHex(const std::string& region, std::string_view data,
                              std::int64_t now_millis);
  // Keys of the Region whose validity overlaps [start, end] (ListPublicKeys).
  Result<std::vector<PublicKeyInfo>> List(const std::string& region, std::int64_t start_millis,
                                          std::int64_t end_millis, std::int64_t now_millis);

  // Checks a SHA256withRSA signature against a DER PKCS#1 public key (tests, self-checks).
  static bool Verify(std::string_view public_der, std::string_view data,
                     std::string_view signature);

 private:
  struct Key;
  Result<const Key*> Load(const std::string& region, std::int64_t now_millis);  // REQUIRES: mu_

  std::filesystem::path dir_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Key>> keys_;  // GUARDED_BY(mu_)
};

}  // namespace tw::services::cloudtrail
