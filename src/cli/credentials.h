// SPDX-License-Identifier: Apache-2.0
// Where trailwatch's client commands (`trailwatch import`, `trailwatch cis enable`) find their
// credentials and Region, the way the AWS CLI does: an explicit --profile names a profile whose
// keys are used; otherwise AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN); then
// the profile named by AWS_PROFILE, or "default". A profile's keys come from the shared
// credentials file (~/.aws/credentials, or AWS_SHARED_CREDENTIALS_FILE; sections "[name]") and
// then the config file (~/.aws/config, or AWS_CONFIG_FILE; sections "[profile name]" and
// "[default]"). Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region,
// us-east-1. Pure over an injected environment; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tw::cli {

struct ClientCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
  std::string region;
  std::string source;  // where the keys came from, for messages ("environment", "profile dev")
};

// Reads an environment variable (nullopt when unset) and a file's text (nullopt when missing).
struct Environment {
  std::function<std::optional<std::string>(std::string_view name)> get;
  std::function<std::optional<std::string>(const std::string& path)> read_file;
  static Environment Process();  // getenv and the file system
};

// INI sections of an AWS shared config/credentials file: section name → key → value. Keys are
// lower-cased; "#" and ";" start comments; nested (indented) sub-sections are skipped.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile ParseIni(std::string_view text);

// `profile`/`region`: the command line's --profile/--region when given. Fails (with a message
// naming what is missing) when no keys can be found or a named profile does not exist.
Result<ClientCredentials> ResolveCredentials(const Environment& env,
                                             const std::optional<std::string>& profile,
                                             const std::optional<std::string>& region);

}  // namespace tw::cli
