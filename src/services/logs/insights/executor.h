// SPDX-License-Identifier: Apache-2.0
// Executor: runs a compiled Query over a stream of log events and produces GetQueryResults rows.
// Events are fed one at a time (Add) in any order; Finish() flushes the barriers (stats, sort,
// dedup) and returns the rows as field/value lists, the way GetQueryResults shows them: values are
// strings, null fields are left out, timestamps are "yyyy-MM-dd HH:mm:ss.SSS" (UTC), and every
// row that stands for one event carries its @ptr.
//
// Fields of an event: the system fields @timestamp, @ingestionTime, @message, @logStream, @log
// and @ptr, fields computed by fields/parse, and, for a JSON object message, every leaf by its
// dotted path (userIdentity.userName, requestParameters.items.0.id; a key starting with "@" is
// reached as "@@key"). JSON is parsed with simdjson at most once per event and only when the
// query reads a JSON field; the scan reuses its buffers, so steady state allocates only for what
// it keeps (sorted rows, stats groups).
//
// Semantics where AWS leaves room (see README.md): a comparison with a missing field is false;
// values compare as numbers when both sides are numbers (or one is and the other parses as one),
// else as strings; CWLI queries without stats or sort return the newest events first.
//
// Not thread-safe: one Executor per running query.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/logs/insights/ast.h"

namespace tw::services::logs::insights {

struct EventData {
  std::int64_t timestamp = 0;
  std::int64_t ingestion_time = 0;
  std::string_view message;
  std::string_view stream;  // @logStream
  std::string_view log;     // @log: "<account-id>:<log-group-name>"
  std::string_view ptr;     // @ptr
};

struct ResultField {
  std::string field;
  std::string value;
  bool operator==(const ResultField&) const = default;
};
using ResultRow = std::vector<ResultField>;

struct ExecOptions {
  // Rows returned when the query has no limit command (StartQuery's limit; AWS default 10,000).
  std::int64_t default_limit = 10'000;
};

class Executor {
 public:
  explicit Executor(const Query& query, ExecOptions options = {});
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  void Add(const EventData& event);
  // True once no further event can change the result (a limit reached with nothing but
  // per-event commands before it); the caller may stop scanning.
  bool Saturated() const;
  std::vector<ResultRow> Finish();

  std::int64_t records_matched() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Every field of one event as GetLogRecord shows it: the system fields and, for JSON, each leaf
// by its dotted path (at most `max_json_fields` of them, in document order).
std::vector<std::pair<std::string, std::string>> RecordFields(const EventData& event,
                                                              std::size_t max_json_fields = 1000);

}  // namespace tw::services::logs::insights
