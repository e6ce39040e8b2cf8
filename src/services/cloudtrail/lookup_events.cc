// SPDX-License-Identifier: Apache-2.0
#include "common/crypto.h"
#include "services/cloudtrail/cloudtrail_service.h"

namespace tw::services::cloudtrail {
namespace {

using protocol::Timestamp;
using protocol::Value;

AwsError Invalid(std::string code, std::string message) {
  return AwsError::Make(std::move(code), 400, std::move(message));
}

std::optional<LookupKey> ParseKey(std::string_view key) {
  static constexpr std::pair<std::string_view, LookupKey> kKeys[] = {
      {"EventId", LookupKey::kEventId},           {"EventName", LookupKey::kEventName},
      {"ReadOnly", LookupKey::kReadOnly},         {"Username", LookupKey::kUsername},
      {"ResourceType", LookupKey::kResourceType}, {"ResourceName", LookupKey::kResourceName},
      {"EventSource", LookupKey::kEventSource},   {"AccessKeyId", LookupKey::kAccessKeyId}};
  for (const auto& [name, value] : kKeys) {
    if (name == key) return value;
  }
  return std::nullopt;
}

// NextToken is the position after the page's last event: "<event time>:<sequence>", base64.
std::string EncodeToken(std::int64_t time, std::int64_t seq) {
  return Base64Encode(std::to_string(time) + ":" + std::to_string(seq));
}

std::optional<std::pair<std::int64_t, std::int64_t>> DecodeToken(std::string_view token) {
  auto text = Base64Decode(token);
  if (!text) return std::nullopt;
  auto colon = text->find(':');
  if (colon == std::string::npos) return std::nullopt;
  try {
    std::size_t used = 0;
    std::int64_t time = std::stoll(text->substr(0, colon), &used);
    if (used != colon) return std::nullopt;
    std::string seq_text = text->substr(colon + 1);
    std::int64_t seq = std::stoll(seq_text, &used);
    if (used != seq_text.size()) return std::nullopt;
    return std::make_pair(time, seq);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

void CloudTrailService::Register(OperationTable& table) {
  table.Add("cloudtrail", "LookupEvents",
            [this](RequestContext& c, const Value& in) { return LookupEvents(c, in); });
  if (!trails_) return;
  using Handler = Result<Value> (CloudTrailService::*)(RequestContext&, const Value&);
  auto add = [&](const char* name, Handler handler) {
    table.Add("cloudtrail", name, [this, handler](RequestContext& c, const Value& in) {
      return (this->*handler)(c, in);
    });
  };
  add("CreateTrail", &CloudTrailService::CreateTrail);
  add("UpdateTrail", &CloudTrailService::UpdateTrail);
  add("DeleteTrail", &CloudTrailService::DeleteTrail);
  add("GetTrail", &CloudTrailService::GetTrail);
  add("DescribeTrails", &CloudTrailService::DescribeTrails);
  add("ListTrails", &CloudTrailService::ListTrails);
  add("GetTrailStatus", &CloudTrailService::GetTrailStatus);
  add("StartLogging", &CloudTrailService::StartLogging);
  add("StopLogging", &CloudTrailService::StopLogging);
  add("PutEventSelectors", &CloudTrailService::PutEventSelectors);
  add("GetEventSelectors", &CloudTrailService::GetEventSelectors);
  add("PutInsightSelectors", &CloudTrailService::PutInsightSelectors);
  add("GetInsightSelectors", &CloudTrailService::GetInsightSelectors);
  add("AddTags", &CloudTrailService::AddTags);
  add("RemoveTags", &CloudTrailService::RemoveTags);
  add("ListTags", &CloudTrailService::ListTags);
  add("ListPublicKeys", &CloudTrailService::ListPublicKeys);
}

Result<Value> CloudTrailService::LookupEvents(RequestContext& context, const Value& input) {
  LookupQuery query;
  query.account_id = account_id_;
  query.region = std::string(context.region.empty() ? "us-east-1" : context.region);

  if (const Value* attributes = input.Find("LookupAttributes");
      attributes && attributes->is_list()) {
    if (attributes->as_list().size() > 1) {
      return Invalid("InvalidLookupAttributesException",
                     "You cannot specify more than one lookup attribute.");
    }
    if (!attributes->as_list().empty()) {
      const Value& attribute = attributes->as_list().front();
      auto key = ParseKey(attribute.GetString("AttributeKey"));
      if (!key) {
        return Invalid("InvalidLookupAttributesException",
                       "The attribute key " + std::string(attribute.GetString("AttributeKey")) +
                           " is not valid.");
      }
      query.key = key;
      query.value = std::string(attribute.GetString("AttributeValue"));
    }
  }

  const std::int64_t now = EpochMillis(context.clock.Now());
  query.end_millis = now;
  query.start_millis = now - EventHistory::kRetentionMillis;
  if (const Value* start = input.Find("StartTime"); start && start->is_timestamp()) {
    query.start_millis = start->as_timestamp().epoch_millis;
  }
  if (const Value* end = input.Find("EndTime"); end && end->is_timestamp()) {
    query.end_millis = end->as_timestamp().epoch_millis;
  }
  if (query.start_millis > query.end_millis) {
    return Invalid("InvalidTimeRangeException",
                   "Occurs if the timestamp values are not valid. Either the start time occurs "
                   "after the end time, or the time range is outside the range of possible "
                   "values.");
  }
  if (const Value* max = input.Find("MaxResults"); max && max->is_integer()) {
    if (max->as_integer() < 1 || max->as_integer() > 50) {
      return Invalid("InvalidMaxResultsException", "Maximum number of results is invalid.");
    }
    query.max_results = static_cast<std::size_t>(max->as_integer());
  }
  if (std::string_view token = input.GetString("NextToken"); !token.empty()) {
    query.after = DecodeToken(token);
    if (!query.after) return Invalid("InvalidNextTokenException", "Invalid NextToken.");
  }
  std::string_view category = input.GetString("EventCategory");
  if (!category.empty() && category != "insight") {
    return Invalid("InvalidEventCategoryException", "Event category is not valid.");
  }

  Value output = Value::MakeStructure();
  Value events = Value::MakeList();
  if (category == "insight") {
    query.category = "Insight";
    if (query.key && *query.key != LookupKey::kEventId && *query.key != LookupKey::kEventName &&
        *query.key != LookupKey::kEventSource) {
      return Invalid("InvalidLookupAttributesException",
                     "Insights events can be looked up by EventId, EventName or EventSource "
                     "only.");
    }
  }
  recorder_.Flush();
  auto page = history_.Lookup(query);
  if (!page) return page.error();
  for (const StoredEvent& stored : page->events) {
    const pipeline::TrailEvent& e = stored.event;
    Value item = Value::MakeStructure();
    item.Set("EventId", e.event_id);
    item.Set("EventName", e.event_name);
    item.Set("ReadOnly", e.read_only ? "true" : "false");
    if (!e.access_key_id.empty()) item.Set("AccessKeyId", e.access_key_id);
    item.Set("EventTime", Timestamp{e.event_time_millis});
    item.Set("EventSource", e.event_source);
    if (!e.username.empty()) item.Set("Username", e.username);
    Value resources = Value::MakeList();
    for (const auto& r : e.resources) {
      Value resource = Value::MakeStructure();
      resource.Set("ResourceType", r.type);
      resource.Set("ResourceName", r.name);
      resources.Push(std::move(resource));
    }
    item.Set("Resources", std::move(resources));
    item.Set("CloudTrailEvent", e.record_json);
    events.Push(std::move(item));
  }
  output.Set("Events", std::move(events));
  if (page->more && !page->events.empty()) {
    const StoredEvent& last = page->events.back();
    output.Set("NextToken", EncodeToken(last.event.event_time_millis, last.seq));
  }
  return output;
}

}  // namespace tw::services::cloudtrail
