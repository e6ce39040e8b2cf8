// SPDX-License-Identifier: Apache-2.0
// The Dispatcher is the one request path every API call takes: route → authenticate (SigV4) →
// parse → validate → authorize → execute → serialize. No service can skip a step, because
// handlers are only reachable from here. It is the HTTP server's Handler; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/credentials.h"
#include "auth/sigv4/verifier.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/telemetry.h"
#include "http/message.h"
#include "pipeline/trail_sink.h"
#include "protocol/codec.h"
#include "protocol/model.h"
#include "server/authorizer.h"
#include "services/service.h"

namespace tw::server {

struct DispatcherDeps {
  const protocol::ServiceCatalog& catalog;
  const services::OperationTable& operations;
  const auth::CredentialProvider& credentials;
  const Authorizer& authorizer;
  const Clock& clock;
  RandomSource& random;
  std::string account_id;                     // the account this server serves
  pipeline::TrailSink* trail_sink = nullptr;  // CloudTrail; every API call is recorded here
  // Plain GETs under /_trailwatch/ (SNS's confirmation and unsubscribe links) are offered here
  // before API routing; nullopt falls through. '_' cannot start an S3 bucket name.
  std::function<std::optional<http::HttpResponse>(const http::HttpRequest&)> links = {};
  const auth::KeyUsageRecorder* key_usage = nullptr;  // access keys' last use, when tracked
  // Request counts and latencies, served with everything else registered at GET /metrics.
  telemetry::Registry* telemetry = nullptr;
  // Opens the temporary file a streamed S3 upload (PutObject, UploadPart) is written to; unset,
  // every body is buffered in memory up to the server's body_limit.
  std::function<Result<std::unique_ptr<services::BodyFile>>()> open_body_file = {};
  // The web console (/console and below), for requests that carry no AWS signature; empty: none.
  // A path-style S3 request to a bucket named "console" is told apart by its signature.
  std::function<http::HttpResponse(http::HttpRequest&)> console = {};
};

// A call made for a principal that is already authenticated (a console session) instead of by a
// SigV4-signed request. It takes the rest of the request path: validate, authorize, execute,
// audit.
struct PrincipalCall {
  const auth::Principal& principal;
  const protocol::ServiceModel& service;
  const protocol::Operation& operation;
  protocol::Value input;
  std::string source_ip;
  // What CloudTrail records as userAgent (the console writes "AWS Internal", as AWS does for
  // calls its console makes) and the request's own User-Agent for aws:UserAgent.
  std::string recorded_user_agent;
  std::string request_user_agent;
  // Console sessions: CloudTrail marks the record sessionCredentialFromConsole and writes the
  // session's creation date.
  bool from_console = false;
  std::int64_t session_created_millis = 0;
};

class Dispatcher final : public http::Handler {
 public:
  explicit Dispatcher(DispatcherDeps deps);
  ~Dispatcher() override;

  http::HttpResponse Handle(http::HttpRequest& request) override;
  // S3 PutObject and UploadPart are authenticated (SigV4 headers) and authorized from their
  // headers before the body is read: refused ones are answered at once, accepted ones stream
  // their body to an UploadSink. Every other request is buffered.
  bool MayPlanBody(const http::HttpRequest& request) const override {
    return deps_.open_body_file && request.method == "PUT";
  }
  http::BodyPlan PlanBody(http::HttpRequest& request) override;
  // Runs one operation as `call.principal`: validation, authorization, the handler and the
  // CloudTrail record, exactly as for an API request. Thread-safe.
  Result<protocol::Value> Invoke(PrincipalCall call);
  // Only the authorization step of Invoke: nothing runs and nothing is recorded.
  Status Authorize(const PrincipalCall& call) const;

 private:
  class StreamedUpload;
  // What the request path learned about a call, for the request log and the CloudTrail record.
  struct CallState {
    const protocol::ServiceModel* service = nullptr;
    const protocol::Operation* operation = nullptr;
    std::string operation_name;
    std::optional<auth::Principal> principal;  // verified, or the claimed key's owner
    std::string access_key_id;
    std::string region;
    std::optional<protocol::Value> input;
    std::optional<protocol::Value> output;
    std::optional<AwsError> error;
    std::string recorded_user_agent;  // set: overrides the request's User-Agent in the record
    bool from_console = false;
    std::int64_t session_created_millis = 0;
  };
  // What the request path established before running the handler.
  struct Prepared {
    const protocol::Codec* codec = nullptr;
    protocol::ResponseMeta meta;
    std::optional<auth::VerifiedRequest> verified;
    std::string region;
    // Items of the input authorization refused one by one (S3 DeleteObjects' keys).
    std::vector<std::size_t> denied_items;
  };
  http::HttpResponse HandleApi(http::HttpRequest& request, const std::string& request_id,
                               CallState& call);
  // Route, authenticate, parse, validate, authorize: an error response, or nullopt with
  // `prepared` filled in. `streaming`: the body is not read yet.
  std::optional<http::HttpResponse> Prepare(http::HttpRequest& request,
                                            const std::string& request_id, CallState& call,
                                            Prepared& prepared, bool streaming);
  http::HttpResponse Execute(http::HttpRequest& request, const std::string& request_id,
                             CallState& call, Prepared& prepared,
                             services::BodyFile* streamed_body);
  http::HttpResponse HandleStreamed(http::HttpRequest& request, StreamedUpload& upload);
  // Metrics, the request log line and the CloudTrail record of one answered call.
  void Conclude(const http::HttpRequest& request, const std::string& request_id,
                std::chrono::steady_clock::time_point started, const CallState& call,
                const http::HttpResponse& response);
  // The request counter and latency histogram of one call (API request or console Invoke).
  void Count(const CallState& call, int status, double seconds);
  void Audit(const http::HttpRequest& request, const std::string& request_id,
             const CallState& call);
  http::HttpResponse Health() const;
  http::HttpResponse Metrics() const;
  const protocol::Codec& CodecFor(protocol::Protocol protocol) const;

  DispatcherDeps deps_;
  auth::SigningKeyCache key_cache_;
  auth::Verifier verifier_;
  std::unique_ptr<protocol::Codec> query_, json_, cbor_, rest_xml_;
  telemetry::CounterFamily* requests_ = nullptr;
  telemetry::HistogramFamily* latency_ = nullptr;
};

}  // namespace tw::server
