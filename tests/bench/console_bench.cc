// SPDX-License-Identifier: Apache-2.0
// The console's cost per operation against the API's, both through the real dispatcher with
// STS GetCallerIdentity (no store, so the request paths themselves are measured):
// BM_ApiSignedQuery (a SigV4-signed query request: verify, parse, authorize, execute, XML, audit)
// is the baseline; BM_ConsoleCall is POST /console/api/call (session cookie and CSRF check, JSON
// body, model-shaped conversion, Dispatcher::Invoke, JSON output, audit). Target: the console's
// path costs no more than a small multiple of the signed API's.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <map>

#include "auth/sigv4/signer.h"
#include "console/console_handler.h"
#include "server/credential_store.h"
#include "server/dispatcher.h"
#include "services/sts/sts_service.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace tw::server {
namespace {

constexpr std::int64_t kNow = 1'767'225'600'000;

class FixedClock final : public Clock {
 public:
  TimePoint Now() const override { return FromEpochMillis(kNow); }
};

class RootKey final : public auth::CredentialProvider {
 public:
  std::optional<auth::Credential> Find(std::string_view id) const override {
    if (id != "test") return std::nullopt;
    auth::Credential c;
    c.access_key_id = "test";
    c.secret_access_key = "test";
    c.principal = RootPrincipal("000000000000");
    return c;
  }
};

class NullSink final : public pipeline::TrailSink {
 public:
  void Record(pipeline::TrailEvent event) override { benchmark::DoNotOptimize(event); }
};

// Signs the root user in without a password hash (the bench measures calls, not argon2id) and
// runs calls through the dispatcher, as the real backend does.
class Backend final : public console::ConsoleBackend {
 public:
  explicit Backend(Dispatcher& dispatcher) : dispatcher_(dispatcher) {}
  const std::string& account_id() const override { return account_; }
  std::optional<std::string> AccountAlias() override { return std::nullopt; }
  Result<console::PasswordCheck> CheckPassword(std::string_view, std::string_view,
                                               std::int64_t) override {
    console::PasswordCheck check;
    check.outcome = console::PasswordCheck::Outcome::kMatch;
    check.principal = RootPrincipal(account_);
    return check;
  }
  void RecordPasswordUse(std::string_view, std::int64_t) override {}
  Result<bool> CheckMfaCode(std::string_view, std::string_view, std::string_view,
                            std::int64_t) override {
    return false;
  }
  Result<protocol::Value> Call(console::ConsoleCall call) override {
    return dispatcher_.Invoke(PrincipalCall{call.principal, call.service, call.operation,
                                            std::move(call.input), call.source_ip, "AWS Internal",
                                            call.user_agent, true, call.session_created_millis});
  }
  Status MayCall(const console::ConsoleCall&) override { return {}; }
  Result<std::vector<console::OutboxMessage>> Outbox(std::size_t) override {
    return std::vector<console::OutboxMessage>{};
  }

 private:
  Dispatcher& dispatcher_;
  std::string account_ = "000000000000";
};

struct Fixture {
  FixedClock clock;
  SecureRandom random;
  RootKey keys;
  AccountRootAuthorizer authorizer{"000000000000"};
  services::OperationTable operations;
  NullSink sink;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<Backend> backend;
  console::AssetTable assets;
  std::unique_ptr<console::ConsoleHandler> console;
  std::string cookie, csrf;

  Fixture() {
    services::sts::Register(operations);
    DispatcherDeps deps{.catalog = protocol::ServiceCatalog::Embedded(),
                        .operations = operations,
                        .credentials = keys,
                        .authorizer = authorizer,
                        .clock = clock,
                        .random = random,
                        .account_id = "000000000000",
                        .trail_sink = &sink};
    // The console is reached through the dispatcher, as in the server.
    deps.console = [this](http::HttpRequest& request) { return console->Handle(request); };
    dispatcher = std::make_unique<Dispatcher>(std::move(deps));
    backend = std::make_unique<Backend>(*dispatcher);
    console::ConsoleOptions options;
    options.failure_delay_millis = 0;
    console = std::make_unique<console::ConsoleHandler>(
        console::ConsoleDeps{*backend,
                             protocol::ServiceCatalog::Embedded(),
                             &sink,
                             clock,
                             random,
                             assets,
                             {},
                             {},
                             options});
    http::HttpRequest session;
    session.method = "GET";
    session.path = "/console/api/session";
    Remember(console->Handle(session));
    http::HttpRequest signin = Post(R"({"account":"000000000000","userName":"","password":"x"})");
    signin.path = "/console/api/signin";
    Remember(console->Handle(signin));
  }

  void Remember(const http::HttpResponse& r) {
    if (const std::string* set = r.headers.Find("Set-Cookie")) {
      cookie = set->substr(0, set->find(';'));
    }
    csrf = std::string(boost::json::parse(r.body).at("csrfToken").as_string());
  }

  http::HttpRequest Post(std::string body) const {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/console/api/call";
    r.remote_ip = "127.0.0.1";
    r.body = std::move(body);
    r.headers.Add("Host", "127.0.0.1:4566");
    r.headers.Add("Content-Type", "application/json");
    r.headers.Add("Cookie", cookie);
    r.headers.Add("X-CSRF-Token", csrf);
    return r;
  }
};

Fixture& Shared() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

void BM_ApiSignedQuery(benchmark::State& state) {
  Fixture& f = Shared();
  http::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.remote_ip = "127.0.0.1";
  request.body = "Action=GetCallerIdentity&Version=2011-06-15";
  request.headers.Add("Host", "127.0.0.1:4566");
  request.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  auth::SigningParams params;
  params.access_key_id = "test";
  params.secret_access_key = "test";
  params.region = "us-east-1";
  params.service = "sts";
  params.now_millis = kNow;
  auth::SignRequest(request, params);
  for (auto _ : state) {
    http::HttpRequest copy = request;
    http::HttpResponse r = f.dispatcher->Handle(copy);
    if (r.status != 200) state.SkipWithError("signed call failed");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ApiSignedQuery);

void BM_ConsoleCall(benchmark::State& state) {
  Fixture& f = Shared();
  const http::HttpRequest request =
      f.Post(R"({"service":"sts","operation":"GetCallerIdentity","input":{}})");
  for (auto _ : state) {
    http::HttpRequest copy = request;
    http::HttpResponse r = f.dispatcher->Handle(copy);
    if (r.status != 200) state.SkipWithError("console call failed");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ConsoleCall);

}  // namespace
}  // namespace tw::server

BENCHMARK_MAIN();
