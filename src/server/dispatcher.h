// SPDX-License-Identifier: Apache-2.0
// The Dispatcher is the one request path every API call takes: route → authenticate (SigV4) →
// parse → validate → authorize → execute → serialize. No service can skip a step, because
// handlers are only reachable from here. It is the HTTP server's Handler; thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

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
  };
  // What the request path established before running the handler.
  struct Prepared {
    const protocol::Codec* codec = nullptr;
    protocol::ResponseMeta meta;
    std::optional<auth::VerifiedRequest> verified;
    std::string region;
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
