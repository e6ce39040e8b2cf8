// SPDX-License-Identifier: Apache-2.0
#include "server/console_backend.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "common/strings.h"
#include "services/iam/credential_crypto.h"
#include "services/iam/mfa_check.h"
#include "services/iam/support.h"
#include "services/sns/transport.h"

namespace tw::server {
namespace {

namespace iam = services::iam;

// An argon2id hash of a random password nobody knows: checking against it when a user has no
// password costs what a real check costs, so timing does not reveal who exists.
const std::string& DecoyHash() {
  static const std::string hash = [] {
    SecureRandom random;
    auto h = iam::HashPassword(random.FromAlphabet("abcdefghijklmnopqrstuvwxyz0123456789", 32));
    return h ? *h : std::string();
  }();
  return hash;
}

// RFC 2047 "=?UTF-8?B?...?=" subjects (what SNS writes for non-ASCII) back to text.
std::string DecodeHeader(std::string_view text) {
  constexpr std::string_view kPrefix = "=?UTF-8?B?";
  if (!text.starts_with(kPrefix) || !text.ends_with("?=")) return std::string(text);
  auto decoded = Base64Decode(text.substr(kPrefix.size(), text.size() - kPrefix.size() - 2));
  return decoded ? *decoded : std::string(text);
}

class Backend final : public console::ConsoleBackend {
 public:
  explicit Backend(ConsoleBackendDeps deps) : deps_(std::move(deps)) { (void)DecoyHash(); }

  const std::string& account_id() const override { return deps_.account_id; }

  std::optional<std::string> AccountAlias() override {
    auto alias = deps_.iam_store.GetAccountAlias();
    if (!alias) return std::nullopt;
    return *alias;
  }

  Result<console::PasswordCheck> CheckPassword(std::string_view user_name,
                                               std::string_view password,
                                               std::int64_t now_millis) override {
    console::PasswordCheck check;
    if (user_name.empty()) return CheckRoot(password);
    auto user = deps_.iam_store.GetUser(user_name);
    if (!user) {
      if (user.error().code != "NoSuchEntity") return std::move(user).error();
      (void)iam::VerifyPasswordHash(DecoyHash(), password);
      return check;  // kNoSuchUser
    }
    check.principal.type = auth::PrincipalType::kIamUser;
    check.principal.account_id = deps_.account_id;
    check.principal.user_name = user->name;
    check.principal.user_id = user->id;
    check.principal.arn = iam::IamArn(deps_.account_id, "user", user->path, user->name);
    auto profile = deps_.iam_store.GetLoginProfile(user->name);
    if (!profile) {
      if (profile.error().code != "NoSuchEntity") return std::move(profile).error();
      // A user without a console password cannot sign in; same time as a real check.
      (void)iam::VerifyPasswordHash(DecoyHash(), password);
      check.outcome = console::PasswordCheck::Outcome::kWrongPassword;
      return check;
    }
    if (!iam::VerifyPasswordHash(profile->password_hash, password)) {
      check.outcome = console::PasswordCheck::Outcome::kWrongPassword;
      return check;
    }
    // The password policy's MaxPasswordAge: an expired password must be changed at sign-in,
    // or, with HardExpiry, cannot be used at all (an administrator must reset it).
    bool expired = false, hard = false;
    if (auto policy = deps_.iam_store.GetPasswordPolicy(); policy && policy->has_value()) {
      const auto& p = **policy;
      if (p.max_password_age && *p.max_password_age > 0) {
        const std::int64_t changed =
            profile->password_changed_at ? profile->password_changed_at : profile->created_at;
        expired = now_millis - changed >= *p.max_password_age * 24 * 60 * 60 * 1000;
        hard = p.hard_expiry;
      }
    }
    if (expired && hard) {
      check.outcome = console::PasswordCheck::Outcome::kWrongPassword;
      return check;
    }
    check.outcome = console::PasswordCheck::Outcome::kMatch;
    check.password_reset_required = profile->password_reset_required || expired;
    auto devices = deps_.iam_store.ListMfaDevices(user->name);
    if (!devices) return std::move(devices).error();
    for (const auto& device : *devices) {
      if (device.enabled_at) check.mfa_serials.push_back(device.serial_number);
    }
    return check;
  }

  void RecordPasswordUse(std::string_view user_name, std::int64_t now_millis) override {
    if (!user_name.empty()) {
      (void)deps_.iam_store.RecordPasswordUse(user_name, now_millis / 1000 * 1000);
    }
  }

  Result<bool> CheckMfaCode(std::string_view user_name, std::string_view serial,
                            std::string_view code, std::int64_t now_millis) override {
    auto result = iam::CheckMfaCode(deps_.iam_store, user_name, serial, code, now_millis);
    if (!result) return std::move(result).error();
    return *result == iam::MfaCheck::kValid;
  }

  Result<protocol::Value> Call(console::ConsoleCall call) override {
    return deps_.dispatcher.Invoke(ToPrincipalCall(std::move(call)));
  }

  Status MayCall(const console::ConsoleCall& call) override {
    return deps_.dispatcher.Authorize(ToPrincipalCall(call));
  }

  Result<std::vector<console::OutboxMessage>> Outbox(std::size_t limit) override {
    std::vector<console::OutboxMessage> out;
    if (deps_.outbox_dir.empty()) return out;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(deps_.outbox_dir, ec)) {
      if (entry.path().extension() == ".eml") files.push_back(entry.path());
    }
    // Names start with the epoch milliseconds of sending; newest first.
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
      return MillisOf(a) != MillisOf(b) ? MillisOf(a) > MillisOf(b) : a > b;
    });
    if (files.size() > limit) files.resize(limit);
    for (const auto& path : files) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      std::string text = buffer.str();
      console::OutboxMessage message;
      message.time_millis = MillisOf(path);
      auto split = text.find("\r\n\r\n");
      std::string_view headers(text.data(), split == std::string::npos ? text.size() : split);
      for (std::string_view line : Split(headers, '\n')) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.starts_with("To: ")) message.to = std::string(line.substr(4));
        if (line.starts_with("Subject: ")) message.subject = DecodeHeader(line.substr(9));
      }
      if (split != std::string::npos) {
        // SNS writes bodies quoted-printable (services/sns/transport.cc).
        message.body =
            services::sns::DecodeQuotedPrintable(std::string_view(text).substr(split + 4));
      }
      out.push_back(std::move(message));
    }
    return out;
  }

 private:
  static std::int64_t MillisOf(const std::filesystem::path& path) {
    std::string name = path.filename().string();
    std::int64_t millis = 0;
    for (char c : name) {
      if (c < '0' || c > '9') break;
      millis = millis * 10 + (c - '0');
    }
    return millis;
  }

  PrincipalCall ToPrincipalCall(console::ConsoleCall call) const {
    return PrincipalCall{call.principal,
                         call.service,
                         call.operation,
                         std::move(call.input),
                         std::move(call.source_ip),
                         std::string(kConsoleUserAgent),
                         std::move(call.user_agent),
                         /*from_console=*/true,
                         call.session_created_millis};
  }

  Result<console::PasswordCheck> CheckRoot(std::string_view password) {
    console::PasswordCheck check;
    check.principal.type = auth::PrincipalType::kRoot;
    check.principal.account_id = deps_.account_id;
    check.principal.arn = "arn:aws:iam::" + deps_.account_id + ":root";
    check.principal.user_id = deps_.account_id;
    auto hash = deps_.accounts.GetSetting(kRootPasswordSetting);
    if (!hash) return std::move(hash).error();
    const bool match = hash->has_value()
                           ? iam::VerifyPasswordHash(**hash, password)
                           : ((void)iam::VerifyPasswordHash(DecoyHash(), password), false);
    check.outcome = match ? console::PasswordCheck::Outcome::kMatch
                          : console::PasswordCheck::Outcome::kWrongPassword;
    return check;
  }

  ConsoleBackendDeps deps_;
};

}  // namespace

std::unique_ptr<console::ConsoleBackend> MakeConsoleBackend(ConsoleBackendDeps deps) {
  return std::make_unique<Backend>(std::move(deps));
}

Status EnsureRootConsolePassword(store::AccountsRepository& accounts,
                                 const std::optional<std::string>& password, RandomSource& random,
                                 std::string& notices) {
  if (password) {
    if (password->empty()) {
      return AwsError::From(ErrorCode::kInternalFailure, "--root-password must not be empty");
    }
    // Keep the stored hash when it already matches: argon2id salts differ on every hash.
    auto stored = accounts.GetSetting(kRootPasswordSetting);
    if (!stored) return std::move(stored).error();
    if (stored->has_value() && services::iam::VerifyPasswordHash(**stored, *password)) return {};
    auto hash = services::iam::HashPassword(*password);
    if (!hash) return std::move(hash).error();
    return accounts.PutSetting(kRootPasswordSetting, *hash);
  }
  auto stored = accounts.GetSetting(kRootPasswordSetting);
  if (!stored) return std::move(stored).error();
  if (stored->has_value()) return {};
  // Letters and digits of both cases plus symbols: satisfies any password policy's classes.
  std::string generated =
      random.FromAlphabet("ABCDEFGHJKLMNPQRSTUVWXYZ", 4) +
      random.FromAlphabet("abcdefghijkmnopqrstuvwxyz", 8) + random.FromAlphabet("23456789", 4) +
      random.FromAlphabet("!#%+=", 2) +
      random.FromAlphabet("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 6);
  auto hash = services::iam::HashPassword(generated);
  if (!hash) return std::move(hash).error();
  if (Status st = accounts.PutSetting(kRootPasswordSetting, *hash); !st) return st;
  notices += "generated the root user's console password: " + generated +
             " (shown once; set your own with --root-password)\n";
  return {};
}

}  // namespace tw::server
