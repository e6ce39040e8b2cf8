// SPDX-License-Identifier: Apache-2.0
// The console's view of trailwatch (console::ConsoleBackend) over the IAM store, the account
// settings, the SNS outbox and the dispatcher; and the root user's console password, kept
// argon2id-hashed in the account settings like IAM login profiles. Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/random.h"
#include "console/backend.h"
#include "server/dispatcher.h"
#include "services/iam/iam_store.h"
#include "store/accounts_repository.h"

namespace tw::server {

// The user agent CloudTrail records for calls made by the console, as AWS writes it for calls its
// console makes on a signed-in user's behalf.
inline constexpr std::string_view kConsoleUserAgent = "AWS Internal";

struct ConsoleBackendDeps {
  std::string account_id;
  store::AccountsRepository& accounts;
  services::iam::IamStore& iam_store;
  Dispatcher& dispatcher;
  std::filesystem::path outbox_dir;  // SNS .eml files; empty: an SMTP relay is configured
};

std::unique_ptr<console::ConsoleBackend> MakeConsoleBackend(ConsoleBackendDeps deps);

// Makes sure the root user has a console password: `password` (--root-password) replaces the
// stored one; without it, a data dir that has none gets a generated password, announced once in
// `notices`. Only the argon2id hash is stored.
Status EnsureRootConsolePassword(store::AccountsRepository& accounts,
                                 const std::optional<std::string>& password, RandomSource& random,
                                 std::string& notices);

// Where the root console password hash lives in the account settings.
inline constexpr std::string_view kRootPasswordSetting = "root_console_password_hash";

}  // namespace tw::server
