// SPDX-License-Identifier: Apache-2.0
#include "server/policy_set_resolver.h"

namespace tw::server {

namespace iam_svc = services::iam;
constexpr std::size_t kMaxCachedPrincipals = 10'000;
using iam::policy::CompiledPolicy;
using iam::policy::PolicyRef;

PolicySetResolver::PolicySetResolver(iam_svc::IamStore& store,
                                     const iam_svc::ManagedPolicyCatalog& catalog,
                                     Generation generation)
    : store_(store), catalog_(catalog), generation_(std::move(generation)) {}

void PolicySetResolver::CheckGeneration() const {
  std::uint64_t now = generation_ ? generation_() : 0;
  if (now != cached_generation_) {
    principals_.clear();
    entities_.clear();
    cached_generation_ = now;
  }
}

void PolicySetResolver::SetHomeAccount(std::string account_id) {
  std::lock_guard lock(mutex_);
  home_account_ = std::move(account_id);
  principals_.clear();
}

void PolicySetResolver::AddAccount(std::string account_id, iam_svc::IamStore& store) {
  std::lock_guard lock(mutex_);
  other_accounts_.insert_or_assign(std::move(account_id), &store);
  principals_.clear();
}

iam_svc::IamStore* PolicySetResolver::StoreFor(std::string_view account_id) {
  std::lock_guard lock(mutex_);
  if (home_account_.empty() || account_id == home_account_) return &store_;
  auto it = other_accounts_.find(account_id);
  return it == other_accounts_.end() ? nullptr : it->second;
}

void PolicySetResolver::Clear() {
  std::lock_guard lock(mutex_);
  principals_.clear();
  entities_.clear();
  compiled_.clear();
}

Result<std::shared_ptr<const CompiledPolicy>> PolicySetResolver::Compile(
    std::string_view id, std::string_view version, std::string_view document) {
  std::string key = std::string(id) + '\n' + std::string(version);
  {
    std::lock_guard lock(mutex_);
    if (auto it = compiled_.find(key); it != compiled_.end()) return it->second;
  }
  auto compiled = iam::policy::CompilePolicy(document);
  if (!compiled) return std::move(compiled).error();
  auto shared = std::make_shared<const CompiledPolicy>(std::move(compiled).value());
  std::lock_guard lock(mutex_);
  compiled_.emplace(std::move(key), shared);
  return shared;
}

Result<ResolvedPrincipal::Named> PolicySetResolver::ManagedPolicy(iam_svc::IamStore& store,
                                                                  const std::string& arn) {
  std::string version, document;
  std::string cache_id = arn;  // AWS managed policies never change under their ARN
  if (iam_svc::IsAwsManagedArn(arn)) {
    const iam_svc::AwsManagedPolicy* policy = catalog_.Find(arn);
    if (!policy) return ResolvedPrincipal::Named{arn, nullptr};
    version = policy->default_version;
    document = policy->document;
  } else {
    auto record = store.GetPolicy(arn);
    if (!record) {
      if (record.error().code == "NoSuchEntity") return ResolvedPrincipal::Named{arn, nullptr};
      return std::move(record).error();
    }
    version = record->default_version;
    cache_id = record->id;
    {
      // Versions are immutable: a cached compilation needs no read of the document.
      std::lock_guard lock(mutex_);
      if (auto it = compiled_.find(cache_id + '\n' + version); it != compiled_.end()) {
        return ResolvedPrincipal::Named{arn, it->second};
      }
    }
    auto stored = store.GetPolicyVersion(arn, version);
    if (!stored) return std::move(stored).error();
    document = std::move(stored->document);
  }
  auto compiled = Compile(cache_id, version, document);
  if (!compiled) return std::move(compiled).error();
  return ResolvedPrincipal::Named{arn, std::move(compiled).value()};
}

Status PolicySetResolver::AddEntityPolicies(iam_svc::IamStore& store, iam_svc::EntityKind kind,
                                            const std::string& name, ResolvedPrincipal& out) {
  auto names = store.ListInlinePolicies(kind, name);
  if (!names) return std::move(names).error();
  std::string prefix = std::string(iam_svc::EntityKindName(kind)) + "/" + name + "/";
  for (const std::string& policy_name : *names) {
    auto inline_policy = store.GetInlinePolicy(kind, name, policy_name);
    if (!inline_policy) return std::move(inline_policy).error();
    // Inline policies have no version: the text itself is the version.
    auto compiled = Compile(prefix + policy_name, inline_policy->document, inline_policy->document);
    if (!compiled) return std::move(compiled).error();
    out.identity.push_back({prefix + policy_name, std::move(compiled).value()});
  }
  auto attached = store.ListAttachedPolicies(kind, name);
  if (!attached) return std::move(attached).error();
  for (const std::string& arn : *attached) {
    auto managed = ManagedPolicy(store, arn);
    if (!managed) return std::move(managed).error();
    if (managed->policy) out.identity.push_back(std::move(managed).value());
  }
  return {};
}

Result<std::shared_ptr<ResolvedPrincipal>> PolicySetResolver::Build(
    const auth::Principal& principal) {
  auto out = std::make_shared<ResolvedPrincipal>();
  std::optional<std::string> boundary;
  auto missing = [](const AwsError& e) { return e.code == "NoSuchEntity"; };
  // A principal of another account resolves from that account's IAM store; without one it has
  // no policies at all (exists stays false), never those of a same-named entity of this account.
  const bool has_entity =
      principal.type == auth::PrincipalType::kIamUser ||
      principal.type == auth::PrincipalType::kAssumedRole ||
      (principal.type == auth::PrincipalType::kFederatedUser && !principal.user_name.empty());
  iam_svc::IamStore* found_store = has_entity ? StoreFor(principal.account_id) : &store_;
  if (!found_store) return out;
  iam_svc::IamStore& store = *found_store;
  if (principal.type == auth::PrincipalType::kIamUser) {
    auto user = store.GetUser(principal.user_name);
    if (!user) {
      if (missing(user.error())) return out;
      return std::move(user).error();
    }
    out->exists = true;
    for (auto& tag : user->tags) out->tags.emplace_back(tag.key, tag.value);
    boundary = user->permissions_boundary;
    if (Status st = AddEntityPolicies(store, iam_svc::EntityKind::kUser, user->name, *out); !st) {
      return std::move(st).error();
    }
    auto groups = store.ListGroupsForUser(user->name);
    if (!groups) return std::move(groups).error();
    for (const auto& group : *groups) {
      if (Status st = AddEntityPolicies(store, iam_svc::EntityKind::kGroup, group.name, *out);
          !st) {
        return std::move(st).error();
      }
    }
  } else if (principal.type == auth::PrincipalType::kAssumedRole) {
    // arn:aws:sts::<acct>:assumed-role/<role>/<session>
    std::string_view arn = principal.arn;
    auto at = arn.find(":assumed-role/");
    if (at == std::string_view::npos) return out;
    std::string_view rest = arn.substr(at + 14);
    std::string role_name(rest.substr(0, rest.find('/')));
    auto role = store.GetRole(role_name);
    if (!role) {
      if (missing(role.error())) return out;
      return std::move(role).error();
    }
    out->exists = true;
    out->role_arn = "arn:aws:iam::" + principal.account_id + ":role" + role->path + role->name;
    for (auto& tag : role->tags) out->tags.emplace_back(tag.key, tag.value);
    boundary = role->permissions_boundary;
    if (Status st = AddEntityPolicies(store, iam_svc::EntityKind::kRole, role->name, *out); !st) {
      return std::move(st).error();
    }
  } else if (principal.type == auth::PrincipalType::kFederatedUser) {
    // The session's identity is the IAM user that called GetFederationToken; a session the root
    // user created has the root user's (unlimited) permissions, capped by the session policies.
    if (principal.user_name.empty()) {
      out->exists = true;
      auto all = Compile(
          "root", "1",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
      if (!all) return std::move(all).error();
      out->identity.push_back({"root", std::move(all).value()});
    } else {
      auto user = store.GetUser(principal.user_name);
      if (!user) {
        if (missing(user.error())) return out;
        return std::move(user).error();
      }
      out->exists = true;
      boundary = user->permissions_boundary;
      if (Status st = AddEntityPolicies(store, iam_svc::EntityKind::kUser, user->name, *out); !st) {
        return std::move(st).error();
      }
      auto groups = store.ListGroupsForUser(user->name);
      if (!groups) return std::move(groups).error();
      for (const auto& group : *groups) {
        if (Status st = AddEntityPolicies(store, iam_svc::EntityKind::kGroup, group.name, *out);
            !st) {
          return std::move(st).error();
        }
      }
    }
  } else {
    out->exists = true;
    return out;
  }
  if (principal.has_session_policies()) {
    out->session.emplace();
    if (principal.session_policy) {
      // Validated when the session was issued; the text is its own version.
      auto compiled = Compile("session/" + principal.access_key_id, *principal.session_policy,
                              *principal.session_policy);
      if (!compiled) return std::move(compiled).error();
      out->session->push_back({"session", std::move(compiled).value()});
    }
    for (const std::string& arn : principal.session_policy_arns) {
      auto managed = ManagedPolicy(store, arn);
      if (!managed) return std::move(managed).error();
      // A session policy ARN that no longer exists allows nothing.
      if (managed->policy) out->session->push_back(std::move(managed).value());
    }
  }
  if (boundary) {
    auto managed = ManagedPolicy(store, *boundary);
    if (!managed) return std::move(managed).error();
    out->boundary = std::move(managed).value();
  }
  // The vectors are final: PolicyRefs may point into them now.
  for (const auto& named : out->identity)
    out->set.identity.push_back({named.policy.get(), named.id});
  if (out->boundary) {
    // A boundary that no longer exists allows nothing (the set is present and empty).
    std::vector<PolicyRef> refs;
    if (out->boundary->policy) refs.push_back({out->boundary->policy.get(), out->boundary->id});
    out->set.permissions_boundary = std::move(refs);
  }
  if (out->session) {
    std::vector<PolicyRef> refs;
    for (const auto& named : *out->session) refs.push_back({named.policy.get(), named.id});
    out->set.session = std::move(refs);
  }
  return out;
}

Result<std::shared_ptr<const ResolvedPrincipal>> PolicySetResolver::Resolve(
    const auth::Principal& principal) {
  std::uint64_t generation = 0;
  // A federated user's identity is its caller's and its policies are the session's: per key.
  const bool per_session =
      principal.has_session_policies() || principal.type == auth::PrincipalType::kFederatedUser;
  const std::string key =
      per_session ? principal.arn + '\n' + principal.access_key_id : principal.arn;
  {
    std::lock_guard lock(mutex_);
    CheckGeneration();
    generation = cached_generation_;
    if (auto it = principals_.find(key); it != principals_.end()) return it->second;
  }
  auto built = Build(principal);
  if (!built) return std::move(built).error();
  std::shared_ptr<const ResolvedPrincipal> shared = std::move(built).value();
  std::lock_guard lock(mutex_);
  CheckGeneration();
  // Only cache what was read under the generation still current.
  if (generation == cached_generation_) {
    // Per-session entries accumulate until the next IAM write; bound the cache regardless.
    if (principals_.size() >= kMaxCachedPrincipals) principals_.clear();
    principals_[key] = shared;
  }
  return shared;
}

Result<std::shared_ptr<const CompiledPolicy>> PolicySetResolver::TrustPolicy(
    std::string_view role_name) {
  auto role = store_.GetRole(role_name);
  if (!role) {
    if (role.error().code == "NoSuchEntity") return std::shared_ptr<const CompiledPolicy>();
    return std::move(role).error();
  }
  return Compile("trust/" + role->name, role->assume_role_policy, role->assume_role_policy);
}

std::optional<AuthzLookup::Entity> PolicySetResolver::FindIamEntity(Kind kind,
                                                                    std::string_view name) const {
  std::string key = std::to_string(static_cast<int>(kind)) + '/' + std::string(name);
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    CheckGeneration();
    generation = cached_generation_;
    if (auto it = entities_.find(key); it != entities_.end()) return it->second;
  }
  auto loaded = LoadIamEntity(kind, name);
  if (!loaded) return std::nullopt;  // a store failure: not cached (the descriptor falls back)
  std::optional<Entity> entity = std::move(loaded).value();
  std::lock_guard lock(mutex_);
  CheckGeneration();
  // As in Resolve: keep only what was read under the generation still current.
  if (generation == cached_generation_) {
    if (entities_.size() >= kMaxCachedPrincipals) entities_.clear();
    entities_.insert_or_assign(std::move(key), entity);
  }
  return entity;
}

Result<std::optional<AuthzLookup::Entity>> PolicySetResolver::LoadIamEntity(
    Kind kind, std::string_view name) const {
  // NoSuchEntity is an answer (cached); any other failure is not.
  auto absent = [](const AwsError& error) -> Result<std::optional<Entity>> {
    if (error.code == "NoSuchEntity") return std::optional<Entity>();
    return error;
  };
  Entity entity;
  switch (kind) {
    case Kind::kUser: {
      auto user = store_.GetUser(name);
      if (!user) return absent(user.error());
      entity.path = user->path;
      for (const auto& tag : user->tags) entity.tags.emplace_back(tag.key, tag.value);
      return std::optional<Entity>(std::move(entity));
    }
    case Kind::kRole: {
      auto role = store_.GetRole(name);
      if (!role) return absent(role.error());
      entity.path = role->path;
      for (const auto& tag : role->tags) entity.tags.emplace_back(tag.key, tag.value);
      return std::optional<Entity>(std::move(entity));
    }
    case Kind::kGroup: {
      auto group = store_.GetGroup(name);
      if (!group) return absent(group.error());
      entity.path = group->path;
      return std::optional<Entity>(std::move(entity));
    }
  }
  return std::optional<Entity>();
}

}  // namespace tw::server
