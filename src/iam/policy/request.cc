// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/request.h"

#include <utility>

#include "common/strings.h"

namespace tw::iam::policy {

void ContextKeys::Set(std::string_view key, std::string value) {
  std::vector<std::string> values;
  values.push_back(std::move(value));
  std::string lower = ToLower(key);
  for (Entry& e : entries_) {
    if (e.lower_key == lower) {
      e.values = std::move(values);
      e.multivalued = false;
      return;
    }
  }
  entries_.push_back(Entry{std::move(lower), std::move(values), false});
}

void ContextKeys::SetMulti(std::string_view key, std::vector<std::string> values) {
  std::string lower = ToLower(key);
  for (Entry& e : entries_) {
    if (e.lower_key == lower) {
      e.values = std::move(values);
      e.multivalued = true;
      return;
    }
  }
  entries_.push_back(Entry{std::move(lower), std::move(values), true});
}

bool ContextKeys::Has(std::string_view key) const { return FindLower(ToLower(key)) != nullptr; }

const ContextKeys::Entry* ContextKeys::FindLower(std::string_view lower_key) const {
  for (const Entry& e : entries_) {
    if (e.lower_key == lower_key) return &e;
  }
  return nullptr;
}

std::optional<std::string_view> ContextKeys::LookupVariable(std::string_view lower_key) const {
  const Entry* e = FindLower(lower_key);
  // "Multivalued context keys cannot be used as policy variables" (Variables and tags page).
  if (e == nullptr || e->multivalued || e->values.size() != 1) return std::nullopt;
  return e->values[0];
}

void AddPrincipalContextKeys(Request& request) {
  const RequestPrincipal& p = request.principal;
  ContextKeys& c = request.context;
  auto set_default = [&c](std::string_view key, std::string value) {
    if (!value.empty() && !c.Has(key)) c.Set(key, std::move(value));
  };
  std::string type;
  switch (p.kind) {
    case CallerKind::kAccountRoot:
      type = "Account";
      break;
    case CallerKind::kIamUser:
      type = "User";
      break;
    case CallerKind::kAssumedRole:
      type = "AssumedRole";
      break;
    case CallerKind::kFederatedUser:
      type = "FederatedUser";
      break;
    case CallerKind::kService:
      type = "AWSService";
      break;
    case CallerKind::kAnonymous:
      type = "Anonymous";
      break;
  }
  set_default("aws:PrincipalType", type);
  if (p.kind == CallerKind::kAnonymous) {
    set_default("aws:userid", "anonymous");
    return;
  }
  if (p.kind == CallerKind::kService) {
    set_default("aws:PrincipalServiceName", p.service);
    set_default("aws:PrincipalIsAWSService", "true");
    return;
  }
  set_default("aws:PrincipalIsAWSService", "false");
  set_default("aws:PrincipalArn",
              p.kind == CallerKind::kAssumedRole && !p.role_arn.empty() ? p.role_arn : p.arn);
  set_default("aws:PrincipalAccount", p.account_id);
  set_default("aws:userid",
              p.kind == CallerKind::kAccountRoot && p.user_id.empty() ? p.account_id : p.user_id);
  if (p.kind == CallerKind::kIamUser) set_default("aws:username", p.user_name);
}

}  // namespace tw::iam::policy
