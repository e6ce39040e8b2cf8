// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/signing_keys.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "common/strings.h"

namespace tw::services::cloudtrail {
namespace {

AwsError KeyError(std::string message) {
  return AwsError::From(ErrorCode::kInternalFailure, "cloudtrail signing key: " + message);
}

bool ValidRegionName(std::string_view region) {
  if (region.empty() || region.size() > 64) return false;
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string PublicDer(EVP_PKEY* pkey) {
  unsigned char* out = nullptr;
  int n = i2d_PublicKey(pkey, &out);  // RSA: PKCS#1 RSAPublicKey
  if (n <= 0) return {};
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
  OPENSSL_free(out);
  return der;
}

}  // namespace

struct SigningKeys::Key {
  EVP_PKEY* pkey = nullptr;
  PublicKeyInfo info;
  ~Key() { EVP_PKEY_free(pkey); }
};

SigningKeys::SigningKeys(std::filesystem::path dir) : dir_(std::move(dir)) {}
SigningKeys::~SigningKeys() = default;

Result<const SigningKeys::Key*> SigningKeys::Load(const std::string& region,
                                                  std::int64_t now_millis) {
  if (auto it = keys_.find(region); it != keys_.end()) return it->second.get();
  if (!ValidRegionName(region)) return KeyError("bad region name");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return KeyError("cannot create " + dir_.string() + ": " + ec.message());
  const std::filesystem::path pem_path = dir_ / (region + ".pem");
  const std::filesystem::path created_path = dir_ / (region + ".created");
  auto key = std::make_unique<Key>();
  std::int64_t created = now_millis;
  if (FILE* f = std::fopen(pem_path.c_str(), "r")) {
    key->pkey = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (!key->pkey) return KeyError("cannot read " + pem_path.string());
    std::ifstream in(created_path);
    std::string text;
    if (in >> text) {
      try {
        created = std::stoll(text);
      } catch (const std::exception&) {
        return KeyError("bad " + created_path.string());
      }
    }
  } else {
    key->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
    if (!key->pkey) return KeyError("key generation failed");
    // Written to a temporary file created 0600 and renamed, so a crash leaves no partial key.
    const std::filesystem::path temp = dir_ / (region + ".pem.tmp");
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return KeyError("cannot create " + temp.string());
    FILE* out = ::fdopen(fd, "w");
    if (!out) {
      ::close(fd);
      return KeyError("cannot open " + temp.string());
    }
    bool ok = PEM_write_PrivateKey(out, key->pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    ok = std::fflush(out) == 0 && ::fsync(fd) == 0 && ok;
    std::fclose(out);
    if (!ok) return KeyError("cannot write " + temp.string());
    {
      std::ofstream stamp(created_path, std::ios::trunc);
      stamp << created << "\n";
      if (!stamp.flush()) return KeyError("cannot write " + created_path.string());
    }
    std::filesystem::rename(temp, pem_path, ec);
    if (ec) return KeyError("cannot rename " + temp.string() + ": " + ec.message());
  }
  key->info.der = PublicDer(key->pkey);
  if (key->info.der.empty()) return KeyError("cannot encode the public key");
  key->info.fingerprint = HexEncode(Md5(key->info.der));
  key->info.valid_from_millis = created;
  key->info.valid_to_millis = created + kValidityMillis;
  const Key* raw = key.get();
  keys_[region] = std::move(key);
  return raw;
}

Result<PublicKeyInfo> SigningKeys::PublicKey(const std::string& region, std::int64_t now_millis) {
  std::lock_guard lock(mu_);
  auto key = Load(region, now_millis);
  if (!key) return std::move(key).error();
  return (*key)->info;
}

Result<std::string> SigningKeys::SignHex(const std::string& region, std::string_view data,
                                         std::int64_t now_millis) {
  std::lock_guard lock(mu_);
  auto key = Load(region, now_millis);
  if (!key) return std::move(key).error();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t size = 0;
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, (*key)->pkey) == 1 &&
            EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1;
  std::string signature(size, '\0');
  ok = ok && EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size,
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return KeyError("signing failed");
  signature.resize(size);
  return HexEncode(signature);
}

Result<std::vector<PublicKeyInfo>> SigningKeys::List(const std::string& region,
                                                     std::int64_t start_millis,
                                                     std::int64_t end_millis,
                                                     std::int64_t now_millis) {
  std::lock_guard lock(mu_);
  auto key = Load(region, now_millis);
  if (!key) return std::move(key).error();
  std::vector<PublicKeyInfo> out;
  const PublicKeyInfo& info = (*key)->info;
  if (info.valid_from_millis <= end_millis && info.valid_to_millis >= start_millis) {
    out.push_back(info);
  }
  return out;
}

bool SigningKeys::Verify(std::string_view public_der, std::string_view data,
                         std::string_view signature) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(public_der.data());
  EVP_PKEY* pkey = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(public_der.size()));
  if (!pkey) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

}  // namespace tw::services::cloudtrail
