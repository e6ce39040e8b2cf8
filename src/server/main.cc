// SPDX-License-Identifier: Apache-2.0
// trailwatch's command line: `serve` runs the server until SIGTERM/SIGINT; `coverage` prints the
// implemented-operations report (docs/coverage.md). Start-up failures exit non-zero with a message.
#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "server/app.h"
#include "server/config.h"

namespace {

int Serve(tw::server::Config config) {
  // Signals are taken synchronously by this thread (sigwait), so every other thread, including the
  // server's, must have them blocked: block before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  tw::server::App app(config);
  std::string notices;
  if (tw::Status started = app.Start(notices); !started) {
    spdlog::critical("trailwatch could not start: {}", started.error().message);
    return 1;
  }
  if (!notices.empty()) std::cout << notices;
  std::string host =
      config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  std::cout << "trailwatch listening on http://" << host << ":" << app.port() << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("signal {} received; finishing requests in flight", received);
  app.Shutdown();
  app.Wait();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"trailwatch: the AWS IAM activity-monitoring stack in one binary"};
  cli.require_subcommand(1);

  tw::server::Config config;
  std::string listen = "127.0.0.1:4566";
  std::string root_key_id;
  std::string root_secret;
  CLI::App* serve = cli.add_subcommand("serve", "serve every AWS API on one port");
  serve->add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)")
      ->envname("TRAILWATCH_LISTEN")
      ->capture_default_str();
  serve->add_option("--data-dir", config.data_dir, "where the database and files live")
      ->envname("TRAILWATCH_DATA_DIR")
      ->capture_default_str();
  serve->add_option("--log-level", config.log_level, "trace, debug, info, warn, error")
      ->envname("TRAILWATCH_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  serve->add_option("--account-id", config.account_id, "the account id of a new data dir")
      ->envname("TRAILWATCH_ACCOUNT_ID")
      ->check([](const std::string& v) {
        return v.size() == 12 && v.find_first_not_of("0123456789") == std::string::npos
                   ? std::string()
                   : std::string("an account id is 12 digits");
      })
      ->capture_default_str();
  serve->add_option("--root-access-key-id", root_key_id, "the root user's access key id")
      ->envname("TRAILWATCH_ROOT_ACCESS_KEY_ID");
  serve->add_option("--root-secret-access-key", root_secret, "the root user's secret access key")
      ->envname("TRAILWATCH_ROOT_SECRET_ACCESS_KEY");
  serve
      ->add_flag("--strict", config.strict,
                 "refuse the well-known test key; a new data dir gets a random root key")
      ->envname("TRAILWATCH_STRICT");
  serve->add_option("--workers", config.worker_threads, "handler threads (0: one per core)");
  serve
      ->add_option("--smtp-url", config.smtp_url,
                   "SNS email relay, smtp://host:port or smtps://host:port (unset: .eml files "
                   "in <data-dir>/outbox)")
      ->envname("TRAILWATCH_SMTP_URL");
  serve->add_option("--smtp-user", config.smtp_user, "SNS SMTP user name")
      ->envname("TRAILWATCH_SMTP_USER");
  serve->add_option("--smtp-password", config.smtp_password, "SNS SMTP password")
      ->envname("TRAILWATCH_SMTP_PASSWORD");
  serve->add_option("--smtp-from", config.smtp_from, "From mailbox of SNS email")
      ->envname("TRAILWATCH_SMTP_FROM")
      ->capture_default_str();
  serve
      ->add_option("--public-url", config.public_url,
                   "the URL subscribers reach this server at, for SNS links (default: "
                   "http://<listen address>)")
      ->envname("TRAILWATCH_PUBLIC_URL");

  std::string root_password;
  serve->add_option("--root-password", root_password, "the root user's console password")
      ->envname("TRAILWATCH_ROOT_PASSWORD");
  serve
      ->add_flag("--console-secure-cookies", config.console_secure_cookies,
                 "mark console cookies Secure (trailwatch is served over HTTPS by a proxy)")
      ->envname("TRAILWATCH_CONSOLE_SECURE_COOKIES");

  CLI::App* coverage = cli.add_subcommand("coverage", "print docs/coverage.md");
  CLI::App* version = cli.add_subcommand("version", "print the version");

  CLI11_PARSE(cli, argc, argv);

  auto logger = spdlog::stderr_color_mt("trailwatch");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);

  if (*version) {
    std::cout << "trailwatch 0.1.0\n";
    return 0;
  }
  if (*coverage) {
    auto report = tw::server::CoverageReport();
    if (!report) {
      std::cerr << "coverage: " << report.error().message << "\n";
      return 1;
    }
    std::cout << *report;
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (!tw::server::ParseListen(listen, config.host, config.port)) {
    std::cerr << "--listen: expected HOST:PORT, got " << listen << "\n";
    return 2;
  }
  if (serve->count("--root-access-key-id") || !root_key_id.empty()) {
    config.root_access_key_id = root_key_id;
  }
  if (serve->count("--root-secret-access-key") || !root_secret.empty()) {
    config.root_secret_access_key = root_secret;
  }
  if (serve->count("--root-password") || !root_password.empty()) {
    config.root_password = root_password;
  }
  return Serve(std::move(config));
}
