// SPDX-License-Identifier: Apache-2.0
// The web console at /console: the front end (embedded assets), sign-in with CloudTrail
// ConsoleLogin records, sessions in HttpOnly SameSite=Strict cookies, CSRF tokens on every state
// change, lock-out after repeated failures, MFA, the forced password change, and the JSON API the
// front end calls (/console/api/...), whose operations run through ConsoleBackend (the
// dispatcher). The interface is documented in src/console/README.md. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "console/assets.h"
#include "console/backend.h"
#include "console/lockout.h"
#include "console/session_store.h"
#include "http/message.h"
#include "pipeline/trail_sink.h"
#include "protocol/model.h"

namespace tw::console {

struct ConsoleOptions {
  // Mark cookies Secure even on plain HTTP (TLS terminated by a proxy in front). Requests that
  // arrived over TLS always get Secure cookies.
  bool secure_cookies = false;
  // Added to every failed sign-in before answering: slows guessing; the lock-out stops it.
  std::int64_t failure_delay_millis = 500;
  SessionLimits sessions;
  LockoutPolicy lockout;
};

struct ConsoleDeps {
  ConsoleBackend& backend;
  const protocol::ServiceCatalog& catalog;
  pipeline::TrailSink* trail_sink = nullptr;  // ConsoleLogin records
  const Clock& clock;
  RandomSource& random;
  const AssetTable& assets;
  // The console's URL, for ConsoleLogin's additionalEventData.LoginTo.
  std::function<std::string()> console_url = {};
  // Waits the failed-sign-in delay (tests pass a recorder instead of sleeping).
  std::function<void(std::int64_t millis)> sleep = {};
  ConsoleOptions options = {};
};

class ConsoleHandler {
 public:
  explicit ConsoleHandler(ConsoleDeps deps);

  // Whether `path` is the console's ("/console" or under "/console/").
  static bool Owns(std::string_view path);
  http::HttpResponse Handle(const http::HttpRequest& request);

  static constexpr std::string_view kCookieName = "tw_console";

 private:
  struct Current {
    std::string id;
    std::optional<Session> session;
  };
  Current CurrentSession(const http::HttpRequest& request);
  // "https://host:port" of the console's URL (--public-url), or empty.
  std::string PublicOrigin() const;
  http::HttpResponse Asset(const http::HttpRequest& request, std::string_view path);
  http::HttpResponse App(const http::HttpRequest& request);
  http::HttpResponse GetSession(const http::HttpRequest& request);
  http::HttpResponse SignIn(const http::HttpRequest& request, const Current& current);
  http::HttpResponse ChangePassword(const http::HttpRequest& request, const Current& current);
  http::HttpResponse SignOut(const http::HttpRequest& request, const Current& current);
  http::HttpResponse Call(const http::HttpRequest& request, const Current& current);
  http::HttpResponse Outbox(const http::HttpRequest& request, const Current& current);
  std::string SetCookie(const http::HttpRequest& request, const std::string& id) const;
  std::string ClearCookie(const http::HttpRequest& request) const;
  void RecordSignIn(const http::HttpRequest& request, const PasswordCheck& check, bool success,
                    bool mfa_used, const std::string& mfa_serial);
  void FailureDelay();

  ConsoleDeps deps_;
  SessionStore sessions_;
  LockoutTracker lockout_;
};

}  // namespace tw::console
