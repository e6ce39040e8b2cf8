// SPDX-License-Identifier: Apache-2.0
#include "cli/credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace tw::cli {
namespace {

AwsError ConfigError(std::string message) {
  return AwsError::Make("NoCredentialsError", 0, std::move(message));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> NonEmpty(std::optional<std::string> v) {
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::string HomePath(const Environment& env, std::string_view rest) {
  return env.get("HOME").value_or("") + std::string(rest);
}

const std::map<std::string, std::string>* Section(const IniFile& file, const std::string& name) {
  auto it = file.find(name);
  return it == file.end() ? nullptr : &it->second;
}

std::optional<std::string> ValueOf(const std::map<std::string, std::string>* section,
                                   const std::string& key) {
  if (!section) return std::nullopt;
  auto it = section->find(key);
  if (it == section->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace

Environment Environment::Process() {
  Environment env;
  env.get = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  env.read_file = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  return env;
}

IniFile ParseIni(std::string_view text) {
  IniFile file;
  std::map<std::string, std::string>* current = nullptr;
  for (std::string_view raw : Split(text, '\n')) {
    if (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t') && !Trim(raw).empty()) {
      continue;  // a nested value ("s3 =\n  max_concurrent_requests = 5"): not ours
    }
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      auto close = line.find(']');
      if (close == std::string_view::npos) {
        current = nullptr;
        continue;
      }
      current = &file[std::string(Trim(line.substr(1, close - 1)))];
      continue;
    }
    auto eq = line.find('=');
    if (!current || eq == std::string_view::npos) continue;
    std::string_view value = Trim(line.substr(eq + 1));
    // An inline comment needs whitespace before it ("key = v # note").
    for (std::size_t i = 1; i < value.size(); ++i) {
      if ((value[i] == '#' || value[i] == ';') && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
        value = Trim(value.substr(0, i));
        break;
      }
    }
    (*current)[Lower(Trim(line.substr(0, eq)))] = std::string(value);
  }
  return file;
}

Result<ClientCredentials> ResolveCredentials(const Environment& env,
                                             const std::optional<std::string>& profile,
                                             const std::optional<std::string>& region) {
  const std::string credentials_path =
      NonEmpty(env.get("AWS_SHARED_CREDENTIALS_FILE")).value_or(HomePath(env, "/.aws/credentials"));
  const std::string config_path =
      NonEmpty(env.get("AWS_CONFIG_FILE")).value_or(HomePath(env, "/.aws/config"));
  const IniFile credentials_file = ParseIni(env.read_file(credentials_path).value_or(""));
  const IniFile config_file = ParseIni(env.read_file(config_path).value_or(""));

  const bool explicit_profile = profile.has_value() && !profile->empty();
  const std::string profile_name =
      explicit_profile ? *profile : NonEmpty(env.get("AWS_PROFILE")).value_or("default");
  const auto* cred_section = Section(credentials_file, profile_name);
  const auto* config_section = Section(
      config_file, profile_name == "default" ? std::string("default") : "profile " + profile_name);
  if (!config_section && profile_name == "default") {
    config_section = Section(config_file, "profile default");
  }
  const bool profile_exists = cred_section || config_section;
  if ((explicit_profile || NonEmpty(env.get("AWS_PROFILE"))) && !profile_exists &&
      (explicit_profile || !NonEmpty(env.get("AWS_ACCESS_KEY_ID")))) {
    return ConfigError("The config profile (" + profile_name + ") could not be found");
  }

  ClientCredentials out;
  auto from_profile = [&]() -> bool {
    auto key = ValueOf(cred_section, "aws_access_key_id");
    auto secret = ValueOf(cred_section, "aws_secret_access_key");
    auto token = ValueOf(cred_section, "aws_session_token");
    if (!key || !secret) {
      key = ValueOf(config_section, "aws_access_key_id");
      secret = ValueOf(config_section, "aws_secret_access_key");
      token = ValueOf(config_section, "aws_session_token");
    }
    if (!key || !secret) return false;
    out.access_key_id = *key;
    out.secret_access_key = *secret;
    out.session_token = token;
    out.source = "profile " + profile_name;
    return true;
  };
  auto from_environment = [&]() -> bool {
    auto key = NonEmpty(env.get("AWS_ACCESS_KEY_ID"));
    auto secret = NonEmpty(env.get("AWS_SECRET_ACCESS_KEY"));
    if (!key || !secret) return false;
    out.access_key_id = *key;
    out.secret_access_key = *secret;
    out.session_token = NonEmpty(env.get("AWS_SESSION_TOKEN"));
    out.source = "environment";
    return true;
  };
  const bool found = explicit_profile ? from_profile() : (from_environment() || from_profile());
  if (!found) {
    return ConfigError(
        explicit_profile
            ? "The profile " + profile_name + " has no aws_access_key_id/aws_secret_access_key"
            : "Unable to locate credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
              "or configure a profile in " +
                  credentials_path + " (aws configure)");
  }

  if (region && !region->empty()) {
    out.region = *region;
  } else if (auto r = NonEmpty(env.get("AWS_REGION"))) {
    out.region = *r;
  } else if (auto d = NonEmpty(env.get("AWS_DEFAULT_REGION"))) {
    out.region = *d;
  } else if (auto p = ValueOf(config_section, "region")) {
    out.region = *p;
  } else {
    out.region = "us-east-1";
  }
  return out;
}

}  // namespace tw::cli
