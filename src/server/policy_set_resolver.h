// SPDX-License-Identifier: Apache-2.0
// PolicySetResolver gathers what IAM evaluates for a principal: its identity policies (an IAM
// user's inline and attached managed policies plus each of its groups' inline and managed
// policies; for a role session the role's inline and managed policies; for a federated user
// the policies of the IAM user that called GetFederationToken), its permissions boundary, the
// session policies its temporary credentials carry, and its tags (aws:PrincipalTag/*). Compiled
// policies are cached by (policy id, version) — managed policy versions are immutable, inline
// policies are keyed by their text — and each principal's resolved set, like the path and tags
// of the IAM entities requests name (FindIamEntity), is cached until the IAM service's generation
// counter moves (IamService bumps it on every write). Thread-safe: caches are behind one mutex;
// resolved sets are immutable and shared.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "common/result.h"
#include "iam/policy/compiler.h"
#include "iam/policy/evaluator.h"
#include "server/authz_table.h"
#include "services/iam/iam_store.h"
#include "services/iam/managed_policies.h"

namespace tw::server {

// One principal's policies, ready to evaluate. Immutable once built; `set` points into the
// members, so a ResolvedPrincipal is only handled through shared_ptr and never moved.
struct ResolvedPrincipal {
  struct Named {
    std::string id;  // managed policy ARN, or "user/<name>/<policy>" for inline policies
    std::shared_ptr<const iam::policy::CompiledPolicy> policy;
  };
  std::vector<Named> identity;
  std::optional<Named> boundary;
  // Temporary credentials with session policies (AssumeRole / GetFederationToken Policy and
  // PolicyArns): set, possibly empty when no named policy exists any more.
  std::optional<std::vector<Named>> session;
  std::string role_arn;  // role sessions: the role's ARN with its path
  std::vector<std::pair<std::string, std::string>> tags;
  bool exists = false;         // false: the user or role is gone (its key or session still signs)
  iam::policy::PolicySet set;  // identity + permissions boundary
  ResolvedPrincipal() = default;
  ResolvedPrincipal(const ResolvedPrincipal&) = delete;
  ResolvedPrincipal& operator=(const ResolvedPrincipal&) = delete;
};

class PolicySetResolver final : public AuthzLookup {
 public:
  using Generation = std::function<std::uint64_t()>;
  PolicySetResolver(services::iam::IamStore& store,
                    const services::iam::ManagedPolicyCatalog& catalog, Generation generation);

  // The principal's policies; the account root and services resolve to an empty set. Sessions
  // with session policies are cached per access key (two sessions of one ARN may differ).
  Result<std::shared_ptr<const ResolvedPrincipal>> Resolve(const auth::Principal& principal);
  // A role's trust policy, compiled (sts:AssumeRole); nullptr when the role does not exist.
  Result<std::shared_ptr<const iam::policy::CompiledPolicy>> TrustPolicy(std::string_view role);
  // Compiles, or returns the cached compilation of, `document` known as (id, version).
  Result<std::shared_ptr<const iam::policy::CompiledPolicy>> Compile(std::string_view id,
                                                                     std::string_view version,
                                                                     std::string_view document);

  std::optional<Entity> FindIamEntity(Kind kind, std::string_view name) const override;

  // The account the constructor's store belongs to. Once set, a principal of another account
  // resolves from the store AddAccount registered for its account, or, without one, to no
  // policies at all (ResolvedPrincipal::exists false): never from this account's store, where an
  // entity of the same name is someone else. Unset (tests of one account): every principal
  // resolves from the constructor's store. The generation must also move on the other stores'
  // writes. Call before use.
  void SetHomeAccount(std::string account_id);
  void AddAccount(std::string account_id, services::iam::IamStore& store);

  // Drops every cache (benchmarks measure cold resolves with it).
  void Clear();

 private:
  Result<std::shared_ptr<ResolvedPrincipal>> Build(const auth::Principal& principal);
  Status AddEntityPolicies(services::iam::IamStore& store, services::iam::EntityKind kind,
                           const std::string& name, ResolvedPrincipal& out);
  Result<ResolvedPrincipal::Named> ManagedPolicy(services::iam::IamStore& store,
                                                 const std::string& arn);
  services::iam::IamStore* StoreFor(std::string_view account_id);  // null: no store for it
  void CheckGeneration() const;                                    // REQUIRES: mutex_ held
  Result<std::optional<Entity>> LoadIamEntity(Kind kind, std::string_view name) const;

  services::iam::IamStore& store_;
  const services::iam::ManagedPolicyCatalog& catalog_;
  Generation generation_;
  mutable std::mutex mutex_;
  std::string home_account_;
  std::map<std::string, services::iam::IamStore*, std::less<>> other_accounts_;
  // The generation principals_ and entities_ were read under; both are dropped when it moves.
  mutable std::uint64_t cached_generation_ = 0;
  // Keyed by "<id>\n<version>": a customer managed policy's id is its unique id (ANPA...), not
  // its ARN, because a policy deleted and created again under the same ARN restarts at v1.
  std::map<std::string, std::shared_ptr<const iam::policy::CompiledPolicy>, std::less<>> compiled_;
  mutable std::map<std::string, std::shared_ptr<const ResolvedPrincipal>, std::less<>> principals_;
  // FindIamEntity's answers (request resources' paths and aws:ResourceTag), by kind and name;
  // nullopt: no such entity.
  mutable std::map<std::string, std::optional<Entity>, std::less<>> entities_;
};

}  // namespace tw::server
