// SPDX-License-Identifier: Apache-2.0
// Credential and Region resolution of the client commands, over an injected environment: the
// AWS CLI's precedence (--profile, the AWS_* key variables, AWS_PROFILE, default), both shared
// files and their section names, and the errors for what is missing.
#include "cli/credentials.h"

#include <gtest/gtest.h>

#include <map>

namespace tw::cli {
namespace {

struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> files;
  Environment Make() const {
    Environment env;
    env.get = [this](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    env.read_file = [this](const std::string& path) -> std::optional<std::string> {
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return env;
  }
};

constexpr char kCredentials[] = R"(# comment
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = secret-default

[dev]
aws_access_key_id=AKIADEV
aws_secret_access_key=secret-dev ; inline comment
aws_session_token = token-dev
)";

constexpr char kConfig[] = R"([default]
region = eu-west-1

[profile dev]
region = ap-south-1
s3 =
  max_concurrent_requests = 5

[profile cfgonly]
aws_access_key_id = AKIACFG
aws_secret_access_key = secret-cfg
)";

FakeEnv Home() {
  FakeEnv env;
  env.vars["HOME"] = "/home/u";
  env.files["/home/u/.aws/credentials"] = kCredentials;
  env.files["/home/u/.aws/config"] = kConfig;
  return env;
}

TEST(CredentialsTest, EnvironmentKeysWinOverTheDefaultProfile) {
  FakeEnv env = Home();
  env.vars["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env.vars["AWS_SECRET_ACCESS_KEY"] = "secret-env";
  env.vars["AWS_SESSION_TOKEN"] = "token-env";
  auto c = ResolveCredentials(env.Make(), std::nullopt, std::nullopt);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIAENV");
  EXPECT_EQ(c->secret_access_key, "secret-env");
  EXPECT_EQ(c->session_token, "token-env");
  EXPECT_EQ(c->source, "environment");
  EXPECT_EQ(c->region, "eu-west-1");  // the default profile's region still applies
}

TEST(CredentialsTest, DefaultProfileWhenNoEnvironmentKeys) {
  auto c = ResolveCredentials(Home().Make(), std::nullopt, std::nullopt);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIADEFAULT");
  EXPECT_FALSE(c->session_token);
  EXPECT_EQ(c->region, "eu-west-1");
}

TEST(CredentialsTest, ExplicitProfileWinsOverEnvironmentKeys) {
  FakeEnv env = Home();
  env.vars["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env.vars["AWS_SECRET_ACCESS_KEY"] = "secret-env";
  auto c = ResolveCredentials(env.Make(), std::string("dev"), std::nullopt);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIADEV");
  EXPECT_EQ(c->secret_access_key, "secret-dev");  // the inline comment is not part of it
  EXPECT_EQ(c->session_token, "token-dev");
  EXPECT_EQ(c->region, "ap-south-1");  // [profile dev] in the config file
  EXPECT_EQ(c->source, "profile dev");
}

TEST(CredentialsTest, AwsProfileVariableAndConfigFileKeys) {
  FakeEnv env = Home();
  env.vars["AWS_PROFILE"] = "cfgonly";
  auto c = ResolveCredentials(env.Make(), std::nullopt, std::nullopt);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIACFG");
  EXPECT_EQ(c->region, "us-east-1");  // no region anywhere
}

TEST(CredentialsTest, RegionPrecedence) {
  FakeEnv env = Home();
  env.vars["AWS_DEFAULT_REGION"] = "us-west-1";
  EXPECT_EQ(ResolveCredentials(env.Make(), std::nullopt, std::nullopt)->region, "us-west-1");
  env.vars["AWS_REGION"] = "us-west-2";
  EXPECT_EQ(ResolveCredentials(env.Make(), std::nullopt, std::nullopt)->region, "us-west-2");
  EXPECT_EQ(ResolveCredentials(env.Make(), std::nullopt, std::string("sa-east-1"))->region,
            "sa-east-1");
}

TEST(CredentialsTest, FileLocationsFromEnvironment) {
  FakeEnv env;
  env.vars["AWS_SHARED_CREDENTIALS_FILE"] = "/tmp/creds";
  env.vars["AWS_CONFIG_FILE"] = "/tmp/conf";
  env.files["/tmp/creds"] = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n";
  env.files["/tmp/conf"] = "[default]\nregion = ca-central-1\n";
  auto c = ResolveCredentials(env.Make(), std::nullopt, std::nullopt);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "A");
  EXPECT_EQ(c->region, "ca-central-1");
}

TEST(CredentialsTest, MissingProfileAndMissingKeysAreErrors) {
  auto missing = ResolveCredentials(Home().Make(), std::string("nope"), std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("(nope) could not be found"), std::string::npos);
  FakeEnv env = Home();
  env.vars["AWS_PROFILE"] = "nope";
  EXPECT_FALSE(ResolveCredentials(env.Make(), std::nullopt, std::nullopt));
  FakeEnv empty;
  auto none = ResolveCredentials(empty.Make(), std::nullopt, std::nullopt);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("Unable to locate credentials"), std::string::npos);
  // A key id without its secret is not a credential.
  empty.vars["AWS_ACCESS_KEY_ID"] = "AKIAONLY";
  EXPECT_FALSE(ResolveCredentials(empty.Make(), std::nullopt, std::nullopt));
}

TEST(CredentialsTest, IniParsing) {
  IniFile ini = ParseIni("[a]\nKey = v # note\nurl = http://x#y\n[ b ]\nk=\n  nested = 1\n");
  EXPECT_EQ(ini["a"]["key"], "v");
  EXPECT_EQ(ini["a"]["url"], "http://x#y");  // '#' without a space before it is data
  EXPECT_EQ(ini["b"]["k"], "");
  EXPECT_EQ(ini["b"].count("nested"), 0u);
}

}  // namespace
}  // namespace tw::cli
