// SPDX-License-Identifier: Apache-2.0
// trailwatch's command line: `serve` runs the server until SIGTERM/SIGINT; `coverage` prints the
// implemented-operations report (docs/coverage.md); `import` and `cis enable` are clients of a
// running server (src/cli/). Start-up failures exit non-zero with a message.
#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/aws_client.h"
#include "cli/cis.h"
#include "cli/credentials.h"
#include "cli/import_command.h"
#include "server/app.h"
#include "server/config.h"

namespace {

namespace cli = tw::cli;

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

// CLI11 reads config files for the top-level command only, so `serve --config FILE` is applied
// here, after the command line and the environment: an option given by either keeps its value.
// Keys are the options' long names; an unknown key, a section or a value CLI11 rejects is an error.
std::string ApplyConfigFile(CLI::App& command, const std::string& path) {
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    return e.what();
  }
  for (const CLI::ConfigItem& item : items) {
    if (!item.parents.empty()) return "sections are not supported ([" + item.parents.front() + "])";
    if (item.name == "config") return "a config file cannot name another (config)";
    CLI::Option* option = command.get_option_no_throw("--" + item.name);
    if (option == nullptr) return "unknown option " + item.name;
    if (option->count() > 0) continue;  // the command line or the environment said otherwise
    try {
      option->add_result(item.inputs);
      option->run_callback();
    } catch (const CLI::Error& e) {
      return item.name + ": " + e.what();
    }
  }
  return {};
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

  std::string config_file;
  serve
      ->add_option("--config", config_file,
                   "read options from a TOML file (keys: the flags' long names without dashes)")
      ->envname("TRAILWATCH_CONFIG")
      ->check(CLI::ExistingFile);
  serve
      ->add_option("--trail-delivery-seconds", config.trail_delivery_seconds,
                   "how often trails deliver their log files to S3")
      ->envname("TRAILWATCH_TRAIL_DELIVERY_SECONDS")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  serve
      ->add_option("--trail-digest-seconds", config.trail_digest_seconds,
                   "how often trails with log file validation deliver signed digest files")
      ->envname("TRAILWATCH_TRAIL_DIGEST_SECONDS")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  bool no_recording = false;
  // Hidden (empty group): benchmarks compare the request path with and without recording.
  serve->add_flag("--no-cloudtrail-recording", no_recording, "")->group("");
  // Client commands: they talk to a running server like any AWS client.
  struct ClientFlags {
    std::string endpoint = "http://127.0.0.1:4566";
    std::string profile;
    std::string region;
  };
  ClientFlags client_flags;
  auto add_client_flags = [&](CLI::App* command) {
    command->add_option("--endpoint", client_flags.endpoint, "the trailwatch server's URL")
        ->envname("TRAILWATCH_ENDPOINT")
        ->capture_default_str();
    command->add_option("--profile", client_flags.profile,
                        "a profile of ~/.aws/credentials / ~/.aws/config (default: AWS_PROFILE, "
                        "then the AWS_* key variables, then \"default\")");
    command->add_option("--region", client_flags.region,
                        "Region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, "
                        "us-east-1)");
  };

  cli::ImportOptions import_options;
  CLI::App* import = cli.add_subcommand(
      "import", "import CloudTrail log files into event history and a log group");
  import->add_option("--log-group", import_options.log_group, "the log group to write to")
      ->required();
  import
      ->add_option("paths", import_options.paths,
                   "files (*.json.gz, *.json) and folders (searched recursively, e.g. an S3 "
                   "AWSLogs/ tree)")
      ->required();
  bool no_replay = false;
  import->add_flag("--no-replay", no_replay,
                   "do not replay alarms over the imported span afterwards");
  add_client_flags(import);

  cli::CisOptions cis_options;
  CLI::App* cis = cli.add_subcommand("cis", "CIS AWS Foundations Benchmark monitoring");
  cis->require_subcommand(1);
  CLI::App* cis_enable = cis->add_subcommand(
      "enable", "create the CIS metric filters and alarms on a CloudTrail log group");
  cis_enable->add_option("--log-group", cis_options.log_group, "the CloudTrail log group")
      ->required();
  cis_enable->add_option("--topic", cis_options.topic_arn, "the SNS topic ARN alarms notify")
      ->required()
      ->check([](const std::string& v) {
        return v.rfind("arn:", 0) == 0 && v.find(":sns:") != std::string::npos
                   ? std::string()
                   : std::string("--topic must be an SNS topic ARN (arn:aws:sns:...)");
      });
  cis_enable->add_option("--namespace", cis_options.metric_namespace, "the metric namespace")
      ->capture_default_str();
  bool no_backfill = false;
  cis_enable->add_flag("--no-backfill", no_backfill,
                       "like AWS: new filters only count events that arrive later");
  add_client_flags(cis_enable);
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
  if (*serve && !config_file.empty()) {
    if (std::string error = ApplyConfigFile(*serve, config_file); !error.empty()) {
      std::cerr << "--config " << config_file << ": " << error << "\n";
      return 2;
    }
  }

  auto logger = spdlog::stderr_color_mt("trailwatch");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);

  config.cloudtrail_recording = !no_recording;
  if (*import || *cis) {
    auto credentials = cli::ResolveCredentials(
        cli::Environment::Process(),
        client_flags.profile.empty() ? std::nullopt : std::optional(client_flags.profile),
        client_flags.region.empty() ? std::nullopt : std::optional(client_flags.region));
    if (!credentials) {
      std::cerr << "trailwatch: " << credentials.error().message << "\n";
      return 1;
    }
    cli::AwsClient client(client_flags.endpoint, std::move(*credentials));
    if (*import) {
      import_options.replay_alarms = !no_replay;
      import_options.progress_terminal = ::isatty(STDERR_FILENO) != 0;
      winsize size{};
      if (import_options.progress_terminal && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 &&
          size.ws_col > 0) {
        import_options.terminal_width = size.ws_col;
      }
      return cli::RunImport(client, import_options, std::cout, std::cerr);
    }
    cis_options.backfill = !no_backfill;
    return cli::RunCisEnable(client, cis_options, std::cout, std::cerr);
  }
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
