// SPDX-License-Identifier: Apache-2.0
// The request path in-process: signed requests of every protocol through the real dispatcher,
// codecs, verifier, validation and authorizer, with a fixed clock and in-memory credentials.
#include "server/dispatcher.h"

#include <gtest/gtest.h>

#include <map>

#include "auth/sigv4/signer.h"
#include "server/credential_store.h"
#include "services/sts/sts_service.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

// Deps structs grow optional members (SNS links, SMTP) that these tests leave at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace tw::server {
namespace {

constexpr std::int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

class MapCredentials final : public auth::CredentialProvider {
 public:
  void Add(std::string id, std::string secret, auth::Principal principal, bool active = true) {
    auth::Credential c;
    c.access_key_id = id;
    c.secret_access_key = std::move(secret);
    c.active = active;
    c.principal = std::move(principal);
    keys_[std::move(id)] = std::move(c);
  }
  std::optional<auth::Credential> Find(std::string_view id) const override {
    auto it = keys_.find(std::string(id));
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, auth::Credential> keys_;
};

// Keeps what the dispatcher records, for the audit-step tests.
class CollectingTrailSink final : public pipeline::TrailSink {
 public:
  void Record(pipeline::TrailEvent event) override { events.push_back(std::move(event)); }
  std::vector<pipeline::TrailEvent> events;
};

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : clock_(kNow), authorizer_("000000000000") {
    credentials_.Add("test", "test", RootPrincipal("000000000000"));
    auth::Principal alice;
    alice.type = auth::PrincipalType::kIamUser;
    alice.account_id = "000000000000";
    alice.arn = "arn:aws:iam::000000000000:user/alice";
    alice.user_id = "AIDAEXAMPLEEXAMPLE00";
    alice.user_name = "alice";
    credentials_.Add("AKIAALICEEXAMPLE0000", "alice-secret", alice);
    credentials_.Add("AKIAINACTIVEEXAMPLE0", "s", RootPrincipal("000000000000"), false);
    services::sts::Register(operations_);
    dispatcher_ =
        std::make_unique<Dispatcher>(DispatcherDeps{.catalog = protocol::ServiceCatalog::Embedded(),
                                                    .operations = operations_,
                                                    .credentials = credentials_,
                                                    .authorizer = authorizer_,
                                                    .clock = clock_,
                                                    .random = random_,
                                                    .account_id = "000000000000",
                                                    .trail_sink = &trail_});
  }

  http::HttpResponse Send(http::HttpRequest request, std::string service, std::string key = "test",
                          std::string secret = "test", std::int64_t signed_at = kNow) {
    request.headers.Add("Host", "127.0.0.1:4566");
    auth::SigningParams params;
    params.access_key_id = std::move(key);
    params.secret_access_key = std::move(secret);
    params.region = "us-east-1";
    params.service = std::move(service);
    params.now_millis = signed_at;
    params.s3 = params.service == "s3";
    auth::SignRequest(request, params);
    return dispatcher_->Handle(request);
  }

  static http::HttpRequest Query(std::string body) {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/";
    r.body = std::move(body);
    r.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    return r;
  }

  static http::HttpRequest Json(std::string target, std::string body) {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/";
    r.body = std::move(body);
    r.headers.Add("Content-Type", "application/x-amz-json-1.1");
    r.headers.Add("X-Amz-Target", std::move(target));
    return r;
  }

  testing::FakeClock clock_;
  testing::FixedRandom random_;
  CollectingTrailSink trail_;
  MapCredentials credentials_;
  AccountRootAuthorizer authorizer_;
  services::OperationTable operations_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, GetCallerIdentityForRootThroughTheWholePath) {
  auto r = Send(Query("Action=GetCallerIdentity&Version=2011-06-15"), "sts");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<Arn>arn:aws:iam::000000000000:root</Arn>"), std::string::npos);
  EXPECT_NE(r.body.find("<UserId>000000000000</UserId>"), std::string::npos);
  EXPECT_FALSE(r.headers.Get("x-amzn-RequestId").empty());
}

TEST_F(DispatcherTest, GetCallerIdentityForAUserNeedsNoPolicy) {
  auto r = Send(Query("Action=GetCallerIdentity&Version=2011-06-15"), "sts", "AKIAALICEEXAMPLE0000",
                "alice-secret");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<Arn>arn:aws:iam::000000000000:user/alice</Arn>"), std::string::npos);
}

TEST_F(DispatcherTest, AuthenticationErrorsPerProtocol) {
  auto bad_secret =
      Send(Query("Action=GetCallerIdentity&Version=2011-06-15"), "sts", "test", "wrong");
  EXPECT_EQ(bad_secret.status, 403);
  EXPECT_NE(bad_secret.body.find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos);

  auto unknown =
      Send(Json("Logs_20140328.DescribeLogGroups", "{}"), "logs", "AKIAUNKNOWNKEY000000", "x");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("UnrecognizedClientException"), std::string::npos);

  auto inactive = Send(Query("Action=GetCallerIdentity&Version=2011-06-15"), "sts",
                       "AKIAINACTIVEEXAMPLE0", "s");
  EXPECT_EQ(inactive.status, 403);
  EXPECT_NE(inactive.body.find("<Code>InvalidClientTokenId</Code>"), std::string::npos);

  auto skewed = Send(Query("Action=GetCallerIdentity&Version=2011-06-15"), "sts", "test", "test",
                     kNow - 16 * 60 * 1000);
  EXPECT_EQ(skewed.status, 403);
  EXPECT_NE(skewed.body.find("Signature expired: 20251231T234400Z is now earlier than"),
            std::string::npos);

  http::HttpRequest unsigned_request = Query("Action=GetCallerIdentity&Version=2011-06-15");
  auto missing = dispatcher_->Handle(unsigned_request);
  EXPECT_EQ(missing.status, 403);
  EXPECT_NE(missing.body.find("<Code>MissingAuthenticationToken</Code>"), std::string::npos);
}

TEST_F(DispatcherTest, UnknownAndUnimplementedOperationsAreNamed) {
  auto unknown = Send(Query("Action=Frobnicate&Version=2010-05-08"), "iam");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("<Code>InvalidAction</Code>"), std::string::npos);

  auto json_unknown = Send(Json("Logs_20140328.Frobnicate", "{}"), "logs");
  EXPECT_EQ(json_unknown.status, 400);
  EXPECT_NE(json_unknown.body.find("UnknownOperationException"), std::string::npos);

  auto not_implemented = Send(Json("Logs_20140328.DescribeLogGroups", "{}"), "logs");
  EXPECT_EQ(not_implemented.status, 501);
  EXPECT_NE(not_implemented.body.find("logs:DescribeLogGroups"), std::string::npos);
}

TEST_F(DispatcherTest, ValidationRunsBeforeAuthorizationAndHandlers) {
  // CreateLogGroup without its required name: the model's constraint, in Logs' error style.
  auto r = Send(Json("Logs_20140328.CreateLogGroup", "{}"), "logs");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("InvalidParameterException"), std::string::npos);
  EXPECT_NE(r.body.find("Value null at 'logGroupName' failed to satisfy constraint: Member must "
                        "not be null"),
            std::string::npos);
}

TEST_F(DispatcherTest, NonRootPrincipalsAreDeniedEverythingButWhoAmI) {
  auto r = Send(Json("Logs_20140328.CreateLogGroup", R"({"logGroupName":"g"})"), "logs",
                "AKIAALICEEXAMPLE0000", "alice-secret");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("AccessDeniedException"), std::string::npos);
  EXPECT_NE(r.body.find("User: arn:aws:iam::000000000000:user/alice is not authorized to "
                        "perform: logs:CreateLogGroup"),
            std::string::npos);
}

TEST_F(DispatcherTest, HealthNeedsNoSignature) {
  http::HttpRequest r;
  r.method = "GET";
  r.path = "/health";
  auto response = dispatcher_->Handle(r);
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("\"status\":\"ready\""), std::string::npos);
  EXPECT_NE(response.body.find("\"cloudwatch\""), std::string::npos);
}

TEST_F(DispatcherTest, S3RequestsGetS3Errors) {
  http::HttpRequest r;
  r.method = "GET";
  r.path = "/";
  auto response = Send(r, "s3", "test", "wrong");
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(response.body.find("<Error><Code>SignatureDoesNotMatch</Code>"), std::string::npos);
  EXPECT_FALSE(response.headers.Get("x-amz-request-id").empty());
}

}  // namespace
}  // namespace tw::server
