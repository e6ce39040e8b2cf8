// SPDX-License-Identifier: Apache-2.0
// Dispatcher::Invoke, the console's way into the request path: a pre-authenticated principal's
// call is validated, authorized, executed and recorded like a signed API request, with the
// console's marks in the record; and /console requests reach the console only when unsigned.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "server/credential_store.h"
#include "server/dispatcher.h"
#include "services/sts/sts_service.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace tw::server {
namespace {

namespace json = boost::json;
constexpr std::int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

class NoCredentials final : public auth::CredentialProvider {
 public:
  std::optional<auth::Credential> Find(std::string_view) const override { return std::nullopt; }
};

class Sink final : public pipeline::TrailSink {
 public:
  void Record(pipeline::TrailEvent event) override { events.push_back(std::move(event)); }
  std::vector<pipeline::TrailEvent> events;
};

class DispatcherInvokeTest : public ::testing::Test {
 protected:
  DispatcherInvokeTest() : clock_(kNow), authorizer_("000000000000") {
    services::sts::Register(operations_);
    alice_.type = auth::PrincipalType::kIamUser;
    alice_.account_id = "000000000000";
    alice_.arn = "arn:aws:iam::000000000000:user/alice";
    alice_.user_id = "AIDAEXAMPLEEXAMPLE00";
    alice_.user_name = "alice";
    alice_.access_key_id = "ASIAEXAMPLEEXAMPLE00";
    alice_.session_expires_millis = kNow + 3600 * 1000;
    alice_.mfa_authenticated = true;
    DispatcherDeps deps{.catalog = protocol::ServiceCatalog::Embedded(),
                        .operations = operations_,
                        .credentials = credentials_,
                        .authorizer = authorizer_,
                        .clock = clock_,
                        .random = random_,
                        .account_id = "000000000000",
                        .trail_sink = &sink_,
                        .telemetry = &telemetry_};
    // Streamed uploads are on, as in the server; tests check when a body file is asked for.
    deps.open_body_file = [this]() -> Result<std::unique_ptr<services::BodyFile>> {
      ++body_files_opened_;
      return AwsError::From(ErrorCode::kInternalFailure, "no body files in this test");
    };
    deps.console = [this](http::HttpRequest& request) {
      ++console_requests_;
      http::HttpResponse r;
      r.body = "console:" + request.path;
      return r;
    };
    dispatcher_ = std::make_unique<Dispatcher>(std::move(deps));
  }

  PrincipalCall Call(const auth::Principal& principal, std::string_view service,
                     std::string_view operation, protocol::Value input) {
    const auto* model = protocol::ServiceCatalog::Embedded().Find(service);
    return PrincipalCall{principal,        *model,      *model->FindOperation(operation),
                         std::move(input), "192.0.2.1", "AWS Internal",
                         "Mozilla/5.0",    true,        kNow - 60 * 1000};
  }

  json::object LastRecord() { return json::parse(sink_.events.back().record_json).as_object(); }

  testing::FakeClock clock_;
  testing::FixedRandom random_;
  NoCredentials credentials_;
  AccountRootAuthorizer authorizer_;
  services::OperationTable operations_;
  Sink sink_;
  telemetry::Registry telemetry_;
  auth::Principal alice_;
  int console_requests_ = 0;
  int body_files_opened_ = 0;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherInvokeTest, RunsTheOperationAndRecordsAConsoleCall) {
  auto out = dispatcher_->Invoke(
      Call(alice_, "sts", "GetCallerIdentity", protocol::Value::MakeStructure()));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->GetString("Arn"), "arn:aws:iam::000000000000:user/alice");
  ASSERT_EQ(sink_.events.size(), 1u);
  json::object r = LastRecord();
  EXPECT_EQ(r.at("eventName"), "GetCallerIdentity");
  EXPECT_EQ(r.at("userAgent"), "AWS Internal");
  EXPECT_EQ(r.at("sourceIPAddress"), "192.0.2.1");
  EXPECT_EQ(r.at("sessionCredentialFromConsole"), "true");
  const json::object& id = r.at("userIdentity").as_object();
  EXPECT_EQ(id.at("type"), "IAMUser");
  EXPECT_EQ(id.at("accessKeyId"), "ASIAEXAMPLEEXAMPLE00");
  EXPECT_EQ(id.at("userName"), "alice");
  const json::object& context = id.at("sessionContext").as_object();
  EXPECT_TRUE(context.at("sessionIssuer").as_object().empty());
  EXPECT_TRUE(context.at("webIdFederationData").as_object().empty());
  EXPECT_EQ(context.at("attributes").at("creationDate"), "2025-12-31T23:59:00Z");
  EXPECT_EQ(context.at("attributes").at("mfaAuthenticated"), "true");
}

TEST_F(DispatcherInvokeTest, DeniedCallsAreRecordedWithAwsMessage) {
  protocol::Value input = protocol::Value::MakeStructure();
  input.Set("UserName", "bob");
  auto out = dispatcher_->Invoke(Call(alice_, "iam", "CreateUser", std::move(input)));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "AccessDenied");
  EXPECT_EQ(out.error().http_status, 403);
  EXPECT_NE(out.error().message.find("User: arn:aws:iam::000000000000:user/alice is not "
                                     "authorized to perform: iam:CreateUser"),
            std::string::npos);
  json::object r = LastRecord();
  EXPECT_EQ(r.at("errorCode"), "AccessDenied");
  EXPECT_EQ(r.at("requestParameters").at("userName"), "bob");
}

TEST_F(DispatcherInvokeTest, InputIsValidatedAgainstTheModel) {
  auth::Principal root = RootPrincipal("000000000000");
  auto out = dispatcher_->Invoke(Call(root, "iam", "CreateUser", protocol::Value::MakeStructure()));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().http_status, 400);
  EXPECT_EQ(sink_.events.size(), 1u);
  // Authorized but not implemented here: the clear NotImplemented error, recorded.
  protocol::Value input = protocol::Value::MakeStructure();
  input.Set("UserName", "bob");
  auto missing = dispatcher_->Invoke(Call(root, "iam", "CreateUser", std::move(input)));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NotImplemented");
}

TEST_F(DispatcherInvokeTest, AuthorizeAloneRunsAndRecordsNothing) {
  EXPECT_FALSE(
      dispatcher_->Authorize(Call(alice_, "sns", "ListTopics", protocol::Value::MakeStructure())));
  EXPECT_TRUE(dispatcher_->Authorize(
      Call(RootPrincipal("000000000000"), "sns", "ListTopics", protocol::Value::MakeStructure())));
  EXPECT_TRUE(sink_.events.empty());
}

TEST_F(DispatcherInvokeTest, UnsignedConsolePathsGoToTheConsole) {
  http::HttpRequest page;
  page.method = "GET";
  page.path = "/console/iam/users";
  EXPECT_EQ(dispatcher_->Handle(page).body, "console:/console/iam/users");
  page.path = "/console";
  EXPECT_EQ(dispatcher_->Handle(page).body, "console:/console");
  EXPECT_EQ(console_requests_, 2);
  // Not the console: another prefix, or a signed (S3 path-style, bucket "console") request.
  http::HttpRequest other = page;
  other.path = "/consoles";
  dispatcher_->Handle(other);
  http::HttpRequest signed_request = page;
  signed_request.path = "/console/key";
  signed_request.headers.Add("Authorization", "AWS4-HMAC-SHA256 Credential=x");
  dispatcher_->Handle(signed_request);
  http::HttpRequest presigned = page;
  presigned.raw_query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&X-Amz-Signature=y";
  dispatcher_->Handle(presigned);
  EXPECT_EQ(console_requests_, 2);
}

TEST_F(DispatcherInvokeTest, ConsoleCallsAreCountedOnceWithTheirStatus) {
  ASSERT_TRUE(dispatcher_->Invoke(
      Call(alice_, "sts", "GetCallerIdentity", protocol::Value::MakeStructure())));
  protocol::Value input = protocol::Value::MakeStructure();
  input.Set("UserName", "bob");
  ASSERT_FALSE(dispatcher_->Invoke(Call(alice_, "iam", "CreateUser", std::move(input))));
  const std::string metrics = telemetry_.Render();
  EXPECT_NE(
      metrics.find("trailwatch_requests_total{service=\"sts\",operation=\"GetCallerIdentity\","
                   "status=\"200\"} 1\n"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("trailwatch_requests_total{service=\"iam\",operation=\"CreateUser\","
                         "status=\"403\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("trailwatch_request_duration_seconds_count{service=\"sts\"} 1\n"),
            std::string::npos)
      << metrics;
  // Authorize alone counts nothing.
  ASSERT_TRUE(dispatcher_->Authorize(
      Call(RootPrincipal("000000000000"), "sns", "ListTopics", protocol::Value::MakeStructure())));
  EXPECT_EQ(telemetry_.Render().find("service=\"sns\""), std::string::npos);
}

TEST_F(DispatcherInvokeTest, UnsignedConsolePutsAreNotPlannedAsS3Uploads) {
  http::HttpRequest put;
  put.method = "PUT";
  put.path = "/console/api/call";
  put.headers.Add("Host", "127.0.0.1");
  put.headers.Add("Content-Length", "5");
  ASSERT_TRUE(dispatcher_->MayPlanBody(put));
  http::BodyPlan plan = dispatcher_->PlanBody(put);
  EXPECT_FALSE(plan.response);
  EXPECT_EQ(plan.sink, nullptr);
  EXPECT_EQ(dispatcher_->Handle(put).body, "console:/console/api/call");
  EXPECT_EQ(console_requests_, 1);
  EXPECT_TRUE(sink_.events.empty()) << "the console's own requests are not API calls";

  // Signed, it is S3 PutObject to the bucket "console": checked from its headers (here refused,
  // the key is unknown) and recorded, before any body file is opened.
  http::HttpRequest signed_put = put;
  signed_put.path = "/console/key";
  signed_put.headers.Add("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  signed_put.headers.Add("x-amz-date", "20260101T000000Z");
  signed_put.headers.Add(
      "Authorization",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/"
      "aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
      "Signature=0000000000000000000000000000000000000000000000000000000000000000");
  plan = dispatcher_->PlanBody(signed_put);
  ASSERT_TRUE(plan.response);
  EXPECT_EQ(plan.response->status, 403);
  EXPECT_EQ(console_requests_, 1);
  EXPECT_EQ(body_files_opened_, 0);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(LastRecord().at("eventName"), "PutObject");
}

}  // namespace
}  // namespace tw::server
