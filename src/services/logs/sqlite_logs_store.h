// SPDX-License-Identifier: Apache-2.0
// SqliteLogsStore: LogsStore over trailwatch's SQLite database (tables of migration
// 0004_logs.sql). All of the Logs service's SQL lives in sqlite_logs_store.cc. Each call is one
// Database::Write or Read, so each is atomic and reads see one snapshot.
//
// Thread-safe (as Database is).
#pragma once

#include "services/logs/logs_store.h"
#include "store/database.h"

namespace tw::services::logs {

class SqliteLogsStore final : public LogsStore {
 public:
  explicit SqliteLogsStore(store::Database& db) : db_(db) {}

  Result<Outcome> CreateLogGroup(const GroupKey& key, const LogGroupRecord& group,
                                 const TagList& tags) override;
  Result<Outcome> DeleteLogGroup(const GroupKey& key) override;
  Result<std::optional<LogGroupRecord>> FindLogGroup(const GroupKey& key) override;
  Result<std::vector<LogGroupRecord>> ListLogGroups(const std::string& account_id,
                                                    const std::string& region,
                                                    const GroupQuery& query) override;
  Result<Outcome> SetRetention(const GroupKey& key, std::optional<int> days,
                               std::int64_t now) override;
  Result<std::int64_t> PurgeExpired(std::int64_t now) override;

  Result<std::optional<TagList>> GetTags(const GroupKey& key) override;
  Result<Outcome> MergeTags(const GroupKey& key, const TagList& tags, int max_tags) override;
  Result<Outcome> RemoveTags(const GroupKey& key, const std::vector<std::string>& keys) override;

  Result<Outcome> CreateLogStream(const GroupKey& key, const std::string& stream,
                                  std::int64_t now) override;
  Result<Outcome> DeleteLogStream(const GroupKey& key, const std::string& stream) override;
  Result<std::optional<std::vector<LogStreamRecord>>> ListLogStreams(
      const GroupKey& key, const StreamQuery& query) override;

  Result<AppendResult> AppendEvents(
      const GroupKey& key, const std::string& stream, const std::vector<InputEvent>& events,
      std::int64_t now,
      const std::function<bool(std::int64_t, std::int64_t)>& need_filters) override;
  Result<std::pair<Outcome, std::vector<StoredEvent>>> ReadStreamEvents(
      const GroupKey& key, const std::string& stream, const EventRange& range, bool forward,
      std::optional<EventCursor> cursor, int limit) override;
  Result<std::pair<Outcome, std::vector<StoredEvent>>> ScanGroupEvents(
      const GroupKey& key, const EventRange& range, std::optional<EventCursor> after,
      const std::vector<std::string>& stream_names, const std::optional<std::string>& stream_prefix,
      int limit) override;

  Result<std::optional<LocatedEvent>> FindEvent(const std::string& account_id,
                                                const std::string& region, std::int64_t event_id,
                                                std::int64_t now) override;
  Result<Outcome> PutQueryDefinition(const std::string& account_id, const std::string& region,
                                     const QueryDefinitionRecord& definition, bool replace,
                                     int max) override;
  Result<std::vector<QueryDefinitionRecord>> ListQueryDefinitions(
      const std::string& account_id, const std::string& region,
      const std::optional<std::string>& name_prefix,
      const std::optional<std::string>& query_language,
      const std::optional<std::pair<std::string, std::string>>& after, int limit) override;
  Result<Outcome> DeleteQueryDefinition(const std::string& account_id, const std::string& region,
                                        const std::string& id) override;

  Result<Outcome> PutMetricFilter(const GroupKey& key, const MetricFilterRecord& filter,
                                  int max_filters) override;
  Result<Outcome> DeleteMetricFilter(const GroupKey& key, const std::string& name) override;
  Result<std::pair<Outcome, std::vector<MetricFilterRecord>>> ListMetricFilters(
      const std::string& account_id, const std::string& region, const FilterQuery& query) override;
  Result<Outcome> PutSubscriptionFilter(const GroupKey& key, const SubscriptionFilterRecord& filter,
                                        int max_filters) override;
  Result<Outcome> DeleteSubscriptionFilter(const GroupKey& key, const std::string& name) override;
  Result<std::pair<Outcome, std::vector<SubscriptionFilterRecord>>> ListSubscriptionFilters(
      const GroupKey& key, const std::optional<std::string>& name_prefix,
      const std::optional<std::string>& after, int limit) override;

 private:
  store::Database& db_;
};

}  // namespace tw::services::logs
