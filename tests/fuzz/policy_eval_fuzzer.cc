// SPDX-License-Identifier: Apache-2.0
// Bytes -> compile + evaluate. The input is a policy document, a line "----", then request lines:
// action, resource, and "key=value" context entries ("key=a|b" is multivalued). The policy is
// evaluated as an identity policy and as a resource policy; explicit deny must dominate.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "iam/policy/access_denied.h"
#include "iam/policy/compiler.h"
#include "iam/policy/evaluator.h"

namespace {

std::vector<std::string_view> Lines(std::string_view s) {
  std::vector<std::string_view> lines;
  while (!s.empty()) {
    std::size_t nl = s.find('\n');
    lines.push_back(s.substr(0, nl));
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tw::iam::policy;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t split = input.find("\n----\n");
  std::string_view policy_text = input.substr(0, split);
  std::string_view request_text =
      split == std::string_view::npos ? std::string_view() : input.substr(split + 6);
  tw::Result<CompiledPolicy> policy = CompilePolicy(policy_text);
  if (!policy) return 0;
  Request request;
  request.principal.kind = CallerKind::kIamUser;
  request.principal.arn = "arn:aws:iam::123456789012:user/fuzz";
  request.principal.account_id = "123456789012";
  request.principal.user_name = "fuzz";
  std::vector<std::string_view> lines = Lines(request_text);
  if (!lines.empty()) request.action = std::string(lines[0]);
  if (lines.size() > 1) request.resource = std::string(lines[1]);
  for (std::size_t i = 2; i < lines.size(); ++i) {
    std::size_t eq = lines[i].find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = lines[i].substr(0, eq);
    std::string_view value = lines[i].substr(eq + 1);
    if (value.find('|') != std::string_view::npos) {
      std::vector<std::string> values;
      for (std::size_t start = 0;;) {
        std::size_t bar = value.find('|', start);
        values.emplace_back(value.substr(start, bar - start));
        if (bar == std::string_view::npos) break;
        start = bar + 1;
      }
      request.context.SetMulti(key, std::move(values));
    } else {
      request.context.Set(key, std::string(value));
    }
  }
  AddPrincipalContextKeys(request);
  PolicySet as_identity;
  as_identity.identity.push_back(PolicyRef{&*policy, "fuzz"});
  EvalResult a = Evaluate(as_identity, request);
  PolicySet as_resource;
  as_resource.resource.push_back(PolicyRef{&*policy, "fuzz"});
  EvalResult b = Evaluate(as_resource, request);
  // The same policy as identity and resource: an explicit deny seen by one is seen by the other
  // only when principals match, but an Allow with a matched Deny statement is impossible.
  for (const EvalResult* r : {&a, &b}) {
    bool has_deny = false;
    for (const auto& m : r->matched) has_deny = has_deny || m.effect == Effect::kDeny;
    if (r->decision == Decision::kAllow && has_deny) std::abort();
    (void)AccessDeniedMessage(*r, request.principal.arn, request.action, request.resource);
  }
  return 0;
}
