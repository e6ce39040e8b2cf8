// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/imported_record.h"

#include <boost/json.hpp>

#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"

namespace tw::services::cloudtrail {
namespace {

namespace json = boost::json;

AwsError Invalid(std::string message) {
  return AwsError::Make("InvalidParameterException", 400, std::move(message));
}

std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::object* ObjectAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

bool LooksReadOnly(std::string_view name) {
  for (std::string_view prefix : {"Get", "List", "Describe", "Head", "Lookup", "BatchGet"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

std::string Username(const json::object& record) {
  const json::object* identity = ObjectAt(record, "userIdentity");
  if (!identity) return {};
  std::string type = StringAt(*identity, "type");
  if (type == "Root") return "root";
  if (type == "AssumedRole") {
    std::string arn = StringAt(*identity, "arn");
    auto slash = arn.rfind('/');
    if (slash != std::string::npos) return arn.substr(slash + 1);
  }
  return StringAt(*identity, "userName");
}

// An id in UUID form from the record's digest: stable across imports of the same record.
std::string DerivedEventId(std::string_view record_json) {
  std::string hex = Sha256Hex(record_json).substr(0, 32);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::vector<pipeline::TrailResource> ResourcesOf(const json::object& record) {
  std::vector<pipeline::TrailResource> out;
  if (const json::value* list = record.if_contains("resources"); list && list->is_array()) {
    for (const json::value& r : list->as_array()) {
      if (!r.is_object()) continue;
      std::string type = StringAt(r.as_object(), "type");
      std::string arn = StringAt(r.as_object(), "ARN");
      if (!type.empty() && !arn.empty()) out.push_back({type, arn});
    }
    if (!out.empty()) return out;
  }
  const json::object* params = ObjectAt(record, "requestParameters");
  if (!params) return out;
  struct Rule {
    std::string_view member;
    std::string_view type;
  };
  static constexpr Rule kRules[] = {
      {"userName", "AWS::IAM::User"},
      {"groupName", "AWS::IAM::Group"},
      {"roleName", "AWS::IAM::Role"},
      {"policyArn", "AWS::IAM::Policy"},
      {"bucketName", "AWS::S3::Bucket"},
      {"logGroupName", "AWS::Logs::LogGroup"},
      {"topicArn", "AWS::SNS::Topic"},
      {"alarmName", "AWS::CloudWatch::Alarm"},
      {"instanceId", "AWS::EC2::Instance"},
      {"groupId", "AWS::EC2::SecurityGroup"},
      {"keyId", "AWS::KMS::Key"},
      {"functionName", "AWS::Lambda::Function"},
      {"secretId", "AWS::SecretsManager::Secret"},
  };
  for (const Rule& rule : kRules) {
    std::string value = StringAt(*params, rule.member);
    if (!value.empty()) out.push_back({std::string(rule.type), value});
  }
  if (StringAt(record, "eventSource") == "cloudtrail.amazonaws.com") {
    std::string name = StringAt(*params, "name");
    if (!name.empty()) out.push_back({"AWS::CloudTrail::Trail", name});
  }
  return out;
}

}  // namespace

std::optional<std::int64_t> ParseCloudTrailTime(std::string_view text) {
  if (text.size() < 20 || text[10] != 'T' || text.back() != 'Z') return std::nullopt;
  return ParseIso8601(text);
}

Result<pipeline::TrailEvent> ParseImportedRecord(std::string_view record_json,
                                                 std::string_view default_region) {
  json::error_code ec;
  json::value parsed = json::parse(record_json, ec);
  if (ec) return Invalid("the record is not valid JSON: " + ec.message());
  if (!parsed.is_object()) return Invalid("the record is not a JSON object");
  const json::object& record = parsed.as_object();

  pipeline::TrailEvent event;
  const json::value* name = record.if_contains("eventName");
  if (!name || !name->is_string() || name->as_string().empty()) {
    return Invalid("the record has no eventName");
  }
  event.event_name = std::string(name->as_string());
  const json::value* time = record.if_contains("eventTime");
  if (!time || !time->is_string()) return Invalid("the record has no eventTime");
  auto millis = ParseCloudTrailTime(std::string_view(time->as_string()));
  if (!millis) {
    return Invalid("the record's eventTime \"" + std::string(time->as_string()) +
                   "\" is not CloudTrail's YYYY-MM-DDTHH:MM:SSZ");
  }
  event.event_time_millis = *millis;
  event.event_id = StringAt(record, "eventID");
  if (event.event_id.empty()) event.event_id = DerivedEventId(record_json);
  event.event_source = StringAt(record, "eventSource");
  event.aws_region = StringAt(record, "awsRegion");
  if (event.aws_region.empty()) event.aws_region = std::string(default_region);
  if (const json::value* ro = record.if_contains("readOnly"); ro && ro->is_bool()) {
    event.read_only = ro->as_bool();
  } else {
    event.read_only = LooksReadOnly(event.event_name);
  }
  if (std::string category = StringAt(record, "eventCategory"); !category.empty()) {
    event.event_category = category;
  }
  event.username = Username(record);
  if (const json::object* identity = ObjectAt(record, "userIdentity")) {
    event.access_key_id = StringAt(*identity, "accessKeyId");
  }
  event.error_code = StringAt(record, "errorCode");
  event.recipient_account_id = StringAt(record, "recipientAccountId");
  event.resources = ResourcesOf(record);
  event.record_json = std::string(record_json);
  return event;
}

}  // namespace tw::services::cloudtrail
