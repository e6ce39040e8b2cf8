// SPDX-License-Identifier: Apache-2.0
#include "server/dispatcher.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "auth/sigv4/chunked.h"
#include "auth/sigv4/parser.h"
#include "protocol/cbor/cbor_codec.h"
#include "protocol/json/json_codec.h"
#include "protocol/query/query_codec.h"
#include "protocol/rest_xml/rest_xml_codec.h"
#include "protocol/router/router.h"
#include "protocol/validate/validate.h"
#include "server/credential_store.h"
#include "server/trail_record.h"
#include "server/upload_sink.h"

namespace tw::server {
namespace {

using protocol::Protocol;

auth::ErrorFlavor FlavorOf(Protocol protocol) {
  switch (protocol) {
    case Protocol::kQuery:
      return auth::ErrorFlavor::kQuery;
    case Protocol::kRestXml:
      return auth::ErrorFlavor::kS3;
    case Protocol::kJson:
    case Protocol::kRpcV2Cbor:
    case Protocol::kRestJson:
      return auth::ErrorFlavor::kJson;
  }
  return auth::ErrorFlavor::kJson;
}

AwsError NotImplementedError(const protocol::ServiceModel& service, std::string_view operation) {
  return AwsError::From(ErrorCode::kNotImplemented,
                        "trailwatch does not implement " + service.name() + ":" +
                            std::string(operation) +
                            " yet; docs/coverage.md lists the operations it implements");
}

// /console and below, without a SigV4 signature (header or presigned query).
bool IsConsoleRequest(const http::HttpRequest& request) {
  if (request.path != "/console" && request.path.rfind("/console/", 0) != 0) return false;
  if (request.headers.Has("Authorization")) return false;
  return request.raw_query.find("X-Amz-Signature=") == std::string::npos &&
         request.raw_query.find("X-Amz-Credential=") == std::string::npos;
}

}  // namespace

namespace {
// The single catch-all of the request path: anything unexpected is a 500, never a crash.
template <typename Call>
http::HttpResponse InternalFailure(const std::string& request_id, Call& call,
                                   const std::exception& e) {
  spdlog::error("request_id={} exception={}", request_id, e.what());
  call.error = AwsError::From(ErrorCode::kInternalFailure, "An internal error occurred.");
  http::HttpResponse response;
  response.status = 500;
  response.headers.Set("Content-Type", "text/plain");
  response.headers.Set("x-amzn-RequestId", request_id);
  response.body = "InternalFailure: request " + request_id + " failed inside trailwatch\n";
  return response;
}
}  // namespace

Dispatcher::Dispatcher(DispatcherDeps deps)
    : deps_(deps),
      verifier_(key_cache_),
      query_(std::make_unique<protocol::QueryCodec>()),
      json_(std::make_unique<protocol::JsonCodec>()),
      cbor_(std::make_unique<protocol::CborCodec>()),
      rest_xml_(std::make_unique<protocol::RestXmlCodec>()) {
  if (deps_.telemetry) {
    requests_ = &deps_.telemetry->Counter("trailwatch_requests_total",
                                          "API requests by service, operation and HTTP status",
                                          {"service", "operation", "status"});
    latency_ = &deps_.telemetry->Histogram(
        "trailwatch_request_duration_seconds",
        "Time from a request's arrival at the dispatcher to its response, by service", {"service"},
        {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  }
}

Dispatcher::~Dispatcher() = default;

const protocol::Codec& Dispatcher::CodecFor(Protocol protocol) const {
  switch (protocol) {
    case Protocol::kQuery:
      return *query_;
    case Protocol::kJson:
      return *json_;
    case Protocol::kRpcV2Cbor:
      return *cbor_;
    case Protocol::kRestXml:
    case Protocol::kRestJson:
      return *rest_xml_;
  }
  return *json_;
}

// One streamed upload between PlanBody and Handle: the sink the server writes the body to, and
// what the request path established from the headers.
class Dispatcher::StreamedUpload final : public UploadSink {
 public:
  StreamedUpload(UploadPlan plan, std::unique_ptr<services::BodyFile> file)
      : UploadSink(std::move(plan), std::move(file)) {}
  std::string request_id;
  std::chrono::steady_clock::time_point started;
  CallState call;
  Prepared prepared;
};

http::HttpResponse Dispatcher::Handle(http::HttpRequest& request) {
  if (auto* upload = dynamic_cast<StreamedUpload*>(request.body_sink.get())) {
    return HandleStreamed(request, *upload);
  }
  if (request.path == "/health" && (request.method == "GET" || request.method == "HEAD")) {
    return Health();
  }
  if (request.path == "/metrics" && deps_.telemetry &&
      (request.method == "GET" || request.method == "HEAD")) {
    return Metrics();
  }
  if (deps_.console && IsConsoleRequest(request)) {
    http::HttpResponse response = deps_.console(request);
    // The request log's line for console pages and API calls; never cookies, tokens or bodies.
    const auto level = response.status >= 500 ? spdlog::level::warn : spdlog::level::debug;
    if (spdlog::should_log(level)) {
      spdlog::log(level, "method={} path={} service=console status={}", request.method,
                  request.path, response.status);
    }
    return response;
  }
  if (deps_.links && request.path.rfind("/_trailwatch/", 0) == 0) {
    if (auto response = deps_.links(request)) return std::move(*response);
  }
  const std::string request_id = deps_.random.Uuid();
  const auto started = std::chrono::steady_clock::now();
  http::HttpResponse response;
  CallState call;
  try {
    response = HandleApi(request, request_id, call);
  } catch (const std::exception& e) {
    response = InternalFailure(request_id, call, e);
  }
  Conclude(request, request_id, started, call, response);
  return response;
}

http::BodyPlan Dispatcher::PlanBody(http::HttpRequest& request) {
  if (!deps_.open_body_file || request.method != "PUT") return {};
  if (request.path.rfind("/_trailwatch/", 0) == 0) return {};
  // Unsigned requests under /console belong to the console (Handle), not to a bucket "console".
  if (deps_.console && IsConsoleRequest(request)) return {};
  // Route from method, path and query alone; only S3 uploads stream.
  auto scope = auth::PeekCredentialScope(request);
  auto route = protocol::ResolveRoute(request, deps_.catalog, scope ? scope->service : "");
  if (!route || route->protocol != Protocol::kRestXml || !route->operation) return {};
  if (route->operation_name != "PutObject" && route->operation_name != "UploadPart") return {};
  // Without x-amz-content-sha256 the signature covers the body's hash: it can only be checked
  // once the body is read, so such (rare, non-CLI) requests stay buffered.
  if (auto parsed = auth::ParseAuth(request, /*s3=*/true);
      parsed && parsed->payload_mode == auth::PayloadMode::kBodyHash) {
    return {};
  }

  const std::string request_id = deps_.random.Uuid();
  const auto started = std::chrono::steady_clock::now();
  CallState call;
  Prepared prepared;
  http::BodyPlan plan;
  std::optional<http::HttpResponse> refused;
  std::shared_ptr<StreamedUpload> upload;
  try {
    refused = Prepare(request, request_id, call, prepared, /*streaming=*/true);
    if (!refused && !prepared.verified) {
      // An operation the model marks unauthenticated; PutObject and UploadPart are not.
      return {};
    }
    if (!refused) {
      auto fail = [&](const AwsError& error) {
        call.error = error;
        return prepared.codec->WriteError(*call.service, error, prepared.meta);
      };
      auto upload_plan = PlanUpload(request, *prepared.verified);
      auto file = upload_plan ? deps_.open_body_file()
                              : Result<std::unique_ptr<services::BodyFile>>(nullptr);
      if (!upload_plan) {
        refused = fail(upload_plan.error());
      } else if (!file) {
        refused = fail(file.error());
      } else {
        upload = std::make_shared<StreamedUpload>(std::move(*upload_plan), std::move(*file));
      }
    }
  } catch (const std::exception& e) {
    refused = InternalFailure(request_id, call, e);
  }
  if (refused) {
    refused->headers.Set("Connection", "close");
    Conclude(request, request_id, started, call, *refused);
    plan.response = std::move(refused);
    return plan;
  }
  plan.limit = upload->wire_limit();
  upload->request_id = request_id;
  upload->started = started;
  upload->call = std::move(call);
  upload->prepared = std::move(prepared);
  plan.sink = std::move(upload);
  return plan;
}

http::HttpResponse Dispatcher::HandleStreamed(http::HttpRequest& request, StreamedUpload& upload) {
  CallState& call = upload.call;
  http::HttpResponse response;
  try {
    if (Status finished = upload.Finish(request.body_complete); !finished) {
      call.error = finished.error();
      response =
          upload.prepared.codec->WriteError(*call.service, finished.error(), upload.prepared.meta);
    } else {
      response = Execute(request, upload.request_id, call, upload.prepared, upload.file());
    }
  } catch (const std::exception& e) {
    response = InternalFailure(upload.request_id, call, e);
  }
  // A body cut short leaves unread bytes on the connection.
  if (!request.body_complete) response.headers.Set("Connection", "close");
  Conclude(request, upload.request_id, upload.started, call, response);
  return response;
}

void Dispatcher::Conclude(const http::HttpRequest& request, const std::string& request_id,
                          std::chrono::steady_clock::time_point started, const CallState& call,
                          const http::HttpResponse& response) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Count(call, response.status, seconds);
  // One key=value line per request; never headers or bodies (they carry signatures and secrets).
  const auto level = response.status >= 500 ? spdlog::level::warn : spdlog::level::debug;
  if (spdlog::should_log(level)) {
    spdlog::log(level,
                "request_id={} method={} path={} service={} operation={} status={} error={} "
                "duration_us={}",
                request_id, request.method, request.path, call.service ? call.service->name() : "-",
                call.operation_name, response.status, call.error ? call.error->code : "-",
                static_cast<std::int64_t>(seconds * 1e6));
  }
  Audit(request, request_id, call);
}

void Dispatcher::Count(const CallState& call, int status, double seconds) {
  if (!requests_) return;
  const std::string service = call.service ? std::string(call.service->name()) : "-";
  requests_->Add(
      {service, call.operation_name.empty() ? "-" : call.operation_name, std::to_string(status)});
  latency_->Observe({service}, seconds);
}

void Dispatcher::Audit(const http::HttpRequest& request, const std::string& request_id,
                       const CallState& call) {
  if (!deps_.trail_sink || !call.service) return;
  ApiCall record;
  record.service = call.service;
  record.operation_name = call.operation_name;
  // A data event (PutLogEvents, Publish, S3 object calls) no trail selects is not recorded at
  // all: event history does not keep data events, so its record would be built for nothing.
  if (IsDataEvent(record) && !deps_.trail_sink->WantsDataEvents()) return;
  record.operation = call.operation;
  record.principal = call.principal ? &*call.principal : nullptr;
  record.access_key_id = call.access_key_id;
  record.recipient_account_id = deps_.account_id;
  record.region = call.region;
  record.source_ip = request.remote_ip;
  record.user_agent = call.recorded_user_agent.empty()
                          ? std::string(request.headers.Get("User-Agent"))
                          : call.recorded_user_agent;
  record.from_console = call.from_console;
  record.session_created_millis = call.session_created_millis;
  record.host = std::string(request.headers.Get("Host"));
  record.request_id = request_id;
  record.event_id = deps_.random.Uuid();
  record.event_time_millis = EpochMillis(deps_.clock.Now());
  record.input = call.input ? &*call.input : nullptr;
  record.output = call.output ? &*call.output : nullptr;
  record.error = call.error ? &*call.error : nullptr;
  deps_.trail_sink->Record(BuildTrailEvent(record));
}

http::HttpResponse Dispatcher::HandleApi(http::HttpRequest& request, const std::string& request_id,
                                         CallState& call) {
  Prepared prepared;
  if (auto refused = Prepare(request, request_id, call, prepared, /*streaming=*/false)) {
    return std::move(*refused);
  }
  return Execute(request, request_id, call, prepared, nullptr);
}

std::optional<http::HttpResponse> Dispatcher::Prepare(http::HttpRequest& request,
                                                      const std::string& request_id,
                                                      CallState& call, Prepared& prepared,
                                                      bool streaming) {
  // Route: reading the scope does not verify anything; it only names the service.
  auto scope = auth::PeekCredentialScope(request);
  auto route = protocol::ResolveRoute(request, deps_.catalog, scope ? scope->service : "");
  if (!route) {
    http::HttpResponse response;
    response.status = route.error().http_status;
    response.headers.Set("Content-Type", "text/plain");
    response.body = route.error().code + ": " + route.error().message + "\n";
    return response;
  }
  const protocol::ServiceModel& service = *route->service;
  const protocol::Codec& codec = CodecFor(route->protocol);
  prepared.codec = &codec;
  protocol::ResponseMeta& meta = prepared.meta;
  meta.request_id = request_id;
  meta.method = request.method;
  call.service = &service;
  call.operation = route->operation;
  call.operation_name = route->operation_name;
  call.region = scope ? scope->region : std::string();
  auto fail = [&](const AwsError& error) -> std::optional<http::HttpResponse> {
    call.error = error;
    return codec.WriteError(service, error, meta);
  };

  // Authenticate. Operations the model marks as unauthenticated (sts AssumeRoleWithWebIdentity)
  // are the only exception, as in AWS.
  const bool s3 = route->protocol == Protocol::kRestXml;
  const auth::ErrorFlavor flavor = FlavorOf(route->protocol);
  std::optional<auth::VerifiedRequest>& verified = prepared.verified;
  if (!route->operation || !route->operation->auth_none) {
    auth::VerifyOptions options;
    options.s3 = s3;
    options.defer_payload_check = streaming;
    auto result =
        verifier_.Verify(request, deps_.credentials, EpochMillis(deps_.clock.Now()), options);
    if (!result) {
      // CloudTrail records refused calls too, under the identity the key claims.
      if (auto parsed = auth::ParseAuth(request, s3)) {
        call.access_key_id = parsed->access_key_id;
        if (auto claimed = deps_.credentials.Find(parsed->access_key_id)) {
          call.principal = claimed->principal;
        }
      }
      return fail(auth::ToAwsError(result.error(), flavor));
    }
    verified = std::move(result).value();
    call.principal = verified->credential.principal;
    call.access_key_id = verified->auth.access_key_id;
    // IAM's GetAccessKeyLastUsed reports real use. Recording is a store write (an fsync), so the
    // recorder throttles it to once per key per minute.
    if (deps_.key_usage) {
      deps_.key_usage->RecordUse(verified->credential.access_key_id, EpochMillis(deps_.clock.Now()),
                                 verified->auth.scope.service, verified->auth.scope.region);
    }
  }
  if (!route->operation) return fail(protocol::UnknownOperationError(*route));
  const protocol::Operation& operation = *route->operation;

  // S3 streaming uploads carry chunk signatures chained from the request signature. A streamed
  // body is decoded by its UploadSink as it arrives instead.
  if (verified && s3 && !streaming) {
    auth::PayloadMode mode = verified->auth.payload_mode;
    if (mode == auth::PayloadMode::kStreamingSigned ||
        mode == auth::PayloadMode::kStreamingSignedTrailer ||
        mode == auth::PayloadMode::kStreamingUnsignedTrailer) {
      auto decoded = auth::DecodeStreamingBody(request, *verified);
      if (!decoded) return fail(auth::ToAwsError(decoded.error(), flavor));
      request.body = std::move(decoded->data);
    }
  }

  // A streamed upload is parsed from its headers alone (its Body is empty).
  auto input = codec.ParseRequest(request, service, operation);
  if (!input) return fail(input.error());
  call.input = std::move(input).value();
  if (Status valid = protocol::ValidateInput(service, operation, *call.input); !valid) {
    return fail(valid.error());
  }

  static const auth::Principal kAnonymous{};
  const auth::Principal& principal = verified ? verified->credential.principal : kAnonymous;
  prepared.region = verified ? verified->auth.scope.region : std::string("us-east-1");
  if (Status allowed = deps_.authorizer.Authorize(
          AuthorizationRequest{principal, service, operation, *call.input, route->protocol,
                               &request, prepared.region, &prepared.denied_items});
      !allowed) {
    return fail(allowed.error());
  }
  if (!deps_.operations.Find(service.name(), operation.name)) {
    return fail(NotImplementedError(service, operation.name));
  }
  return std::nullopt;
}

http::HttpResponse Dispatcher::Execute(http::HttpRequest& request, const std::string& request_id,
                                       CallState& call, Prepared& prepared,
                                       services::BodyFile* streamed_body) {
  const protocol::ServiceModel& service = *call.service;
  const protocol::Operation& operation = *call.operation;
  const protocol::Codec& codec = *prepared.codec;
  const services::OperationHandler* handler = deps_.operations.Find(service.name(), operation.name);
  if (!handler) {
    call.error = NotImplementedError(service, operation.name);
    return codec.WriteError(service, *call.error, prepared.meta);
  }
  static const auth::Principal kAnonymous{};
  const auth::Principal& principal =
      prepared.verified ? prepared.verified->credential.principal : kAnonymous;
  services::RequestContext context{request_id,
                                   principal,
                                   prepared.region,
                                   deps_.clock,
                                   deps_.random,
                                   request,
                                   std::move(prepared.denied_items)};
  context.streamed_body = streamed_body;
  auto output = (*handler)(context, *call.input);
  if (!output) {
    call.error = output.error();
    return codec.WriteError(service, output.error(), prepared.meta);
  }
  http::HttpResponse response = codec.WriteResponse(service, operation, *output, prepared.meta);
  call.output = std::move(output).value();
  return response;
}

Status Dispatcher::Authorize(const PrincipalCall& call) const {
  http::HttpRequest request;
  request.remote_ip = call.source_ip;
  request.headers.Set("User-Agent", call.request_user_agent);
  return deps_.authorizer.Authorize(
      AuthorizationRequest{call.principal, call.service, call.operation, call.input,
                           call.service.protocols().front(), &request, "us-east-1"});
}

// Errors of a console call are rendered for the service's first protocol, as its SDKs see them
// (AccessDenied for IAM's query protocol, AccessDeniedException for Logs' JSON).

Result<protocol::Value> Dispatcher::Invoke(PrincipalCall call) {
  // The same steps as HandleApi after authentication; the synthetic request carries what
  // authorization and handlers may read (source address, user agent).
  http::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.remote_ip = call.source_ip;
  request.headers.Set("User-Agent", call.request_user_agent);
  const std::string request_id = deps_.random.Uuid();
  const auto started = std::chrono::steady_clock::now();
  CallState state;
  state.service = &call.service;
  state.operation = &call.operation;
  state.operation_name = call.operation.name;
  state.principal = call.principal;
  state.access_key_id = call.principal.access_key_id;
  state.region = "us-east-1";
  state.recorded_user_agent = call.recorded_user_agent;
  state.from_console = call.from_console;
  state.session_created_millis = call.session_created_millis;
  state.input = std::move(call.input);
  auto run = [&]() -> Result<protocol::Value> {
    if (Status valid = protocol::ValidateInput(call.service, call.operation, *state.input);
        !valid) {
      return valid.error();
    }
    if (Status allowed = deps_.authorizer.Authorize(
            AuthorizationRequest{call.principal, call.service, call.operation, *state.input,
                                 call.service.protocols().front(), &request, "us-east-1"});
        !allowed) {
      return allowed.error();
    }
    const services::OperationHandler* handler =
        deps_.operations.Find(call.service.name(), call.operation.name);
    if (!handler) return NotImplementedError(call.service, call.operation.name);
    services::RequestContext context{request_id,  call.principal, "us-east-1",
                                     deps_.clock, deps_.random,   request};
    return (*handler)(context, *state.input);
  };
  Result<protocol::Value> result = AwsError::From(ErrorCode::kInternalFailure, "not run");
  try {
    result = run();
  } catch (const std::exception& e) {
    spdlog::error("request_id={} exception={}", request_id, e.what());
    result = AwsError::From(ErrorCode::kInternalFailure, "An internal error occurred.");
  }
  if (result) {
    state.output = *result;
  } else {
    state.error = result.error();
  }
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("request_id={} method=console service={} operation={} error={}", request_id,
                  call.service.name(), call.operation.name, state.error ? state.error->code : "-");
  }
  // Counted like an API request, with the HTTP status its error carries (the console's own HTTP
  // exchange is not counted).
  Count(state, state.error ? state.error->http_status : 200,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  Audit(request, request_id, state);
  return result;
}

http::HttpResponse Dispatcher::Health() const {
  std::string body = R"({"status":"ready","services":[)";
  bool first = true;
  for (const auto& s : deps_.catalog.services()) {
    body += (first ? "\"" : ",\"") + s->name() + "\"";
    first = false;
  }
  body += "]}";
  http::HttpResponse response;
  response.headers.Set("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

// The Prometheus text format. Counts and latencies only: no names of users, keys or resources
// appear, so it is served like /health, without authentication.
http::HttpResponse Dispatcher::Metrics() const {
  http::HttpResponse response;
  response.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  response.body = deps_.telemetry->Render();
  return response;
}

}  // namespace tw::server
