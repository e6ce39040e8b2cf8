// SPDX-License-Identifier: Apache-2.0
// The console's HTTP behaviour over a fake backend: cookies and their attributes, CSRF on every
// state change, the sign-in flow (root, IAM user, MFA, forced reset), lock-out, the ConsoleLogin
// records it writes, the API call path and the security headers.
#include "console/console_handler.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::console {
namespace {

namespace json = boost::json;

class FakeBackend final : public ConsoleBackend {
 public:
  const std::string& account_id() const override { return account_; }
  std::optional<std::string> AccountAlias() override { return std::string("my-alias"); }
  Result<PasswordCheck> CheckPassword(std::string_view user_name, std::string_view password,
                                      std::int64_t) override {
    ++password_checks;
    PasswordCheck check;
    if (user_name.empty()) {
      check.principal.type = auth::PrincipalType::kRoot;
      check.principal.arn = "arn:aws:iam::000000000000:root";
      check.principal.user_id = account_;
      check.outcome = password == "root-pass" ? PasswordCheck::Outcome::kMatch
                                              : PasswordCheck::Outcome::kWrongPassword;
      return check;
    }
    if (user_name != "alice" && user_name != "bob" && user_name != "carol") return check;
    check.principal.type = auth::PrincipalType::kIamUser;
    check.principal.user_name = std::string(user_name);
    check.principal.user_id = "AIDA" + std::string(user_name);
    check.principal.arn = "arn:aws:iam::000000000000:user/" + std::string(user_name);
    check.outcome = password == "Passw0rd!" ? PasswordCheck::Outcome::kMatch
                                            : PasswordCheck::Outcome::kWrongPassword;
    if (user_name == "bob") check.mfa_serials = {"arn:aws:iam::000000000000:mfa/bob"};
    if (user_name == "carol") check.password_reset_required = true;
    return check;
  }
  void RecordPasswordUse(std::string_view user_name, std::int64_t) override {
    password_uses.push_back(std::string(user_name));
  }
  Result<bool> CheckMfaCode(std::string_view, std::string_view, std::string_view code,
                            std::int64_t) override {
    return code == "123456";
  }
  Result<protocol::Value> Call(ConsoleCall call) override {
    std::lock_guard lock(mu);
    calls.push_back(call.service.name() + ":" + call.operation.name + " as " + call.principal.arn);
    last_input = call.input;
    if (call.operation.name == "DeleteUser") {
      return AwsError::Make(
          "AccessDenied", 403,
          "User: " + call.principal.arn + " is not authorized to perform: iam:DeleteUser");
    }
    if (call.operation.name == "ChangePassword" &&
        call.input.GetString("OldPassword") != "Passw0rd!") {
      return AwsError::Make("AccessDenied", 403, "The old password is incorrect.");
    }
    protocol::Value out = protocol::Value::MakeStructure();
    if (call.operation.name == "GetUser") {
      protocol::Value user = protocol::Value::MakeStructure();
      user.Set("UserName", call.principal.user_name);
      user.Set("CreateDate", protocol::Timestamp{1'767'225'600'000});
      out.Set("User", user);
    }
    return out;
  }
  Status MayCall(const ConsoleCall& call) override {
    if (call.principal.user_name == "alice") return {};
    return AwsError::Make("AuthorizationError", 403, "not allowed");
  }
  Result<std::vector<OutboxMessage>> Outbox(std::size_t) override {
    return std::vector<OutboxMessage>{{"ops@example.com", "ALARM", "body", 1'767'225'600'000}};
  }

  std::string account_ = "000000000000";
  int password_checks = 0;
  std::vector<std::string> password_uses;
  std::mutex mu;
  std::vector<std::string> calls;
  protocol::Value last_input;
};

class RecordingSink final : public pipeline::TrailSink {
 public:
  void Record(pipeline::TrailEvent event) override { events.push_back(std::move(event)); }
  std::vector<pipeline::TrailEvent> events;
};

class ConsoleHandlerTest : public ::testing::Test {
 protected:
  ConsoleHandlerTest() { Rebuild({}); }

  void Rebuild(ConsoleOptions options) {
    assets_ = AssetTable();
    assets_.Add("static/index.html", "<!doctype html><title>console</title>");
    assets_.Add("static/js/app.js", "console.log(1)");
    handler_ = std::make_unique<ConsoleHandler>(
        ConsoleDeps{backend_, protocol::ServiceCatalog::Embedded(), &sink_, clock_, random_,
                    assets_, [] { return std::string("http://127.0.0.1:4566/console/"); },
                    [this](std::int64_t millis) { slept_ += millis; }, options});
  }

  http::HttpResponse Send(std::string method, std::string path, std::string body = "",
                          std::string csrf = "", bool with_cookie = true) {
    http::HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    r.remote_ip = "192.0.2.7";
    r.headers.Add("Host", "127.0.0.1:4566");
    r.headers.Add("User-Agent", "Mozilla/5.0 test");
    if (!r.body.empty()) r.headers.Add("Content-Type", "application/json");
    if (with_cookie && !cookie_.empty()) r.headers.Add("Cookie", "other=1; " + cookie_);
    if (!csrf.empty()) r.headers.Add("X-CSRF-Token", csrf);
    http::HttpResponse response = handler_->Handle(r);
    if (const std::string* set = response.headers.Find("Set-Cookie")) {
      cookie_ = set->substr(0, set->find(';'));
    }
    return response;
  }

  json::object Body(const http::HttpResponse& r) { return json::parse(r.body).as_object(); }

  // A fresh anonymous session; returns its CSRF token.
  std::string Start() {
    cookie_.clear();
    auto r = Send("GET", "/console/api/session");
    EXPECT_EQ(r.status, 200);
    return std::string(Body(r).at("csrfToken").as_string());
  }

  http::HttpResponse SignIn(const std::string& csrf, std::string user, std::string password,
                            std::string mfa = "") {
    json::object body;
    body["account"] = "000000000000";
    body["userName"] = user;
    body["password"] = password;
    if (!mfa.empty()) body["mfaCode"] = mfa;
    return Send("POST", "/console/api/signin", json::serialize(body), csrf);
  }

  testing::FakeClock clock_{1'767'225'600'000};
  testing::FixedRandom random_;
  FakeBackend backend_;
  RecordingSink sink_;
  AssetTable assets_;
  std::unique_ptr<ConsoleHandler> handler_;
  std::string cookie_;
  std::int64_t slept_ = 0;
};

TEST_F(ConsoleHandlerTest, SessionCookieAttributes) {
  cookie_.clear();
  auto r = Send("GET", "/console/api/session");
  const std::string* set = r.headers.Find("Set-Cookie");
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(set->starts_with("tw_console="));
  EXPECT_NE(set->find("; HttpOnly"), std::string::npos);
  EXPECT_NE(set->find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(set->find("; Path=/console"), std::string::npos);
  EXPECT_EQ(set->find("Secure"), std::string::npos);  // plain HTTP
  json::object body = Body(r);
  EXPECT_EQ(body.at("signedIn"), false);
  EXPECT_FALSE(body.at("csrfToken").as_string().empty());
  // The same session on the next request: no new cookie.
  auto again = Send("GET", "/console/api/session");
  EXPECT_EQ(again.headers.Find("Set-Cookie"), nullptr);
  EXPECT_EQ(Body(again).at("csrfToken"), body.at("csrfToken"));
}

TEST_F(ConsoleHandlerTest, SecureCookiesOverTlsOrByFlag) {
  ConsoleOptions options;
  options.secure_cookies = true;
  Rebuild(options);
  cookie_.clear();
  auto r = Send("GET", "/console/api/session");
  EXPECT_NE(r.headers.Find("Set-Cookie")->find("; Secure"), std::string::npos);
  Rebuild({});
  http::HttpRequest tls;
  tls.method = "GET";
  tls.path = "/console/api/session";
  tls.tls = true;
  auto over_tls = handler_->Handle(tls);
  EXPECT_NE(over_tls.headers.Find("Set-Cookie")->find("; Secure"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, EveryStateChangeNeedsTheCsrfToken) {
  std::string csrf = Start();
  const char* body = R"({"account":"000000000000","userName":"alice","password":"Passw0rd!"})";
  EXPECT_EQ(Send("POST", "/console/api/signin", body).status, 403);               // no token
  EXPECT_EQ(Send("POST", "/console/api/signin", body, "forged").status, 403);     // wrong token
  EXPECT_EQ(Send("POST", "/console/api/signin", body, csrf, false).status, 403);  // no cookie
  EXPECT_EQ(backend_.password_checks, 0);
  EXPECT_TRUE(sink_.events.empty());
  auto ok = Send("POST", "/console/api/signin", body, csrf);
  ASSERT_EQ(ok.status, 200) << ok.body;
  std::string token(Body(ok).at("csrfToken").as_string());
  EXPECT_NE(token, csrf);  // a new session and token at sign-in
  const char* call = R"({"service":"iam","operation":"GetUser","input":{}})";
  EXPECT_EQ(Send("POST", "/console/api/call", call).status, 403);
  EXPECT_EQ(Send("POST", "/console/api/call", call, csrf).status, 403);  // the old token
  EXPECT_EQ(Send("POST", "/console/api/signout", "{}").status, 403);
  EXPECT_TRUE(backend_.calls.empty());
  EXPECT_EQ(Send("POST", "/console/api/call", call, token).status, 200);
}

TEST_F(ConsoleHandlerTest, CrossOriginRequestsAreRefused) {
  std::string csrf = Start();
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/console/api/signin";
  r.body = R"({"account":"000000000000","userName":"alice","password":"Passw0rd!"})";
  r.headers.Add("Host", "127.0.0.1:4566");
  r.headers.Add("Origin", "http://evil.example");
  r.headers.Add("Cookie", cookie_);
  r.headers.Add("X-CSRF-Token", csrf);
  EXPECT_EQ(handler_->Handle(r).status, 403);
  r.headers.Set("Origin", "null");
  EXPECT_EQ(handler_->Handle(r).status, 403);
  // Behind a proxy that rewrites Host, the public URL's origin is this server too.
  r.headers.Set("Host", "10.0.0.5:4566");
  r.headers.Set("Origin", "http://127.0.0.1:4566");
  EXPECT_EQ(handler_->Handle(r).status, 200);
}

TEST_F(ConsoleHandlerTest, SignInSuccessAndFailureRecords) {
  std::string csrf = Start();
  auto bad = SignIn(csrf, "alice", "wrong");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(Body(bad).at("error").at("code"), "FailedAuthentication");
  EXPECT_EQ(Body(bad).at("error").at("message"),
            "Your authentication information is incorrect. Please try again.");
  EXPECT_EQ(slept_, 500);  // the failure delay
  auto unknown = SignIn(csrf, "nobody", "wrong");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, bad.body);  // nothing tells the two apart
  auto good = SignIn(csrf, "alice", "Passw0rd!");
  ASSERT_EQ(good.status, 200);
  json::object session = Body(good);
  EXPECT_EQ(session.at("signedIn"), true);
  EXPECT_EQ(session.at("userName"), "alice");
  EXPECT_EQ(session.at("isRoot"), false);
  EXPECT_EQ(session.at("arn"), "arn:aws:iam::000000000000:user/alice");

  ASSERT_EQ(sink_.events.size(), 3u);
  json::object failed = json::parse(sink_.events[0].record_json).as_object();
  EXPECT_EQ(failed.at("eventName"), "ConsoleLogin");
  EXPECT_EQ(failed.at("errorMessage"), "Failed authentication");
  EXPECT_EQ(failed.at("userIdentity").at("userName"), "alice");
  EXPECT_EQ(failed.at("sourceIPAddress"), "192.0.2.7");
  EXPECT_EQ(failed.at("userAgent"), "Mozilla/5.0 test");
  json::object hidden = json::parse(sink_.events[1].record_json).as_object();
  EXPECT_EQ(hidden.at("userIdentity").at("userName"), "HIDDEN_DUE_TO_SECURITY_REASONS");
  json::object ok = json::parse(sink_.events[2].record_json).as_object();
  EXPECT_EQ(ok.at("responseElements").at("ConsoleLogin"), "Success");
  EXPECT_EQ(ok.at("additionalEventData").at("LoginTo"), "http://127.0.0.1:4566/console/");
  // Passwords never reach a record.
  for (const auto& e : sink_.events) {
    EXPECT_EQ(e.record_json.find("Passw0rd!"), std::string::npos);
    EXPECT_EQ(e.record_json.find("wrong"), std::string::npos);
  }
}

TEST_F(ConsoleHandlerTest, RootSignsInWithoutAUserNameAndByAlias) {
  std::string csrf = Start();
  json::object body;
  body["account"] = "MY-ALIAS";
  body["userName"] = "";
  body["password"] = "root-pass";
  auto r = Send("POST", "/console/api/signin", json::serialize(body), csrf);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("isRoot"), true);
  EXPECT_EQ(Body(r).at("userName"), "root");
  json::object record = json::parse(sink_.events.back().record_json).as_object();
  EXPECT_EQ(record.at("userIdentity").at("type"), "Root");
}

TEST_F(ConsoleHandlerTest, WrongAccountFailsLikeAWrongPasswordWithoutARecord) {
  std::string csrf = Start();
  json::object body;
  body["account"] = "999999999999";
  body["userName"] = "alice";
  body["password"] = "Passw0rd!";
  auto r = Send("POST", "/console/api/signin", json::serialize(body), csrf);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(backend_.password_checks, 1);  // same work as any attempt
  EXPECT_TRUE(sink_.events.empty());       // not this account's event
}

TEST_F(ConsoleHandlerTest, FiveFailuresLockEvenTheRightPassword) {
  std::string csrf = Start();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(SignIn(csrf, "alice", "wrong").status, 401) << i;
  auto locked = SignIn(csrf, "alice", "Passw0rd!");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(Body(locked).at("error").at("code"), "TooManyFailedAttempts");
  EXPECT_EQ(*locked.headers.Find("Retry-After"), "900");
  EXPECT_EQ(sink_.events.size(), 6u);           // the refused attempt is recorded as a failure
  EXPECT_TRUE(backend_.password_uses.empty());  // and is not a use of the password
  json::object last = json::parse(sink_.events.back().record_json).as_object();
  EXPECT_EQ(last.at("errorMessage"), "Failed authentication");
  // An unknown name locks the same way: a lock-out says nothing about who exists.
  for (int i = 0; i < 5; ++i) SignIn(csrf, "nobody", "x");
  EXPECT_EQ(SignIn(csrf, "nobody", "x").status, 429);
  // The alias counts against the same user as the account id.
  json::object by_alias;
  by_alias["account"] = "my-alias";
  by_alias["userName"] = "alice";
  by_alias["password"] = "Passw0rd!";
  EXPECT_EQ(Send("POST", "/console/api/signin", json::serialize(by_alias), csrf).status, 429);
  // Other users are unaffected; time unlocks.
  EXPECT_EQ(SignIn(csrf, "bob", "wrong").status, 401);
  clock_.Advance(15 * 60 * 1000);
  csrf = Start();
  EXPECT_EQ(SignIn(csrf, "alice", "Passw0rd!").status, 200);
  EXPECT_EQ(backend_.password_uses, std::vector<std::string>{"alice"});
}

TEST_F(ConsoleHandlerTest, MfaFlow) {
  std::string csrf = Start();
  auto first = SignIn(csrf, "bob", "Passw0rd!");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(Body(first).at("mfaRequired"), true);
  EXPECT_EQ(Body(first).at("signedIn"), false);
  EXPECT_TRUE(sink_.events.empty());  // not an attempt yet
  auto wrong = SignIn(csrf, "bob", "Passw0rd!", "000000");
  EXPECT_EQ(wrong.status, 401);
  json::object failed = json::parse(sink_.events.back().record_json).as_object();
  EXPECT_EQ(failed.at("additionalEventData").at("MFAUsed"), "Yes");
  auto right = SignIn(csrf, "bob", "Passw0rd!", "123456");
  ASSERT_EQ(right.status, 200);
  EXPECT_EQ(Body(right).at("signedIn"), true);
  EXPECT_EQ(Body(right).at("mfaUsed"), true);
  json::object ok = json::parse(sink_.events.back().record_json).as_object();
  EXPECT_EQ(ok.at("additionalEventData").at("MFAUsed"), "Yes");
  EXPECT_EQ(ok.at("additionalEventData").at("MFAIdentifier"), "arn:aws:iam::000000000000:mfa/bob");
}

TEST_F(ConsoleHandlerTest, ForcedPasswordReset) {
  std::string csrf = Start();
  auto r = SignIn(csrf, "carol", "Passw0rd!");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r).at("passwordResetRequired"), true);
  EXPECT_EQ(Body(r).at("signedIn"), false);
  std::string token(Body(r).at("csrfToken").as_string());
  // Nothing else works until the password is changed.
  auto call =
      Send("POST", "/console/api/call", R"({"service":"iam","operation":"GetUser"})", token);
  EXPECT_EQ(call.status, 403);
  EXPECT_EQ(Body(call).at("error").at("code"), "PasswordResetRequired");
  auto wrong = Send("POST", "/console/api/change-password",
                    R"({"oldPassword":"nope","newPassword":"N3w-Passw0rd!"})", token);
  EXPECT_EQ(wrong.status, 403);
  auto changed = Send("POST", "/console/api/change-password",
                      R"({"oldPassword":"Passw0rd!","newPassword":"N3w-Passw0rd!"})", token);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Body(changed).at("signedIn"), true);
  ASSERT_NE(changed.headers.Find("Set-Cookie"), nullptr);  // a new session id
  std::string full(Body(changed).at("csrfToken").as_string());
  EXPECT_NE(full, token);
  EXPECT_EQ(
      Send("POST", "/console/api/call", R"({"service":"iam","operation":"GetUser"})", full).status,
      200);
}

TEST_F(ConsoleHandlerTest, CallConvertsInputAndOutputAndReportsAwsErrors) {
  std::string csrf = Start();
  auto in = SignIn(csrf, "alice", "Passw0rd!");
  std::string token(Body(in).at("csrfToken").as_string());
  auto r = Send("POST", "/console/api/call",
                R"({"service":"iam","operation":"GetUser","input":{"UserName":"alice"}})", token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("output").at("User").at("CreateDate"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(backend_.calls.back(), "iam:GetUser as arn:aws:iam::000000000000:user/alice");
  EXPECT_EQ(backend_.last_input.GetString("UserName"), "alice");
  auto denied =
      Send("POST", "/console/api/call",
           R"({"service":"iam","operation":"DeleteUser","input":{"UserName":"x"}})", token);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(Body(denied).at("error").at("code"), "AccessDenied");
  auto unknown =
      Send("POST", "/console/api/call", R"({"service":"iam","operation":"Nope"})", token);
  EXPECT_EQ(unknown.status, 400);
  auto bad_input = Send("POST", "/console/api/call",
                        R"({"service":"iam","operation":"GetUser","input":{"UserName":1}})", token);
  EXPECT_EQ(bad_input.status, 400);
  EXPECT_EQ(Body(bad_input).at("error").at("code"), "SerializationException");
  auto monitoring = Send("POST", "/console/api/call",
                         R"({"service":"monitoring","operation":"ListDashboards"})", token);
  EXPECT_EQ(monitoring.status, 200) << monitoring.body;
  EXPECT_EQ(backend_.calls.back().substr(0, 26), "cloudwatch:ListDashboards ");
  auto object =
      Send("POST", "/console/api/call",
           R"({"service":"s3","operation":"GetObject","input":{"Bucket":"b","Key":"k"}})", token);
  EXPECT_EQ(object.status, 400);
  EXPECT_EQ(Body(object).at("error").at("code"), "UnsupportedOperation");
}

TEST_F(ConsoleHandlerTest, SignOutEndsTheSession) {
  std::string csrf = Start();
  auto in = SignIn(csrf, "alice", "Passw0rd!");
  std::string token(Body(in).at("csrfToken").as_string());
  std::string signed_in_cookie = cookie_;
  auto out = Send("POST", "/console/api/signout", "{}", token);
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(Body(out).at("signedIn"), false);
  cookie_ = signed_in_cookie;  // replaying the old cookie
  auto r = Send("GET", "/console/api/session");
  EXPECT_EQ(Body(r).at("signedIn"), false);
}

TEST_F(ConsoleHandlerTest, OutboxNeedsRootOrSnsListTopics) {
  std::string csrf = Start();
  EXPECT_EQ(Send("GET", "/console/api/outbox").status, 401);
  SignIn(csrf, "alice", "Passw0rd!");
  auto r = Send("GET", "/console/api/outbox");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r).at("messages").as_array()[0].at("subject"), "ALARM");
  EXPECT_EQ(Body(r).at("messages").as_array()[0].at("time"), "2026-01-01T00:00:00Z");
  csrf = Start();
  SignIn(csrf, "", "root-pass");
  EXPECT_EQ(Send("GET", "/console/api/outbox").status, 200);
  csrf = Start();
  auto carol = SignIn(csrf, "bob", "Passw0rd!", "123456");
  EXPECT_EQ(Send("GET", "/console/api/outbox").status, 403);
}

TEST_F(ConsoleHandlerTest, AssetsAndTheAppShell) {
  auto shell = Send("GET", "/console");
  EXPECT_EQ(shell.status, 200);
  EXPECT_EQ(*shell.headers.Find("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(Send("GET", "/console/iam/users").body, shell.body);  // client-side routes
  auto js = Send("GET", "/console/static/js/app.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(*js.headers.Find("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(*js.headers.Find("Cache-Control"), "no-cache");
  std::string etag = *js.headers.Find("ETag");
  EXPECT_TRUE(etag.starts_with("\"") && etag.ends_with("\""));
  http::HttpRequest conditional;
  conditional.method = "GET";
  conditional.path = "/console/static/js/app.js";
  conditional.headers.Add("If-None-Match", etag);
  auto not_modified = handler_->Handle(conditional);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(Send("GET", "/console/static/../../etc/passwd").status, 404);
  EXPECT_EQ(Send("GET", "/console/static/missing.js").status, 404);
  EXPECT_EQ(Send("DELETE", "/console/static/js/app.js").status, 405);
  EXPECT_EQ(Send("GET", "/console/api/signin").status, 405);
  EXPECT_EQ(Send("GET", "/console/api/nope").status, 404);
}

TEST_F(ConsoleHandlerTest, SecurityHeadersOnEveryResponse) {
  for (const char* path : {"/console", "/console/static/js/app.js", "/console/api/session",
                           "/console/api/nope", "/console/static/missing"}) {
    auto r = Send("GET", path);
    const std::string* csp = r.headers.Find("Content-Security-Policy");
    ASSERT_NE(csp, nullptr) << path;
    EXPECT_NE(csp->find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(csp->find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(*r.headers.Find("X-Frame-Options"), "DENY");
    EXPECT_EQ(*r.headers.Find("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(*r.headers.Find("Referrer-Policy"), "same-origin");
  }
  auto api = Send("GET", "/console/api/session");
  EXPECT_EQ(*api.headers.Find("Cache-Control"), "no-store");
}

TEST_F(ConsoleHandlerTest, MalformedBodiesAreClientErrors) {
  std::string csrf = Start();
  EXPECT_EQ(Send("POST", "/console/api/signin", "not json", csrf).status, 400);
  EXPECT_EQ(Send("POST", "/console/api/signin", "[1]", csrf).status, 400);
  EXPECT_EQ(Send("POST", "/console/api/signin", R"({"account":1,"password":"x"})", csrf).status,
            400);
  EXPECT_EQ(backend_.password_checks, 0);
}

}  // namespace
}  // namespace tw::console
