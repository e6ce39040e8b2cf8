// SPDX-License-Identifier: Apache-2.0
// Trail: one trail's configuration (destinations, event selectors, Insights selectors, tags,
// logging state) and its delivery state (GetTrailStatus times and errors, the digest chain per
// Region), with the pure rules deciding which recorded events a trail takes (CloudTrail User
// Guide, "Logging management events", "Logging data events" with basic and advanced event
// selectors, "Receiving global service events"). JSON (de)serialization for the trail store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "pipeline/trail_sink.h"

namespace tw::services::cloudtrail {

struct DataResource {
  std::string type;  // AWS::S3::Object, AWS::Lambda::Function, AWS::DynamoDB::Table
  std::vector<std::string> values;
};

struct EventSelector {
  std::string read_write_type = "All";  // ReadOnly | WriteOnly | All
  bool include_management_events = true;
  std::vector<DataResource> data_resources;
  std::vector<std::string> exclude_management_event_sources;
};

struct FieldSelector {
  std::string field;
  std::vector<std::string> equals, starts_with, ends_with;
  std::vector<std::string> not_equals, not_starts_with, not_ends_with;
};

struct AdvancedEventSelector {
  std::string name;
  std::vector<FieldSelector> field_selectors;
};

struct Trail {
  std::string account_id;
  std::string home_region;
  std::string name;
  std::string s3_bucket;
  std::string s3_prefix;
  std::string sns_topic_name;
  std::string kms_key_id;
  std::string cwl_group_arn;
  std::string cwl_role_arn;
  bool include_global_service_events = true;
  bool multi_region = false;
  bool organization = false;
  bool log_file_validation = false;
  // Exactly one of the two selector kinds is in force: advanced when set.
  std::vector<EventSelector> event_selectors = {EventSelector{}};
  std::optional<std::vector<AdvancedEventSelector>> advanced_selectors;
  bool custom_selectors = false;           // PutEventSelectors was called
  std::vector<std::string> insight_types;  // ApiCallRateInsight, ApiErrorRateInsight
  std::vector<std::pair<std::string, std::string>> tags;
  bool logging = true;
  std::optional<std::int64_t> start_logging_millis;
  std::optional<std::int64_t> stop_logging_millis;
  std::int64_t created_millis = 0;

  std::string Arn() const {
    return "arn:aws:cloudtrail:" + home_region + ":" + account_id + ":trail/" + name;
  }
  // The log group name from CloudWatchLogsLogGroupArn (arn:aws:logs:r:a:log-group:NAME:*).
  std::string LogGroupName() const;
  std::string LogGroupRegion() const;
};

// The end of a digest chain in one Region.
struct DigestChain {
  std::string bucket;
  std::string key;
  std::string sha256_hex;
  std::string signature_hex;
  std::int64_t end_millis = 0;
};

// What GetTrailStatus reports, and where the digest chains end.
struct TrailState {
  std::optional<std::int64_t> latest_delivery_millis;
  std::optional<std::int64_t> latest_delivery_attempt_millis;
  std::string latest_delivery_error;
  std::optional<std::int64_t> latest_cwl_delivery_millis;
  std::string latest_cwl_error;
  std::optional<std::int64_t> latest_digest_millis;
  std::string latest_digest_error;
  std::map<std::string, DigestChain> chains;  // by Region
  std::optional<std::int64_t> latest_insight_millis;
};

// Whether `trail` (logging or not) selects `event`: Region scope, global service events, then
// its basic or advanced event selectors.
bool TrailSelects(const Trail& trail, const pipeline::TrailEvent& event);
// Whether the trail's selectors can select any data event (basic selectors with data resources,
// or an advanced selector whose eventCategory is not only Management); false for the default.
bool MayLogDataEvents(const Trail& trail);
bool IsGlobalServiceEvent(const pipeline::TrailEvent& event);

std::string TrailToJson(const Trail& trail);
Result<Trail> TrailFromJson(std::string_view json);
std::string StateToJson(const TrailState& state);
Result<TrailState> StateFromJson(std::string_view json);

}  // namespace tw::services::cloudtrail
