// SPDX-License-Identifier: Apache-2.0
// The console's backend over the real IAM store and dispatcher: root and IAM user passwords,
// the password policy's expiry, MFA devices, calls as the signed-in principal, the outbox.
#include "server/console_backend.h"

#include <gtest/gtest.h>

#include <fstream>

#include "services/iam/credential_crypto.h"
#include "unit/server/authz_fixture.h"

namespace tw::server::testing {
namespace {

using console::PasswordCheck;
using protocol::Value;

class ConsoleBackendTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    accounts_ = std::make_unique<store::AccountsRepository>(*database_);
    outbox_ = dir_.path() / "outbox";
    backend_ = MakeConsoleBackend(
        ConsoleBackendDeps{kAccount, *accounts_, services_->iam_store(), *dispatcher_, outbox_});
  }

  Value AsRoot(std::string_view service, std::string_view operation, Value input) {
    const auto* model = protocol::ServiceCatalog::Embedded().Find(service);
    auth::Principal root = RootPrincipal(kAccount);
    auto out = backend_->Call(console::ConsoleCall{root, *model, *model->FindOperation(operation),
                                                   std::move(input), "127.0.0.1", "test", kNow});
    EXPECT_TRUE(out) << operation << ": " << out.error().message;
    return out ? *out : Value();
  }

  static Value Input(std::initializer_list<std::pair<const char*, Value>> members) {
    Value v = Value::MakeStructure();
    for (const auto& [name, value] : members) v.Set(name, value);
    return v;
  }

  std::unique_ptr<store::AccountsRepository> accounts_;
  std::filesystem::path outbox_;
  std::unique_ptr<console::ConsoleBackend> backend_;
};

TEST_F(ConsoleBackendTest, RootPasswordGivenOrGeneratedOnce) {
  std::string notices;
  ASSERT_TRUE(EnsureRootConsolePassword(*accounts_, std::nullopt, random_, notices));
  const std::string marker = "console password: ";
  ASSERT_NE(notices.find(marker), std::string::npos);
  std::string generated = notices.substr(notices.find(marker) + marker.size());
  generated = generated.substr(0, generated.find(' '));
  auto stored = accounts_->GetSetting(kRootPasswordSetting);
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_TRUE((*stored)->starts_with("$argon2id$"));
  EXPECT_EQ((*stored)->find(generated), std::string::npos);

  auto check = backend_->CheckPassword("", generated, kNow);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->outcome, PasswordCheck::Outcome::kMatch);
  EXPECT_EQ(check->principal.type, auth::PrincipalType::kRoot);
  EXPECT_EQ(check->principal.arn, "arn:aws:iam::000000000000:root");

  std::string again;
  ASSERT_TRUE(EnsureRootConsolePassword(*accounts_, std::nullopt, random_, again));
  EXPECT_TRUE(again.empty());  // kept, not regenerated
  ASSERT_TRUE(EnsureRootConsolePassword(*accounts_, std::string("Given-Pass1"), random_, again));
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(backend_->CheckPassword("", generated, kNow)->outcome,
            PasswordCheck::Outcome::kWrongPassword);
  EXPECT_EQ(backend_->CheckPassword("", "Given-Pass1", kNow)->outcome,
            PasswordCheck::Outcome::kMatch);
  EXPECT_FALSE(EnsureRootConsolePassword(*accounts_, std::string(), random_, again));
}

TEST_F(ConsoleBackendTest, IamUserPasswords) {
  auto unknown = backend_->CheckPassword("nobody", "x", kNow);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->outcome, PasswordCheck::Outcome::kNoSuchUser);
  // bob exists but has no console password.
  auto none = backend_->CheckPassword("BOB", "x", kNow);
  EXPECT_EQ(none->outcome, PasswordCheck::Outcome::kWrongPassword);
  EXPECT_EQ(none->principal.user_name, "bob");  // the stored name
  EXPECT_EQ(none->principal.arn, "arn:aws:iam::000000000000:user/bob");
  EXPECT_TRUE(none->principal.user_id.starts_with("AIDA"));

  AsRoot(
      "iam", "CreateLoginProfile",
      Input({{"UserName", "bob"}, {"Password", "Bob-Pass-123"}, {"PasswordResetRequired", true}}));
  auto wrong = backend_->CheckPassword("bob", "Bob-Pass-124", kNow);
  EXPECT_EQ(wrong->outcome, PasswordCheck::Outcome::kWrongPassword);
  auto right = backend_->CheckPassword("bob", "Bob-Pass-123", kNow);
  EXPECT_EQ(right->outcome, PasswordCheck::Outcome::kMatch);
  EXPECT_TRUE(right->password_reset_required);
  EXPECT_TRUE(right->mfa_serials.empty());
}

TEST_F(ConsoleBackendTest, ExpiredPasswordsMustBeChangedOrWithHardExpiryCannotBeUsed) {
  AsRoot("iam", "CreateLoginProfile", Input({{"UserName", "bob"}, {"Password", "Bob-Pass-123"}}));
  AsRoot("iam", "UpdateAccountPasswordPolicy", Input({{"MaxPasswordAge", 1}}));
  EXPECT_FALSE(backend_->CheckPassword("bob", "Bob-Pass-123", kNow)->password_reset_required);
  const std::int64_t later = kNow + 2 * 24 * 60 * 60 * 1000;
  auto expired = backend_->CheckPassword("bob", "Bob-Pass-123", later);
  EXPECT_EQ(expired->outcome, PasswordCheck::Outcome::kMatch);
  EXPECT_TRUE(expired->password_reset_required);
  AsRoot("iam", "UpdateAccountPasswordPolicy",
         Input({{"MaxPasswordAge", 1}, {"HardExpiry", true}}));
  EXPECT_EQ(backend_->CheckPassword("bob", "Bob-Pass-123", later)->outcome,
            PasswordCheck::Outcome::kWrongPassword);
}

TEST_F(ConsoleBackendTest, MfaDevicesAndCodes) {
  AsRoot("iam", "CreateLoginProfile", Input({{"UserName", "bob"}, {"Password", "Bob-Pass-123"}}));
  Value device = AsRoot("iam", "CreateVirtualMFADevice", Input({{"VirtualMFADeviceName", "bob"}}));
  const Value& d = *device.Find("VirtualMFADevice");
  std::string serial(d.GetString("SerialNumber"));
  auto key = services::iam::Base32Decode(d.Find("Base32StringSeed")->as_blob().bytes);
  ASSERT_TRUE(key);
  const std::int64_t step = kNow / 1000 / 30;
  AsRoot("iam", "EnableMFADevice",
         Input({{"UserName", "bob"},
                {"SerialNumber", serial},
                {"AuthenticationCode1", services::iam::TotpCode(*key, step - 2)},
                {"AuthenticationCode2", services::iam::TotpCode(*key, step - 1)}}));
  auto check = backend_->CheckPassword("bob", "Bob-Pass-123", kNow);
  ASSERT_EQ(check->mfa_serials, std::vector<std::string>{serial});
  EXPECT_FALSE(*backend_->CheckMfaCode("bob", serial, services::iam::TotpCode(*key, step - 1),
                                       kNow));  // already used
  EXPECT_TRUE(*backend_->CheckMfaCode("bob", serial, services::iam::TotpCode(*key, step), kNow));
  EXPECT_FALSE(*backend_->CheckMfaCode("bob", serial, services::iam::TotpCode(*key, step), kNow));
}

TEST_F(ConsoleBackendTest, CallsRunAsThePrincipalUnderItsPolicies) {
  auth::Principal bob;
  bob.type = auth::PrincipalType::kIamUser;
  bob.account_id = kAccount;
  bob.arn = "arn:aws:iam::000000000000:user/bob";
  bob.user_name = "bob";
  const auto* iam = protocol::ServiceCatalog::Embedded().Find("iam");
  console::ConsoleCall call{
      bob,       *iam, *iam->FindOperation("ListUsers"), Value::MakeStructure(), "127.0.0.1",
      "Mozilla", kNow};
  EXPECT_FALSE(backend_->MayCall(call));
  auto denied = backend_->Call(call);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "AccessDenied");
  EXPECT_NE(trail_.last.record_json.find("\"sessionCredentialFromConsole\":\"true\""),
            std::string::npos);
  EXPECT_NE(trail_.last.record_json.find("\"userAgent\":\"AWS Internal\""), std::string::npos);
  AsRoot(
      "iam", "PutUserPolicy",
      Input(
          {{"UserName", "bob"},
           {"PolicyName", "list"},
           {"PolicyDocument",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]})"}}));
  EXPECT_TRUE(backend_->MayCall(call));
  EXPECT_TRUE(backend_->Call(call));
}

// AllowUsersToChangePassword lets every IAM user change its own password without a policy, as
// the forced password change needs.
TEST_F(ConsoleBackendTest, PasswordPolicyCanLetUsersChangeTheirPassword) {
  AsRoot("iam", "CreateLoginProfile", Input({{"UserName", "bob"}, {"Password", "Bob-Pass-123"}}));
  auth::Principal bob;
  bob.type = auth::PrincipalType::kIamUser;
  bob.account_id = kAccount;
  bob.arn = "arn:aws:iam::000000000000:user/bob";
  bob.user_name = "bob";
  const auto* iam = protocol::ServiceCatalog::Embedded().Find("iam");
  auto change = [&](const char* from, const char* to) {
    return backend_->Call(console::ConsoleCall{bob, *iam, *iam->FindOperation("ChangePassword"),
                                               Input({{"OldPassword", from}, {"NewPassword", to}}),
                                               "127.0.0.1", "Mozilla", kNow});
  };
  auto denied = change("Bob-Pass-123", "Bob-Pass-456");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "AccessDenied");
  AsRoot("iam", "UpdateAccountPasswordPolicy", Input({{"AllowUsersToChangePassword", true}}));
  EXPECT_TRUE(change("Bob-Pass-123", "Bob-Pass-456"));
  // Only its own password: changing another user's is a different action (UpdateLoginProfile).
  auto other = backend_->Call(console::ConsoleCall{
      bob, *iam, *iam->FindOperation("UpdateLoginProfile"),
      Input({{"UserName", "alice"}, {"Password", "X-Pass-1234"}}), "127.0.0.1", "Mozilla", kNow});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "AccessDenied");
  // An explicit Deny still wins.
  AsRoot(
      "iam", "PutUserPolicy",
      Input(
          {{"UserName", "bob"},
           {"PolicyName", "deny"},
           {"PolicyDocument",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ChangePassword","Resource":"*"}]})"}}));
  auto explicit_deny = change("Bob-Pass-456", "Bob-Pass-789");
  ASSERT_FALSE(explicit_deny);
  EXPECT_EQ(explicit_deny.error().code, "AccessDenied");
}

TEST_F(ConsoleBackendTest, OutboxNewestFirst) {
  auto empty = backend_->Outbox(10);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());  // no outbox folder yet
  std::filesystem::create_directories(outbox_);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(outbox_ / name, std::ios::binary) << text;
  };
  write("1767225600000-a.eml",
        "From: x\r\nTo: ops@example.com\r\nSubject: ALARM: \"high\"\r\n\r\nline 1\r\nline 2\r\n");
  write("1767225660000-b.eml",
        "To: dev@example.com\r\nSubject: =?UTF-8?B?w6lsw6h2ZQ==?=\r\n\r\nbody\r\n");
  write("notes.txt", "ignored");
  auto messages = backend_->Outbox(10);
  ASSERT_TRUE(messages);
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].to, "dev@example.com");
  EXPECT_EQ((*messages)[0].subject, "\xc3\xa9l\xc3\xa8ve");
  EXPECT_EQ((*messages)[0].time_millis, 1767225660000);
  EXPECT_EQ((*messages)[1].subject, "ALARM: \"high\"");
  EXPECT_EQ((*messages)[1].body, "line 1\nline 2\n");
  EXPECT_EQ(backend_->Outbox(1)->size(), 1u);
}

}  // namespace
}  // namespace tw::server::testing
