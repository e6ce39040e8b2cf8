// SPDX-License-Identifier: Apache-2.0
#include "services/sns/signer.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "common/strings.h"

namespace tw::services::sns {
namespace {

AwsError SignerError(std::string message) {
  return AwsError::From(ErrorCode::kInternalFailure, "SNS signing key: " + std::move(message));
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Status WriteFile(const std::filesystem::path& path, const std::string& text, int mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return SignerError("cannot create " + path.string());
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return SignerError("cannot write " + path.string());
  return {};
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

struct MessageSigner::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

MessageSigner::~MessageSigner() = default;

Result<std::unique_ptr<MessageSigner>> MessageSigner::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto key_path = dir / "signing-key.pem";
  const auto cert_path = dir / "signing-cert.pem";
  std::unique_ptr<MessageSigner> signer(new MessageSigner());
  signer->key_ = std::make_unique<Key>();

  if (std::filesystem::exists(key_path) && std::filesystem::exists(cert_path)) {
    std::string key_pem = ReadFile(key_path);
    BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    signer->key_->pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!signer->key_->pkey) return SignerError("cannot read " + key_path.string());
    signer->cert_pem_ = ReadFile(cert_path);
  } else {
    signer->key_->pkey = EVP_RSA_gen(2048);
    if (!signer->key_->pkey) return SignerError("RSA key generation failed");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    // A random 64-bit serial; the certificate is self-signed and valid for ten years.
    unsigned char serial[8];
    EVP_PKEY* pkey = signer->key_->pkey;
    {
      std::string bytes = Sha256(key_path.string() + std::to_string(::time(nullptr)));
      std::copy_n(bytes.begin(), 8, serial);
      serial[0] &= 0x7f;
    }
    BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600);
    X509_set_pubkey(cert, pkey);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("sns.amazonaws.com"), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("trailwatch"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    if (X509_sign(cert, pkey, EVP_sha256()) <= 0) {
      X509_free(cert);
      return SignerError("certificate signing failed");
    }
    BIO* cert_bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(cert_bio, cert);
    signer->cert_pem_ = BioText(cert_bio);
    BIO_free(cert_bio);
    X509_free(cert);
    BIO* key_bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(key_bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    std::string key_pem = BioText(key_bio);
    BIO_free(key_bio);
    if (Status st = WriteFile(key_path, key_pem, 0600); !st) return st.error();
    if (Status st = WriteFile(cert_path, signer->cert_pem_, 0644); !st) return st.error();
  }
  signer->cert_id_ = Sha256Hex(signer->cert_pem_).substr(0, 32);
  return signer;
}

Result<std::string> MessageSigner::Sign(std::string_view data, std::string_view version) const {
  const EVP_MD* md = version == "2" ? EVP_sha256() : EVP_sha1();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string signature;
  std::size_t size = 0;
  bool ok = EVP_DigestSignInit(ctx, nullptr, md, nullptr, key_->pkey) == 1 &&
            EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1;
  if (ok) {
    signature.resize(size);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size,
                        reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    signature.resize(size);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return SignerError("signing failed");
  return Base64Encode(signature);
}

}  // namespace tw::services::sns
