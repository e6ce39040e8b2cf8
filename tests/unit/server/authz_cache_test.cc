// SPDX-License-Identifier: Apache-2.0
// The caches on the request path (StoreCredentialProvider's key lookups, PolicySetResolver's
// principals, entities and compiled policies) against the real store and the real request path:
// every IAM write that changes what a request is allowed must be seen by the very next request.
// Each test warms the caches with a request, makes one change, and expects the next request to
// be decided differently.
#include <gtest/gtest.h>

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

namespace tw::server {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

constexpr std::int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr char kAccount[] = "000000000000";
constexpr char kRootKey[] = "AKIAROOTEXAMPLE00000";
constexpr char kRootSecret[] = "root-secret";

std::string Encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  auto start = text.find(open);
  if (start == std::string::npos) return "";
  start += open.size();
  auto end = text.find(close, start);
  return end == std::string::npos ? "" : text.substr(start, end - start);
}

class AuthzCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(dir_.path());
    ASSERT_TRUE(db);
    database_ = std::move(db).value();
    accounts_ = std::make_unique<store::AccountsRepository>(*database_);
    ASSERT_TRUE(accounts_->EnsureAccount(kAccount, kNow));
    ASSERT_TRUE(accounts_->PutRootAccessKey(kAccount, kRootKey, kRootSecret, kNow));
    auto set = ServiceSet::Create(ServiceDeps{.database = *database_,
                                              .data_dir = dir_.path(),
                                              .account_id = kAccount,
                                              .clock = clock_,
                                              .random = random_});
    ASSERT_TRUE(set) << set.error().message;
    services_ = std::move(set).value();
    authorizer_ = services_->MakePolicyAuthorizer(kAccount, clock_);
    credentials_ = std::make_unique<StoreCredentialProvider>(*accounts_, database_.get());
    credentials_->CacheWhile(services_->iam_generation());
    dispatcher_ =
        std::make_unique<Dispatcher>(DispatcherDeps{.catalog = protocol::ServiceCatalog::Embedded(),
                                                    .operations = services_->operations(),
                                                    .credentials = *credentials_,
                                                    .authorizer = *authorizer_,
                                                    .clock = clock_,
                                                    .random = random_,
                                                    .account_id = kAccount});
    Root("Action=CreateUser&UserName=bob");
    auto key = Send("Action=CreateAccessKey&UserName=bob", kRootKey, kRootSecret);
    ASSERT_EQ(key.status, 200) << key.body;
    bob_key_ = Between(key.body, "<AccessKeyId>", "</AccessKeyId>");
    bob_secret_ = Between(key.body, "<SecretAccessKey>", "</SecretAccessKey>");
    ASSERT_FALSE(bob_key_.empty());
    ASSERT_FALSE(bob_secret_.empty());
  }

  http::HttpResponse Send(std::string body, const std::string& key, const std::string& secret,
                          const std::string& service = "iam") {
    http::HttpRequest request;
    request.method = "POST";
    request.path = "/";
    request.body = (service == "sts" ? "Version=2011-06-15&" : "Version=2010-05-08&") + body;
    request.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    request.headers.Add("Host", "127.0.0.1:4566");
    auth::SigningParams params;
    params.access_key_id = key;
    params.secret_access_key = secret;
    params.region = "us-east-1";
    params.service = service;
    params.now_millis = kNow;
    auth::SignRequest(request, params);
    return dispatcher_->Handle(request);
  }
  void Root(std::string body) {
    auto r = Send(std::move(body), kRootKey, kRootSecret);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Bob's call: its HTTP status, twice (the second one is answered from warm caches, so both
  // must agree).
  int Bob(std::string body) {
    int first = Send(body, bob_key_, bob_secret_).status;
    int second = Send(body, bob_key_, bob_secret_).status;
    EXPECT_EQ(first, second) << body;
    return second;
  }
  void PutBobPolicy(std::string_view name, std::string_view document) {
    Root("Action=PutUserPolicy&UserName=bob&PolicyName=" + std::string(name) +
         "&PolicyDocument=" + Encode(document));
  }
  void CreatePolicy(std::string_view name, std::string_view document) {
    Root("Action=CreatePolicy&PolicyName=" + std::string(name) +
         "&PolicyDocument=" + Encode(document));
  }
  static std::string Arn(std::string_view policy) {
    return Encode("arn:aws:iam::000000000000:policy/" + std::string(policy));
  }

  static constexpr char kAllowListUsers[] =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]})";
  static constexpr char kAllowGetUser[] =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]})";

  store::testutil::TempDir dir_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<store::AccountsRepository> accounts_;
  tw::testing::FakeClock clock_{kNow};
  tw::testing::FixedRandom random_;
  std::unique_ptr<ServiceSet> services_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<StoreCredentialProvider> credentials_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::string bob_key_, bob_secret_;
};

TEST_F(AuthzCacheTest, DetachUserPolicyIsSeenByTheNextRequest) {
  CreatePolicy("list", kAllowListUsers);
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
  Root("Action=AttachUserPolicy&UserName=bob&PolicyArn=" + Arn("list"));
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=DetachUserPolicy&UserName=bob&PolicyArn=" + Arn("list"));
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
}

TEST_F(AuthzCacheTest, DeleteUserPolicyIsSeenByTheNextRequest) {
  PutBobPolicy("p", kAllowListUsers);
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=DeleteUserPolicy&UserName=bob&PolicyName=p");
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
}

TEST_F(AuthzCacheTest, DeletedAccessKeyNoLongerSigns) {
  PutBobPolicy("p", kAllowListUsers);
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=DeleteAccessKey&UserName=bob&AccessKeyId=" + bob_key_);
  auto refused = Send("Action=ListUsers", bob_key_, bob_secret_);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("InvalidClientTokenId"), std::string::npos) << refused.body;
}

TEST_F(AuthzCacheTest, InactiveAccessKeyIsRefusedAndActiveAgainSigns) {
  PutBobPolicy("p", kAllowListUsers);
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=UpdateAccessKey&UserName=bob&Status=Inactive&AccessKeyId=" + bob_key_);
  auto refused = Send("Action=ListUsers", bob_key_, bob_secret_);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("InvalidClientTokenId"), std::string::npos) << refused.body;
  Root("Action=UpdateAccessKey&UserName=bob&Status=Active&AccessKeyId=" + bob_key_);
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
}

TEST_F(AuthzCacheTest, RemoveUserFromGroupIsSeenByTheNextRequest) {
  Root("Action=CreateGroup&GroupName=listers");
  Root("Action=PutGroupPolicy&GroupName=listers&PolicyName=p&PolicyDocument=" +
       Encode(kAllowListUsers));
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
  Root("Action=AddUserToGroup&GroupName=listers&UserName=bob");
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=RemoveUserFromGroup&GroupName=listers&UserName=bob");
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
}

TEST_F(AuthzCacheTest, PermissionsBoundaryIsSeenByTheNextRequest) {
  PutBobPolicy("p", kAllowListUsers);
  CreatePolicy("only-get", kAllowGetUser);
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=PutUserPermissionsBoundary&UserName=bob&PermissionsBoundary=" + Arn("only-get"));
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
  Root("Action=DeleteUserPermissionsBoundary&UserName=bob");
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
}

TEST_F(AuthzCacheTest, PrincipalTagChangesAreSeenByTheNextRequest) {
  PutBobPolicy("p", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"iam:ListUsers","Resource":"*",
    "Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]})");
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
  Root("Action=TagUser&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=blue");
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=TagUser&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=red");
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
  Root("Action=TagUser&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=blue");
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=UntagUser&UserName=bob&TagKeys.member.1=team");
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
}

TEST_F(AuthzCacheTest, ResourceTagChangesAreSeenByTheNextRequest) {
  Root("Action=CreateUser&UserName=alice");
  PutBobPolicy("p", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"iam:GetUser","Resource":"*",
    "Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}]})");
  EXPECT_EQ(Bob("Action=GetUser&UserName=alice"), 403);
  Root("Action=TagUser&UserName=alice&Tags.member.1.Key=team&Tags.member.1.Value=blue");
  EXPECT_EQ(Bob("Action=GetUser&UserName=alice"), 200);
  Root("Action=UntagUser&UserName=alice&TagKeys.member.1=team");
  EXPECT_EQ(Bob("Action=GetUser&UserName=alice"), 403);
}

TEST_F(AuthzCacheTest, ResourcePathChangesAreSeenByTheNextRequest) {
  Root("Action=CreateUser&UserName=alice");
  PutBobPolicy("p", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"iam:GetUser","Resource":"arn:aws:iam::000000000000:user/ops/*"}]})");
  EXPECT_EQ(Bob("Action=GetUser&UserName=alice"), 403);
  Root("Action=UpdateUser&UserName=alice&NewPath=%2Fops%2F");
  EXPECT_EQ(Bob("Action=GetUser&UserName=alice"), 200);
}

TEST_F(AuthzCacheTest, DefaultPolicyVersionChangesAreSeenByTheNextRequest) {
  CreatePolicy("p", kAllowListUsers);
  Root("Action=AttachUserPolicy&UserName=bob&PolicyArn=" + Arn("p"));
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=CreatePolicyVersion&SetAsDefault=true&PolicyArn=" + Arn("p") +
       "&PolicyDocument=" + Encode(kAllowGetUser));
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
  Root("Action=SetDefaultPolicyVersion&VersionId=v1&PolicyArn=" + Arn("p"));
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
}

// A customer managed policy deleted and created again under the same ARN starts at v1 again
// with a new document: the compiled v1 of the old policy must not be reused.
TEST_F(AuthzCacheTest, RecreatedManagedPolicyIsNotConfusedWithTheOldOne) {
  CreatePolicy("p", kAllowListUsers);
  Root("Action=AttachUserPolicy&UserName=bob&PolicyArn=" + Arn("p"));
  EXPECT_EQ(Bob("Action=ListUsers"), 200);
  Root("Action=DetachUserPolicy&UserName=bob&PolicyArn=" + Arn("p"));
  Root("Action=DeletePolicy&PolicyArn=" + Arn("p"));
  CreatePolicy("p", kAllowGetUser);
  Root("Action=AttachUserPolicy&UserName=bob&PolicyArn=" + Arn("p"));
  EXPECT_EQ(Bob("Action=ListUsers"), 403);
  EXPECT_EQ(Bob("Action=GetUser"), 200);
}

// A renamed user's key signs as the new name at once (the cached credential carries the ARN).
TEST_F(AuthzCacheTest, RenamedUserKeySignsAsTheNewName) {
  auto before = Send("Action=GetCallerIdentity", bob_key_, bob_secret_, "sts");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_NE(before.body.find("<Arn>arn:aws:iam::000000000000:user/bob</Arn>"), std::string::npos);
  Root("Action=UpdateUser&UserName=bob&NewUserName=robert&NewPath=%2Fteam%2F");
  auto after = Send("Action=GetCallerIdentity", bob_key_, bob_secret_, "sts");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_NE(after.body.find("<Arn>arn:aws:iam::000000000000:user/team/robert</Arn>"),
            std::string::npos)
      << after.body;
}

// The cache answers only for keys it has seen under the current generation, and never keeps
// unknown keys.
TEST_F(AuthzCacheTest, CredentialCacheKeepsNoUnknownKeys) {
  EXPECT_FALSE(credentials_->Find("AKIANOSUCHKEY0000000"));
  auto found = credentials_->Find(bob_key_);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->principal.arn, "arn:aws:iam::000000000000:user/bob");
  EXPECT_TRUE(found->active);
  Root("Action=UpdateAccessKey&UserName=bob&Status=Inactive&AccessKeyId=" + bob_key_);
  auto inactive = credentials_->Find(bob_key_);
  ASSERT_TRUE(inactive);
  EXPECT_FALSE(inactive->active);
}

#pragma GCC diagnostic pop

}  // namespace
}  // namespace tw::server
