// SPDX-License-Identifier: Apache-2.0
// Trail operations (CloudTrail API Reference): CreateTrail, UpdateTrail, DeleteTrail, GetTrail,
// DescribeTrails, ListTrails, GetTrailStatus, StartLogging, StopLogging, Put/GetEventSelectors,
// Put/GetInsightSelectors, AddTags/RemoveTags/ListTags and ListPublicKeys.
#include <algorithm>

#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"
#include "services/cloudtrail/cloudtrail_service.h"

namespace tw::services::cloudtrail {
namespace {

using protocol::Blob;
using protocol::Timestamp;
using protocol::Value;

constexpr std::size_t kMaxEventSelectors = 5;
constexpr std::size_t kMaxDataResources = 250;
constexpr std::size_t kMaxTags = 50;
constexpr std::size_t kMaxPrefix = 200;

AwsError Error(std::string code, std::string message) {
  return AwsError::Make(std::move(code), 400, std::move(message));
}

std::string Region(const RequestContext& context) {
  return context.region.empty() ? "us-east-1" : std::string(context.region);
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool LooksLikeIp(std::string_view name) {
  std::vector<std::string_view> parts = Split(name, '.');
  if (parts.size() != 4) return false;
  for (std::string_view p : parts) {
    if (p.empty() || p.size() > 3) return false;
    for (char c : p) {
      if (c < '0' || c > '9') return false;
    }
  }
  return true;
}

bool GetBool(const Value& input, std::string_view name, bool fallback) {
  const Value* v = input.Find(name);
  return v && v->is_bool() ? v->as_bool() : fallback;
}

const Value* Present(const Value& input, std::string_view name) {
  const Value* v = input.Find(name);
  return v && !v->is_null() ? v : nullptr;
}

std::vector<std::string> StringList(const Value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_list()) return out;
  for (const Value& item : v->as_list()) {
    if (item.is_string()) out.push_back(item.as_string());
  }
  return out;
}

Value ToList(const std::vector<std::string>& values) {
  Value out = Value::MakeList();
  for (const auto& v : values) out.Push(v);
  return out;
}

Value TrailValue(const Trail& t, bool full) {
  Value out = Value::MakeStructure();
  out.Set("Name", t.name);
  out.Set("S3BucketName", t.s3_bucket);
  if (!t.s3_prefix.empty()) out.Set("S3KeyPrefix", t.s3_prefix);
  out.Set("IncludeGlobalServiceEvents", t.include_global_service_events);
  out.Set("IsMultiRegionTrail", t.multi_region);
  if (full) out.Set("HomeRegion", t.home_region);
  out.Set("TrailARN", t.Arn());
  out.Set("LogFileValidationEnabled", t.log_file_validation);
  if (!t.cwl_group_arn.empty()) out.Set("CloudWatchLogsLogGroupArn", t.cwl_group_arn);
  if (!t.cwl_role_arn.empty()) out.Set("CloudWatchLogsRoleArn", t.cwl_role_arn);
  if (full) {
    out.Set("HasCustomEventSelectors", t.custom_selectors);
    out.Set("HasInsightSelectors", !t.insight_types.empty());
  }
  out.Set("IsOrganizationTrail", t.organization);
  return out;
}

// The S3 key prefix rule: at most 200 characters (InvalidS3PrefixException).
Status CheckPrefix(const std::string& prefix) {
  if (prefix.size() > kMaxPrefix) {
    return Error("InvalidS3PrefixException",
                 "Prefix is too long. Maximum allowed length: 200 characters. Specified prefix "
                 "length: " +
                     std::to_string(prefix.size()) + " characters.");
  }
  return {};
}

// arn:aws:logs:<region>:<account>:log-group:<name>:*
bool ValidLogGroupArn(const std::string& arn, const std::string& account) {
  std::vector<std::string_view> parts = Split(arn, ':');
  if (parts.size() < 7 || parts[0] != "arn" || parts[2] != "logs" || parts[3].empty() ||
      parts[4] != account || parts[5] != "log-group" || parts[6].empty()) {
    return false;
  }
  return parts.size() == 7 || (parts.size() == 8 && parts[7] == "*");
}

bool ValidRoleArn(const std::string& arn, const std::string& account) {
  return arn.starts_with("arn:aws:iam::" + account + ":role/") &&
         arn.size() > ("arn:aws:iam::" + account + ":role/").size();
}

Result<std::vector<EventSelector>> ParseEventSelectors(const Value& list) {
  std::vector<EventSelector> out;
  if (!list.is_list() || list.as_list().empty()) {
    return Error("InvalidEventSelectorsException", "Event selectors must not be empty.");
  }
  if (list.as_list().size() > kMaxEventSelectors) {
    return Error("InvalidEventSelectorsException",
                 "You have exceeded the maximum number of event selectors: 5.");
  }
  std::size_t resources = 0;
  for (const Value& item : list.as_list()) {
    EventSelector s;
    s.read_write_type = std::string(item.GetString("ReadWriteType", "All"));
    s.include_management_events = GetBool(item, "IncludeManagementEvents", true);
    s.exclude_management_event_sources = StringList(item.Find("ExcludeManagementEventSources"));
    if (const Value* data = item.Find("DataResources"); data && data->is_list()) {
      for (const Value& r : data->as_list()) {
        DataResource resource;
        resource.type = std::string(r.GetString("Type"));
        resource.values = StringList(r.Find("Values"));
        if (resource.type != "AWS::S3::Object" && resource.type != "AWS::Lambda::Function" &&
            resource.type != "AWS::DynamoDB::Table") {
          return Error("InvalidEventSelectorsException",
                       "Value " + resource.type + " for parameter DataResources.Type is invalid.");
        }
        for (const std::string& v : resource.values) {
          const std::string_view want = resource.type == "AWS::S3::Object" ? "arn:aws:s3"
                                        : resource.type == "AWS::Lambda::Function"
                                            ? "arn:aws:lambda"
                                            : "arn:aws:dynamodb";
          if (!v.starts_with(want)) {
            return Error("InvalidEventSelectorsException",
                         "Value " + v + " for parameter DataResources.Values is invalid.");
          }
        }
        resources += resource.values.size();
        s.data_resources.push_back(std::move(resource));
      }
    }
    out.push_back(std::move(s));
  }
  if (resources > kMaxDataResources) {
    return Error("InvalidEventSelectorsException",
                 "You have exceeded the maximum number of data resources: 250.");
  }
  return out;
}

Result<std::vector<AdvancedEventSelector>> ParseAdvancedSelectors(const Value& list) {
  static constexpr std::string_view kSupported[] = {"eventCategory", "eventName", "eventSource",
                                                    "readOnly",      "eventType", "resources.type",
                                                    "resources.ARN"};
  std::vector<AdvancedEventSelector> out;
  if (!list.is_list() || list.as_list().empty()) {
    return Error("InvalidEventSelectorsException", "Advanced event selectors must not be empty.");
  }
  for (const Value& item : list.as_list()) {
    AdvancedEventSelector s;
    s.name = std::string(item.GetString("Name"));
    bool has_category = false;
    if (const Value* fields = item.Find("FieldSelectors"); fields && fields->is_list()) {
      for (const Value& f : fields->as_list()) {
        FieldSelector fs;
        fs.field = std::string(f.GetString("Field"));
        if (std::find(std::begin(kSupported), std::end(kSupported), fs.field) ==
            std::end(kSupported)) {
          return Error("InvalidEventSelectorsException",
                       "The advanced event selector field " + fs.field +
                           " is not supported by trailwatch; supported fields: eventCategory, "
                           "eventName, eventSource, readOnly, eventType, resources.type, "
                           "resources.ARN.");
        }
        fs.equals = StringList(f.Find("Equals"));
        fs.starts_with = StringList(f.Find("StartsWith"));
        fs.ends_with = StringList(f.Find("EndsWith"));
        fs.not_equals = StringList(f.Find("NotEquals"));
        fs.not_starts_with = StringList(f.Find("NotStartsWith"));
        fs.not_ends_with = StringList(f.Find("NotEndsWith"));
        if (fs.equals.empty() && fs.starts_with.empty() && fs.ends_with.empty() &&
            fs.not_equals.empty() && fs.not_starts_with.empty() && fs.not_ends_with.empty()) {
          return Error("InvalidEventSelectorsException",
                       "Field selector " + fs.field + " must have at least one operator.");
        }
        if (fs.field == "eventCategory") has_category = true;
        s.field_selectors.push_back(std::move(fs));
      }
    }
    if (!has_category) {
      return Error("InvalidEventSelectorsException",
                   "The eventCategory field selector is required in every advanced event "
                   "selector.");
    }
    out.push_back(std::move(s));
  }
  return out;
}

Value EventSelectorsValue(const std::vector<EventSelector>& selectors) {
  Value list = Value::MakeList();
  for (const EventSelector& s : selectors) {
    Value item = Value::MakeStructure();
    item.Set("ReadWriteType", s.read_write_type);
    item.Set("IncludeManagementEvents", s.include_management_events);
    Value resources = Value::MakeList();
    for (const DataResource& r : s.data_resources) {
      Value resource = Value::MakeStructure();
      resource.Set("Type", r.type);
      resource.Set("Values", ToList(r.values));
      resources.Push(std::move(resource));
    }
    item.Set("DataResources", std::move(resources));
    item.Set("ExcludeManagementEventSources", ToList(s.exclude_management_event_sources));
    list.Push(std::move(item));
  }
  return list;
}

Value AdvancedSelectorsValue(const std::vector<AdvancedEventSelector>& selectors) {
  Value list = Value::MakeList();
  for (const AdvancedEventSelector& s : selectors) {
    Value item = Value::MakeStructure();
    if (!s.name.empty()) item.Set("Name", s.name);
    Value fields = Value::MakeList();
    for (const FieldSelector& f : s.field_selectors) {
      Value field = Value::MakeStructure();
      field.Set("Field", f.field);
      auto set = [&](const char* name, const std::vector<std::string>& values) {
        if (!values.empty()) field.Set(name, ToList(values));
      };
      set("Equals", f.equals);
      set("StartsWith", f.starts_with);
      set("EndsWith", f.ends_with);
      set("NotEquals", f.not_equals);
      set("NotStartsWith", f.not_starts_with);
      set("NotEndsWith", f.not_ends_with);
      fields.Push(std::move(field));
    }
    item.Set("FieldSelectors", std::move(fields));
    list.Push(std::move(item));
  }
  return list;
}

}  // namespace

std::string TrailNameProblem(std::string_view name) {
  if (name.size() < 3) {
    return "Trail name too short. Minimum allowed length: 3 characters. Specified name length: " +
           std::to_string(name.size()) + " characters.";
  }
  if (name.size() > 128) {
    return "Trail name too long. Maximum allowed length: 128 characters. Specified name length: " +
           std::to_string(name.size()) + " characters.";
  }
  if (!IsAlnum(name.front()) || !IsAlnum(name.back())) {
    return "Trail name must starts with a letter or number and ends with a letter or number.";
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i])) {
      return "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, "
             "periods (.), hyphens (-), and underscores (_).";
    }
    if (i > 0 && !IsAlnum(name[i]) && !IsAlnum(name[i - 1])) {
      return "Trail name cannot have adjacent periods (.), hyphens (-) or underscores (_).";
    }
  }
  if (LooksLikeIp(name)) return "Trail name cannot be formatted as an IP address.";
  return {};
}

Result<TrailRegistry::TrailPtr> CloudTrailService::FindTrail(RequestContext& context,
                                                             std::string_view name,
                                                             bool home_region_only) {
  const std::string region = Region(context);
  std::string key(name);
  if (!key.starts_with("arn:")) {
    if (std::string problem = TrailNameProblem(key); !problem.empty()) {
      return Error("InvalidTrailNameException", problem);
    }
  } else if (!key.starts_with("arn:aws:cloudtrail:") || key.find(":trail/") == std::string::npos) {
    return Error("CloudTrailARNInvalidException", "ARN " + key + " is not valid.");
  }
  auto trail = trails_->registry.Find(account_id_, region, key);
  if (!trail) {
    std::string arn = key.starts_with("arn:")
                          ? key
                          : "arn:aws:cloudtrail:" + region + ":" + account_id_ + ":trail/" + key;
    return Error("TrailNotFoundException",
                 "Unknown trail: " + arn + " for the user: " + account_id_);
  }
  if (home_region_only && trail->home_region != region) {
    return Error(
        "InvalidHomeRegionException",
        "This operation must be called from the trail's home region (" + trail->home_region + ").");
  }
  return trail;
}

Status CloudTrailService::CheckBucket(const Trail& trail) {
  std::vector<ContextKey> context = {{"aws:SourceArn", trail.Arn()},
                                     {"aws:SourceAccount", trail.account_id}};
  auto acl = trails_->targets.BucketAllows(trail.s3_bucket, "s3:GetBucketAcl",
                                           "arn:aws:s3:::" + trail.s3_bucket, context);
  if (!acl) return acl.error();
  if (*acl == BucketAccess::kNoSuchBucket) {
    return Error("S3BucketDoesNotExistException",
                 "S3 bucket " + trail.s3_bucket + " does not exist.");
  }
  std::string prefix = trail.s3_prefix.empty() ? "" : trail.s3_prefix + "/";
  context.push_back({"s3:x-amz-acl", "bucket-owner-full-control"});
  auto put = trails_->targets.BucketAllows(
      trail.s3_bucket, "s3:PutObject",
      "arn:aws:s3:::" + trail.s3_bucket + "/" + prefix + "AWSLogs/" + trail.account_id + "/*",
      context);
  if (!put) return put.error();
  if (*acl != BucketAccess::kAllowed || *put != BucketAccess::kAllowed) {
    return Error("InsufficientS3BucketPolicyException",
                 "Incorrect S3 bucket policy is detected for bucket: " + trail.s3_bucket);
  }
  return {};
}

Status CloudTrailService::CheckLogs(const Trail& trail) {
  if (trail.cwl_group_arn.empty() && trail.cwl_role_arn.empty()) return {};
  if (trail.cwl_group_arn.empty() || !ValidLogGroupArn(trail.cwl_group_arn, account_id_)) {
    return Error("InvalidCloudWatchLogsLogGroupArnException",
                 "CloudWatch Logs log group ARN is invalid or missing.");
  }
  if (trail.cwl_role_arn.empty() || !ValidRoleArn(trail.cwl_role_arn, account_id_)) {
    return Error("InvalidCloudWatchLogsRoleArnException",
                 "CloudWatch Logs role ARN is invalid or missing.");
  }
  auto exists =
      trails_->targets.LogGroupExists(account_id_, trail.LogGroupRegion(), trail.LogGroupName());
  if (!exists) return exists.error();
  if (!*exists) {
    return Error("InvalidCloudWatchLogsLogGroupArnException",
                 "The log group " + trail.LogGroupName() + " does not exist.");
  }
  const AwsError denied = Error("InvalidCloudWatchLogsRoleArnException",
                                "Access denied. Verify in IAM that the role has adequate "
                                "permissions.");
  auto trusts = trails_->targets.RoleTrusts(trail.cwl_role_arn, "cloudtrail.amazonaws.com");
  if (!trusts) return trusts.error();
  if (!*trusts || !**trusts) return denied;
  const std::string stream_arn = "arn:aws:logs:" + trail.LogGroupRegion() + ":" + account_id_ +
                                 ":log-group:" + trail.LogGroupName() +
                                 ":log-stream:" + account_id_ + "_CloudTrail_" + trail.home_region;
  for (const char* action : {"logs:CreateLogStream", "logs:PutLogEvents"}) {
    auto allowed = trails_->targets.RoleAllows(trail.cwl_role_arn, action, stream_arn);
    if (!allowed) return allowed.error();
    if (!*allowed) return denied;
  }
  return {};
}

namespace {

// Applies CreateTrail/UpdateTrail members present in `input` to `trail`.
Status ApplySettings(const Value& input, Trail& trail) {
  if (const Value* v = Present(input, "S3BucketName")) trail.s3_bucket = v->as_string();
  if (const Value* v = Present(input, "S3KeyPrefix")) trail.s3_prefix = v->as_string();
  if (const Value* v = Present(input, "IncludeGlobalServiceEvents"); v && v->is_bool()) {
    trail.include_global_service_events = v->as_bool();
  }
  if (const Value* v = Present(input, "IsMultiRegionTrail"); v && v->is_bool()) {
    trail.multi_region = v->as_bool();
  }
  if (const Value* v = Present(input, "EnableLogFileValidation"); v && v->is_bool()) {
    trail.log_file_validation = v->as_bool();
  }
  if (const Value* v = Present(input, "CloudWatchLogsLogGroupArn")) {
    trail.cwl_group_arn = v->as_string();
  }
  if (const Value* v = Present(input, "CloudWatchLogsRoleArn")) trail.cwl_role_arn = v->as_string();
  if (const Value* v = Present(input, "IsOrganizationTrail"); v && v->is_bool() && v->as_bool()) {
    return Error("OrganizationsNotInUseException",
                 "This account is not a member of an organization; organization trails are not "
                 "supported by trailwatch.");
  }
  if (const Value* v = Present(input, "KmsKeyId"); v && !v->as_string().empty()) {
    return Error("KmsKeyNotFoundException",
                 "KMS key " + v->as_string() +
                     " does not exist (trailwatch has no KMS; log files use SSE-S3).");
  }
  if (const Value* v = Present(input, "SnsTopicName"); v && !v->as_string().empty()) {
    return Error("UnsupportedOperationException",
                 "trailwatch does not support SNS notifications for trail log file delivery "
                 "(SnsTopicName).");
  }
  if (!trail.include_global_service_events && trail.multi_region) {
    return Error("InvalidParameterCombinationException",
                 "Multi-Region trail must include global service events.");
  }
  return CheckPrefix(trail.s3_prefix);
}

}  // namespace

Result<Value> CloudTrailService::CreateTrail(RequestContext& context, const Value& input) {
  Trail trail;
  trail.account_id = account_id_;
  trail.home_region = Region(context);
  trail.name = std::string(input.GetString("Name"));
  if (std::string problem = TrailNameProblem(trail.name); !problem.empty()) {
    return Error("InvalidTrailNameException", problem);
  }
  trail.created_millis = EpochMillis(context.clock.Now());
  trail.logging = false;  // CreateTrail through the API does not start logging
  if (Status st = ApplySettings(input, trail); !st) return st.error();
  if (trail.s3_bucket.empty()) {
    return Error("InvalidS3BucketNameException", "S3 bucket name must not be empty.");
  }
  if (trails_->registry.Find(account_id_, trail.home_region, trail.name)) {
    return Error("TrailAlreadyExistsException",
                 "Trail " + trail.name + " already exists for customer: " + account_id_);
  }
  if (Status st = CheckBucket(trail); !st) return st.error();
  if (Status st = CheckLogs(trail); !st) return st.error();
  if (const Value* tags = Present(input, "TagsList"); tags && tags->is_list()) {
    if (tags->as_list().size() > kMaxTags) {
      return Error("TagsLimitExceededException", "The number of tags exceeds the limit of 50.");
    }
    for (const Value& tag : tags->as_list()) {
      trail.tags.emplace_back(std::string(tag.GetString("Key")),
                              std::string(tag.GetString("Value")));
    }
  }
  auto inserted = trails_->registry.Insert(trail);
  if (!inserted) return inserted.error();
  if (!*inserted) {
    return Error("TrailAlreadyExistsException",
                 "Trail " + trail.name + " already exists for customer: " + account_id_);
  }
  return TrailValue(trail, /*full=*/false);
}

Result<Value> CloudTrailService::UpdateTrail(RequestContext& context, const Value& input) {
  auto found = FindTrail(context, input.GetString("Name"), /*home_region_only=*/true);
  if (!found) return found.error();
  Trail trail = **found;
  const Trail before = trail;
  if (Status st = ApplySettings(input, trail); !st) return st.error();
  if (trail.s3_bucket != before.s3_bucket || trail.s3_prefix != before.s3_prefix) {
    if (Status st = CheckBucket(trail); !st) return st.error();
  }
  if (trail.cwl_group_arn != before.cwl_group_arn || trail.cwl_role_arn != before.cwl_role_arn) {
    if (Status st = CheckLogs(trail); !st) return st.error();
  }
  if (Status st = trails_->registry.Replace(trail); !st) return st.error();
  return TrailValue(trail, /*full=*/false);
}

Result<Value> CloudTrailService::DeleteTrail(RequestContext& context, const Value& input) {
  auto found = FindTrail(context, input.GetString("Name"), /*home_region_only=*/true);
  if (!found) return found.error();
  // What was recorded before the delete is still delivered (the deliverer drops it otherwise).
  recorder_.Flush();
  trails_->deliverer.Flush(/*digests=*/true);
  if (Status st = trails_->registry.Remove(**found); !st) return st.error();
  return Value::MakeStructure();
}

Result<Value> CloudTrailService::GetTrail(RequestContext& context, const Value& input) {
  auto found = FindTrail(context, input.GetString("Name"), /*home_region_only=*/false);
  if (!found) return found.error();
  Value out = Value::MakeStructure();
  out.Set("Trail", TrailValue(**found, /*full=*/true));
  return out;
}

Result<Value> CloudTrailService::DescribeTrails(RequestContext& context, const Value& input) {
  const std::string region = Region(context);
  const bool shadows = GetBool(input, "includeShadowTrails", true);
  std::vector<std::string> names = StringList(input.Find("trailNameList"));
  Value list = Value::MakeList();
  for (const TrailRegistry::TrailPtr& t : *trails_->registry.trails()) {
    if (t->account_id != account_id_) continue;
    const bool here = t->home_region == region;
    if (!here && !(t->multi_region && shadows)) continue;
    if (!names.empty() && std::find(names.begin(), names.end(), t->name) == names.end() &&
        std::find(names.begin(), names.end(), t->Arn()) == names.end()) {
      continue;
    }
    list.Push(TrailValue(*t, /*full=*/true));
  }
  Value out = Value::MakeStructure();
  out.Set("trailList", std::move(list));
  return out;
}

Result<Value> CloudTrailService::ListTrails(RequestContext& context, const Value& input) {
  (void)context;
  (void)input;
  Value list = Value::MakeList();
  for (const TrailRegistry::TrailPtr& t : *trails_->registry.trails()) {
    if (t->account_id != account_id_) continue;
    Value item = Value::MakeStructure();
    item.Set("TrailARN", t->Arn());
    item.Set("Name", t->name);
    item.Set("HomeRegion", t->home_region);
    list.Push(std::move(item));
  }
  Value out = Value::MakeStructure();
  out.Set("Trails", std::move(list));
  return out;
}

Result<Value> CloudTrailService::GetTrailStatus(RequestContext& context, const Value& input) {
  auto found = FindTrail(context, input.GetString("Name"), /*home_region_only=*/false);
  if (!found) return found.error();
  const Trail& t = **found;
  TrailState s = trails_->registry.State(TrailRegistry::KeyOf(t));
  Value out = Value::MakeStructure();
  out.Set("IsLogging", t.logging);
  auto set_time = [&](const char* name, const std::optional<std::int64_t>& v) {
    if (v) out.Set(name, Timestamp{*v});
  };
  auto set_text = [&](const char* name, const std::optional<std::int64_t>& v) {
    if (v) out.Set(name, FormatIso8601(*v, false));
  };
  auto set_error = [&](const char* name, const std::string& v) {
    if (!v.empty()) out.Set(name, v);
  };
  set_error("LatestDeliveryError", s.latest_delivery_error);
  set_time("LatestDeliveryTime", s.latest_delivery_millis);
  set_time("StartLoggingTime", t.start_logging_millis);
  set_time("StopLoggingTime", t.stop_logging_millis);
  set_error("LatestCloudWatchLogsDeliveryError", s.latest_cwl_error);
  set_time("LatestCloudWatchLogsDeliveryTime", s.latest_cwl_delivery_millis);
  set_time("LatestDigestDeliveryTime", s.latest_digest_millis);
  set_error("LatestDigestDeliveryError", s.latest_digest_error);
  set_text("LatestDeliveryAttemptTime", s.latest_delivery_attempt_millis);
  if (s.latest_delivery_attempt_millis) {
    out.Set("LatestDeliveryAttemptSucceeded",
            s.latest_delivery_error.empty()
                ? FormatIso8601(*s.latest_delivery_attempt_millis, false)
                : std::string());
  }
  set_text("TimeLoggingStarted", t.start_logging_millis);
  set_text("TimeLoggingStopped", t.stop_logging_millis);
  return out;
}

Result<Value> CloudTrailService::StartLogging(RequestContext& context, const Value& input) {
  auto found = FindTrail(context, input.GetString("Name"), /*home_region_only=*/true);
  if (!found) return found.error();
  Trail trail = **found;
  if (!trail.logging) {
    trail.logging = true;
    trail.start_logging_millis = EpochMillis(context.clock.Now());
    if (Status st = trails_->registry.Replace(trail); !st) return st.error();
    // Logging restarted: the next digest of each Region starts a new chain (previousDigest*
    // null), as AWS's first digest after logging is turned on does.
    trails_->registry.UpdateState(TrailRegistry::KeyOf(trail),
                                  [](TrailState& s) { s.chains.clear(); });
  }
  return Value::MakeStructure();
}

Result<Value> CloudTrailService::StopLogging(RequestContext& context, const Value& input) {
  auto found = FindTrail(context, input.GetString("Name"), /*home_region_only=*/true);
  if (!found) return found.error();
  Trail trail = **found;
  if (trail.logging) {
    trail.logging = false;
    trail.stop_logging_millis = EpochMillis(context.clock.Now());
    if (Status st = trails_->registry.Replace(trail); !st) return st.error();
  }
  return Value::MakeStructure();
}

Result<Value> CloudTrailService::PutEventSelectors(RequestContext& context, const Value& input) {
  const Value* basic = Present(input, "EventSelectors");
  const Value* advanced = Present(input, "AdvancedEventSelectors");
  if ((basic != nullptr) == (advanced != nullptr)) {
    return Error("InvalidParameterCombinationException",
                 basic ? "You cannot specify both EventSelectors and AdvancedEventSelectors."
                       : "You must specify either EventSelectors or AdvancedEventSelectors.");
  }
  auto found = FindTrail(context, input.GetString("TrailName"), /*home_region_only=*/true);
  if (!found) return found.error();
  Trail trail = **found;
  Value out = Value::MakeStructure();
  out.Set("TrailARN", trail.Arn());
  if (basic) {
    auto parsed = ParseEventSelectors(*basic);
    if (!parsed) return parsed.error();
    trail.event_selectors = std::move(parsed).value();
    trail.advanced_selectors.reset();
    out.Set("EventSelectors", EventSelectorsValue(trail.event_selectors));
  } else {
    auto parsed = ParseAdvancedSelectors(*advanced);
    if (!parsed) return parsed.error();
    trail.advanced_selectors = std::move(parsed).value();
    trail.event_selectors.clear();
    out.Set("AdvancedEventSelectors", AdvancedSelectorsValue(*trail.advanced_selectors));
  }
  trail.custom_selectors = true;
  if (Status st = trails_->registry.Replace(trail); !st) return st.error();
  return out;
}

Result<Value> CloudTrailService::GetEventSelectors(RequestContext& context, const Value& input) {
  auto found = FindTrail(context, input.GetString("TrailName"), /*home_region_only=*/false);
  if (!found) return found.error();
  const Trail& t = **found;
  Value out = Value::MakeStructure();
  out.Set("TrailARN", t.Arn());
  if (t.advanced_selectors) {
    out.Set("AdvancedEventSelectors", AdvancedSelectorsValue(*t.advanced_selectors));
  } else {
    out.Set("EventSelectors", EventSelectorsValue(t.event_selectors));
  }
  return out;
}

Result<Value> CloudTrailService::PutInsightSelectors(RequestContext& context, const Value& input) {
  if (Present(input, "EventDataStore") || Present(input, "InsightsDestination")) {
    return Error("UnsupportedOperationException",
                 "trailwatch does not support CloudTrail Lake event data stores.");
  }
  auto found = FindTrail(context, input.GetString("TrailName"), /*home_region_only=*/true);
  if (!found) return found.error();
  Trail trail = **found;
  std::vector<std::string> types;
  Value selectors = Value::MakeList();
  if (const Value* list = Present(input, "InsightSelectors"); list && list->is_list()) {
    for (const Value& item : list->as_list()) {
      std::string type(item.GetString("InsightType"));
      if (type != "ApiCallRateInsight" && type != "ApiErrorRateInsight") {
        return Error("InvalidInsightSelectorsException", "Insight type " + type + " is not valid.");
      }
      if (std::find(types.begin(), types.end(), type) != types.end()) continue;
      types.push_back(type);
      Value selector = Value::MakeStructure();
      selector.Set("InsightType", type);
      selectors.Push(std::move(selector));
    }
  }
  trail.insight_types = types;
  if (Status st = trails_->registry.Replace(trail); !st) return st.error();
  Value out = Value::MakeStructure();
  out.Set("TrailARN", trail.Arn());
  out.Set("InsightSelectors", std::move(selectors));
  return out;
}

Result<Value> CloudTrailService::GetInsightSelectors(RequestContext& context, const Value& input) {
  auto found = FindTrail(context, input.GetString("TrailName"), /*home_region_only=*/false);
  if (!found) return found.error();
  const Trail& t = **found;
  if (t.insight_types.empty()) {
    return Error("InsightNotEnabledException",
                 "Trail " + t.name + " does not have Insights enabled.");
  }
  Value selectors = Value::MakeList();
  for (const std::string& type : t.insight_types) {
    Value selector = Value::MakeStructure();
    selector.Set("InsightType", type);
    selectors.Push(std::move(selector));
  }
  Value out = Value::MakeStructure();
  out.Set("TrailARN", t.Arn());
  out.Set("InsightSelectors", std::move(selectors));
  return out;
}

// The tag operations name a trail by ARN only, and answer a missing one as a missing resource.
Result<TrailRegistry::TrailPtr> CloudTrailService::FindTaggedTrail(RequestContext& context,
                                                                   const std::string& arn) {
  if (!arn.starts_with("arn:")) {
    return Error("CloudTrailARNInvalidException", "ARN " + arn + " is not valid.");
  }
  auto found = FindTrail(context, arn, /*home_region_only=*/false);
  if (!found && found.error().code == "TrailNotFoundException") {
    return Error("ResourceNotFoundException", "Resource not found: " + arn);
  }
  return found;
}

Result<Value> CloudTrailService::AddTags(RequestContext& context, const Value& input) {
  std::string arn(input.GetString("ResourceId"));
  auto found = FindTaggedTrail(context, arn);
  if (!found) return found.error();
  Trail trail = **found;
  if (const Value* tags = Present(input, "TagsList"); tags && tags->is_list()) {
    for (const Value& tag : tags->as_list()) {
      std::string key(tag.GetString("Key"));
      std::string value(tag.GetString("Value"));
      auto it = std::find_if(trail.tags.begin(), trail.tags.end(),
                             [&](const auto& kv) { return kv.first == key; });
      if (it != trail.tags.end()) {
        it->second = value;
      } else {
        trail.tags.emplace_back(key, value);
      }
    }
  }
  if (trail.tags.size() > kMaxTags) {
    return Error("TagsLimitExceededException",
                 "The number of tags on the resource exceeds the limit of 50.");
  }
  if (Status st = trails_->registry.Replace(trail); !st) return st.error();
  return Value::MakeStructure();
}

Result<Value> CloudTrailService::RemoveTags(RequestContext& context, const Value& input) {
  std::string arn(input.GetString("ResourceId"));
  auto found = FindTaggedTrail(context, arn);
  if (!found) return found.error();
  Trail trail = **found;
  if (const Value* tags = Present(input, "TagsList"); tags && tags->is_list()) {
    for (const Value& tag : tags->as_list()) {
      std::string key(tag.GetString("Key"));
      const Value* value = Present(tag, "Value");
      std::erase_if(trail.tags, [&](const auto& kv) {
        return kv.first == key && (!value || kv.second == value->as_string());
      });
    }
  }
  if (Status st = trails_->registry.Replace(trail); !st) return st.error();
  return Value::MakeStructure();
}

Result<Value> CloudTrailService::ListTags(RequestContext& context, const Value& input) {
  Value list = Value::MakeList();
  for (const std::string& arn : StringList(input.Find("ResourceIdList"))) {
    auto found = FindTaggedTrail(context, arn);
    if (!found) return found.error();
    Value tags = Value::MakeList();
    for (const auto& [k, v] : (*found)->tags) {
      Value tag = Value::MakeStructure();
      tag.Set("Key", k);
      tag.Set("Value", v);
      tags.Push(std::move(tag));
    }
    Value item = Value::MakeStructure();
    item.Set("ResourceId", arn);
    item.Set("TagsList", std::move(tags));
    list.Push(std::move(item));
  }
  Value out = Value::MakeStructure();
  out.Set("ResourceTagList", std::move(list));
  return out;
}

Result<Value> CloudTrailService::ListPublicKeys(RequestContext& context, const Value& input) {
  const std::int64_t now = EpochMillis(context.clock.Now());
  std::int64_t start = now;
  std::int64_t end = now;
  if (const Value* v = Present(input, "StartTime"); v && v->is_timestamp()) {
    start = v->as_timestamp().epoch_millis;
  }
  if (const Value* v = Present(input, "EndTime"); v && v->is_timestamp()) {
    end = v->as_timestamp().epoch_millis;
  }
  if (start > end) {
    return Error("InvalidTimeRangeException",
                 "Occurs if the timestamp values are not valid. Either the start time occurs "
                 "after the end time, or the time range is outside the range of possible "
                 "values.");
  }
  auto keys = trails_->keys.List(Region(context), start, end, now);
  if (!keys) return keys.error();
  Value list = Value::MakeList();
  for (const PublicKeyInfo& key : *keys) {
    Value item = Value::MakeStructure();
    // The DER key itself (base64 on the wire). The AWS CLI leaves blobs base64-encoded in
    // responses, and validate-logs decodes that text to load the key.
    item.Set("Value", Blob{key.der});
    item.Set("ValidityStartTime", Timestamp{key.valid_from_millis});
    item.Set("ValidityEndTime", Timestamp{key.valid_to_millis});
    item.Set("Fingerprint", key.fingerprint);
    list.Push(std::move(item));
  }
  Value out = Value::MakeStructure();
  out.Set("PublicKeyList", std::move(list));
  return out;
}

}  // namespace tw::services::cloudtrail
