// SPDX-License-Identifier: Apache-2.0
// Test support: runs one policy case written in the shared case format (TW_SHARED_DIR
// data/policy-cases/README.md; our golden files under tests/golden/policy use the same shape)
// through the engine: compile every policy, build the PolicySet and Request, evaluate.
// Header-only because tw_unit_test builds only *_test.cc files. Not thread-safe.
#pragma once

#include <boost/json.hpp>
#include <deque>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/strings.h"
#include "iam/policy/compiler.h"
#include "iam/policy/evaluator.h"

namespace tw::iam::policy::testing {

inline std::string DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kAllow:
      return "Allow";
    case Decision::kExplicitDeny:
      return "ExplicitDeny";
    case Decision::kImplicitDeny:
      return "ImplicitDeny";
  }
  return "?";
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct CaseRun {
  std::string error;  // a policy did not compile, or the case is malformed
  EvalResult result;
  Request request;
};

// A principal from the case's "principal": an IAM/STS ARN, a service principal name,
// {"type": "Anonymous"}, or null (the simulator's custom-policy caller: a user of the account).
inline RequestPrincipal PrincipalFromCase(const boost::json::value& v, std::string account) {
  RequestPrincipal p;
  if (v.is_object()) {
    p.kind = CallerKind::kAnonymous;
    return p;
  }
  if (!v.is_string()) {
    p.kind = CallerKind::kIamUser;
    p.account_id = account.empty() ? "123456789012" : account;
    p.arn = "arn:aws:iam::" + p.account_id + ":user/simulated-user";
    p.user_name = "simulated-user";
    return p;
  }
  std::string arn(v.as_string());
  std::string_view parts[6];
  if (!SplitArn(arn, parts)) {
    p.kind = CallerKind::kService;
    p.service = arn;
    return p;
  }
  p.arn = arn;
  p.account_id = std::string(parts[4]);
  std::string_view resource = parts[5];
  if (parts[2] == "iam" && resource == "root") {
    p.kind = CallerKind::kAccountRoot;
  } else if (parts[2] == "iam" && resource.starts_with("user/")) {
    p.kind = CallerKind::kIamUser;
    p.user_name = std::string(resource.substr(resource.rfind('/') + 1));
  } else if (parts[2] == "iam" && resource.starts_with("role/")) {
    // A role acting directly: treated as a session whose ARN is the role's.
    p.kind = CallerKind::kAssumedRole;
    p.role_arn = arn;
  } else if (parts[2] == "sts" && resource.starts_with("assumed-role/")) {
    p.kind = CallerKind::kAssumedRole;
    std::string_view rest = resource.substr(13);
    p.role_arn =
        "arn:aws:iam::" + p.account_id + ":role/" + std::string(rest.substr(0, rest.find('/')));
  } else if (parts[2] == "sts" && resource.starts_with("federated-user/")) {
    p.kind = CallerKind::kFederatedUser;
  }
  return p;
}

class CaseRunner {
 public:
  CaseRun Run(const boost::json::object& c) {
    CaseRun run;
    const boost::json::object& policies = c.at("policies").as_object();
    PolicySet set;
    std::string& error = run.error;
    auto compile_list = [&](const char* key, std::vector<PolicyRef>& out) {
      if (const auto* list = policies.if_contains(key)) {
        for (const auto& doc : list->as_array()) Compile(key, doc, out, error);
      }
    };
    compile_list("identityPolicies", set.identity);
    if (const auto* doc = policies.if_contains("resourcePolicy")) {
      if (!doc->is_null()) Compile("resourcePolicy", *doc, set.resource, error);
    }
    compile_list("resourcePolicies", set.resource);
    if (const auto* list = policies.if_contains("permissionBoundaries");
        list != nullptr && !list->as_array().empty()) {
      set.permissions_boundary.emplace();
      compile_list("permissionBoundaries", *set.permissions_boundary);
    }
    if (const auto* doc = policies.if_contains("sessionPolicy");
        doc != nullptr && !doc->is_null()) {
      set.session.emplace();
      Compile("sessionPolicy", *doc, *set.session, error);
    }
    if (const auto* list = policies.if_contains("endpointPolicies");
        list != nullptr && !list->as_array().empty()) {
      set.vpc_endpoint.emplace();
      compile_list("endpointPolicies", *set.vpc_endpoint);
    }
    if (const auto* levels = policies.if_contains("serviceControlPolicies")) {
      for (const auto& level : levels->as_array()) {
        auto& refs = set.service_control_levels.emplace_back();
        for (const auto& doc : level.at("policies").as_array()) Compile("scp", doc, refs, error);
      }
    }
    if (const auto* levels = policies.if_contains("resourceControlPolicies")) {
      for (const auto& level : levels->as_array()) {
        auto& refs = set.resource_control_levels.emplace_back();
        // AWS attaches RCPFullAccess at every level (the case README's harness note).
        Compile("rcp-full-access",
                boost::json::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                    "Principal":"*","Action":"*","Resource":"*"}]})"),
                refs, error);
        for (const auto& doc : level.at("policies").as_array()) Compile("rcp", doc, refs, error);
      }
    }
    const boost::json::object& r = c.at("request").as_object();
    Request& request = run.request;
    request.action = std::string(r.at("action").as_string());
    request.resource = std::string(r.at("resource").as_string());
    std::string account =
        r.at("resourceAccount").is_string() ? std::string(r.at("resourceAccount").as_string()) : "";
    request.resource_account = account;
    request.principal = PrincipalFromCase(r.at("principal"), account);
    for (const auto& [key, value] : r.at("context").as_object()) {
      if (value.is_array()) {
        std::vector<std::string> values;
        for (const auto& v : value.as_array()) values.push_back(Text(v));
        request.context.SetMulti(key, std::move(values));
      } else {
        request.context.Set(key, Text(value));
      }
    }
    AddPrincipalContextKeys(request);
    std::string lower = ToLower(request.action);
    set.resource_policy_required =
        lower.starts_with("sts:assumerole") ||
        (lower.starts_with("kms:") && request.resource.find(":key/") != std::string::npos);
    if (error.empty()) run.result = Evaluate(set, request);
    return run;
  }

 private:
  static std::string Text(const boost::json::value& v) {
    if (v.is_string()) return std::string(v.as_string());
    return boost::json::serialize(v);
  }

  void Compile(const char* what, const boost::json::value& doc, std::vector<PolicyRef>& out,
               std::string& error) {
    std::string text = doc.is_string() ? std::string(doc.as_string()) : boost::json::serialize(doc);
    Result<CompiledPolicy> compiled = CompilePolicy(text);
    if (!compiled) {
      if (error.empty()) error = std::string(what) + ": " + compiled.error().message;
      return;
    }
    policies_.push_back(std::move(*compiled));
    ids_.push_back(std::string(what) + "." + std::to_string(policies_.size()));
    out.push_back(PolicyRef{&policies_.back(), ids_.back()});
  }

  std::deque<CompiledPolicy> policies_;
  std::deque<std::string> ids_;
};

}  // namespace tw::iam::policy::testing
