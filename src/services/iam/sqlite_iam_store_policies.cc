// SPDX-License-Identifier: Apache-2.0
// Customer managed policies and their versions, attachments, inline policies and tags: the SQL
// side. Users, groups, roles, keys and the account are in sqlite_iam_store.cc.
#include "common/strings.h"
#include "services/iam/errors.h"
#include "services/iam/sqlite_iam_store.h"
#include "store/sqlite/error.h"
#include "store/sqlite/sql.h"

namespace tw::services::iam {

namespace sql = store::sql;
using store::Connection;
using store::Statement;

namespace internal {

Status UpsertTags(Connection& c, std::string_view fk_column, std::int64_t pk,
                  const std::vector<Tag>& tags) {
  const std::string fk(fk_column);
  for (const Tag& tag : tags) {
    if (Status st =
            sql::Exec(c, "DELETE FROM iam_tags WHERE " + fk + " = ? AND tag_key = ?", pk, tag.key);
        !st) {
      return st;
    }
    if (Status st = sql::Exec(c,
                              "INSERT INTO iam_tags (" + fk +
                                  ", tag_key, tag_value) VALUES "
                                  "(?, ?, ?)",
                              pk, tag.key, tag.value);
        !st) {
      return st;
    }
  }
  return {};
}

Result<std::vector<Tag>> LoadTags(Connection& c, std::string_view fk_column, std::int64_t pk) {
  auto stmt = sql::Query(c,
                         "SELECT tag_key, tag_value FROM iam_tags WHERE " + std::string(fk_column) +
                             " = ? ORDER BY id",
                         pk);
  if (!stmt) return std::move(stmt).error();
  std::vector<Tag> tags;
  if (Status st = sql::ForEachRow(*stmt,
                                  [&](const Statement& r) {
                                    tags.push_back(Tag{r.ColumnString(0), r.ColumnString(1)});
                                  });
      !st) {
    return std::move(st).error();
  }
  return tags;
}

Result<std::vector<InlinePolicy>> LoadInline(Connection& c, EntityKind kind, std::int64_t pk) {
  auto stmt =
      sql::Query(c,
                 KindSql("SELECT policy_name, document FROM iam_inline_policies WHERE {F} = ? "
                         "ORDER BY policy_name",
                         kind),
                 pk);
  if (!stmt) return std::move(stmt).error();
  std::vector<InlinePolicy> out;
  if (Status st =
          sql::ForEachRow(*stmt,
                          [&](const Statement& r) {
                            out.push_back(InlinePolicy{r.ColumnString(0), r.ColumnString(1)});
                          });
      !st) {
    return std::move(st).error();
  }
  return out;
}

Result<std::vector<std::string>> LoadAttached(Connection& c, EntityKind kind, std::int64_t pk) {
  auto stmt = sql::Query(
      c, KindSql("SELECT policy_arn FROM iam_attachments WHERE {F} = ? ORDER BY id", kind), pk);
  if (!stmt) return std::move(stmt).error();
  std::vector<std::string> out;
  if (Status st =
          sql::ForEachRow(*stmt, [&](const Statement& r) { out.push_back(r.ColumnString(0)); });
      !st) {
    return std::move(st).error();
  }
  return out;
}

namespace {

constexpr std::string_view kPolicySelect =
    "SELECT p.id, p.policy_name, p.path, p.arn, p.policy_id, p.description, p.created_at, "
    "p.updated_at, p.default_version, "
    "(SELECT count(*) FROM iam_attachments a WHERE a.policy_pk = p.id), "
    "(SELECT count(*) FROM iam_users u WHERE u.account_id = p.account_id AND "
    "u.permissions_boundary = p.arn) + (SELECT count(*) FROM iam_roles r WHERE "
    "r.account_id = p.account_id AND r.permissions_boundary = p.arn) "
    "FROM iam_policies p WHERE p.account_id = ?";

PolicyRecord ReadPolicy(const Statement& r) {
  PolicyRecord p;
  p.name = r.ColumnString(1);
  p.path = r.ColumnString(2);
  p.arn = r.ColumnString(3);
  p.id = r.ColumnString(4);
  p.description = r.ColumnOptionalString(5);
  p.created_at = r.ColumnInt64(6);
  p.updated_at = r.ColumnInt64(7);
  p.default_version = r.ColumnString(8);
  p.attachment_count = r.ColumnInt64(9);
  p.boundary_usage_count = r.ColumnInt64(10);
  return p;
}

}  // namespace

Result<std::vector<PolicyRecord>> LoadPolicies(Connection& c, std::string_view account_id) {
  static const std::string text = std::string(kPolicySelect) + " ORDER BY p.policy_name";
  auto stmt = sql::Query(c, text, account_id);
  if (!stmt) return std::move(stmt).error();
  std::vector<PolicyRecord> out;
  if (Status st = sql::ForEachRow(*stmt, [&](const Statement& r) { out.push_back(ReadPolicy(r)); });
      !st) {
    return std::move(st).error();
  }
  return out;
}

Result<std::vector<PolicyVersionRecord>> LoadVersions(Connection& c, std::int64_t policy_pk) {
  auto stmt = sql::Query(c,
                         "SELECT v.version_id, v.document, v.version_id = p.default_version, "
                         "v.created_at FROM iam_policy_versions v JOIN iam_policies p ON p.id = "
                         "v.policy_pk WHERE v.policy_pk = ? ORDER BY v.version_number DESC",
                         policy_pk);
  if (!stmt) return std::move(stmt).error();
  std::vector<PolicyVersionRecord> out;
  if (Status st = sql::ForEachRow(*stmt,
                                  [&](const Statement& r) {
                                    out.push_back(PolicyVersionRecord{
                                        r.ColumnString(0), r.ColumnString(1), r.ColumnInt64(2) != 0,
                                        r.ColumnInt64(3)});
                                  });
      !st) {
    return std::move(st).error();
  }
  return out;
}

Result<std::map<std::string, PolicyUsage>> LoadUsage(Connection& c, std::string_view account_id) {
  std::map<std::string, PolicyUsage> usage;
  auto attached = sql::Query(c,
                             "SELECT policy_arn, count(*) FROM iam_attachments WHERE account_id = "
                             "? GROUP BY policy_arn",
                             account_id);
  if (!attached) return std::move(attached).error();
  if (Status st = sql::ForEachRow(
          *attached,
          [&](const Statement& r) { usage[r.ColumnString(0)].attachments = r.ColumnInt64(1); });
      !st) {
    return std::move(st).error();
  }
  auto boundaries = sql::Query(c,
                               "SELECT permissions_boundary, count(*) FROM (SELECT "
                               "permissions_boundary FROM iam_users WHERE account_id = ?1 UNION "
                               "ALL SELECT permissions_boundary FROM iam_roles WHERE account_id = "
                               "?1) WHERE permissions_boundary IS NOT NULL GROUP BY 1",
                               account_id);
  if (!boundaries) return std::move(boundaries).error();
  if (Status st = sql::ForEachRow(
          *boundaries,
          [&](const Statement& r) { usage[r.ColumnString(0)].boundaries = r.ColumnInt64(1); });
      !st) {
    return std::move(st).error();
  }
  return usage;
}

}  // namespace internal

namespace {

using internal::KindSql;
using internal::RequireEntity;

Result<std::int64_t> RequirePolicy(Connection& c, std::string_view account_id,
                                   std::string_view arn) {
  auto pk = sql::QueryInt(c, "SELECT id FROM iam_policies WHERE account_id = ? AND arn = ?", -1,
                          account_id, arn);
  if (!pk) return pk;
  if (*pk < 0) return PolicyNotFound(arn);
  return pk;
}

AwsError VersionNotFound(std::string_view arn, std::string_view version_id) {
  return NoSuchEntity("Policy " + std::string(arn) + " version " + std::string(version_id) +
                      " does not exist or is not attachable.");
}

// The row id of what carries tags, and the foreign-key column iam_tags uses for it.
Result<std::pair<std::int64_t, std::string_view>> TagOwner(Connection& c,
                                                           std::string_view account_id,
                                                           TagTarget target,
                                                           std::string_view name) {
  if (target == TagTarget::kPolicy) {
    auto pk = RequirePolicy(c, account_id, name);
    if (!pk) return std::move(pk).error();
    return std::pair<std::int64_t, std::string_view>(*pk, "policy_pk");
  }
  EntityKind kind = target == TagTarget::kUser ? EntityKind::kUser : EntityKind::kRole;
  auto pk = RequireEntity(c, account_id, kind, name);
  if (!pk) return std::move(pk).error();
  return std::pair<std::int64_t, std::string_view>(
      *pk, target == TagTarget::kUser ? "user_pk" : "role_pk");
}

std::string_view TagQuotaName(TagTarget target) {
  switch (target) {
    case TagTarget::kUser:
      return "TagsPerUser";
    case TagTarget::kRole:
      return "TagsPerRole";
    case TagTarget::kPolicy:
      return "TagsPerPolicy";
  }
  return "TagsPerUser";
}

std::string_view AttachQuotaName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return "PoliciesPerUser";
    case EntityKind::kGroup:
      return "PoliciesPerGroup";
    case EntityKind::kRole:
      return "PoliciesPerRole";
  }
  return "PoliciesPerUser";
}

}  // namespace

// ---- Customer managed policies ----

Status SqliteIamStore::CreatePolicy(const PolicyRecord& policy, std::string_view document,
                                    const std::vector<Tag>& tags) {
  return db_.Write([&](Connection& c) -> Status {
    Status st =
        sql::Exec(c,
                  "INSERT INTO iam_policies (account_id, policy_name, path, arn, policy_id, "
                  "description, created_at, updated_at, default_version, next_version) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'v1', 2)",
                  account_id_, policy.name, policy.path, policy.arn, policy.id, policy.description,
                  policy.created_at, policy.created_at);
    if (!st) {
      if (store::IsUniqueViolation(st.error())) {
        return EntityAlreadyExists("A policy called " + policy.name +
                                   " already exists. Duplicate names are not allowed.");
      }
      return st;
    }
    std::int64_t pk = c.LastInsertRowId();
    if (Status v = sql::Exec(c,
                             "INSERT INTO iam_policy_versions (policy_pk, version_id, "
                             "version_number, document, created_at) VALUES (?, 'v1', 1, ?, ?)",
                             pk, document, policy.created_at);
        !v) {
      return v;
    }
    return internal::UpsertTags(c, "policy_pk", pk, tags);
  });
}

Result<PolicyRecord> SqliteIamStore::GetPolicy(std::string_view arn) {
  return db_.Read([&](Connection& c) -> Result<PolicyRecord> {
    static const std::string text = std::string(internal::kPolicySelect) + " AND p.arn = ?";
    auto stmt = sql::Query(c, text, account_id_, arn);
    if (!stmt) return std::move(stmt).error();
    auto row = sql::NextRow(*stmt);
    if (!row) return std::move(row).error();
    if (!*row) return PolicyNotFound(arn);
    PolicyRecord policy = internal::ReadPolicy(*stmt);
    auto tags = internal::LoadTags(c, "policy_pk", stmt->ColumnInt64(0));
    if (!tags) return std::move(tags).error();
    policy.tags = std::move(tags).value();
    return policy;
  });
}

Result<std::vector<PolicyRecord>> SqliteIamStore::ListPolicies() {
  return db_.Read([&](Connection& c) { return internal::LoadPolicies(c, account_id_); });
}

Status SqliteIamStore::DeletePolicy(std::string_view arn) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequirePolicy(c, account_id_, arn);
    if (!pk) return std::move(pk).error();
    auto attached = sql::QueryInt(
        c, "SELECT EXISTS (SELECT 1 FROM iam_attachments WHERE policy_pk = ?)", 0, *pk);
    if (!attached) return std::move(attached).error();
    if (*attached) return DeleteConflict("Cannot delete a policy attached to entities.");
    auto versions =
        sql::QueryInt(c, "SELECT count(*) FROM iam_policy_versions WHERE policy_pk = ?", 0, *pk);
    if (!versions) return std::move(versions).error();
    if (*versions > 1) {
      return DeleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete the "
          "policy's versions. The default version is deleted with the policy.");
    }
    return sql::Exec(c, "DELETE FROM iam_policies WHERE id = ?", *pk);  // versions, tags cascade
  });
}

Result<PolicyVersionRecord> SqliteIamStore::CreatePolicyVersion(std::string_view arn,
                                                                std::string_view document,
                                                                bool set_as_default,
                                                                std::int64_t now,
                                                                std::size_t max_versions) {
  return db_.Write([&](Connection& c) -> Result<PolicyVersionRecord> {
    auto pk = RequirePolicy(c, account_id_, arn);
    if (!pk) return std::move(pk).error();
    auto count =
        sql::QueryInt(c, "SELECT count(*) FROM iam_policy_versions WHERE policy_pk = ?", 0, *pk);
    if (!count) return std::move(count).error();
    if (static_cast<std::size_t>(*count) >= max_versions) {
      return LimitExceeded("A managed policy can have up to " + std::to_string(max_versions) +
                           " versions. Before you create a new version, you must delete an "
                           "existing version.");
    }
    auto number = sql::QueryInt(c, "SELECT next_version FROM iam_policies WHERE id = ?", 1, *pk);
    if (!number) return std::move(number).error();
    PolicyVersionRecord version{"v" + std::to_string(*number), std::string(document),
                                set_as_default, now};
    if (Status st = sql::Exec(c,
                              "INSERT INTO iam_policy_versions (policy_pk, version_id, "
                              "version_number, document, created_at) VALUES (?, ?, ?, ?, ?)",
                              *pk, version.version_id, *number, document, now);
        !st) {
      return std::move(st).error();
    }
    Status st = set_as_default
                    ? sql::Exec(c,
                                "UPDATE iam_policies SET next_version = next_version + 1, "
                                "default_version = ?, updated_at = ? WHERE id = ?",
                                version.version_id, now, *pk)
                    : sql::Exec(c,
                                "UPDATE iam_policies SET next_version = next_version + 1 "
                                "WHERE id = ?",
                                *pk);
    if (!st) return std::move(st).error();
    return version;
  });
}

Result<PolicyVersionRecord> SqliteIamStore::GetPolicyVersion(std::string_view arn,
                                                             std::string_view version_id) {
  return db_.Read([&](Connection& c) -> Result<PolicyVersionRecord> {
    auto pk = RequirePolicy(c, account_id_, arn);
    if (!pk) return std::move(pk).error();
    auto versions = internal::LoadVersions(c, *pk);
    if (!versions) return std::move(versions).error();
    for (PolicyVersionRecord& v : *versions) {
      if (v.version_id == version_id) return std::move(v);
    }
    return VersionNotFound(arn, version_id);
  });
}

Result<std::vector<PolicyVersionRecord>> SqliteIamStore::ListPolicyVersions(std::string_view arn) {
  return db_.Read([&](Connection& c) -> Result<std::vector<PolicyVersionRecord>> {
    auto pk = RequirePolicy(c, account_id_, arn);
    if (!pk) return std::move(pk).error();
    return internal::LoadVersions(c, *pk);
  });
}

Status SqliteIamStore::SetDefaultPolicyVersion(std::string_view arn, std::string_view version_id,
                                               std::int64_t now) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequirePolicy(c, account_id_, arn);
    if (!pk) return std::move(pk).error();
    auto exists =
        sql::QueryInt(c, "SELECT 1 FROM iam_policy_versions WHERE policy_pk = ? AND version_id = ?",
                      0, *pk, version_id);
    if (!exists) return std::move(exists).error();
    if (!*exists) return VersionNotFound(arn, version_id);
    return sql::Exec(c, "UPDATE iam_policies SET default_version = ?, updated_at = ? WHERE id = ?",
                     version_id, now, *pk);
  });
}

Status SqliteIamStore::DeletePolicyVersion(std::string_view arn, std::string_view version_id) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequirePolicy(c, account_id_, arn);
    if (!pk) return std::move(pk).error();
    auto is_default = sql::QueryInt(c, "SELECT default_version = ? FROM iam_policies WHERE id = ?",
                                    0, version_id, *pk);
    if (!is_default) return std::move(is_default).error();
    if (*is_default) return DeleteConflict("Cannot delete the default version of a policy.");
    if (Status st =
            sql::Exec(c, "DELETE FROM iam_policy_versions WHERE policy_pk = ? AND version_id = ?",
                      *pk, version_id);
        !st) {
      return st;
    }
    if (c.Changes() == 0) return VersionNotFound(arn, version_id);
    return {};
  });
}

Result<std::map<std::string, PolicyUsage>> SqliteIamStore::PolicyUsageByArn() {
  return db_.Read([&](Connection& c) { return internal::LoadUsage(c, account_id_); });
}

// ---- Attachments ----

Status SqliteIamStore::AttachPolicy(EntityKind kind, std::string_view entity, std::string_view arn,
                                    bool policy_is_local, std::size_t max_attached,
                                    std::int64_t now) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, kind, entity);
    if (!pk) return std::move(pk).error();
    std::optional<std::int64_t> policy_pk;
    if (policy_is_local) {
      auto found = sql::QueryInt(c, "SELECT id FROM iam_policies WHERE account_id = ? AND arn = ?",
                                 -1, account_id_, arn);
      if (!found) return std::move(found).error();
      if (*found < 0) return PolicyNotAttachable(arn);
      policy_pk = *found;
    }
    auto attached = sql::QueryInt(
        c, KindSql("SELECT 1 FROM iam_attachments WHERE {F} = ? AND policy_arn = ?", kind), 0, *pk,
        arn);
    if (!attached) return std::move(attached).error();
    if (*attached) return {};
    auto count = sql::QueryInt(
        c, KindSql("SELECT count(*) FROM iam_attachments WHERE {F} = ?", kind), 0, *pk);
    if (!count) return std::move(count).error();
    if (static_cast<std::size_t>(*count) >= max_attached) {
      return QuotaExceeded(AttachQuotaName(kind), max_attached);
    }
    return sql::Exec(c,
                     KindSql("INSERT INTO iam_attachments (account_id, {F}, policy_arn, policy_pk, "
                             "attached_at) VALUES (?, ?, ?, ?, ?)",
                             kind),
                     account_id_, *pk, arn, policy_pk, now);
  });
}

Status SqliteIamStore::DetachPolicy(EntityKind kind, std::string_view entity,
                                    std::string_view arn) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, kind, entity);
    if (!pk) return std::move(pk).error();
    if (Status st = sql::Exec(
            c, KindSql("DELETE FROM iam_attachments WHERE {F} = ? AND policy_arn = ?", kind), *pk,
            arn);
        !st) {
      return st;
    }
    if (c.Changes() == 0) return PolicyNotFound(arn);
    return {};
  });
}

Result<std::vector<std::string>> SqliteIamStore::ListAttachedPolicies(EntityKind kind,
                                                                      std::string_view entity) {
  return db_.Read([&](Connection& c) -> Result<std::vector<std::string>> {
    auto pk = RequireEntity(c, account_id_, kind, entity);
    if (!pk) return std::move(pk).error();
    return internal::LoadAttached(c, kind, *pk);
  });
}

Result<std::vector<PolicyEntity>> SqliteIamStore::ListEntitiesForPolicy(std::string_view arn) {
  return db_.Read([&](Connection& c) -> Result<std::vector<PolicyEntity>> {
    std::vector<PolicyEntity> out;
    for (EntityKind kind : {EntityKind::kGroup, EntityKind::kUser, EntityKind::kRole}) {
      auto stmt = sql::Query(c,
                             KindSql("SELECT e.{N}, e.{I} FROM {T} e JOIN iam_attachments a ON "
                                     "a.{F} = e.id WHERE a.account_id = ? AND a.policy_arn = ? "
                                     "ORDER BY e.{N}",
                                     kind),
                             account_id_, arn);
      if (!stmt) return std::move(stmt).error();
      if (Status st = sql::ForEachRow(
              *stmt,
              [&](const Statement& r) {
                out.push_back(PolicyEntity{kind, r.ColumnString(0), r.ColumnString(1)});
              });
          !st) {
        return std::move(st).error();
      }
    }
    return out;
  });
}

// ---- Inline policies ----

Status SqliteIamStore::PutInlinePolicy(EntityKind kind, std::string_view entity,
                                       std::string_view policy_name, std::string_view document,
                                       std::size_t max_total_size) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, kind, entity);
    if (!pk) return std::move(pk).error();
    auto existing = internal::LoadInline(c, kind, *pk);
    if (!existing) return std::move(existing).error();
    // The quota is on the sum of the entity's inline documents; a replaced one no longer counts.
    std::size_t total = internal::PolicySize(document);
    for (const InlinePolicy& p : *existing) {
      if (!IEquals(p.name, policy_name)) total += internal::PolicySize(p.document);
    }
    if (total > max_total_size) {
      auto stored = internal::StoredName(c, kind, *pk);
      if (!stored) return std::move(stored).error();
      return LimitExceeded("Maximum policy size of " + std::to_string(max_total_size) +
                           " bytes exceeded for " + std::string(EntityKindName(kind)) + " " +
                           *stored);
    }
    if (Status st = sql::Exec(
            c, KindSql("DELETE FROM iam_inline_policies WHERE {F} = ? AND policy_name = ?", kind),
            *pk, policy_name);
        !st) {
      return st;
    }
    return sql::Exec(
        c,
        KindSql("INSERT INTO iam_inline_policies ({F}, policy_name, document) VALUES (?, ?, ?)",
                kind),
        *pk, policy_name, document);
  });
}

Result<InlinePolicy> SqliteIamStore::GetInlinePolicy(EntityKind kind, std::string_view entity,
                                                     std::string_view policy_name) {
  return db_.Read([&](Connection& c) -> Result<InlinePolicy> {
    auto pk = RequireEntity(c, account_id_, kind, entity);
    if (!pk) return std::move(pk).error();
    auto stmt = sql::Query(c,
                           KindSql("SELECT policy_name, document FROM iam_inline_policies WHERE "
                                   "{F} = ? AND policy_name = ?",
                                   kind),
                           *pk, policy_name);
    if (!stmt) return std::move(stmt).error();
    auto row = sql::NextRow(*stmt);
    if (!row) return std::move(row).error();
    if (!*row) {
      return NoSuchEntity("The " + std::string(EntityKindName(kind)) + " policy with name " +
                          std::string(policy_name) + " cannot be found.");
    }
    return InlinePolicy{stmt->ColumnString(0), stmt->ColumnString(1)};
  });
}

Result<std::vector<std::string>> SqliteIamStore::ListInlinePolicies(EntityKind kind,
                                                                    std::string_view entity) {
  return db_.Read([&](Connection& c) -> Result<std::vector<std::string>> {
    auto pk = RequireEntity(c, account_id_, kind, entity);
    if (!pk) return std::move(pk).error();
    auto policies = internal::LoadInline(c, kind, *pk);
    if (!policies) return std::move(policies).error();
    std::vector<std::string> names;
    for (InlinePolicy& p : *policies) names.push_back(std::move(p.name));
    return names;
  });
}

Status SqliteIamStore::DeleteInlinePolicy(EntityKind kind, std::string_view entity,
                                          std::string_view policy_name) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, kind, entity);
    if (!pk) return std::move(pk).error();
    if (Status st = sql::Exec(
            c, KindSql("DELETE FROM iam_inline_policies WHERE {F} = ? AND policy_name = ?", kind),
            *pk, policy_name);
        !st) {
      return st;
    }
    if (c.Changes() == 0) {
      return NoSuchEntity("The " + std::string(EntityKindName(kind)) + " policy with name " +
                          std::string(policy_name) + " cannot be found.");
    }
    return {};
  });
}

// ---- Tags ----

Status SqliteIamStore::TagEntity(TagTarget target, std::string_view name,
                                 const std::vector<Tag>& tags, std::size_t max_tags) {
  return db_.Write([&](Connection& c) -> Status {
    auto owner = TagOwner(c, account_id_, target, name);
    if (!owner) return std::move(owner).error();
    auto [pk, fk] = *owner;
    if (Status st = internal::UpsertTags(c, fk, pk, tags); !st) return st;
    auto count =
        sql::QueryInt(c, "SELECT count(*) FROM iam_tags WHERE " + std::string(fk) + " = ?", 0, pk);
    if (!count) return std::move(count).error();
    if (static_cast<std::size_t>(*count) > max_tags) {
      return QuotaExceeded(TagQuotaName(target), max_tags);  // rolls the upserts back
    }
    return {};
  });
}

Status SqliteIamStore::UntagEntity(TagTarget target, std::string_view name,
                                   const std::vector<std::string>& keys) {
  return db_.Write([&](Connection& c) -> Status {
    auto owner = TagOwner(c, account_id_, target, name);
    if (!owner) return std::move(owner).error();
    auto [pk, fk] = *owner;
    for (const std::string& key : keys) {
      if (Status st = sql::Exec(
              c, "DELETE FROM iam_tags WHERE " + std::string(fk) + " = ? AND tag_key = ?", pk, key);
          !st) {
        return st;
      }
    }
    return {};
  });
}

Result<std::vector<Tag>> SqliteIamStore::ListTags(TagTarget target, std::string_view name) {
  return db_.Read([&](Connection& c) -> Result<std::vector<Tag>> {
    auto owner = TagOwner(c, account_id_, target, name);
    if (!owner) return std::move(owner).error();
    return internal::LoadTags(c, owner->second, owner->first);
  });
}

}  // namespace tw::services::iam
