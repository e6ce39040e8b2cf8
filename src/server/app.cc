// SPDX-License-Identifier: Apache-2.0
#include "server/app.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "common/clock.h"
#include "common/random.h"
#include "console/console_handler.h"
#include "http/server.h"
#include "protocol/model.h"
#include "server/authorizer.h"
#include "server/cloudtrail_targets.h"
#include "server/console_backend.h"
#include "server/coverage.h"
#include "server/credential_store.h"
#include "server/dispatcher.h"
#include "server/trailwatch_operations.h"
#include "services/cloudtrail/cloudtrail_service.h"
#include "services/cloudwatch/cloudwatch_service.h"
#include "services/iam/iam_service.h"
#include "services/iam/sqlite_iam_store.h"
#include "services/logs/logs_service.h"
#include "services/logs/sqlite_logs_store.h"
#include "services/s3/s3_service.h"
#include "services/sns/sns_service.h"
#include "services/sts/sts_service.h"
#include "store/accounts_repository.h"
#include "store/database.h"

namespace tw::server {
namespace {

constexpr std::string_view kWellKnownKey = "test";
constexpr std::string_view kAccountSetting = "account_id";
constexpr char kRootCredentialsFile[] = "root-credentials.json";

AwsError StartupError(std::string message) {
  return AwsError::From(ErrorCode::kInternalFailure, std::move(message));
}

// Writes the generated root key once, readable by the owner only; O_EXCL so an existing file is
// never overwritten.
Status WriteRootCredentialsFile(const std::filesystem::path& path, const std::string& key_id,
                                const std::string& secret) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return StartupError("cannot create " + path.string() + ": " + std::strerror(errno));
  std::string text =
      "{\"AccessKeyId\":\"" + key_id + "\",\"SecretAccessKey\":\"" + secret + "\"}\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return StartupError("cannot write " + path.string());
  return {};
}

}  // namespace

// The services that keep state. Each registers its operations in the ServiceSet constructor.
struct ServiceSet::Services {
  Services(const ServiceDeps& deps, std::unique_ptr<services::cloudtrail::EventHistory> events,
           std::unique_ptr<services::cloudtrail::TrailRegistry> trails,
           std::unique_ptr<services::sns::SnsService> sns_service,
           std::unique_ptr<services::cloudwatch::CloudWatchService> cloudwatch_service)
      : accounts(deps.database),
        iam_store(deps.database, deps.account_id),
        iam(iam_store, accounts, deps.account_id),
        sts(iam_store, deps.account_id),
        event_history(std::move(events)),
        recorder(*event_history, deps.clock),
        trail_registry(std::move(trails)),
        signing_keys(deps.data_dir / "cloudtrail-keys"),
        s3(services::s3::S3Deps{deps.database, deps.data_dir}),
        logs_store(deps.database),
        logs(
            logs_store, deps.clock,
            deps.metric_sink ? deps.metric_sink : &cloudwatch_service->metric_sink(),
            [](const std::string& line) { spdlog::info("{}", line); },
            [](const std::string& line) { spdlog::warn("{}", line); }),
        sns(std::move(sns_service)),
        cloudwatch(std::move(cloudwatch_service)),
        trailwatch(*event_history, logs, *cloudwatch) {
    trail_targets = std::make_unique<CloudTrailTargets>(s3, logs, logs_store, iam_store, iam,
                                                        deps.account_id, deps.clock);
    services::cloudtrail::DeliveryOptions delivery{deps.trail_delivery_millis,
                                                   deps.trail_digest_millis};
    delivery.insights.minute_millis = deps.insights_minute_millis;
    delivery.insights.learning_minutes = deps.insights_learning_minutes;
    // A minute is complete once events on their way (recorder, deliverer queue) have arrived.
    delivery.insights.grace_millis = std::min<std::int64_t>(5'000, deps.insights_minute_millis);
    deliverer = std::make_unique<services::cloudtrail::TrailDeliverer>(
        *trail_registry, *trail_targets, signing_keys, deps.clock, delivery);
    recorder.SetListener(deliverer.get());
    deliverer->SetInsightHistory(event_history.get());
    cloudtrail = std::make_unique<services::cloudtrail::CloudTrailService>(
        *event_history, recorder, deps.account_id,
        services::cloudtrail::TrailDeps{*trail_registry, *trail_targets, signing_keys, *deliverer});
  }
  // Stops CloudTrail's threads while everything they write to still exists: the recorder
  // stores (and hands on) what is queued, then the deliverer writes its last files.
  void StopCloudTrail() {
    recorder.Shutdown();
    deliverer->Shutdown();
    recorder.SetListener(nullptr);
  }
  store::AccountsRepository accounts;
  services::iam::SqliteIamStore iam_store;
  services::iam::IamService iam;
  services::sts::StsService sts;
  std::unique_ptr<services::cloudtrail::EventHistory> event_history;
  services::cloudtrail::TrailRecorder recorder;  // after event_history: drains into it on exit
  std::unique_ptr<services::cloudtrail::TrailRegistry> trail_registry;
  services::cloudtrail::SigningKeys signing_keys;
  services::s3::S3Service s3;
  services::logs::SqliteLogsStore logs_store;
  services::logs::LogsService logs;
  std::unique_ptr<services::sns::SnsService> sns;
  // After SNS: destroyed before it, so its scheduler stops before SNS (its Notifier) goes.
  std::unique_ptr<services::cloudwatch::CloudWatchService> cloudwatch;
  // Built in the constructor body over the services above; stopped by StopCloudTrail first.
  std::unique_ptr<CloudTrailTargets> trail_targets;
  std::unique_ptr<services::cloudtrail::TrailDeliverer> deliverer;
  std::unique_ptr<services::cloudtrail::CloudTrailService> cloudtrail;
  // trailwatch's own operations (import, backfill, replay) over the services above.
  TrailwatchOperations trailwatch;
};

Result<std::unique_ptr<ServiceSet>> ServiceSet::Create(ServiceDeps deps) {
  auto events = services::cloudtrail::EventHistory::Open(deps.data_dir);
  if (!events) return events.error();
  auto trails = services::cloudtrail::TrailRegistry::Load((*events)->database());
  if (!trails) return trails.error();
  services::sns::SnsOptions sns_options;
  sns_options.data_dir = deps.data_dir;
  sns_options.account_id = deps.account_id;
  sns_options.smtp = {deps.smtp_url, deps.smtp_user, deps.smtp_password, deps.smtp_from};
  sns_options.public_url = deps.public_url;
  auto sns = services::sns::SnsService::Create(deps.database, deps.clock, deps.random,
                                               std::move(sns_options));
  if (!sns) return sns.error();
  auto cloudwatch = std::make_unique<services::cloudwatch::CloudWatchService>(
      deps.database, deps.clock, &(*sns)->notifier(), true, deps.public_url);
  return std::unique_ptr<ServiceSet>(new ServiceSet(
      std::make_unique<Services>(deps, std::move(events).value(), std::move(trails).value(),
                                 std::move(sns).value(), std::move(cloudwatch))));
}

ServiceSet::ServiceSet(std::unique_ptr<Services> services) : services_(std::move(services)) {
  services_->sts.Register(operations_);
  services_->iam.Register(operations_);
  services_->cloudtrail->Register(operations_);
  services_->s3.Register(operations_);
  services_->logs.Register(operations_);
  services_->sns->Register(operations_);
  services_->cloudwatch->Register(operations_);
  services_->trailwatch.Register(operations_);
}

pipeline::Notifier& ServiceSet::notifier() { return services_->sns->notifier(); }

std::function<Result<std::unique_ptr<services::BodyFile>>()> ServiceSet::body_file_opener(
    RandomSource& random) {
  const services::s3::BlobStore* blobs = &services_->s3.blobs();
  return [blobs, &random]() -> Result<std::unique_ptr<services::BodyFile>> {
    auto writer = blobs->Begin(random);
    if (!writer) return std::move(writer).error();
    return std::unique_ptr<services::BodyFile>(
        std::make_unique<services::s3::BlobWriter>(std::move(writer).value()));
  };
}

LinkHandler ServiceSet::link_handler() {
  services::sns::SnsService* sns = services_->sns.get();
  return [sns](const http::HttpRequest& request) { return sns->HandleLink(request); };
}

pipeline::TrailSink& ServiceSet::trail_sink() { return services_->recorder; }

void ServiceSet::RegisterTelemetry(telemetry::Registry& registry) {
  using telemetry::MetricType;
  using telemetry::Sample;
  Services* s = services_.get();
  registry.AddCollector(
      "trailwatch_cloudtrail_queue_depth",
      "CloudTrail records accepted but not yet stored in event history", MetricType::kGauge, [s] {
        return std::vector<Sample>{{{}, static_cast<double>(s->recorder.Pending())}};
      });
  registry.AddCollector("trailwatch_sns_deliveries_total",
                        "SNS delivery attempts by outcome (delivered, retried, dropped)",
                        MetricType::kCounter, [s] {
                          const auto counts = s->sns->worker().counts();
                          return std::vector<Sample>{
                              {{{"outcome", "delivered"}}, static_cast<double>(counts.delivered)},
                              {{{"outcome", "retried"}}, static_cast<double>(counts.retried)},
                              {{{"outcome", "dropped"}}, static_cast<double>(counts.dropped)}};
                        });
  registry.AddCollector(
      "trailwatch_alarm_evaluations_total",
      "CloudWatch alarm evaluations (on new data and on the clock)", MetricType::kCounter, [s] {
        return std::vector<Sample>{{{}, static_cast<double>(s->cloudwatch->evaluations())}};
      });
  registry.AddCollector(
      "trailwatch_alarm_state_changes_total", "CloudWatch alarm state changes",
      MetricType::kCounter, [s] {
        return std::vector<Sample>{{{}, static_cast<double>(s->cloudwatch->state_changes())}};
      });
}

services::iam::IamStore& ServiceSet::iam_store() { return services_->iam_store; }

std::function<std::uint64_t()> ServiceSet::iam_generation() const {
  return [&iam = services_->iam] { return iam.generation(); };
}

namespace {

// The PolicyAuthorizer with the resolver it reads through.
class OwningPolicyAuthorizer final : public Authorizer {
 public:
  OwningPolicyAuthorizer(services::iam::IamStore& store, const services::iam::IamService& iam,
                         services::s3::S3Service& s3, std::string account_id, const Clock& clock,
                         std::vector<std::pair<std::string, ServiceSet*>> others)
      : resolver_(store, services::iam::ManagedPolicyCatalog::Embedded(),
                  [&iam, others] {
                    std::uint64_t sum = iam.generation();
                    for (const auto& [id, set] : others) sum += set->iam_generation()();
                    return sum;
                  }),
        authorizer_(PolicyAuthorizerDeps{
            account_id, resolver_,
            [&s3](std::string_view bucket) -> Result<std::optional<BucketPolicyDoc>> {
              auto info = s3.BucketPolicy(bucket);
              if (!info) return std::move(info).error();
              if (!*info) return std::optional<BucketPolicyDoc>();
              return std::optional<BucketPolicyDoc>(
                  BucketPolicyDoc{(*info)->owner_account_id, (*info)->policy});
            },
            clock,
            [&store] {
              auto policy = store.GetPasswordPolicy();
              return policy && policy->has_value() && (*policy)->allow_users_to_change;
            }}) {
    resolver_.SetHomeAccount(account_id);
    for (const auto& [id, set] : others) resolver_.AddAccount(id, set->iam_store());
  }
  Status Authorize(const AuthorizationRequest& request) const override {
    return authorizer_.Authorize(request);
  }

 private:
  PolicySetResolver resolver_;
  PolicyAuthorizer authorizer_;
};

}  // namespace

std::unique_ptr<Authorizer> ServiceSet::MakePolicyAuthorizer(
    std::string account_id, const Clock& clock,
    std::vector<std::pair<std::string, ServiceSet*>> other_accounts) const {
  return std::make_unique<OwningPolicyAuthorizer>(services_->iam_store, services_->iam,
                                                  services_->s3, std::move(account_id), clock,
                                                  std::move(other_accounts));
}

ServiceSet::~ServiceSet() { services_->StopCloudTrail(); }

Result<std::string> CoverageReport() {
  std::error_code ec;
  auto dir = std::filesystem::temp_directory_path(ec) /
             ("trailwatch-coverage-" + SecureRandom().FromAlphabet("abcdefghijklmnop", 12));
  std::string report;
  {
    auto database = store::Database::Open(dir);
    if (!database) return database.error();
    SystemClock clock;
    SecureRandom random;
    auto set = ServiceSet::Create(ServiceDeps{**database, dir, "000000000000", clock, random});
    if (!set) return set.error();
    report = CoverageMarkdown(protocol::ServiceCatalog::Embedded(), (*set)->operations());
  }
  std::filesystem::remove_all(dir, ec);
  return report;
}

struct App::Impl {
  Config config;
  telemetry::Registry telemetry;  // collectors read the services: only rendered while serving
  SystemClock clock;
  SecureRandom random;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<store::AccountsRepository> accounts;
  std::unique_ptr<StoreCredentialProvider> credentials;
  std::unique_ptr<ServiceSet> services;
  std::unique_ptr<Authorizer> authorizer;  // reads the services' stores: destroyed first
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<console::ConsoleBackend> console_backend;
  std::unique_ptr<console::ConsoleHandler> console;
  std::unique_ptr<http::Server> server;

  Status BootstrapAccount(std::string& notices);
};

App::App(Config config) : impl_(std::make_unique<Impl>()) { impl_->config = std::move(config); }

App::~App() {
  if (impl_->server) {
    impl_->server->Shutdown();
    impl_->server->Wait();
  }
}

Status App::Impl::BootstrapAccount(std::string& notices) {
  const std::int64_t now = EpochMillis(clock.Now());
  auto stored_account = accounts->GetSetting(kAccountSetting);
  if (!stored_account) return stored_account.error();
  if (stored_account->has_value() && **stored_account != config.account_id) {
    return StartupError("the data dir " + config.data_dir.string() + " belongs to account " +
                        **stored_account + ", not " + config.account_id);
  }
  if (Status st = accounts->EnsureAccount(config.account_id, now); !st) return st;
  if (Status st = accounts->PutSetting(kAccountSetting, config.account_id); !st) return st;

  auto keys = accounts->ListAccessKeys(config.account_id);
  if (!keys) return keys.error();
  const store::AccessKeyRecord* root_key = nullptr;
  for (const auto& key : *keys) {
    if (key.owner == store::KeyOwner::kRoot) root_key = &key;
  }

  if (config.root_access_key_id || config.root_secret_access_key) {
    if (!config.root_access_key_id || !config.root_secret_access_key) {
      return StartupError(
          "--root-access-key-id and --root-secret-access-key must be given together");
    }
    if (config.strict && (*config.root_access_key_id == kWellKnownKey ||
                          *config.root_secret_access_key == kWellKnownKey)) {
      return StartupError("--strict refuses the well-known test root key");
    }
    return accounts->PutRootAccessKey(config.account_id, *config.root_access_key_id,
                                      *config.root_secret_access_key, now);
  }
  if (root_key) {
    if (config.strict && root_key->access_key_id == kWellKnownKey) {
      return StartupError(
          "--strict refuses the well-known test root key this data dir has; give a new one with "
          "--root-access-key-id and --root-secret-access-key");
    }
    return {};
  }
  if (!config.strict) {
    return accounts->PutRootAccessKey(config.account_id, std::string(kWellKnownKey),
                                      std::string(kWellKnownKey), now);
  }
  // --strict on a new data dir: a random key, shown once and kept in a 0600 file.
  std::string key_id = "AKIA" + random.FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  std::string secret =
      random.FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
  auto file = config.data_dir / kRootCredentialsFile;
  if (Status st = WriteRootCredentialsFile(file, key_id, secret); !st) return st;
  if (Status st = accounts->PutRootAccessKey(config.account_id, key_id, secret, now); !st) {
    return st;
  }
  notices += "generated root access key " + key_id + " (secret in " + file.string() + ")\n";
  return {};
}

Status App::Start(std::string& notices) {
  Impl& m = *impl_;
  auto database = store::Database::Open(m.config.data_dir);
  if (!database) return database.error();
  m.database = std::move(database).value();
  m.accounts = std::make_unique<store::AccountsRepository>(*m.database);
  if (Status st = m.BootstrapAccount(notices); !st) return st;
  if (Status st = EnsureRootConsolePassword(*m.accounts, m.config.root_password, m.random, notices);
      !st) {
    return st;
  }

  const double started_at = static_cast<double>(EpochMillis(m.clock.Now())) / 1000.0;
  m.telemetry.AddCollector("process_start_time_seconds",
                           "When this trailwatch started, in seconds since the Unix epoch",
                           telemetry::MetricType::kGauge, [started_at] {
                             return std::vector<telemetry::Sample>{{{}, started_at}};
                           });
  m.credentials = std::make_unique<StoreCredentialProvider>(*m.accounts, m.database.get());
  ServiceDeps deps{*m.database, m.config.data_dir, m.config.account_id, m.clock, m.random};
  deps.smtp_url = m.config.smtp_url;
  deps.smtp_user = m.config.smtp_user;
  deps.smtp_password = m.config.smtp_password;
  deps.smtp_from = m.config.smtp_from;
  // Links in messages name this server; with port 0 the port is known only once listening.
  deps.trail_delivery_millis = std::int64_t{m.config.trail_delivery_seconds} * 1000;
  deps.trail_digest_millis = std::int64_t{m.config.trail_digest_seconds} * 1000;
  deps.insights_minute_millis = m.config.insights_minute_millis;
  deps.insights_learning_minutes = m.config.insights_learning_minutes;
  deps.public_url = [&m]() {
    if (!m.config.public_url.empty()) return m.config.public_url;
    std::string host = m.config.host == "0.0.0.0" || m.config.host.empty() ? "127.0.0.1"
                       : m.config.host == "::"                             ? "::1"
                                                                           : m.config.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(m.server ? m.server->port() : m.config.port);
  };
  auto services = ServiceSet::Create(std::move(deps));
  if (!services) return services.error();
  m.services = std::move(services).value();
  m.services->RegisterTelemetry(m.telemetry);
  m.authorizer = m.services->MakePolicyAuthorizer(m.config.account_id, m.clock);
  m.credentials->CacheWhile(m.services->iam_generation());
  // The console is a second front door to the dispatcher: it hands /console requests over, and
  // the console calls back into Dispatcher::Invoke for the operations its users run.
  DispatcherDeps dispatcher_deps{
      protocol::ServiceCatalog::Embedded(),
      m.services->operations(),
      *m.credentials,
      *m.authorizer,
      m.clock,
      m.random,
      m.config.account_id,
      m.config.cloudtrail_recording ? &m.services->trail_sink() : nullptr,
      m.services->link_handler(),
      m.credentials.get(),
      &m.telemetry};
  dispatcher_deps.open_body_file = m.services->body_file_opener(m.random);
  dispatcher_deps.console = [&m](http::HttpRequest& request) { return m.console->Handle(request); };
  m.dispatcher = std::make_unique<Dispatcher>(std::move(dispatcher_deps));
  m.console_backend = MakeConsoleBackend(ConsoleBackendDeps{
      m.config.account_id, *m.accounts, m.services->iam_store(), *m.dispatcher,
      m.config.smtp_url.empty() ? m.config.data_dir / "outbox" : std::filesystem::path()});
  console::ConsoleOptions console_options;
  console_options.secure_cookies = m.config.console_secure_cookies;
  m.console = std::make_unique<console::ConsoleHandler>(console::ConsoleDeps{
      *m.console_backend,
      protocol::ServiceCatalog::Embedded(),
      &m.services->trail_sink(),
      m.clock,
      m.random,
      console::AssetTable::Embedded(),
      [&m]() {
        if (!m.config.public_url.empty()) return m.config.public_url + "/console/";
        std::string host =
            m.config.host == "0.0.0.0" || m.config.host.empty() ? "127.0.0.1" : m.config.host;
        if (host.find(':') != std::string::npos) host = "[" + host + "]";
        return "http://" + host + ":" +
               std::to_string(m.server ? m.server->port() : m.config.port) + "/console/";
      },
      {},
      console_options});

  http::ServerOptions options;
  options.host = m.config.host;
  options.port = m.config.port;
  options.worker_threads = m.config.worker_threads;
  options.body_limit = m.config.body_limit;
  m.server = std::make_unique<http::Server>(options, *m.dispatcher);
  return m.server->Start();
}

std::uint16_t App::port() const { return impl_->server ? impl_->server->port() : 0; }

void App::Shutdown() {
  if (impl_->server) impl_->server->Shutdown();
}

void App::Wait() {
  if (impl_->server) impl_->server->Wait();
}

}  // namespace tw::server
