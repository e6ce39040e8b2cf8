// SPDX-License-Identifier: Apache-2.0
// The table registry, shared helpers, and the small tables: STS, CloudTrail, CloudWatch, SNS.
#include "server/authz_table.h"

#include <algorithm>

namespace tw::server {

std::string InputString(const protocol::Value& input, std::string_view member) {
  if (!input.is_object()) return std::string();
  return std::string(input.GetString(member));
}

void AddRequestTags(const protocol::Value* tags, iam::policy::ContextKeys& context) {
  if (!tags) return;
  std::vector<std::string> keys;
  if (tags->is_list()) {
    for (const auto& tag : tags->as_list()) {
      if (!tag.is_object()) continue;
      std::string key(tag.GetString("Key"));
      context.Set("aws:RequestTag/" + key, std::string(tag.GetString("Value")));
      keys.push_back(std::move(key));
    }
  } else if (tags->is_object()) {
    for (const auto& [key, value] : tags->entries()) {
      context.Set("aws:RequestTag/" + key, value.is_string() ? value.as_string() : std::string());
      keys.push_back(key);
    }
  }
  if (!keys.empty()) context.SetMulti("aws:TagKeys", std::move(keys));
}

void AddTagKeys(const protocol::Value* keys, iam::policy::ContextKeys& context) {
  if (!keys || !keys->is_list()) return;
  std::vector<std::string> values;
  for (const auto& key : keys->as_list()) {
    if (key.is_string()) values.push_back(key.as_string());
  }
  if (!values.empty()) context.SetMulti("aws:TagKeys", std::move(values));
}

namespace {

AuthzCheck Check(std::string action, std::string resource) {
  AuthzCheck check;
  check.action = std::move(action);
  check.resource = std::move(resource);
  return check;
}

// STS (https://docs.aws.amazon.com/STS/latest/APIReference/): AssumeRole's resource is the role,
// and the role's trust policy must itself allow. GetCallerIdentity and GetSessionToken need no
// permission (the authorizer exempts them before describing).
std::vector<AuthzCheck> DescribeSts(std::string_view operation, const AuthzInput& in) {
  AuthzCheck check = Check("sts:" + std::string(operation), "*");
  if (operation == "AssumeRole" || operation == "AssumeRoleWithWebIdentity" ||
      operation == "AssumeRoleWithSAML") {
    check.resource = InputString(in.input, "RoleArn");
    if (operation == "AssumeRole") {
      // The role name is the last path segment of the ARN.
      const std::string& arn = check.resource;
      check.trust_role = arn.substr(arn.find_last_of('/') + 1);
      AddRequestTags(in.input.is_object() ? in.input.Find("Tags") : nullptr, check.context);
    }
  } else if (operation == "GetFederationToken") {
    check.resource = "arn:aws:sts::" + std::string(in.account_id) + ":federated-user/" +
                     InputString(in.input, "Name");
  }
  return {std::move(check)};
}

// CloudTrail: trail operations name the trail (Name, TrailName, or the ResourceId(List) of the
// tag operations); LookupEvents, ListTrails, DescribeTrails and ListPublicKeys have no
// resource-level permissions.
std::vector<AuthzCheck> DescribeCloudTrail(std::string_view operation, const AuthzInput& in) {
  const std::string action = "cloudtrail:" + std::string(operation);
  auto trail_arn = [&](const std::string& name) {
    return name.starts_with("arn:") ? name
                                    : "arn:aws:cloudtrail:" + std::string(in.region) + ":" +
                                          std::string(in.account_id) + ":trail/" + name;
  };
  if (operation == "ListTags") {
    std::vector<AuthzCheck> checks;
    const protocol::Value* ids = in.input.is_object() ? in.input.Find("ResourceIdList") : nullptr;
    if (ids && ids->is_list()) {
      for (const auto& id : ids->as_list()) {
        if (id.is_string()) checks.push_back(Check(action, trail_arn(id.as_string())));
      }
    }
    if (checks.empty()) checks.push_back(Check(action, "*"));
    return checks;
  }
  std::string name = InputString(in.input, "Name");
  if (name.empty()) name = InputString(in.input, "TrailName");
  if (name.empty()) name = InputString(in.input, "ResourceId");
  std::string resource = "*";
  if (!name.empty() && operation != "LookupEvents") resource = trail_arn(name);
  return {Check(action, resource)};
}

// CloudWatch: only the alarm operations have resource-level permissions (alarm ARNs);
// everything else is "*" (Service Authorization Reference, Amazon CloudWatch).
std::vector<AuthzCheck> DescribeCloudWatch(std::string_view operation, const AuthzInput& in) {
  std::string prefix =
      "arn:aws:cloudwatch:" + std::string(in.region) + ":" + std::string(in.account_id) + ":alarm:";
  std::vector<AuthzCheck> checks;
  std::string action = "cloudwatch:" + std::string(operation);
  if (std::string alarm = InputString(in.input, "AlarmName"); !alarm.empty()) {
    checks.push_back(Check(action, prefix + alarm));
  } else if (const protocol::Value* names =
                 in.input.is_object() ? in.input.Find("AlarmNames") : nullptr;
             names && names->is_list() && !names->as_list().empty()) {
    for (const auto& n : names->as_list()) {
      if (n.is_string()) checks.push_back(Check(action, prefix + n.as_string()));
    }
  } else if (std::string arn = InputString(in.input, "ResourceARN"); !arn.empty()) {
    checks.push_back(Check(action, arn));
  }
  if (checks.empty()) checks.push_back(Check(action, "*"));
  if (operation == "PutMetricAlarm" || operation == "PutCompositeAlarm" ||
      operation == "TagResource") {
    AddRequestTags(in.input.Find("Tags"), checks.front().context);
  }
  return checks;
}

// SNS: topic ARNs (CreateTopic's is built from the name), "*" for the listings.
std::vector<AuthzCheck> DescribeSns(std::string_view operation, const AuthzInput& in) {
  std::string resource = InputString(in.input, "TopicArn");
  if (resource.empty()) resource = InputString(in.input, "ResourceArn");
  if (resource.empty() && operation == "CreateTopic") {
    resource = "arn:aws:sns:" + std::string(in.region) + ":" + std::string(in.account_id) + ":" +
               InputString(in.input, "Name");
  }
  if (resource.empty()) {
    // Subscription operations act on the subscription's topic: its ARN minus the id.
    std::string subscription = InputString(in.input, "SubscriptionArn");
    if (auto colon = subscription.find_last_of(':');
        subscription.starts_with("arn:") && colon != std::string::npos) {
      resource = subscription.substr(0, colon);
    }
  }
  if (resource.empty()) resource = "*";
  AuthzCheck check = Check("sns:" + std::string(operation), std::move(resource));
  if (operation == "CreateTopic" || operation == "TagResource") {
    AddRequestTags(in.input.Find("Tags"), check.context);
  }
  if (operation == "UntagResource") AddTagKeys(in.input.Find("TagKeys"), check.context);
  return {std::move(check)};
}

}  // namespace

const ServiceAuthz& StsAuthz() {
  static const ServiceAuthz kTable{
      "sts",
      {"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",
       "DecodeAuthorizationMessage", "GetAccessKeyInfo", "GetCallerIdentity",
       "GetDelegatedAccessToken", "GetFederationToken", "GetSessionToken", "GetWebIdentityToken"},
      false,
      &DescribeSts};
  return kTable;
}

const ServiceAuthz& CloudTrailAuthz() {
  static const ServiceAuthz kTable{
      "cloudtrail",
      {"LookupEvents", "CreateTrail", "DeleteTrail", "DescribeTrails", "GetTrail", "GetTrailStatus",
       "StartLogging", "StopLogging", "UpdateTrail", "ListTrails", "PutEventSelectors",
       "GetEventSelectors", "PutInsightSelectors", "GetInsightSelectors", "AddTags", "RemoveTags",
       "ListTags", "ListPublicKeys"},
      false,
      &DescribeCloudTrail};
  return kTable;
}

const ServiceAuthz& CloudWatchAuthz() {
  static const ServiceAuthz kTable{"cloudwatch", {}, true, &DescribeCloudWatch};
  return kTable;
}

const ServiceAuthz& SnsAuthz() {
  static const ServiceAuthz kTable{"sns", {}, true, &DescribeSns};
  return kTable;
}

const ServiceAuthz* FindServiceAuthz(std::string_view service) {
  for (const ServiceAuthz* table :
       {&IamAuthz(), &S3Authz(), &LogsAuthz(), &StsAuthz(), &CloudTrailAuthz(), &CloudWatchAuthz(),
        &SnsAuthz(), &TrailwatchAuthz()}) {
    if (table->service == service) return table;
  }
  return nullptr;
}

bool HasAuthzEntry(std::string_view service, std::string_view operation) {
  const ServiceAuthz* table = FindServiceAuthz(service);
  if (!table) return false;
  return table->whole_model || std::find(table->operations.begin(), table->operations.end(),
                                         operation) != table->operations.end();
}

std::vector<AuthzCheck> DescribeCall(std::string_view service, std::string_view operation,
                                     const AuthzInput& in) {
  if (HasAuthzEntry(service, operation)) {
    return FindServiceAuthz(service)->describe(operation, in);
  }
  AuthzCheck check;
  check.action = std::string(service) + ":" + std::string(operation);
  check.resource = "*";
  return {std::move(check)};
}

}  // namespace tw::server
