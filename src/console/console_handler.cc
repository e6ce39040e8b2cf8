// SPDX-License-Identifier: Apache-2.0
#include "console/console_handler.h"

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "common/strings.h"
#include "common/time_format.h"
#include "console/console_login_record.h"
#include "console/value_json.h"

namespace tw::console {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxBody = 1 << 20;
constexpr std::string_view kFailedAuthenticationMessage =
    "Your authentication information is incorrect. Please try again.";
// Strict: only this origin's scripts, styles, images (and data: images, for the MFA QR code) and
// API calls; no inline scripts, no framing, no plugins.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

void SecurityHeaders(http::HttpResponse& r) {
  r.headers.Set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.Set("X-Frame-Options", "DENY");
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("Referrer-Policy", "same-origin");
}

http::HttpResponse Json(int status, const json::value& body) {
  http::HttpResponse r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.headers.Set("Cache-Control", "no-store");
  r.body = json::serialize(body);
  return r;
}

http::HttpResponse Error(int status, std::string_view code, std::string_view message) {
  json::object error;
  error["code"] = code;
  error["message"] = message;
  json::object body;
  body["error"] = std::move(error);
  return Json(status, body);
}

http::HttpResponse Error(const AwsError& e) { return Error(e.http_status, e.code, e.message); }

http::HttpResponse CsrfRefused() {
  return Error(403, "InvalidCsrfToken",
               "The request is missing a valid CSRF token. Reload the page and try again.");
}

http::HttpResponse TooLarge() {
  return Error(413, "RequestEntityTooLarge", "Console requests are limited to 1 MiB.");
}

http::HttpResponse NotSignedIn() {
  return Error(401, "NotSignedIn", "You are not signed in, or your session has expired.");
}

std::string_view CookieValue(const http::HttpRequest& request, std::string_view name) {
  for (const auto& [field, value] : request.headers) {
    if (!IEquals(field, "Cookie")) continue;
    for (std::string_view part : Split(value, ';')) {
      part = Trim(part);
      auto eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
    }
  }
  return {};
}

// A string member of a JSON object, or nullopt when absent; `bad` is set when it is not a string.
std::optional<std::string> StringMember(const json::object& o, std::string_view name, bool& bad) {
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) {
    bad = true;
    return std::nullopt;
  }
  return std::string(it->value().as_string());
}

std::optional<json::object> ParseObject(const http::HttpRequest& request) {
  if (request.body.size() > kMaxBody) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(request.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

json::object SessionJson(const Session& s, const std::string& account_id) {
  json::object out;
  const bool signed_in = s.state == SessionState::kSignedIn;
  out["signedIn"] = signed_in;
  if (s.state != SessionState::kAnonymous) {
    const bool root = s.principal.type == auth::PrincipalType::kRoot;
    out["accountId"] = account_id;
    out["userName"] = root ? "root" : s.principal.user_name;
    out["arn"] = s.principal.arn;
    out["isRoot"] = root;
    out["mfaUsed"] = s.mfa_used;
  }
  out["csrfToken"] = s.csrf_token;
  out["mfaRequired"] = false;
  if (s.state == SessionState::kPasswordReset) out["passwordResetRequired"] = true;
  return out;
}

// The browser must send the token in a header (a cross-site form cannot) and JSON (a cross-site
// request with that type needs a CORS preflight, which this server never grants); when the
// browser says where the request comes from, it must be this server: the Host it asked for, or
// the public URL (--public-url) when a proxy in front rewrites Host.
bool SameOrigin(const http::HttpRequest& request, std::string_view public_origin) {
  std::string_view origin = request.headers.Get("Origin");
  if (origin.empty()) return true;
  if (origin == "null") return false;
  if (!public_origin.empty() && IEquals(origin, public_origin)) return true;
  auto scheme = origin.find("://");
  if (scheme == std::string_view::npos) return false;
  return IEquals(origin.substr(scheme + 3), request.headers.Get("Host"));
}

}  // namespace

ConsoleHandler::ConsoleHandler(ConsoleDeps deps)
    : deps_(std::move(deps)),
      sessions_(deps_.clock, deps_.random, deps_.options.sessions),
      lockout_(deps_.options.lockout) {}

bool ConsoleHandler::Owns(std::string_view path) {
  return path == "/console" || path.starts_with("/console/");
}

http::HttpResponse ConsoleHandler::Handle(const http::HttpRequest& request) {
  http::HttpResponse response;
  const std::string_view path = request.path;
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (path.starts_with("/console/api/")) {
    std::string_view route = path.substr(std::string_view("/console/api/").size());
    Current current = CurrentSession(request);
    if (route == "session" && get) {
      response = GetSession(request);
    } else if (route == "outbox" && get) {
      response = Outbox(request, current);
    } else if (route == "signin" || route == "change-password" || route == "signout" ||
               route == "call") {
      if (request.method != "POST") {
        response = Error(405, "MethodNotAllowed", "Use POST.");
        response.headers.Set("Allow", "POST");
      } else if (!current.session || !SameOrigin(request, PublicOrigin()) ||
                 !SessionStore::CsrfMatches(*current.session,
                                            request.headers.Get("X-CSRF-Token"))) {
        response = CsrfRefused();
      } else if (route == "signin") {
        response = SignIn(request, current);
      } else if (route == "change-password") {
        response = ChangePassword(request, current);
      } else if (route == "signout") {
        response = SignOut(request, current);
      } else {
        response = Call(request, current);
      }
    } else if (route == "session" || route == "outbox") {
      response = Error(405, "MethodNotAllowed", "Use GET.");
      response.headers.Set("Allow", "GET");
    } else {
      response = Error(404, "NotFound", "No console API at " + std::string(path) + ".");
    }
  } else if (path.starts_with("/console/static/") || path.starts_with("/console/vendor/")) {
    response = get ? Asset(request, path.substr(std::string_view("/console/").size()))
                   : Error(405, "MethodNotAllowed", "Use GET.");
  } else if (get) {
    response = App(request);
  } else {
    response = Error(405, "MethodNotAllowed", "Use GET.");
  }
  SecurityHeaders(response);
  if (request.method == "HEAD") response.body.clear();
  return response;
}

std::string ConsoleHandler::PublicOrigin() const {
  if (!deps_.console_url) return {};
  std::string url = deps_.console_url();
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  return url.substr(0, url.find('/', scheme + 3));
}

ConsoleHandler::Current ConsoleHandler::CurrentSession(const http::HttpRequest& request) {
  Current current;
  current.id = std::string(CookieValue(request, kCookieName));
  if (!current.id.empty()) current.session = sessions_.Find(current.id);
  return current;
}

std::string ConsoleHandler::SetCookie(const http::HttpRequest& request,
                                      const std::string& id) const {
  std::string cookie =
      std::string(kCookieName) + "=" + id + "; Path=/console; HttpOnly; SameSite=Strict";
  if (request.tls || deps_.options.secure_cookies) cookie += "; Secure";
  return cookie;
}

std::string ConsoleHandler::ClearCookie(const http::HttpRequest& request) const {
  return SetCookie(request, "") + "; Max-Age=0";
}

http::HttpResponse ConsoleHandler::Asset(const http::HttpRequest& request, std::string_view path) {
  // No ".." games: assets are looked up by exact name in the embedded table.
  const console::Asset* asset = deps_.assets.Find(path);
  if (!asset) return Error(404, "NotFound", "No console file " + std::string(path) + ".");
  http::HttpResponse r;
  r.headers.Set("ETag", asset->etag);
  r.headers.Set("Cache-Control", "no-cache");
  std::string_view match = request.headers.Get("If-None-Match");
  if (!match.empty() && match.find(asset->etag) != std::string_view::npos) {
    r.status = 304;
    return r;
  }
  r.headers.Set("Content-Type", asset->content_type);
  r.body = std::string(asset->body);
  return r;
}

http::HttpResponse ConsoleHandler::App(const http::HttpRequest& request) {
  const console::Asset* shell = deps_.assets.Find("static/index.html");
  if (!shell) {
    return Error(503, "ConsoleNotBuilt",
                 "This trailwatch binary was built without the console front end "
                 "(web/console/index.html).");
  }
  http::HttpResponse r = Asset(request, "static/index.html");
  return r;
}

http::HttpResponse ConsoleHandler::GetSession(const http::HttpRequest& request) {
  Current current = CurrentSession(request);
  if (current.session) return Json(200, SessionJson(*current.session, deps_.backend.account_id()));
  // A new visitor: an anonymous session whose CSRF token protects the sign-in form.
  auto [id, session] = sessions_.Create(SessionState::kAnonymous);
  http::HttpResponse r = Json(200, SessionJson(session, deps_.backend.account_id()));
  r.headers.Add("Set-Cookie", SetCookie(request, id));
  return r;
}

void ConsoleHandler::FailureDelay() {
  const std::int64_t millis = deps_.options.failure_delay_millis;
  if (millis <= 0) return;
  if (deps_.sleep) {
    deps_.sleep(millis);
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(millis));
  }
}

void ConsoleHandler::RecordSignIn(const http::HttpRequest& request, const PasswordCheck& check,
                                  bool success, bool mfa_used, const std::string& mfa_serial) {
  if (!deps_.trail_sink) return;
  ConsoleLoginAttempt a;
  a.account_id = deps_.backend.account_id();
  if (check.outcome == PasswordCheck::Outcome::kNoSuchUser) {
    a.who = ConsoleLoginAttempt::Who::kUnknownUser;
    a.error_message = std::string(kNoSuchUsername);
  } else {
    a.who = check.principal.type == auth::PrincipalType::kRoot ? ConsoleLoginAttempt::Who::kRoot
                                                               : ConsoleLoginAttempt::Who::kIamUser;
    a.user_name = check.principal.user_name;
    a.user_id = check.principal.user_id;
    a.arn = check.principal.arn;
    a.error_message = std::string(kFailedAuthentication);
  }
  a.success = success;
  a.mfa_used = mfa_used;
  a.mfa_identifier = mfa_serial;
  a.login_to = deps_.console_url ? deps_.console_url() : std::string("/console/");
  a.source_ip = request.remote_ip;
  a.user_agent = std::string(request.headers.Get("User-Agent"));
  a.event_id = deps_.random.Uuid();
  a.event_time_millis = EpochMillis(deps_.clock.Now());
  deps_.trail_sink->Record(BuildConsoleLoginEvent(a));
}

http::HttpResponse ConsoleHandler::SignIn(const http::HttpRequest& request,
                                          const Current& current) {
  if (request.body.size() > kMaxBody) return TooLarge();
  auto body = ParseObject(request);
  if (!body) return Error(400, "ValidationError", "The request body must be a JSON object.");
  bool bad = false;
  std::string account = StringMember(*body, "account", bad).value_or("");
  std::string user_name = StringMember(*body, "userName", bad).value_or("");
  std::optional<std::string> password = StringMember(*body, "password", bad);
  std::optional<std::string> mfa_code = StringMember(*body, "mfaCode", bad);
  if (bad || !password || account.empty()) {
    return Error(400, "ValidationError",
                 "account, userName and password are required strings; mfaCode is a string.");
  }
  // The root user signs in without an IAM user name (or as "root").
  const bool as_root = user_name.empty() || user_name == "root";
  const std::int64_t now = EpochMillis(deps_.clock.Now());

  // The password is checked on every path, so every answer costs the same time whether the
  // user exists, the name is locked or the account is someone else's.
  auto check = deps_.backend.CheckPassword(as_root ? "" : user_name, *password, now);
  if (!check) return Error(check.error());
  const std::string& account_id = deps_.backend.account_id();
  bool account_matches = account == account_id;
  if (!account_matches) {
    auto alias = deps_.backend.AccountAlias();
    account_matches = alias && IEquals(*alias, account);
  }
  // Failures count per user whether the account was given by id or by alias.
  const std::string key =
      LockoutTracker::Key(account_matches ? account_id : account, as_root ? "root" : user_name);

  auto fail = [&](bool mfa_used) {
    if (account_matches) RecordSignIn(request, *check, false, mfa_used, "");
    lockout_.RecordFailure(key, now);
    FailureDelay();
    return Error(401, "FailedAuthentication", kFailedAuthenticationMessage);
  };

  if (std::int64_t locked = lockout_.LockedFor(key, now); locked > 0) {
    // Refused without regard to the password; recorded as the failure it is.
    if (account_matches) RecordSignIn(request, *check, false, false, "");
    FailureDelay();
    const std::int64_t minutes = (locked + 59999) / 60000;
    http::HttpResponse r =
        Error(429, "TooManyFailedAttempts",
              "Sign-in is temporarily disabled for this user after too many failed attempts. "
              "Try again in " +
                  std::to_string(minutes) + (minutes == 1 ? " minute." : " minutes."));
    r.headers.Set("Retry-After", std::to_string((locked + 999) / 1000));
    return r;
  }
  if (!account_matches || check->outcome != PasswordCheck::Outcome::kMatch) return fail(false);

  bool mfa_used = false;
  std::string mfa_serial;
  if (!check->mfa_serials.empty()) {
    if (!mfa_code || mfa_code->empty()) {
      // The password was right; the sign-in page now asks for the code.
      json::object out;
      out["signedIn"] = false;
      out["mfaRequired"] = true;
      out["csrfToken"] = current.session->csrf_token;
      return Json(200, out);
    }
    for (const std::string& serial : check->mfa_serials) {
      auto valid = deps_.backend.CheckMfaCode(check->principal.user_name, serial, *mfa_code, now);
      if (!valid) return Error(valid.error());
      if (*valid) {
        mfa_used = true;
        mfa_serial = serial;
        break;
      }
    }
    if (!mfa_used) return fail(true);
  }

  lockout_.Reset(key);
  RecordSignIn(request, *check, true, mfa_used, mfa_serial);
  if (check->principal.type == auth::PrincipalType::kIamUser) {
    deps_.backend.RecordPasswordUse(check->principal.user_name, now);
  }
  auth::Principal principal = check->principal;
  principal.mfa_authenticated = mfa_used;
  // The console's session stands for temporary credentials (as AWS's console uses), so
  // aws:MultiFactorAuthPresent is present in policy evaluation.
  principal.access_key_id =
      "ASIA" + deps_.random.FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  principal.session_expires_millis = now + deps_.options.sessions.absolute_millis;
  const SessionState state =
      check->password_reset_required ? SessionState::kPasswordReset : SessionState::kSignedIn;
  sessions_.Remove(current.id);  // a new id at sign-in: no session fixation
  auto [id, session] = sessions_.Create(state, principal, mfa_used);
  http::HttpResponse r = Json(200, SessionJson(session, account_id));
  r.headers.Add("Set-Cookie", SetCookie(request, id));
  return r;
}

http::HttpResponse ConsoleHandler::ChangePassword(const http::HttpRequest& request,
                                                  const Current& current) {
  const Session& session = *current.session;
  if (session.state == SessionState::kAnonymous) return NotSignedIn();
  if (request.body.size() > kMaxBody) return TooLarge();
  auto body = ParseObject(request);
  if (!body) return Error(400, "ValidationError", "The request body must be a JSON object.");
  bool bad = false;
  auto old_password = StringMember(*body, "oldPassword", bad);
  auto new_password = StringMember(*body, "newPassword", bad);
  if (bad || !old_password || !new_password) {
    return Error(400, "ValidationError", "oldPassword and newPassword are required strings.");
  }
  const protocol::ServiceModel* iam = deps_.catalog.Find("iam");
  const protocol::Operation* op = iam ? iam->FindOperation("ChangePassword") : nullptr;
  if (!op) return Error(500, "InternalFailure", "The IAM model has no ChangePassword.");
  protocol::Value input = protocol::Value::MakeStructure();
  input.Set("OldPassword", *old_password);
  input.Set("NewPassword", *new_password);
  auto output = deps_.backend.Call(
      ConsoleCall{session.principal, *iam, *op, std::move(input), request.remote_ip,
                  std::string(request.headers.Get("User-Agent")), session.created_millis});
  if (!output) return Error(output.error());
  if (session.state != SessionState::kPasswordReset) {
    return Json(200, SessionJson(session, deps_.backend.account_id()));
  }
  auto promoted = sessions_.Promote(current.id);
  if (!promoted) return NotSignedIn();
  http::HttpResponse r = Json(200, SessionJson(promoted->second, deps_.backend.account_id()));
  r.headers.Add("Set-Cookie", SetCookie(request, promoted->first));
  return r;
}

http::HttpResponse ConsoleHandler::SignOut(const http::HttpRequest& request,
                                           const Current& current) {
  sessions_.Remove(current.id);
  auto [id, session] = sessions_.Create(SessionState::kAnonymous);
  http::HttpResponse r = Json(200, SessionJson(session, deps_.backend.account_id()));
  r.headers.Add("Set-Cookie", SetCookie(request, id));
  return r;
}

http::HttpResponse ConsoleHandler::Call(const http::HttpRequest& request, const Current& current) {
  const Session& session = *current.session;
  if (session.state == SessionState::kAnonymous) return NotSignedIn();
  if (session.state == SessionState::kPasswordReset) {
    return Error(403, "PasswordResetRequired",
                 "You must change your password before you can use the console.");
  }
  if (request.body.size() > kMaxBody) return TooLarge();
  auto body = ParseObject(request);
  if (!body) return Error(400, "ValidationError", "The request body must be a JSON object.");
  bool bad = false;
  std::string service_name = StringMember(*body, "service", bad).value_or("");
  std::string operation_name = StringMember(*body, "operation", bad).value_or("");
  if (bad || service_name.empty() || operation_name.empty()) {
    return Error(400, "ValidationError", "service and operation are required strings.");
  }
  const protocol::ServiceModel* service = deps_.catalog.Find(service_name);
  if (!service) service = deps_.catalog.FindBySigningName(service_name);
  if (!service) {
    return Error(400, "UnknownService", "trailwatch serves no service named " + service_name + ".");
  }
  const protocol::Operation* operation = service->FindOperation(operation_name);
  if (!operation) {
    return Error(400, "UnknownOperation",
                 service->name() + " has no operation named " + operation_name + ".");
  }
  // Object bodies travel as blob payloads (the raw HTTP body), which the console's JSON does not
  // carry.
  for (const protocol::Shape* shape : {operation->input, operation->output}) {
    if (!shape || shape->payload.empty()) continue;
    const protocol::Member* payload = shape->FindMember(shape->payload);
    if (payload && payload->shape &&
        (payload->shape->streaming || payload->shape->type == protocol::ShapeType::kBlob)) {
      return Error(400, "UnsupportedOperation",
                   "The console does not transfer S3 object bodies; use an SDK or the CLI for " +
                       operation_name + ".");
    }
  }
  json::value input_json = json::object();
  if (auto it = body->find("input"); it != body->end() && !it->value().is_null()) {
    input_json = it->value();
  }
  auto input = JsonToValue(input_json, operation->input);
  if (!input) return Error(input.error());
  auto output = deps_.backend.Call(ConsoleCall{
      session.principal, *service, *operation, std::move(input).value(), request.remote_ip,
      std::string(request.headers.Get("User-Agent")), session.created_millis});
  if (!output) return Error(output.error());
  json::object out;
  out["output"] =
      output->is_null() ? json::value(json::object()) : ValueToJson(*output, operation->output);
  return Json(200, out);
}

http::HttpResponse ConsoleHandler::Outbox(const http::HttpRequest& request,
                                          const Current& current) {
  (void)request;
  if (!current.session || current.session->state != SessionState::kSignedIn) return NotSignedIn();
  const auth::Principal& principal = current.session->principal;
  // The outbox holds every subscriber's email: root, or whoever may list SNS topics, may read
  // it (the same check as the sns:ListTopics the console's SNS page makes).
  if (principal.type != auth::PrincipalType::kRoot) {
    const protocol::ServiceModel* sns = deps_.catalog.Find("sns");
    const protocol::Operation* op = sns ? sns->FindOperation("ListTopics") : nullptr;
    if (!op) return Error(500, "InternalFailure", "The SNS model has no ListTopics.");
    if (Status allowed = deps_.backend.MayCall(ConsoleCall{
            principal, *sns, *op, protocol::Value::MakeStructure(), request.remote_ip, "", 0});
        !allowed) {
      return Error(allowed.error());
    }
  }
  auto messages = deps_.backend.Outbox(200);
  if (!messages) return Error(messages.error());
  json::array list;
  for (const OutboxMessage& m : *messages) {
    json::object item;
    item["to"] = m.to;
    item["subject"] = m.subject;
    item["body"] = m.body;
    item["time"] = FormatIso8601(m.time_millis);
    list.push_back(std::move(item));
  }
  json::object out;
  out["messages"] = std::move(list);
  return Json(200, out);
}

}  // namespace tw::console
