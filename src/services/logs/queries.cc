// SPDX-License-Identifier: Apache-2.0
// Logs Insights operations: StartQuery (compile with the insights parsers, resolve the log groups,
// submit to the QueryRunner), GetQueryResults, StopQuery, DescribeQueries, GetLogRecord (@ptr),
// and the saved queries PutQueryDefinition / DescribeQueryDefinitions / DeleteQueryDefinition.
#include <algorithm>
#include <boost/json.hpp>
#include <limits>

#include "services/logs/insights/executor.h"
#include "services/logs/insights/parser.h"
#include "services/logs/logs_service.h"
#include "services/logs/support.h"

namespace tw::services::logs {
namespace {

namespace in = ::tw::services::logs::insights;

constexpr int kMaxGroupsPerQuery = 50;
constexpr int kMaxQueryDefinitions = 1000;
constexpr std::int64_t kMaxResultsPerPage = 10'000;
constexpr std::int64_t kMillisPerDay = 86'400'000;

// AWS carries the position as queryCompileError {location {startCharOffset, endCharOffset},
// message}.
AwsError MalformedQuery(const in::QueryError& error) {
  AwsError out = AwsError::Make("MalformedQueryException", 400, error.message);
  boost::json::object location;
  location["startCharOffset"] = static_cast<std::int64_t>(error.begin);
  location["endCharOffset"] = static_cast<std::int64_t>(error.end);
  boost::json::object compile;
  compile["location"] = std::move(location);
  compile["message"] = error.message;
  out.extra_json.emplace_back("queryCompileError", boost::json::serialize(compile));
  return out;
}

std::vector<std::string> StringList(const Value& input, std::string_view name) {
  std::vector<std::string> out;
  if (const Value* list = input.Find(name); list != nullptr && list->is_list()) {
    for (const Value& item : list->as_list()) {
      if (item.is_string()) out.push_back(item.as_string());
    }
  }
  return out;
}

Value StatisticsValue(const QueryStatistics& s) {
  Value out = Value::MakeStructure();
  out.Set("recordsMatched", s.records_matched);
  out.Set("recordsScanned", s.records_scanned);
  out.Set("estimatedRecordsSkipped", 0.0);
  out.Set("bytesScanned", s.bytes_scanned);
  out.Set("estimatedBytesSkipped", 0.0);
  out.Set("logGroupsScanned", s.log_groups_scanned);
  return out;
}

Value DefinitionValue(const QueryDefinitionRecord& d) {
  Value out = Value::MakeStructure();
  out.Set("queryLanguage", d.query_language);
  out.Set("queryDefinitionId", d.id);
  out.Set("name", d.name);
  out.Set("queryString", d.query_string);
  out.Set("lastModified", d.last_modified);
  Value names = Value::MakeList();
  for (const auto& n : d.log_group_names) names.Push(n);
  out.Set("logGroupNames", std::move(names));
  boost::system::error_code ec;
  auto params = boost::json::parse(d.parameters_json, ec);
  if (!ec && params.is_array() && !params.as_array().empty()) {
    Value list = Value::MakeList();
    for (const auto& p : params.as_array()) {
      if (!p.is_object()) continue;
      Value item = Value::MakeStructure();
      for (const char* member : {"name", "defaultValue", "description"}) {
        if (const auto* v = p.as_object().if_contains(member); v != nullptr && v->is_string()) {
          item.Set(member, std::string(v->as_string().c_str()));
        }
      }
      list.Push(std::move(item));
    }
    out.Set("parameters", std::move(list));
  }
  return out;
}

}  // namespace

Result<Value> LogsService::StartQuery(RequestContext& context, const Value& input) {
  in::Language language = in::Language::kCwli;
  if (auto name = OptionalString(input, "queryLanguage")) {
    auto parsed = in::LanguageFromName(*name);
    if (!parsed) return InvalidParameter("Unsupported query language: " + *name);
    language = *parsed;
  }
  const std::string query_string(input.GetString("queryString"));
  in::ParseResult parsed = in::Parse(language, query_string);
  if (!parsed.ok()) return MalformedQuery(*parsed.error);

  const auto start = OptionalInteger(input, "startTime").value_or(0);
  const auto end = OptionalInteger(input, "endTime").value_or(0);
  if (end < start) {
    return InvalidParameter("endTime must be greater than or equal to startTime");
  }
  const std::string account(context.principal.account_id);
  const std::string region(context.region);

  // Which log groups: the query's FROM / source for SQL and PPL, else exactly one of the three
  // parameters.
  std::vector<std::string> names;
  const bool has_name = input.Find("logGroupName") != nullptr;
  const bool has_names = input.Find("logGroupNames") != nullptr;
  const bool has_ids = input.Find("logGroupIdentifiers") != nullptr;
  const int given =
      static_cast<int>(has_name) + static_cast<int>(has_names) + static_cast<int>(has_ids);
  if (!parsed.query.sources.empty()) {
    if (given > 0) {
      return InvalidParameter(
          "This query names its log groups; do not also pass logGroupName, logGroupNames or "
          "logGroupIdentifiers");
    }
    names = parsed.query.sources;
  } else {
    if (given == 0) {
      return InvalidParameter(
          "Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified");
    }
    if (given > 1) {
      return InvalidParameter(
          "Only one of logGroupName, logGroupNames or logGroupIdentifiers can be specified");
    }
    if (has_name) names.emplace_back(input.GetString("logGroupName"));
    if (has_names) names = StringList(input, "logGroupNames");
    if (has_ids) {
      for (const std::string& id : StringList(input, "logGroupIdentifiers")) {
        if (id.starts_with("arn:")) {
          if (id.ends_with("*")) {
            return InvalidParameter("Log group identifier ARNs must not end with \"*\": " + id);
          }
          auto name = GroupNameFromArn(id, account, region);
          if (!name) return ResourceNotFound(kGroupNotFound);
          names.push_back(*name);
        } else {
          names.push_back(id);
        }
      }
    }
  }
  if (names.empty()) {
    return InvalidParameter("At least one log group must be specified");
  }
  if (static_cast<int>(names.size()) > kMaxGroupsPerQuery) {
    return InvalidParameter("A query can search at most 50 log groups");
  }
  QuerySpec spec;
  spec.account_id = account;
  spec.region = region;
  spec.query_string = query_string;
  spec.plan = std::move(parsed.query);
  for (const std::string& name : names) {
    GroupKey key{account, region, name};
    auto group = store_.FindLogGroup(key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return ResourceNotFound(kGroupNotFound);
    spec.targets.push_back(QueryTarget{key, (*group)->id, (*group)->retention_days});
  }
  // startTime/endTime are epoch seconds, both inclusive.
  spec.start_millis = start * 1000;
  spec.end_millis = end > std::numeric_limits<std::int64_t>::max() / 1000 - 1
                        ? std::numeric_limits<std::int64_t>::max()
                        : (end + 1) * 1000;
  spec.limit = OptionalInteger(input, "limit").value_or(10'000);
  spec.user_identity = context.principal.arn;
  auto id = queries_->Submit(std::move(spec), context.random.Uuid());
  if (!id) return std::move(id).error();
  Value out = Value::MakeStructure();
  out.Set("queryId", *id);
  return out;
}

Result<Value> LogsService::GetQueryResults(RequestContext& context, const Value& input) {
  const std::string id(input.GetString("queryId"));
  auto query = queries_->Get(context.principal.account_id, std::string(context.region), id);
  if (!query) return ResourceNotFound("The specified query does not exist.");
  std::int64_t offset = 0;
  if (auto token = OptionalString(input, "nextToken")) {
    auto fields = DecodePageToken("GetQueryResults", *token);
    if (!fields || fields->size() != 2 || (*fields)[0] != id) return InvalidNextToken();
    try {
      offset = std::stoll((*fields)[1]);
    } catch (...) {
      return InvalidNextToken();
    }
  }
  const std::int64_t page =
      std::min(OptionalInteger(input, "maxItems").value_or(kMaxResultsPerPage), kMaxResultsPerPage);
  Value rows = Value::MakeList();
  std::optional<std::string> next;
  if (query->results) {
    const auto& all = *query->results;
    const std::int64_t total = static_cast<std::int64_t>(all.size());
    const std::int64_t stop = page > 0 ? std::min(total, offset + page) : total;
    for (std::int64_t i = offset; i < stop; ++i) {
      Value row = Value::MakeList();
      for (const in::ResultField& f : all[static_cast<std::size_t>(i)]) {
        Value field = Value::MakeStructure();
        field.Set("field", f.field);
        field.Set("value", f.value);
        row.Push(std::move(field));
      }
      rows.Push(std::move(row));
    }
    if (stop < total) next = EncodePageToken("GetQueryResults", {id, std::to_string(stop)});
  }
  Value out = Value::MakeStructure();
  out.Set("queryLanguage", std::string(in::LanguageName(query->language)));
  out.Set("results", std::move(rows));
  out.Set("statistics", StatisticsValue(query->statistics));
  out.Set("status", std::string(QueryStatusName(query->status)));
  if (next) out.Set("nextToken", *next);
  return out;
}

Result<Value> LogsService::StopQuery(RequestContext& context, const Value& input) {
  const std::string id(input.GetString("queryId"));
  auto stopped = queries_->Stop(context.principal.account_id, std::string(context.region), id);
  if (!stopped) return ResourceNotFound("The specified query does not exist.");
  Value out = Value::MakeStructure();
  out.Set("success", *stopped);
  return out;
}

Result<Value> LogsService::DescribeQueries(RequestContext& context, const Value& input) {
  const auto group = OptionalString(input, "logGroupName");
  const auto status = OptionalString(input, "status");
  const auto language = OptionalString(input, "queryLanguage");
  const std::int64_t max = OptionalInteger(input, "maxResults").value_or(1000);
  std::int64_t offset = 0;
  if (auto token = OptionalString(input, "nextToken")) {
    auto fields = DecodePageToken("DescribeQueries", *token);
    if (!fields || fields->size() != 1) return InvalidNextToken();
    try {
      offset = std::stoll((*fields)[0]);
    } catch (...) {
      return InvalidNextToken();
    }
  }
  std::vector<QuerySnapshot> all =
      queries_->List(context.principal.account_id, std::string(context.region));
  std::vector<const QuerySnapshot*> matching;
  for (const QuerySnapshot& q : all) {
    if (group && std::find(q.log_group_names.begin(), q.log_group_names.end(), *group) ==
                     q.log_group_names.end()) {
      continue;
    }
    if (status && QueryStatusName(q.status) != *status) continue;
    if (language && in::LanguageName(q.language) != *language) continue;
    matching.push_back(&q);
  }
  Value list = Value::MakeList();
  const std::int64_t total = static_cast<std::int64_t>(matching.size());
  const std::int64_t stop = std::min(total, offset + max);
  for (std::int64_t i = offset; i < stop; ++i) {
    const QuerySnapshot& q = *matching[static_cast<std::size_t>(i)];
    Value item = Value::MakeStructure();
    item.Set("queryLanguage", std::string(in::LanguageName(q.language)));
    item.Set("queryId", q.id);
    item.Set("queryString", q.query_string);
    item.Set("status", std::string(QueryStatusName(q.status)));
    item.Set("createTime", q.create_time);
    item.Set("queryDuration", q.duration_millis);
    item.Set("bytesScanned", q.statistics.bytes_scanned);
    item.Set("logGroupName", q.log_group_name);
    item.Set("userIdentity", q.user_identity);
    list.Push(std::move(item));
  }
  Value out = Value::MakeStructure();
  out.Set("queries", std::move(list));
  if (stop < total)
    out.Set("nextToken", EncodePageToken("DescribeQueries", {std::to_string(stop)}));
  return out;
}

Result<Value> LogsService::GetLogRecord(RequestContext& context, const Value& input) {
  const std::string pointer(input.GetString("logRecordPointer"));
  auto decoded = DecodeRecordPointer(pointer);
  if (!decoded) return InvalidParameter("The specified log record pointer is not valid.");
  const std::string account(context.principal.account_id);
  auto found = store_.FindEvent(account, std::string(context.region), decoded->second,
                                EpochMillis(context.clock.Now()));
  if (!found) return std::move(found).error();
  if (!found->has_value() || (*found)->group_id != decoded->first) {
    return ResourceNotFound("The specified log record does not exist.");
  }
  const LocatedEvent& e = **found;
  const std::string log = account + ":" + e.group_name;
  in::EventData data{e.event.timestamp,
                     e.event.ingestion_time,
                     e.event.message,
                     e.event.stream_name,
                     log,
                     pointer};
  Value record = Value::MakeMap();
  for (auto& [field, value] : in::RecordFields(data)) record.Set(field, value);
  Value out = Value::MakeStructure();
  out.Set("logRecord", std::move(record));
  return out;
}

Result<Value> LogsService::PutQueryDefinition(RequestContext& context, const Value& input) {
  QueryDefinitionRecord d;
  d.name = std::string(input.GetString("name"));
  d.query_string = std::string(input.GetString("queryString"));
  d.query_language = std::string(input.GetString("queryLanguage", "CWLI"));
  d.log_group_names = StringList(input, "logGroupNames");
  if (const Value* params = input.Find("parameters"); params != nullptr && params->is_list()) {
    boost::json::array array;
    for (const Value& p : params->as_list()) {
      boost::json::object object;
      for (const char* member : {"name", "defaultValue", "description"}) {
        if (const Value* v = p.Find(member); v != nullptr && v->is_string()) {
          object[member] = v->as_string();
        }
      }
      array.push_back(std::move(object));
    }
    d.parameters_json = boost::json::serialize(array);
  }
  d.last_modified = EpochMillis(context.clock.Now());
  auto existing = OptionalString(input, "queryDefinitionId");
  d.id = existing ? *existing : context.random.Uuid();
  auto outcome =
      store_.PutQueryDefinition(context.principal.account_id, std::string(context.region), d,
                                existing.has_value(), kMaxQueryDefinitions);
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNotFound) {
    return ResourceNotFound("The specified query definition does not exist.");
  }
  if (*outcome == Outcome::kLimitExceeded) return LimitExceeded("Resource limit exceeded.");
  Value out = Value::MakeStructure();
  out.Set("queryDefinitionId", d.id);
  return out;
}

Result<Value> LogsService::DescribeQueryDefinitions(RequestContext& context, const Value& input) {
  const auto prefix = OptionalString(input, "queryDefinitionNamePrefix");
  const auto language = OptionalString(input, "queryLanguage");
  const int max = static_cast<int>(OptionalInteger(input, "maxResults").value_or(1000));
  std::optional<std::pair<std::string, std::string>> after;
  if (auto token = OptionalString(input, "nextToken")) {
    auto fields = DecodePageToken("DescribeQueryDefinitions", *token);
    if (!fields || fields->size() != 2) return InvalidNextToken();
    after = std::make_pair((*fields)[0], (*fields)[1]);
  }
  auto list = store_.ListQueryDefinitions(context.principal.account_id, std::string(context.region),
                                          prefix, language, after, max + 1);
  if (!list) return std::move(list).error();
  Value items = Value::MakeList();
  const bool more = static_cast<int>(list->size()) > max;
  if (more) list->resize(static_cast<std::size_t>(max));
  for (const QueryDefinitionRecord& d : *list) items.Push(DefinitionValue(d));
  Value out = Value::MakeStructure();
  out.Set("queryDefinitions", std::move(items));
  if (more && !list->empty()) {
    out.Set("nextToken",
            EncodePageToken("DescribeQueryDefinitions", {list->back().name, list->back().id}));
  }
  return out;
}

Result<Value> LogsService::DeleteQueryDefinition(RequestContext& context, const Value& input) {
  const std::string id(input.GetString("queryDefinitionId"));
  auto outcome =
      store_.DeleteQueryDefinition(context.principal.account_id, std::string(context.region), id);
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNotFound) {
    return ResourceNotFound("The specified query definition does not exist.");
  }
  Value out = Value::MakeStructure();
  out.Set("success", true);
  return out;
}

}  // namespace tw::services::logs
