// SPDX-License-Identifier: Apache-2.0
// Config: everything `trailwatch serve` is told on its command line or through TRAILWATCH_*
// environment variables, validated once at start-up.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace tw::server {

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;
  std::filesystem::path data_dir = "trailwatch-data";
  std::string log_level = "info";
  std::string account_id = "000000000000";
  std::string region = "us-east-1";  // the region reported for global services
  // The root user's access key. Unset means: keep what the data dir has, or on a new data dir use
  // the well-known test/test pair (refused with --strict, which generates a random one instead).
  std::optional<std::string> root_access_key_id;
  std::optional<std::string> root_secret_access_key;
  bool strict = false;
  std::size_t worker_threads = 0;  // 0: one per core, at least 2
  std::uint64_t body_limit = 64ull << 20;
  // SNS email: --smtp-url smtp[s]://host:port (empty: write .eml files to <data-dir>/outbox),
  // --smtp-user/--smtp-password (the password is never logged), --smtp-from.
  std::string smtp_url;
  std::string smtp_user;
  std::string smtp_password;
  std::string smtp_from = "AWS Notifications <no-reply@sns.amazonaws.com>";
  // The URL subscribers reach this server at (SNS links); empty: http://<listen address>.
  std::string public_url;
  // CloudTrail: how often trails write their buffered records to S3 (--trail-delivery-seconds)
  // and their signed digests (--trail-digest-seconds).
  std::uint32_t trail_delivery_seconds = 60;
  std::uint32_t trail_digest_seconds = 3600;
  // Testing only (hidden flag --no-cloudtrail-recording): the dispatcher records nothing, so a
  // benchmark can measure the request path without the recorder.
  bool cloudtrail_recording = true;
  // The root user's console password (--root-password). Unset: keep the stored one, or on a new
  // data dir generate one and print it once.
  std::optional<std::string> root_password;
  // Console cookies carry Secure even on plain HTTP (TLS terminated in front of trailwatch).
  bool console_secure_cookies = false;
};

// "127.0.0.1:4566", "[::1]:4566", ":4566" (loopback) → host and port; false when malformed.
bool ParseListen(const std::string& text, std::string& host, std::uint16_t& port);

}  // namespace tw::server
