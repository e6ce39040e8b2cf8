// SPDX-License-Identifier: Apache-2.0
// Fuzzes the console's untrusted input: the JSON bodies of /console/api/signin and
// /console/api/call (through the real handler, with a session and its CSRF token, over a backend
// that runs nothing) and the JSON-to-Value conversion by model shape, which must round-trip
// (whatever converts renders to JSON that converts back to the same Value).
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "console/console_handler.h"
#include "console/value_json.h"
#include "protocol/model.h"

namespace {

using tw::protocol::Operation;
using tw::protocol::ServiceCatalog;

class NullBackend final : public tw::console::ConsoleBackend {
 public:
  const std::string& account_id() const override { return account_; }
  std::optional<std::string> AccountAlias() override { return std::nullopt; }
  tw::Result<tw::console::PasswordCheck> CheckPassword(std::string_view user_name,
                                                       std::string_view password,
                                                       std::int64_t) override {
    tw::console::PasswordCheck check;
    check.principal.type =
        user_name.empty() ? tw::auth::PrincipalType::kRoot : tw::auth::PrincipalType::kIamUser;
    check.principal.user_name = std::string(user_name);
    check.outcome = password == "ok" ? tw::console::PasswordCheck::Outcome::kMatch
                                     : tw::console::PasswordCheck::Outcome::kWrongPassword;
    return check;
  }
  void RecordPasswordUse(std::string_view, std::int64_t) override {}
  tw::Result<bool> CheckMfaCode(std::string_view, std::string_view, std::string_view,
                                std::int64_t) override {
    return false;
  }
  tw::Result<tw::protocol::Value> Call(tw::console::ConsoleCall call) override {
    return std::move(call.input);
  }
  tw::Status MayCall(const tw::console::ConsoleCall&) override { return {}; }
  tw::Result<std::vector<tw::console::OutboxMessage>> Outbox(std::size_t) override {
    return std::vector<tw::console::OutboxMessage>{};
  }

 private:
  std::string account_ = "000000000000";
};

class NullSink final : public tw::pipeline::TrailSink {
 public:
  void Record(tw::pipeline::TrailEvent) override {}
};

std::vector<const Operation*> Targets() {
  std::vector<const Operation*> out;
  const std::pair<const char*, const char*> kOps[] = {{"iam", "CreateUser"},
                                                      {"iam", "PutUserPolicy"},
                                                      {"logs", "PutLogEvents"},
                                                      {"logs", "PutMetricFilter"},
                                                      {"cloudtrail", "LookupEvents"},
                                                      {"cloudwatch", "PutMetricData"},
                                                      {"cloudwatch", "PutMetricAlarm"},
                                                      {"sns", "Publish"},
                                                      {"s3", "PutBucketPolicy"}};
  for (const auto& [service_name, op_name] : kOps) {
    const auto* service = ServiceCatalog::Embedded().Find(service_name);
    const Operation* op = service ? service->FindOperation(op_name) : nullptr;
    if (op != nullptr) out.push_back(op);
  }
  return out;
}

struct Console {
  tw::SystemClock clock;
  tw::SecureRandom random;
  NullBackend backend;
  NullSink sink;
  tw::console::AssetTable assets;
  tw::console::ConsoleHandler handler{tw::console::ConsoleDeps{backend,
                                                               ServiceCatalog::Embedded(),
                                                               &sink,
                                                               clock,
                                                               random,
                                                               assets,
                                                               {},
                                                               [](std::int64_t) {},
                                                               {}}};
  std::string cookie;
  std::string csrf;

  Console() {
    tw::http::HttpRequest r;
    r.method = "GET";
    r.path = "/console/api/session";
    auto response = handler.Handle(r);
    const std::string* set = response.headers.Find("Set-Cookie");
    cookie = set->substr(0, set->find(';'));
    csrf = std::string(boost::json::parse(response.body).at("csrfToken").as_string());
  }

  void Post(const char* path, std::string body) {
    tw::http::HttpRequest r;
    r.method = "POST";
    r.path = path;
    r.body = std::move(body);
    r.headers.Add("Cookie", cookie);
    r.headers.Add("X-CSRF-Token", csrf);
    auto response = handler.Handle(r);
    if (response.status < 200 || response.status >= 600) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto targets = Targets();
  static Console* console = new Console();
  std::string text(reinterpret_cast<const char*>(data), size);
  console->Post("/console/api/signin", text);
  console->Post("/console/api/call", text);

  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(text, ec);
  if (ec) return 0;
  for (const Operation* op : targets) {
    auto value = tw::console::JsonToValue(json, op->input);
    if (!value) continue;
    boost::json::value rendered = tw::console::ValueToJson(*value, op->input);
    auto again = tw::console::JsonToValue(rendered, op->input);
    if (!again || !(*again == *value)) std::abort();
  }
  return 0;
}
