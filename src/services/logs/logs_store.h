// SPDX-License-Identifier: Apache-2.0
// LogsStore: what the CloudWatch Logs service needs from storage — log groups with their tags and
// retention, log streams, log events and metric filters — as plain records. Keyed by account,
// Region and names exactly as AWS keys them (names are case-sensitive). Every call is one
// transaction; the SQLite implementation is sqlite_logs_store.h, and a PostgreSQL one can follow
// without touching the service. Times are epoch milliseconds.
//
// Retention: reads never return events older than the group's retention (the caller passes `now`),
// and the write paths delete them (AppendEvents purges the group it writes to, SetRetention purges
// at once, PurgeExpired sweeps every group), so expired events really go away.
//
// Thread-safe: implementations may be called from any number of threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tw::services::logs {

using TagList = std::vector<std::pair<std::string, std::string>>;  // key, value; sorted by key

struct GroupKey {
  std::string account_id;
  std::string region;
  std::string name;
};

struct LogGroupRecord {
  std::int64_t id = 0;  // store row id; a recreated group gets a new one
  std::string name;
  std::int64_t created_at = 0;
  std::optional<int> retention_days;
  std::string log_group_class = "STANDARD";
  std::optional<std::string> kms_key_id;
  bool deletion_protection = false;
  std::int64_t stored_bytes = 0;
  int metric_filter_count = 0;
  std::int64_t filters_version = 0;
};

struct LogStreamRecord {
  std::string name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> first_event_at;
  std::optional<std::int64_t> last_event_at;
  std::optional<std::int64_t> last_ingestion_at;
  std::int64_t upload_sequence = 0;
};

struct InputEvent {
  std::int64_t timestamp = 0;
  std::string message;
};

struct StoredEvent {
  std::int64_t id = 0;  // ingestion sequence: orders events with equal timestamps
  std::int64_t timestamp = 0;
  std::int64_t ingestion_time = 0;
  std::string message;
  std::string stream_name;  // filled by ScanGroupEvents only
};

struct MetricTransformationRecord {
  std::string metric_name;
  std::string metric_namespace;
  std::string metric_value;
  std::optional<double> default_value;
  std::optional<std::string> unit;
  TagList dimensions;  // dimension name, value expression ("$.field", "$name"); sorted by name
};

struct MetricFilterRecord {
  std::string log_group_name;
  std::string name;
  std::string pattern;
  std::int64_t created_at = 0;
  MetricTransformationRecord transformation;
  bool apply_on_transformed_logs = false;
};

// A subscription filter: events matching `pattern` are meant for `destination_arn` (Kinesis,
// Firehose, Lambda or a Logs destination).
struct SubscriptionFilterRecord {
  std::string log_group_name;
  std::string name;
  std::string pattern;
  std::string destination_arn;
  std::optional<std::string> role_arn;
  std::string distribution = "ByLogStream";
  std::int64_t created_at = 0;
};

// A saved Logs Insights query (PutQueryDefinition).
struct QueryDefinitionRecord {
  std::string id;
  std::string name;
  std::string query_string;
  std::string query_language = "CWLI";
  std::vector<std::string> log_group_names;
  std::string parameters_json = "[]";  // [{"name","defaultValue","description"}]
  std::int64_t last_modified = 0;
};

// One event found by its id (GetLogRecord), with its group and stream names.
struct LocatedEvent {
  std::string group_name;
  std::int64_t group_id = 0;
  StoredEvent event;
};

// Keyset pagination: list items strictly after `after` in the listing's order.
struct GroupQuery {
  std::optional<std::string> name_prefix;
  std::optional<std::string> name_contains;  // logGroupNamePattern: case-sensitive substring
  std::optional<std::string> log_group_class;
  std::optional<std::string> after;  // last name of the previous page
  int limit = 50;                    // rows to return (the service asks for one more than a page)
};

enum class StreamOrder { kName, kLastEventTime };

struct StreamQuery {
  std::optional<std::string> name_prefix;
  StreamOrder order = StreamOrder::kName;
  bool descending = false;
  // Position of the last item of the previous page: its name, and for kLastEventTime its last
  // event time (0 when it had none).
  std::optional<std::string> after_name;
  std::int64_t after_last_event = 0;
  int limit = 50;
};

// A position between events in (timestamp, id) order.
struct EventCursor {
  std::int64_t timestamp = 0;
  std::int64_t id = 0;
};

struct EventRange {
  std::optional<std::int64_t> start_time;  // inclusive
  std::optional<std::int64_t> end_time;    // exclusive
  std::int64_t not_before = 0;             // retention cutoff (inclusive); 0 when none
};

struct FilterQuery {
  std::optional<std::string> group_name;
  std::optional<std::string> name_prefix;  // only with group_name
  std::optional<std::string> metric_name;
  std::optional<std::string> metric_namespace;
  // (group name, filter name) of the last item of the previous page.
  std::optional<std::pair<std::string, std::string>> after;
  int limit = 50;
};

enum class Outcome { kDone, kNoGroup, kNoStream, kAlreadyExists, kNotFound, kLimitExceeded };

struct AppendResult {
  Outcome outcome = Outcome::kDone;
  std::int64_t group_id = 0;
  std::int64_t filters_version = 0;
  std::int64_t upload_sequence = 0;  // the stream's sequence after this append
  // The group's metric and subscription filters, loaded only when the caller's `need_filters`
  // said so (both or neither).
  std::optional<std::vector<MetricFilterRecord>> filters;
  std::optional<std::vector<SubscriptionFilterRecord>> subscriptions;
};

class LogsStore {
 public:
  virtual ~LogsStore() = default;

  // Log groups. CreateLogGroup answers kAlreadyExists for a taken name.
  virtual Result<Outcome> CreateLogGroup(const GroupKey& key, const LogGroupRecord& group,
                                         const TagList& tags) = 0;
  virtual Result<Outcome> DeleteLogGroup(const GroupKey& key) = 0;
  virtual Result<std::optional<LogGroupRecord>> FindLogGroup(const GroupKey& key) = 0;
  // Groups of an account and Region in name (byte) order.
  virtual Result<std::vector<LogGroupRecord>> ListLogGroups(const std::string& account_id,
                                                            const std::string& region,
                                                            const GroupQuery& query) = 0;
  // Sets (or with nullopt removes) the retention and purges what it expires at `now`.
  virtual Result<Outcome> SetRetention(const GroupKey& key, std::optional<int> days,
                                       std::int64_t now) = 0;
  // Deletes expired events of every group with a retention policy; returns how many.
  virtual Result<std::int64_t> PurgeExpired(std::int64_t now) = 0;

  // Tags. Merge adds or replaces; kLimitExceeded when the result would exceed `max_tags`.
  virtual Result<std::optional<TagList>> GetTags(const GroupKey& key) = 0;
  virtual Result<Outcome> MergeTags(const GroupKey& key, const TagList& tags, int max_tags) = 0;
  virtual Result<Outcome> RemoveTags(const GroupKey& key, const std::vector<std::string>& keys) = 0;

  // Log streams: kNoGroup, kAlreadyExists / kNoStream as the operation needs.
  virtual Result<Outcome> CreateLogStream(const GroupKey& key, const std::string& stream,
                                          std::int64_t now) = 0;
  virtual Result<Outcome> DeleteLogStream(const GroupKey& key, const std::string& stream) = 0;
  // nullopt when the group does not exist.
  virtual Result<std::optional<std::vector<LogStreamRecord>>> ListLogStreams(
      const GroupKey& key, const StreamQuery& query) = 0;

  // Appends events (already in chronological order) to a stream, updates the stream's first/last
  // event and ingestion times and sequence and the group's stored bytes, and purges the group's
  // events its retention expires at `now`. `need_filters(group_id, filters_version)` says whether
  // to load the group's metric filters in the same transaction.
  virtual Result<AppendResult> AppendEvents(
      const GroupKey& key, const std::string& stream, const std::vector<InputEvent>& events,
      std::int64_t now,
      const std::function<bool(std::int64_t group_id, std::int64_t version)>& need_filters) = 0;

  // One stream's events in `range`, returned ascending: forward, the first `limit` after `cursor`;
  // backward, the last `limit` before `cursor` (no cursor: from the start / from the end). The
  // Outcome is kNoGroup or kNoStream when they do not exist.
  virtual Result<std::pair<Outcome, std::vector<StoredEvent>>> ReadStreamEvents(
      const GroupKey& key, const std::string& stream, const EventRange& range, bool forward,
      std::optional<EventCursor> cursor, int limit) = 0;

  // A group's events in (timestamp, id) order after `after`, `limit` rows at most, optionally only
  // of the named streams or of streams whose name starts with `stream_prefix`.
  virtual Result<std::pair<Outcome, std::vector<StoredEvent>>> ScanGroupEvents(
      const GroupKey& key, const EventRange& range, std::optional<EventCursor> after,
      const std::vector<std::string>& stream_names, const std::optional<std::string>& stream_prefix,
      int limit) = 0;

  // One event by store id, only when it belongs to a group of this account and Region and the
  // group's retention (given `now`) still keeps it.
  virtual Result<std::optional<LocatedEvent>> FindEvent(const std::string& account_id,
                                                        const std::string& region,
                                                        std::int64_t event_id,
                                                        std::int64_t now) = 0;

  // Logs Insights query definitions. Put creates (kDone) or, when `replace` is set, replaces an
  // existing id (kNotFound when there is none); kLimitExceeded when a new one would exceed `max`.
  virtual Result<Outcome> PutQueryDefinition(const std::string& account_id,
                                             const std::string& region,
                                             const QueryDefinitionRecord& definition, bool replace,
                                             int max) = 0;
  // Ordered by name, then id; after = (name, id) of the previous page's last item.
  virtual Result<std::vector<QueryDefinitionRecord>> ListQueryDefinitions(
      const std::string& account_id, const std::string& region,
      const std::optional<std::string>& name_prefix,
      const std::optional<std::string>& query_language,
      const std::optional<std::pair<std::string, std::string>>& after, int limit) = 0;
  virtual Result<Outcome> DeleteQueryDefinition(const std::string& account_id,
                                                const std::string& region,
                                                const std::string& id) = 0;

  // Metric filters. Put replaces a filter of the same name (keeping its creation time) and answers
  // kLimitExceeded when a new one would exceed `max_filters`.
  virtual Result<Outcome> PutMetricFilter(const GroupKey& key, const MetricFilterRecord& filter,
                                          int max_filters) = 0;
  virtual Result<Outcome> DeleteMetricFilter(const GroupKey& key, const std::string& name) = 0;
  // Ordered by group name, then filter name. kNoGroup when query.group_name names no group.
  virtual Result<std::pair<Outcome, std::vector<MetricFilterRecord>>> ListMetricFilters(
      const std::string& account_id, const std::string& region, const FilterQuery& query) = 0;

  // Subscription filters. Put replaces a filter of the same name (keeping its creation time) and
  // answers kLimitExceeded when a new one would exceed `max_filters`; Delete answers kNotFound.
  // List: the group's filters in name order, after `after`, with `name_prefix`, `limit` at most.
  virtual Result<Outcome> PutSubscriptionFilter(const GroupKey& key,
                                                const SubscriptionFilterRecord& filter,
                                                int max_filters) = 0;
  virtual Result<Outcome> DeleteSubscriptionFilter(const GroupKey& key,
                                                   const std::string& name) = 0;
  virtual Result<std::pair<Outcome, std::vector<SubscriptionFilterRecord>>> ListSubscriptionFilters(
      const GroupKey& key, const std::optional<std::string>& name_prefix,
      const std::optional<std::string>& after, int limit) = 0;
};

}  // namespace tw::services::logs
