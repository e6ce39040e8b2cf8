// SPDX-License-Identifier: Apache-2.0
// Log events: PutLogEvents (AWS's batch rules), GetLogEvents (one stream, f/ and b/ tokens) and
// FilterLogEvents (a whole group, interleaved in time order, through the filter-pattern engine).
#include <algorithm>
#include <charconv>
#include <optional>

#include "services/logs/filter_pattern/filter_pattern.h"
#include "services/logs/logs_service.h"
#include "services/logs/support.h"

namespace tw::services::logs {
namespace {

namespace fp = ::tw::services::logs::filter_pattern;

constexpr std::string_view kFilterToken = "FilterLogEvents";
constexpr int kDefaultEventsLimit = 10'000;
// FilterLogEvents reads the store in pages of this many events.
constexpr int kScanPage = 1'000;
// ... and examines at most this many per call; AWS, too, may return a partial (even empty) page
// with a nextToken when a search takes long.
constexpr int kScanBudget = 200'000;
constexpr std::int64_t kMillisPerDay = 86'400'000;

std::int64_t EventCost(const std::string& message) {
  return static_cast<std::int64_t>(message.size()) + kEventOverheadBytes;
}

// The oldest timestamp a group's retention still keeps at `now` (0: no retention).
std::int64_t RetentionCutoff(const std::optional<int>& days, std::int64_t now) {
  return days ? now - *days * kMillisPerDay : 0;
}

// GetLogEvents' and FilterLogEvents' startTime and endTime, never before what the group's
// retention keeps at `now`.
EventRange RequestedRange(const Value& input, const std::optional<int>& retention_days,
                          std::int64_t now) {
  EventRange range;
  range.start_time = OptionalInteger(input, "startTime");
  range.end_time = OptionalInteger(input, "endTime");
  range.not_before = RetentionCutoff(retention_days, now);
  return range;
}

std::optional<std::int64_t> ParseInt64(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<Value> LogsService::PutLogEvents(RequestContext& context, const Value& input) {
  const GroupKey key = KeyFor(context, std::string(input.GetString("logGroupName")));
  const std::string stream(input.GetString("logStreamName"));
  std::vector<InputEvent> events;
  std::int64_t batch_bytes = 0;
  if (const Value* list = input.Find("logEvents"); list != nullptr && list->is_list()) {
    for (const Value& item : list->as_list()) {
      InputEvent event;
      event.timestamp = OptionalInteger(item, "timestamp").value_or(0);
      // Reserved padding lets the metric and subscription filters parse the message in place.
      const std::string_view message = item.GetString("message");
      event.message.reserve(message.size() + filter_pattern::kLogEventPadding);
      event.message.assign(message);
      batch_bytes += EventCost(event.message);
      events.push_back(std::move(event));
    }
  }
  // The batch rules, in the order AWS documents them. sequenceToken is accepted and ignored, as
  // AWS has done since January 2023.
  if (batch_bytes > kMaxBatchBytes) {
    return InvalidParameter("Upload too large: " + std::to_string(batch_bytes) +
                            " bytes exceeds limit of " + std::to_string(kMaxBatchBytes));
  }
  for (std::size_t i = 1; i < events.size(); ++i) {
    if (events[i].timestamp < events[i - 1].timestamp) {
      return InvalidParameter(
          "Log events in a single PutLogEvents request must be in chronological order.");
    }
  }
  if (!events.empty() && events.back().timestamp - events.front().timestamp > kMaxBatchSpanMillis) {
    return InvalidParameter(
        "The batch of log events in a single PutLogEvents request cannot span more than 24 "
        "hours.");
  }
  auto group = store_.FindLogGroup(key);
  if (!group) return std::move(group).error();
  if (!group->has_value()) return ResourceNotFound(kGroupNotFound);

  // Rejected events are reported by index, not failed: a too-old prefix (tooOldLogEventEndIndex,
  // exclusive), a prefix the retention already expired (expiredLogEventEndIndex, exclusive) and a
  // too-new suffix (tooNewLogEventStartIndex, inclusive). The batch is chronological, so each is
  // one contiguous run.
  const std::int64_t now = EpochMillis(context.clock.Now());
  const std::int64_t too_old_before = now - kMaxPastMillis;
  const std::int64_t expired_before = RetentionCutoff((*group)->retention_days, now);
  const std::int64_t too_new_after = now + kMaxFutureMillis;
  std::size_t too_old_end = 0;
  while (too_old_end < events.size() && events[too_old_end].timestamp < too_old_before) {
    ++too_old_end;
  }
  std::size_t expired_end = too_old_end;
  while (expired_end < events.size() && events[expired_end].timestamp < expired_before) {
    ++expired_end;
  }
  std::size_t too_new_start = events.size();
  while (too_new_start > expired_end && events[too_new_start - 1].timestamp > too_new_after) {
    --too_new_start;
  }
  // Moved, not copied: a copy would drop the messages' reserved padding.
  std::vector<InputEvent> accepted(
      std::make_move_iterator(events.begin() + static_cast<std::ptrdiff_t>(expired_end)),
      std::make_move_iterator(events.begin() + static_cast<std::ptrdiff_t>(too_new_start)));
  auto sequence = Ingest(key, stream, accepted, now);
  if (!sequence) return std::move(sequence).error();

  Value out = Value::MakeStructure();
  out.Set("nextSequenceToken", SequenceToken(*sequence));
  if (too_old_end > 0 || expired_end > too_old_end || too_new_start < events.size()) {
    Value rejected = Value::MakeStructure();
    if (too_new_start < events.size()) {
      rejected.Set("tooNewLogEventStartIndex", static_cast<std::int64_t>(too_new_start));
    }
    if (too_old_end > 0)
      rejected.Set("tooOldLogEventEndIndex", static_cast<std::int64_t>(too_old_end));
    if (expired_end > too_old_end) {
      rejected.Set("expiredLogEventEndIndex", static_cast<std::int64_t>(expired_end));
    }
    out.Set("rejectedLogEventsInfo", std::move(rejected));
  }
  return out;
}

Result<Value> LogsService::GetLogEvents(RequestContext& context, const Value& input) {
  auto key = ResolveGroup(context, input);
  if (!key) return std::move(key).error();
  const std::string stream(input.GetString("logStreamName"));
  auto group = store_.FindLogGroup(*key);
  if (!group) return std::move(group).error();
  if (!group->has_value()) return ResourceNotFound(kGroupNotFound);

  const EventRange range =
      RequestedRange(input, (*group)->retention_days, EpochMillis(context.clock.Now()));
  const int limit = static_cast<int>(OptionalInteger(input, "limit").value_or(kDefaultEventsLimit));

  // A token carries its direction; without one, startFromHead picks it (default: the tail).
  std::optional<EventToken> token;
  if (auto text = OptionalString(input, "nextToken")) {
    token = DecodeEventToken(*text);
    if (!token) return InvalidNextToken();
  }
  const bool forward = token ? token->forward : BoolMember(input, "startFromHead");
  std::optional<EventCursor> cursor;
  if (token) cursor = token->cursor;

  auto read = store_.ReadStreamEvents(*key, stream, range, forward, cursor, limit);
  if (!read) return std::move(read).error();
  if (read->first == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  if (read->first == Outcome::kNoStream) return ResourceNotFound(kStreamNotFound);
  std::vector<StoredEvent>& events = read->second;

  // At most 1 MB of messages (26 bytes of overhead each, as PutLogEvents counts them): keep the
  // events nearest the cursor.
  std::int64_t budget = kMaxBatchBytes;
  std::size_t keep = 0;
  if (forward) {
    while (keep < events.size() && budget - EventCost(events[keep].message) >= 0) {
      budget -= EventCost(events[keep].message);
      ++keep;
    }
    events.resize(keep);
  } else {
    while (keep < events.size() &&
           budget - EventCost(events[events.size() - 1 - keep].message) >= 0) {
      budget -= EventCost(events[events.size() - 1 - keep].message);
      ++keep;
    }
    events.erase(events.begin(), events.end() - static_cast<std::ptrdiff_t>(keep));
  }

  Value list = Value::MakeList();
  for (const StoredEvent& event : events) {
    Value item = Value::MakeStructure();
    item.Set("timestamp", event.timestamp);
    item.Set("message", event.message);
    item.Set("ingestionTime", event.ingestion_time);
    list.Push(std::move(item));
  }
  // Tokens stop changing at either end of the stream: AWS returns the token it was given when
  // there is nothing further in that direction, which is how clients detect the end.
  std::string forward_token;
  std::string backward_token;
  if (!events.empty()) {
    forward_token = EncodeEventToken(true, {events.back().timestamp, events.back().id});
    backward_token = EncodeEventToken(false, {events.front().timestamp, events.front().id});
  } else if (token && token->forward) {
    forward_token = EncodeEventToken(true, token->cursor);
    backward_token = EncodeEventToken(false, {token->cursor.timestamp, token->cursor.id + 1});
  } else if (token) {
    backward_token = EncodeEventToken(false, token->cursor);
    forward_token = EncodeEventToken(true, {token->cursor.timestamp, token->cursor.id - 1});
  } else {
    forward_token = EncodeEventToken(true, {-1, -1});
    backward_token = EncodeEventToken(false, {-1, -1});
  }
  Value out = Value::MakeStructure();
  out.Set("events", std::move(list));
  out.Set("nextForwardToken", forward_token);
  out.Set("nextBackwardToken", backward_token);
  return out;
}

Result<Value> LogsService::FilterLogEvents(RequestContext& context, const Value& input) {
  auto key = ResolveGroup(context, input);
  if (!key) return std::move(key).error();
  std::vector<std::string> stream_names;
  if (const Value* names = input.Find("logStreamNames"); names != nullptr && names->is_list()) {
    for (const Value& name : names->as_list()) {
      if (name.is_string()) stream_names.push_back(name.as_string());
    }
  }
  const auto stream_prefix = OptionalString(input, "logStreamNamePrefix");
  if (!stream_names.empty() && stream_prefix) {
    return InvalidParameter(
        "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  std::optional<fp::CompiledPattern> pattern;
  if (auto text = OptionalString(input, "filterPattern")) {
    auto compiled = fp::Compile(*text);
    if (!compiled) return compiled.error().ToAwsError();
    pattern = std::move(compiled).value();
  }
  auto group = store_.FindLogGroup(*key);
  if (!group) return std::move(group).error();
  if (!group->has_value()) return ResourceNotFound(kGroupNotFound);

  const EventRange range =
      RequestedRange(input, (*group)->retention_days, EpochMillis(context.clock.Now()));
  const int limit = static_cast<int>(OptionalInteger(input, "limit").value_or(kDefaultEventsLimit));
  std::optional<EventCursor> cursor;
  if (auto text = OptionalString(input, "nextToken")) {
    auto fields = DecodePageToken(kFilterToken, *text);
    if (!fields || fields->size() != 2) return InvalidNextToken();
    auto timestamp = ParseInt64((*fields)[0]);
    auto id = ParseInt64((*fields)[1]);
    if (!timestamp || !id) return InvalidNextToken();
    cursor = EventCursor{*timestamp, *id};
  }

  // Scan in time order, matching as we go, until the page is full (one more match than the page
  // proves there is a next one), the size budget or the scan budget is spent, or the group ends.
  std::vector<StoredEvent> matched;
  std::int64_t budget = kMaxBatchBytes;
  std::optional<EventCursor> resume;  // where the next page starts, when there is one
  int scanned = 0;
  bool done = false;
  while (!done) {
    auto page = store_.ScanGroupEvents(*key, range, cursor, stream_names, stream_prefix, kScanPage);
    if (!page) return std::move(page).error();
    if (page->first == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
    for (StoredEvent& event : page->second) {
      ++scanned;
      const EventCursor here{event.timestamp, event.id};
      if (!pattern || fp::Match(*pattern, event.message).matched) {
        if (static_cast<int>(matched.size()) == limit || budget - EventCost(event.message) < 0) {
          // This event starts the next page: resume right after the one scanned before it.
          resume = cursor.value_or(EventCursor{-1, -1});
          done = true;
          break;
        }
        budget -= EventCost(event.message);
        matched.push_back(std::move(event));
      }
      cursor = here;
      if (scanned >= kScanBudget) {
        resume = here;
        done = true;
        break;
      }
    }
    if (static_cast<int>(page->second.size()) < kScanPage) done = true;
  }

  Value list = Value::MakeList();
  for (const StoredEvent& event : matched) {
    Value item = Value::MakeStructure();
    item.Set("logStreamName", event.stream_name);
    item.Set("timestamp", event.timestamp);
    item.Set("message", event.message);
    item.Set("ingestionTime", event.ingestion_time);
    item.Set("eventId", DigitString(event.timestamp, event.id));
    list.Push(std::move(item));
  }
  Value out = Value::MakeStructure();
  out.Set("events", std::move(list));
  // Deprecated since 2020; AWS answers an empty list.
  out.Set("searchedLogStreams", Value::MakeList());
  if (resume) {
    out.Set("nextToken", EncodePageToken(kFilterToken, {std::to_string(resume->timestamp),
                                                        std::to_string(resume->id)}));
  }
  return out;
}

}  // namespace tw::services::logs
