// SPDX-License-Identifier: Apache-2.0
#include "services/iam/managed_policies.h"

#include <algorithm>
#include <boost/json.hpp>

#include "common/embedded.h"
#include "common/time_format.h"

namespace tw::embedded_iam_policies {
extern const tw::EmbeddedFile kFiles[];
extern const std::size_t kFileCount;
}  // namespace tw::embedded_iam_policies

namespace tw::services::iam {
namespace {

constexpr std::string_view kAwsPolicyPrefix = "arn:aws:iam::aws:policy/";

std::optional<AwsManagedPolicy> Parse(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(text, ec);
  if (ec || !root.is_object()) return std::nullopt;
  const boost::json::object& o = root.as_object();
  auto str = [&](std::string_view key) -> std::string {
    const boost::json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  const boost::json::value* document = o.if_contains("Document");
  auto created = ParseIso8601(str("CreateDate"));
  auto updated = ParseIso8601(str("UpdateDate"));
  AwsManagedPolicy policy{str("PolicyName"),
                          str("PolicyId"),
                          str("Arn"),
                          str("Path"),
                          str("Description"),
                          str("DefaultVersionId"),
                          document ? boost::json::serialize(*document) : std::string(),
                          created.value_or(0),
                          updated.value_or(0)};
  if (policy.name.empty() || policy.arn != std::string(kAwsPolicyPrefix) + policy.name ||
      !document || !created || !updated) {
    return std::nullopt;
  }
  return policy;
}

}  // namespace

bool IsAwsManagedArn(std::string_view arn) { return arn.starts_with(kAwsPolicyPrefix); }

const ManagedPolicyCatalog& ManagedPolicyCatalog::Embedded() {
  static const ManagedPolicyCatalog catalog = [] {
    ManagedPolicyCatalog c;
    for (std::size_t i = 0; i < embedded_iam_policies::kFileCount; ++i) {
      if (auto policy = Parse(embedded_iam_policies::kFiles[i].data)) {
        c.policies_.push_back(std::move(*policy));
      }
    }
    std::sort(c.policies_.begin(), c.policies_.end(),
              [](const AwsManagedPolicy& a, const AwsManagedPolicy& b) { return a.name < b.name; });
    return c;
  }();
  return catalog;
}

const AwsManagedPolicy* ManagedPolicyCatalog::Find(std::string_view arn) const {
  for (const AwsManagedPolicy& policy : policies_) {
    if (policy.arn == arn) return &policy;
  }
  return nullptr;
}

}  // namespace tw::services::iam
