// SPDX-License-Identifier: Apache-2.0
// Policy evaluation cost. Targets are ratios against baselines measured in the same run:
//   BM_Tutorial_* (compiled once, evaluated per request; target < 1 us per decision) against
//   BM_Naive_Tutorial_* (parse + compile + evaluate per request, what an engine without a
//   compiled form pays), and BM_Conditions20 against BM_Naive_Conditions20.
#include <benchmark/benchmark.h>

#include <string>

#include "iam/policy/compiler.h"
#include "iam/policy/evaluator.h"

namespace tw::iam::policy {
namespace {

// The quickstart's custom policy for the monitoring user: broad read access plus EC2 and S3.
constexpr const char* kTutorialPolicy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Compute", "Effect": "Allow", "Action": ["ec2:*", "autoscaling:Describe*"], "Resource": "*"},
    {"Sid": "Storage", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Sid": "OrgRead", "Effect": "Allow",
     "Action": ["organizations:Describe*", "organizations:List*"], "Resource": "*"},
    {"Sid": "IamRead", "Effect": "Allow",
     "Action": ["iam:Get*", "iam:List*", "iam:GenerateCredentialReport"], "Resource": "*"},
    {"Sid": "Monitoring", "Effect": "Allow",
     "Action": ["cloudtrail:LookupEvents", "cloudtrail:Describe*", "cloudtrail:Get*",
                "logs:Describe*", "logs:Get*", "logs:FilterLogEvents", "cloudwatch:Describe*",
                "cloudwatch:Get*", "cloudwatch:List*", "sns:List*", "sns:Get*"],
     "Resource": "*"}
  ]
})";

std::string TwentyStatementPolicy() {
  std::string doc = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < 20; ++i) {
    if (i) doc += ",";
    doc +=
        R"({"Sid":"S)" + std::to_string(i) + R"(","Effect":"Allow","Action":["svc)" +
        std::to_string(i) + R"(:Get*","svc)" + std::to_string(i) +
        R"(:List*"],"Resource":"arn:aws:svc)" + std::to_string(i) +
        R"(:*:123456789012:thing/${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]},"Bool":{"aws:SecureTransport":"true"},"StringLike":{"aws:PrincipalTag/team":["red*","blue*"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}})";
  }
  return doc + "]}";
}

Request MakeRequest(std::string action, std::string resource) {
  Request r;
  r.action = std::move(action);
  r.resource = std::move(resource);
  r.resource_account = "123456789012";
  r.principal.kind = CallerKind::kIamUser;
  r.principal.arn = "arn:aws:iam::123456789012:user/monitor";
  r.principal.account_id = "123456789012";
  r.principal.user_name = "monitor";
  r.context.Set("aws:SourceIp", "10.1.2.3");
  r.context.Set("aws:SecureTransport", "true");
  r.context.Set("aws:PrincipalTag/team", "red-ops");
  r.context.Set("aws:CurrentTime", "2025-06-01T12:00:00Z");
  AddPrincipalContextKeys(r);
  return r;
}

void RunCompiled(benchmark::State& state, const std::string& document, const Request& request,
                 Decision expected) {
  Result<CompiledPolicy> policy = CompilePolicy(document);
  if (!policy) {
    state.SkipWithError(policy.error().message.c_str());
    return;
  }
  PolicySet set;
  set.identity.push_back(PolicyRef{&*policy, "p"});
  for (auto _ : state) {
    EvalResult r = Evaluate(set, request);
    if (r.decision != expected) state.SkipWithError("unexpected decision");
    benchmark::DoNotOptimize(r);
  }
}

void RunNaive(benchmark::State& state, const std::string& document, const Request& request,
              Decision expected) {
  for (auto _ : state) {
    Result<CompiledPolicy> policy = CompilePolicy(document);
    PolicySet set;
    set.identity.push_back(PolicyRef{&*policy, "p"});
    EvalResult r = Evaluate(set, request);
    if (r.decision != expected) state.SkipWithError("unexpected decision");
    benchmark::DoNotOptimize(r);
  }
}

void BM_Tutorial_Allowed(benchmark::State& state) {
  RunCompiled(state, kTutorialPolicy, MakeRequest("iam:ListUsers", "*"), Decision::kAllow);
}
void BM_Naive_Tutorial_Allowed(benchmark::State& state) {
  RunNaive(state, kTutorialPolicy, MakeRequest("iam:ListUsers", "*"), Decision::kAllow);
}
void BM_Tutorial_Denied(benchmark::State& state) {
  RunCompiled(state, kTutorialPolicy, MakeRequest("iam:CreateUser", "*"), Decision::kImplicitDeny);
}
void BM_Naive_Tutorial_Denied(benchmark::State& state) {
  RunNaive(state, kTutorialPolicy, MakeRequest("iam:CreateUser", "*"), Decision::kImplicitDeny);
}
void BM_Conditions20(benchmark::State& state) {
  RunCompiled(state, TwentyStatementPolicy(),
              MakeRequest("svc19:GetThing", "arn:aws:svc19:us-east-1:123456789012:thing/monitor/x"),
              Decision::kAllow);
}
void BM_Naive_Conditions20(benchmark::State& state) {
  RunNaive(state, TwentyStatementPolicy(),
           MakeRequest("svc19:GetThing", "arn:aws:svc19:us-east-1:123456789012:thing/monitor/x"),
           Decision::kAllow);
}

BENCHMARK(BM_Tutorial_Allowed);
BENCHMARK(BM_Naive_Tutorial_Allowed);
BENCHMARK(BM_Tutorial_Denied);
BENCHMARK(BM_Naive_Tutorial_Denied);
BENCHMARK(BM_Conditions20);
BENCHMARK(BM_Naive_Conditions20);

}  // namespace
}  // namespace tw::iam::policy

BENCHMARK_MAIN();
