// SPDX-License-Identifier: Apache-2.0
// ConsoleBackend: everything the console needs from the rest of trailwatch, implemented by the
// server layer (src/server/console_backend.cc) over the IAM store, the account settings and the
// dispatcher. The console never reaches services or the request path any other way, so every
// action a signed-in user takes is the dispatcher's: authorized by the user's policies, validated
// against the model and recorded in CloudTrail. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "common/result.h"
#include "protocol/model.h"
#include "protocol/value.h"

namespace tw::console {

// The outcome of checking a console password.
struct PasswordCheck {
  enum class Outcome { kMatch, kWrongPassword, kNoSuchUser };
  Outcome outcome = Outcome::kNoSuchUser;
  // kMatch and kWrongPassword: who the name belongs to (principal.type kRoot for the root user).
  auth::Principal principal;
  bool password_reset_required = false;  // PasswordResetRequired, or an expired password
  std::vector<std::string> mfa_serials;  // the user's enabled MFA devices
};

// One operation a signed-in console user runs.
struct ConsoleCall {
  const auth::Principal& principal;
  const protocol::ServiceModel& service;
  const protocol::Operation& operation;
  protocol::Value input;
  std::string source_ip;
  std::string user_agent;  // the browser's; the CloudTrail record uses the console's own
  std::int64_t session_created_millis = 0;
};

struct OutboxMessage {
  std::string to;
  std::string subject;
  std::string body;
  std::int64_t time_millis = 0;
};

class ConsoleBackend {
 public:
  virtual ~ConsoleBackend() = default;
  virtual const std::string& account_id() const = 0;
  // The account alias, when the account has one ("Account ID or alias").
  virtual std::optional<std::string> AccountAlias() = 0;
  // Checks the password of the root user (`user_name` empty) or of IAM user `user_name`. Takes
  // about the same time whether or not the user exists or has a password. Fails only when the
  // store does.
  virtual Result<PasswordCheck> CheckPassword(std::string_view user_name, std::string_view password,
                                              std::int64_t now_millis) = 0;
  // Records a completed sign-in as the IAM user's password use (PasswordLastUsed).
  virtual void RecordPasswordUse(std::string_view user_name, std::int64_t now_millis) = 0;
  // Whether `code` is the current code of the user's device `serial` (each code accepted once).
  virtual Result<bool> CheckMfaCode(std::string_view user_name, std::string_view serial,
                                    std::string_view code, std::int64_t now_millis) = 0;
  // Runs the operation through the dispatcher as `call.principal` (validation, authorization,
  // execution, CloudTrail record) and returns its output or its AWS error.
  virtual Result<protocol::Value> Call(ConsoleCall call) = 0;
  // Whether the call would be authorized (nothing runs, nothing is recorded).
  virtual Status MayCall(const ConsoleCall& call) = 0;
  // SNS email written to the outbox (no SMTP relay configured), newest first; an empty list with
  // an SMTP relay.
  virtual Result<std::vector<OutboxMessage>> Outbox(std::size_t limit) = 0;
};

}  // namespace tw::console
