// SPDX-License-Identifier: Apache-2.0
// The credential lookup authentication needs: an access key id to its secret, status, session
// token and the principal it stands for. Implemented over the store by the composition root; tests
// use an in-memory map. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"

namespace tw::auth {

struct Credential {
  std::string access_key_id;
  std::string secret_access_key;
  bool active = true;                        // an Inactive key is refused like an unknown one
  std::optional<std::string> session_token;  // set for temporary (ASIA...) credentials
  std::optional<std::int64_t> expires_millis;
  Principal principal;
};

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  virtual std::optional<Credential> Find(std::string_view access_key_id) const = 0;
};

// Records that a key signed a request (IAM's GetAccessKeyLastUsed). Called by the dispatcher after
// every successful authentication; implementations throttle their writes. Thread-safe.
class KeyUsageRecorder {
 public:
  virtual ~KeyUsageRecorder() = default;
  virtual void RecordUse(std::string_view access_key_id, std::int64_t now_millis,
                         std::string_view service, std::string_view region) const = 0;
};

}  // namespace tw::auth
