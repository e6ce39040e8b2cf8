// SPDX-License-Identifier: Apache-2.0
// The real ServiceSet over a temporary store, the PolicyAuthorizer it makes, and the real
// Dispatcher, with a fixed clock and two keys: the account root's and bob's (an IAM user created
// in SetUp with no policies). Sends signed requests. Not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "auth/sigv4/signer.h"
#include "server/app.h"
#include "server/authorizer.h"
#include "server/credential_store.h"
#include "server/dispatcher.h"
#include "store/accounts_repository.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"
#include "unit/store/temp_dir.h"

namespace tw::server::testing {

// Deps structs grow optional members (SNS links, SMTP) that these tests leave at their defaults.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

inline constexpr std::int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
inline constexpr char kAccount[] = "000000000000";
inline constexpr char kRoot[] = "AKIAROOTEXAMPLE00000";
inline constexpr char kBob[] = "AKIABOBEXAMPLE000000";

class Keys final : public auth::CredentialProvider {
 public:
  void Add(std::string id, auth::Principal principal) {
    auth::Credential c;
    c.access_key_id = id;
    c.secret_access_key = "secret";
    c.active = true;
    // Temporary (ASIA...) keys carry a session token, as STS issues them; Send signs with it.
    if (id.starts_with("ASIA")) {
      c.session_token = SessionToken(id);
      c.expires_millis = principal.session_expires_millis;
    }
    c.principal = std::move(principal);
    keys_[std::move(id)] = std::move(c);
  }
  static std::string SessionToken(std::string_view id) { return "token-" + std::string(id); }
  std::optional<auth::Credential> Find(std::string_view id) const override {
    auto it = keys_.find(std::string(id));
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, auth::Credential> keys_;
};

// The last call's CloudTrail record: its errorCode and errorMessage, even for HEAD requests
// whose responses have no body.
class LastEvent final : public pipeline::TrailSink {
 public:
  void Record(pipeline::TrailEvent event) override { last = std::move(event); }
  pipeline::TrailEvent last;
};

class AuthzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(dir_.path());
    ASSERT_TRUE(db);
    database_ = std::move(db).value();
    ASSERT_TRUE(store::AccountsRepository(*database_).EnsureAccount(kAccount, kNow));
    auto set = ServiceSet::Create(ServiceDeps{.database = *database_,
                                              .data_dir = dir_.path(),
                                              .account_id = kAccount,
                                              .clock = clock_,
                                              .random = random_});
    ASSERT_TRUE(set) << set.error().message;
    services_ = std::move(set).value();
    authorizer_ = services_->MakePolicyAuthorizer(kAccount, clock_);
    keys_.Add("AKIAROOTEXAMPLE00000", RootPrincipal(kAccount));
    auth::Principal bob;
    bob.type = auth::PrincipalType::kIamUser;
    bob.account_id = kAccount;
    bob.arn = "arn:aws:iam::000000000000:user/bob";
    bob.user_id = "AIDAEXAMPLEEXAMPLE00";
    bob.user_name = "bob";
    keys_.Add("AKIABOBEXAMPLE000000", bob);
    dispatcher_ =
        std::make_unique<Dispatcher>(DispatcherDeps{.catalog = protocol::ServiceCatalog::Embedded(),
                                                    .operations = services_->operations(),
                                                    .credentials = keys_,
                                                    .authorizer = *authorizer_,
                                                    .clock = clock_,
                                                    .random = random_,
                                                    .account_id = kAccount,
                                                    .trail_sink = &trail_});
    http::HttpRequest create;
    create.method = "POST";
    create.path = "/";
    create.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    create.body = "Action=CreateUser&Version=2010-05-08&UserName=bob";
    ASSERT_EQ(Send(create, "iam", "AKIAROOTEXAMPLE00000").status, 200);
  }

  http::HttpResponse Send(http::HttpRequest request, const std::string& signing_name,
                          const std::string& key = kBob) {
    request.headers.Add("Host", "127.0.0.1:4566");
    auth::SigningParams params;
    params.access_key_id = key;
    params.secret_access_key = "secret";
    params.region = "us-east-1";
    params.service = signing_name;
    params.now_millis = kNow;
    params.s3 = signing_name == "s3";
    if (key.starts_with("ASIA")) params.session_token = Keys::SessionToken(key);
    auth::SignRequest(request, params);
    return dispatcher_->Handle(request);
  }

  store::testutil::TempDir dir_;
  std::unique_ptr<store::Database> database_;
  tw::testing::FakeClock clock_{kNow};
  tw::testing::FixedRandom random_;
  Keys keys_;
  LastEvent trail_;
  std::unique_ptr<ServiceSet> services_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

#pragma GCC diagnostic pop

}  // namespace tw::server::testing
