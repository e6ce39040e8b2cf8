// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/event_history.h"

#include <algorithm>
#include <span>

#include "common/embedded.h"

namespace tw::embedded_cloudtrail_migrations {
extern const tw::EmbeddedFile kFiles[];
extern const std::size_t kFileCount;
}  // namespace tw::embedded_cloudtrail_migrations

namespace tw::services::cloudtrail {
namespace {

using store::Connection;
using store::StepResult;

std::string_view ColumnFor(LookupKey key) {
  switch (key) {
    case LookupKey::kEventId:
      return "e.event_id";
    case LookupKey::kEventName:
      return "e.event_name";
    case LookupKey::kReadOnly:
      return "e.read_only";
    case LookupKey::kUsername:
      return "e.username";
    case LookupKey::kEventSource:
      return "e.event_source";
    case LookupKey::kAccessKeyId:
      return "e.access_key_id";
    case LookupKey::kResourceType:
      return "r.type";
    case LookupKey::kResourceName:
      return "r.name";
  }
  return "e.event_id";
}

}  // namespace

Result<std::unique_ptr<EventHistory>> EventHistory::Open(const std::filesystem::path& data_dir) {
  store::DatabaseOptions options;
  options.file_name = "cloudtrail.db";
  // Events reach the history asynchronously (the recorder's queue), so an fsync per batch would
  // buy no guarantee a caller was given; trail configuration calls Sync() after each change.
  options.durable_commits = false;
  options.migrations = std::span<const EmbeddedFile>(embedded_cloudtrail_migrations::kFiles,
                                                     embedded_cloudtrail_migrations::kFileCount);
  auto db = store::Database::Open(data_dir, options);
  if (!db) return db.error();
  return std::unique_ptr<EventHistory>(new EventHistory(std::move(db).value()));
}

Result<bool> EventHistory::InsertLocked(Connection& c, const pipeline::TrailEvent& e,
                                        std::optional<std::int64_t> imported_at) {
  if (imported_at) {
    // Already here: an imported event with this id (any time), or the event this server
    // recorded live, which has milliseconds where CloudTrail's files carry whole seconds.
    const std::int64_t second = e.event_time_millis - ((e.event_time_millis % 1000) + 1000) % 1000;
    auto known = c.Prepare(
        "SELECT 1 FROM events WHERE imported_at IS NOT NULL AND event_id = ?1 UNION ALL "
        "SELECT 1 FROM events WHERE event_time >= ?2 AND event_time < ?3 AND event_id = ?1 "
        "LIMIT 1");
    if (!known) return known.error();
    if (Status st = known->BindAll(e.event_id, second, second + 1000); !st) return st.error();
    auto step = known->Step();
    if (!step) return step.error();
    const bool found = *step == StepResult::kRow;
    known->Reset();
    if (found) return false;
  }
  auto insert = c.Prepare(
      "INSERT OR IGNORE INTO events (event_id, event_time, recipient_account_id, aws_region, "
      "event_source, event_name, event_category, read_only, username, access_key_id, "
      "error_code, record, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!insert) return insert.error();
  if (Status st = insert->BindAll(e.event_id, e.event_time_millis, e.recipient_account_id,
                                  e.aws_region, e.event_source, e.event_name, e.event_category,
                                  static_cast<std::int64_t>(e.read_only), e.username,
                                  e.access_key_id, e.error_code);
      !st) {
    return st.error();
  }
  // The record (the row's bulk) is bound in place: `e` outlives this insert.
  if (Status st = insert->BindUncopied(12, e.record_json); !st) return st.error();
  if (Status st = insert->Bind(13, imported_at); !st) return st.error();
  if (Status st = insert->Exec(); !st) return st.error();
  // Events carry ids and (event_time, event_id) is unique, so a batch stored twice (a retry
  // after an unclear failure) is harmless.
  if (c.Changes() == 0) return false;
  const std::int64_t seq = c.LastInsertRowId();
  for (const pipeline::TrailResource& r : e.resources) {
    auto resource = c.Prepare("INSERT INTO event_resources (seq, type, name) VALUES (?,?,?)");
    if (!resource) return resource.error();
    if (Status st = resource->BindAll(seq, r.type, r.name); !st) return st.error();
    if (Status st = resource->Exec(); !st) return st.error();
  }
  return true;
}

Status EventHistory::Append(const std::vector<pipeline::TrailEvent>& events) {
  // Event history keeps management (and Insights) events; data events reach trails only.
  auto kept = [](const pipeline::TrailEvent& e) { return e.event_category != "Data"; };
  if (std::none_of(events.begin(), events.end(), kept)) return {};
  return db_->Write([&](Connection& c) -> Status {
    for (const pipeline::TrailEvent& e : events) {
      if (!kept(e)) continue;
      if (auto inserted = InsertLocked(c, e, std::nullopt); !inserted) return inserted.error();
    }
    return {};
  });
}

Result<std::vector<bool>> EventHistory::AppendImported(
    const std::vector<pipeline::TrailEvent>& events, std::int64_t imported_at_millis) {
  if (events.empty()) return std::vector<bool>{};
  return db_->Write([&](Connection& c) -> Result<std::vector<bool>> {
    std::vector<bool> fresh;
    fresh.reserve(events.size());
    for (const pipeline::TrailEvent& e : events) {
      auto inserted = InsertLocked(c, e, imported_at_millis);
      if (!inserted) return inserted.error();
      fresh.push_back(*inserted);
    }
    return fresh;
  });
}

Result<LookupPage> EventHistory::Lookup(const LookupQuery& query) {
  std::string sql =
      "SELECT e.seq, e.event_id, e.event_time, e.event_source, e.event_name, e.read_only, "
      "e.username, e.access_key_id, e.error_code, e.record FROM events e ";
  const bool by_resource = query.key && (*query.key == LookupKey::kResourceType ||
                                         *query.key == LookupKey::kResourceName);
  if (by_resource) sql += "JOIN event_resources r ON r.seq = e.seq ";
  sql +=
      "WHERE e.recipient_account_id = ? AND e.aws_region = ? AND e.event_time >= ? AND "
      "e.event_time <= ? AND e.event_category = ? ";
  if (query.key) sql += "AND " + std::string(ColumnFor(*query.key)) + " = ? ";
  if (query.after) sql += "AND (e.event_time < ? OR (e.event_time = ? AND e.seq < ?)) ";
  sql += "GROUP BY e.seq ORDER BY e.event_time DESC, e.seq DESC LIMIT ?";
  return db_->Read([&](Connection& c) -> Result<LookupPage> {
    // The SQL varies with the filter, so it is not cached (PrepareUncached).
    auto st = c.PrepareUncached(sql);
    if (!st) return st.error();
    int index = 0;
    Status bound;
    auto bind = [&](const auto& value) {
      if (bound) bound = st->Bind(++index, value);
    };
    bind(query.account_id);
    bind(query.region);
    bind(query.start_millis);
    bind(query.end_millis);
    bind(query.category);
    if (query.key) {
      if (*query.key == LookupKey::kReadOnly) {
        bind(static_cast<std::int64_t>(query.value == "true" ? 1 : 0));
      } else {
        bind(query.value);
      }
    }
    if (query.after) {
      bind(query.after->first);
      bind(query.after->first);
      bind(query.after->second);
    }
    bind(static_cast<std::int64_t>(query.max_results + 1));
    if (!bound) return bound.error();
    LookupPage page;
    while (true) {
      auto step = st->Step();
      if (!step) return step.error();
      if (*step == StepResult::kDone) break;
      if (page.events.size() == query.max_results) {
        page.more = true;
        break;
      }
      StoredEvent stored;
      stored.seq = st->ColumnInt64(0);
      pipeline::TrailEvent& e = stored.event;
      e.event_id = st->ColumnString(1);
      e.event_time_millis = st->ColumnInt64(2);
      e.event_source = st->ColumnString(3);
      e.event_name = st->ColumnString(4);
      e.read_only = st->ColumnInt64(5) != 0;
      e.username = st->ColumnString(6);
      e.access_key_id = st->ColumnString(7);
      e.error_code = st->ColumnString(8);
      e.record_json = st->ColumnString(9);
      page.events.push_back(std::move(stored));
    }
    for (StoredEvent& stored : page.events) {
      auto resources = c.Prepare("SELECT type, name FROM event_resources WHERE seq = ?");
      if (!resources) return resources.error();
      if (Status b = resources->Bind(1, stored.seq); !b) return b.error();
      while (true) {
        auto step = resources->Step();
        if (!step) return step.error();
        if (*step == StepResult::kDone) break;
        stored.event.resources.push_back({resources->ColumnString(0), resources->ColumnString(1)});
      }
    }
    return page;
  });
}

Result<std::int64_t> EventHistory::PurgeBefore(std::int64_t cutoff_millis) {
  return db_->Write([&](Connection& c) -> Result<std::int64_t> {
    auto st = c.Prepare(
        "DELETE FROM events WHERE (imported_at IS NULL AND event_time < ?) OR imported_at < ?");
    if (!st) return st.error();
    if (Status b = st->BindAll(cutoff_millis, cutoff_millis); !b) return b.error();
    if (Status done = st->Exec(); !done) return done.error();
    return static_cast<std::int64_t>(c.Changes());
  });
}

}  // namespace tw::services::cloudtrail
