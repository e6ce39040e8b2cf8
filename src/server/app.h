// SPDX-License-Identifier: Apache-2.0
// App is the composition root: it opens the store, makes sure the account and its root key exist,
// builds the services, the dispatcher and the HTTP server, and owns all of their lifetimes. main()
// only parses flags and waits for a signal. Nothing else in trailwatch constructs components.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "common/telemetry.h"
#include "http/message.h"
#include "pipeline/notifier.h"
#include "pipeline/trail_sink.h"
#include "server/config.h"
#include "services/service.h"

namespace tw::store {
class Database;
}  // namespace tw::store

namespace tw::pipeline {
class MetricSink;
}  // namespace tw::pipeline

namespace tw::services::iam {
class IamStore;
}  // namespace tw::services::iam

namespace tw::server {

class Authorizer;

// What services are built from. Owned by the App (or by the coverage command).
struct ServiceDeps {
  store::Database& database;
  std::filesystem::path data_dir;
  std::string account_id;
  const Clock& clock;
  RandomSource& random;
  // Where Logs metric filters publish datapoints (CloudWatch). Null until CloudWatch exists: Logs
  // then counts what it could not deliver and reports it in the log once a minute.
  pipeline::MetricSink* metric_sink = nullptr;
  // SNS email delivery: smtp[s]://host:port (empty: .eml files in <data_dir>/outbox), optional
  // credentials (never logged) and the From mailbox.
  std::string smtp_url = {};
  std::string smtp_user = {};
  std::string smtp_password = {};
  std::string smtp_from = "AWS Notifications <no-reply@sns.amazonaws.com>";
  // The URL subscribers reach this server at, for SNS's links (SubscribeURL, unsubscribe,
  // SigningCertURL); asked each time a link is written. Null: http://127.0.0.1:4566.
  std::function<std::string()> public_url = {};
  // CloudTrail trail delivery periods (S3 log files, signed digests).
  std::int64_t trail_delivery_millis = 60'000;
  std::int64_t trail_digest_millis = 3'600'000;
  // CloudTrail Insights' minute and learning period; shorter only in tests (hidden flags).
  std::int64_t insights_minute_millis = 60'000;
  std::int64_t insights_learning_minutes = 2160;
};

// A plain GET the dispatcher hands to a service before API routing (SNS's confirmation and
// unsubscribe links, its signing certificate); nullopt when the path is not the service's.
using LinkHandler = std::function<std::optional<http::HttpResponse>(const http::HttpRequest&)>;

// Every service trailwatch implements, built over `deps`, with their operations registered.
class ServiceSet {
 public:
  // Fails when a service's own storage cannot be opened (CloudTrail's event history).
  static Result<std::unique_ptr<ServiceSet>> Create(ServiceDeps deps);
  ~ServiceSet();
  const services::OperationTable& operations() const { return operations_; }
  // Where the dispatcher records every call (CloudTrail).
  pipeline::TrailSink& trail_sink();
  // Adds the services' queue depths and counts to /metrics (collectors read them at scrape time).
  void RegisterTelemetry(telemetry::Registry& registry);
  // Where CloudWatch alarm actions publish (SNS).
  pipeline::Notifier& notifier();
  // SNS's link routes under /_trailwatch/sns/.
  LinkHandler link_handler();
  // Opens the S3 blob temporary file a streamed upload is written to (DispatcherDeps).
  std::function<Result<std::unique_ptr<services::BodyFile>>()> body_file_opener(
      RandomSource& random);
  // The IAM store, for the console's sign-in (passwords, MFA devices, the account alias).
  services::iam::IamStore& iam_store();
  // IAM's generation counter (IamService::generation()): moves after every IAM write; caches of
  // IAM state (credentials, policies) are valid while it stands still.
  std::function<std::uint64_t()> iam_generation() const;
  // The IAM policy authorizer over these services' IAM store and S3 bucket policies; it must not
  // outlive the ServiceSet.
  // `other_accounts`: the ServiceSets of other accounts over the same database (tests of
  // cross-account access), by account id: their principals' policies come from their IAM stores
  // and their IAM writes move the policy cache's generation too. Principals of any other account
  // have no policies.
  std::unique_ptr<Authorizer> MakePolicyAuthorizer(
      std::string account_id, const Clock& clock,
      std::vector<std::pair<std::string, ServiceSet*>> other_accounts = {}) const;

 private:
  struct Services;
  explicit ServiceSet(std::unique_ptr<Services> services);

  services::OperationTable operations_;
  std::unique_ptr<Services> services_;
};

// The coverage report for the operations a ServiceSet registers (built over a scratch store).
Result<std::string> CoverageReport();

class App {
 public:
  explicit App(Config config);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Opens the data dir, bootstraps the account and root key, and starts listening. Messages for
  // the person starting the server (the generated root key in --strict mode) go to `notices`.
  Status Start(std::string& notices);
  std::uint16_t port() const;
  // Graceful: in-flight requests finish. Callable from a signal-handling thread.
  void Shutdown();
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw::server
