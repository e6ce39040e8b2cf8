// SPDX-License-Identifier: Apache-2.0
// MessageSigner: the RSA key SNS signs HTTP/email-json messages with, and the self-signed
// certificate verifiers fetch from SigningCertURL. The key is generated once per data dir
// (sns/signing-key.pem, mode 0600) and reused on restart, so subscribers can cache the
// certificate. SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, both PKCS#1 v1.5 (AWS SNS
// Developer Guide, "Verifying the signatures of Amazon SNS messages").
//
// Thread-safe after Open: signing uses a fresh EVP context per call over an immutable key.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tw::services::sns {

class MessageSigner {
 public:
  // Loads the key and certificate from `dir`, generating them if absent.
  static Result<std::unique_ptr<MessageSigner>> Open(const std::filesystem::path& dir);
  ~MessageSigner();
  MessageSigner(const MessageSigner&) = delete;
  MessageSigner& operator=(const MessageSigner&) = delete;

  // base64(RSA-PKCS1v15(SHA1 or SHA256 of `data`)); version is "1" or "2".
  Result<std::string> Sign(std::string_view data, std::string_view version) const;
  const std::string& certificate_pem() const { return cert_pem_; }
  // A short stable name for the certificate, as AWS's SimpleNotificationService-<hash>.pem.
  const std::string& certificate_id() const { return cert_id_; }

 private:
  MessageSigner() = default;
  struct Key;
  std::unique_ptr<Key> key_;
  std::string cert_pem_;
  std::string cert_id_;
};

}  // namespace tw::services::sns
