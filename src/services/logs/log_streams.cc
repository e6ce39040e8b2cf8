// SPDX-License-Identifier: Apache-2.0
// Log streams: create, delete, describe.
#include <charconv>

#include "services/logs/logs_service.h"
#include "services/logs/support.h"

namespace tw::services::logs {
namespace {

constexpr std::string_view kStreamsToken = "DescribeLogStreams";
constexpr int kDefaultDescribeLimit = 50;

}  // namespace

Result<Value> LogsService::CreateLogStream(RequestContext& context, const Value& input) {
  auto outcome = store_.CreateLogStream(
      KeyFor(context, std::string(input.GetString("logGroupName"))),
      std::string(input.GetString("logStreamName")), EpochMillis(context.clock.Now()));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  if (*outcome == Outcome::kAlreadyExists) return ResourceAlreadyExists(kStreamExists);
  return Value::MakeStructure();
}

Result<Value> LogsService::DeleteLogStream(RequestContext& context, const Value& input) {
  auto outcome =
      store_.DeleteLogStream(KeyFor(context, std::string(input.GetString("logGroupName"))),
                             std::string(input.GetString("logStreamName")));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  if (*outcome == Outcome::kNoStream) return ResourceNotFound(kStreamNotFound);
  return Value::MakeStructure();
}

Result<Value> LogsService::DescribeLogStreams(RequestContext& context, const Value& input) {
  auto key = ResolveGroup(context, input);
  if (!key) return std::move(key).error();
  StreamQuery query;
  query.name_prefix = OptionalString(input, "logStreamNamePrefix");
  query.order = input.GetString("orderBy", "LogStreamName") == "LastEventTime"
                    ? StreamOrder::kLastEventTime
                    : StreamOrder::kName;
  query.descending = BoolMember(input, "descending");
  if (query.order == StreamOrder::kLastEventTime && query.name_prefix) {
    return InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  const int limit =
      static_cast<int>(OptionalInteger(input, "limit").value_or(kDefaultDescribeLimit));
  const std::string order_tag =
      std::string(query.order == StreamOrder::kName ? "n" : "t") + (query.descending ? "d" : "a");
  if (auto token = OptionalString(input, "nextToken")) {
    auto fields = DecodePageToken(kStreamsToken, *token);
    // A token carries the order it was made for; another order makes it meaningless.
    if (!fields || fields->size() != 3 || (*fields)[0] != order_tag) return InvalidNextToken();
    query.after_name = (*fields)[1];
    const std::string& time = (*fields)[2];
    auto [end, ec] =
        std::from_chars(time.data(), time.data() + time.size(), query.after_last_event);
    if (ec != std::errc() || end != time.data() + time.size()) return InvalidNextToken();
  }
  query.limit = limit + 1;
  auto streams = store_.ListLogStreams(*key, query);
  if (!streams) return std::move(streams).error();
  if (!streams->has_value()) return ResourceNotFound(kGroupNotFound);
  std::vector<LogStreamRecord>& records = **streams;
  const bool more = static_cast<int>(records.size()) > limit;
  if (more) records.resize(static_cast<std::size_t>(limit));

  Value list = Value::MakeList();
  for (const LogStreamRecord& stream : records) {
    Value item = Value::MakeStructure();
    item.Set("logStreamName", stream.name);
    item.Set("creationTime", stream.created_at);
    if (stream.first_event_at) item.Set("firstEventTimestamp", *stream.first_event_at);
    if (stream.last_event_at) item.Set("lastEventTimestamp", *stream.last_event_at);
    if (stream.last_ingestion_at) item.Set("lastIngestionTime", *stream.last_ingestion_at);
    if (stream.upload_sequence > 0) {
      item.Set("uploadSequenceToken", SequenceToken(stream.upload_sequence));
    }
    item.Set("arn", LogStreamArn(key->account_id, key->region, key->name, stream.name));
    // Deprecated by AWS and always 0 there.
    item.Set("storedBytes", std::int64_t{0});
    list.Push(std::move(item));
  }
  Value out = Value::MakeStructure();
  out.Set("logStreams", std::move(list));
  if (more) {
    const LogStreamRecord& last = records.back();
    out.Set("nextToken",
            EncodePageToken(kStreamsToken, {order_tag, last.name,
                                            std::to_string(last.last_event_at.value_or(0))}));
  }
  return out;
}

}  // namespace tw::services::logs
