// SPDX-License-Identifier: Apache-2.0
// StoreCredentialProvider adapts the accounts repository to what authentication needs: an access
// key id to its secret, status and principal. Thread-safe (the repository is).
#pragma once

#include "auth/credentials.h"
#include "store/accounts_repository.h"

namespace tw::server {

class StoreCredentialProvider final : public auth::CredentialProvider {
 public:
  explicit StoreCredentialProvider(store::AccountsRepository& accounts) : accounts_(accounts) {}
  std::optional<auth::Credential> Find(std::string_view access_key_id) const override;

 private:
  store::AccountsRepository& accounts_;
};

// The principal of an account's root user: ARN arn:aws:iam::<account>:root, and the account id as
// its user id (as GetCallerIdentity reports it).
auth::Principal RootPrincipal(std::string_view account_id);

}  // namespace tw::server
