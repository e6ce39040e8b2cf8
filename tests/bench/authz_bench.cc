// SPDX-License-Identifier: Apache-2.0
// PolicyAuthorizer cost per request for an IAM user holding the getting-started tutorial's custom
// policy (attached as a customer managed policy in a real SQLite IAM store): BM_Authorize_Warm
// (the resolved policy set cached, the steady state) against BM_Authorize_Cold (every cache
// dropped first: store reads + compilation on each request, what an IAM write costs the next
// call). Target: warm well under 10 us, cold a small multiple of the store reads.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/clock.h"
#include "protocol/model.h"
#include "server/authorizer.h"
#include "server/policy_set_resolver.h"
#include "services/iam/sqlite_iam_store.h"
#include "store/accounts_repository.h"
#include "store/database.h"

namespace tw::server {
namespace {

constexpr const char* kTutorialPolicy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "FullEc2", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
    {"Sid": "FullS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Sid": "OrganizationsRead", "Effect": "Allow",
     "Action": ["organizations:Describe*", "organizations:List*"], "Resource": "*"},
    {"Sid": "IamRead", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
    {"Sid": "OwnPassword", "Effect": "Allow", "Action": "iam:ChangePassword",
     "Resource": "arn:aws:iam::*:user/${aws:username}"}
  ]
})";
constexpr const char* kAccount = "000000000000";

struct Fixture {
  Fixture() {
    char pattern[] = "/tmp/tw-authz-bench-XXXXXX";
    dir = ::mkdtemp(pattern);
    database = std::move(store::Database::Open(dir)).value();
    (void)store::AccountsRepository(*database).EnsureAccount(kAccount, 0);
    iam = std::make_unique<services::iam::SqliteIamStore>(*database, kAccount);
    services::iam::UserRecord user{"alice", "/", "AIDAEXAMPLEEXAMPLE00", 0, std::nullopt, {}};
    (void)iam->CreateUser(user, {});
    services::iam::PolicyRecord policy;
    policy.name = "Tutorial";
    policy.path = "/";
    policy.arn = "arn:aws:iam::000000000000:policy/Tutorial";
    policy.id = "ANPAEXAMPLEEXAMPLE00";
    policy.default_version = "v1";
    (void)iam->CreatePolicy(policy, kTutorialPolicy, {});
    (void)iam->AttachPolicy(services::iam::EntityKind::kUser, "alice", policy.arn, true, 10, 0);
    resolver = std::make_unique<PolicySetResolver>(
        *iam, services::iam::ManagedPolicyCatalog::Embedded(), [] { return std::uint64_t{0}; });
    authorizer = std::make_unique<PolicyAuthorizer>(
        PolicyAuthorizerDeps{kAccount, *resolver, nullptr, clock});
    principal.type = auth::PrincipalType::kIamUser;
    principal.account_id = kAccount;
    principal.arn = "arn:aws:iam::000000000000:user/alice";
    principal.user_id = "AIDAEXAMPLEEXAMPLE00";
    principal.user_name = "alice";
    http.remote_ip = "127.0.0.1";
    http.headers.Add("User-Agent", "aws-cli/2.15.0");
    input = protocol::Value::MakeStructure();
    input.Set("Bucket", "bucket");
    input.Set("Key", "some/key.txt");
  }
  ~Fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  Status Call() const {
    const auto* s3 = protocol::ServiceCatalog::Embedded().Find("s3");
    return authorizer->Authorize(AuthorizationRequest{principal, *s3,
                                                      *s3->FindOperation("GetObject"), input,
                                                      protocol::Protocol::kRestXml, &http});
  }

  std::filesystem::path dir;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<services::iam::SqliteIamStore> iam;
  SystemClock clock;
  std::unique_ptr<PolicySetResolver> resolver;
  std::unique_ptr<PolicyAuthorizer> authorizer;
  auth::Principal principal;
  http::HttpRequest http;
  protocol::Value input;
};

void BM_Authorize_Warm(benchmark::State& state) {
  Fixture f;
  if (!f.Call()) state.SkipWithError("denied");
  for (auto _ : state) benchmark::DoNotOptimize(f.Call());
}
BENCHMARK(BM_Authorize_Warm);

void BM_Authorize_Cold(benchmark::State& state) {
  Fixture f;
  if (!f.Call()) state.SkipWithError("denied");
  for (auto _ : state) {
    f.resolver->Clear();
    benchmark::DoNotOptimize(f.Call());
  }
}
BENCHMARK(BM_Authorize_Cold);

}  // namespace
}  // namespace tw::server

BENCHMARK_MAIN();
