// SPDX-License-Identifier: Apache-2.0
#include "cli/cis.h"

#include <algorithm>
#include <map>
#include <optional>
#include <pugixml.hpp>

#include "cli/trailwatch_api.h"
#include "common/time_format.h"

namespace tw::cli {
namespace json = boost::json;

namespace {

// Written from shared/reference/cis-metric-filters.md §4, one pattern per item in the benchmark's
// v2.0.0–v5.0.0 text: 4.1 as parsed A || (B && C && D); 4.10 with ModifySecurityGroupRules
// (v5.0.0); 4.15 without v6.0.0's unbalanced-quote typo.
constexpr CisItem kItems[] = {
    {"4.1", "CIS-4.1-UnauthorizedAPICalls", "Ensure unauthorized API calls are monitored",
     R"({ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") })"},
    {"4.2", "CIS-4.2-ConsoleSigninWithoutMFA",
     "Ensure management console sign-in without MFA is monitored",
     R"({ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") })"},
    {"4.3", "CIS-4.3-RootAccountUsage", "Ensure usage of the 'root' account is monitored",
     R"({ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" })"},
    {"4.4", "CIS-4.4-IAMPolicyChanges", "Ensure IAM policy changes are monitored",
     R"({($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)})"},
    {"4.5", "CIS-4.5-CloudTrailChanges", "Ensure CloudTrail configuration changes are monitored",
     R"({ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) })"},
    {"4.6", "CIS-4.6-ConsoleAuthenticationFailure",
     "Ensure AWS Management Console authentication failures are monitored",
     R"({ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") })"},
    {"4.7", "CIS-4.7-DisableOrDeleteCMK",
     "Ensure disabling or scheduled deletion of customer created CMKs is monitored",
     R"({($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) })"},
    {"4.8", "CIS-4.8-S3BucketPolicyChanges", "Ensure S3 bucket policy changes are monitored",
     R"({ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) })"},
    {"4.9", "CIS-4.9-AWSConfigChanges", "Ensure AWS Config configuration changes are monitored",
     R"({ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) })"},
    {"4.10", "CIS-4.10-SecurityGroupChanges", "Ensure security group changes are monitored",
     R"({ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) })"},
    {"4.11", "CIS-4.11-NetworkACLChanges",
     "Ensure Network Access Control Lists (NACL) changes are monitored",
     R"({ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) })"},
    {"4.12", "CIS-4.12-NetworkGatewayChanges", "Ensure changes to network gateways are monitored", R"({ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) })"},
    {"4.13", "CIS-4.13-RouteTableChanges", "Ensure route table changes are monitored",
     R"({ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) })"},
    {"4.14", "CIS-4.14-VPCChanges", "Ensure VPC changes are monitored",
     R"({ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) })"},
    {"4.15",
     "CIS-4.15-OrganizationsChanges", "Ensure AWS Organizations changes are monitored", R"({ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) })"},
};

struct ExistingFilter {
  std::string pattern;
  std::string metric_name;
  std::string metric_namespace;
  std::string metric_value;
  bool has_default = false;
  bool has_dimensions = false;
};

struct ExistingAlarm {
  std::map<std::string, std::string> fields;  // top-level text members
  std::vector<std::string> alarm_actions;
  std::vector<std::string> ok_actions;
  std::vector<std::string> insufficient_actions;
  bool has_dimensions = false;
};

std::string Text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<std::map<std::string, ExistingFilter>> DescribeFilters(AwsClient& client,
                                                              const std::string& group) {
  std::map<std::string, ExistingFilter> out;
  std::string token;
  do {
    json::object body;
    body["logGroupName"] = group;
    body["filterNamePrefix"] = "CIS-";
    if (!token.empty()) body["nextToken"] = token;
    auto answer = CallLogs(client, "DescribeMetricFilters", body);
    if (!answer) return std::move(answer).error();
    if (auto* list = answer->if_contains("metricFilters"); list && list->is_array()) {
      for (const json::value& v : list->as_array()) {
        if (!v.is_object()) continue;
        const json::object& f = v.as_object();
        ExistingFilter e;
        e.pattern = Text(f, "filterPattern");
        if (auto* ts = f.if_contains("metricTransformations"); ts && ts->is_array()) {
          if (ts->as_array().size() == 1 && ts->as_array()[0].is_object()) {
            const json::object& t = ts->as_array()[0].as_object();
            e.metric_name = Text(t, "metricName");
            e.metric_namespace = Text(t, "metricNamespace");
            e.metric_value = Text(t, "metricValue");
            e.has_default = t.contains("defaultValue");
            auto* dims = t.if_contains("dimensions");
            e.has_dimensions = dims && dims->is_object() && !dims->as_object().empty();
          } else {
            e.has_dimensions = true;  // not our shape: rewrite it
          }
        }
        out[Text(f, "filterName")] = std::move(e);
      }
    }
    token = Text(*answer, "nextToken");
  } while (!token.empty());
  return out;
}

Result<std::map<std::string, ExistingAlarm>> DescribeCisAlarms(AwsClient& client) {
  std::map<std::string, ExistingAlarm> out;
  std::string token;
  do {
    std::vector<std::pair<std::string, std::string>> params = {{"AlarmNamePrefix", "CIS-"},
                                                               {"MaxRecords", "100"}};
    if (!token.empty()) params.emplace_back("NextToken", token);
    auto answer = client.CallQuery("monitoring", kCloudWatchVersion, "DescribeAlarms", params);
    if (!answer) return std::move(answer).error();
    pugi::xml_document doc;
    if (!doc.load_string(answer->c_str())) {
      return AwsError::Make("RequestError", 0, "DescribeAlarms: the answer is not XML");
    }
    pugi::xml_node result = doc.first_child().child("DescribeAlarmsResult");
    for (pugi::xml_node member : result.child("MetricAlarms").children("member")) {
      ExistingAlarm alarm;
      for (pugi::xml_node field : member.children()) {
        if (field.first_child().type() == pugi::node_pcdata || !field.first_child()) {
          alarm.fields[field.name()] = field.text().get();
        }
      }
      for (pugi::xml_node a : member.child("AlarmActions").children("member")) {
        alarm.alarm_actions.emplace_back(a.text().get());
      }
      for (pugi::xml_node a : member.child("OKActions").children("member")) {
        alarm.ok_actions.emplace_back(a.text().get());
      }
      for (pugi::xml_node a : member.child("InsufficientDataActions").children("member")) {
        alarm.insufficient_actions.emplace_back(a.text().get());
      }
      alarm.has_dimensions =
          member.child("Dimensions").child("member") || member.child("Metrics").child("member");
      out[alarm.fields["AlarmName"]] = std::move(alarm);
    }
    token = result.child("NextToken").text().get();
  } while (!token.empty());
  return out;
}

bool SameNumber(const std::string& text, double expected) {
  try {
    return std::stod(text) == expected;
  } catch (...) {
    return false;
  }
}

std::string AlarmDescription(const CisItem& item) {
  return "CIS AWS Foundations Benchmark " + std::string(item.number) + ": " +
         std::string(item.title);
}

bool AlarmMatches(const ExistingAlarm& a, const CisItem& item, const CisOptions& options) {
  auto field = [&](const char* name) {
    auto it = a.fields.find(name);
    return it == a.fields.end() ? std::string() : it->second;
  };
  return field("MetricName") == CisMetricName(item) &&
         field("Namespace") == options.metric_namespace && field("Statistic") == "Sum" &&
         field("ExtendedStatistic").empty() && SameNumber(field("Period"), kCisPeriodSeconds) &&
         SameNumber(field("Threshold"), kCisThreshold) &&
         field("ComparisonOperator") == "GreaterThanOrEqualToThreshold" &&
         SameNumber(field("EvaluationPeriods"), kCisEvaluationPeriods) &&
         field("DatapointsToAlarm").empty() &&
         (field("TreatMissingData").empty() || field("TreatMissingData") == "missing") &&
         field("ActionsEnabled") != "false" &&
         field("AlarmDescription") == AlarmDescription(item) &&
         a.alarm_actions == std::vector<std::string>{options.topic_arn} && a.ok_actions.empty() &&
         a.insufficient_actions.empty() && !a.has_dimensions;
}

std::string Pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

std::span<const CisItem> CisItems() { return kItems; }

std::string CisFilterName(const CisItem& item) { return std::string(item.base_name) + "_metric"; }
std::string CisMetricName(const CisItem& item) { return std::string(item.base_name) + "_metric"; }
std::string CisAlarmName(const CisItem& item) { return std::string(item.base_name) + "_alarm"; }

int RunCisEnable(AwsClient& client, const CisOptions& options, std::ostream& out,
                 std::ostream& err) {
  auto fail = [&](const AwsError& e, const std::string& doing) {
    err << "cis enable: " << doing << " failed: " << e.code << ": " << e.message << "\n";
    return 1;
  };
  auto filters = DescribeFilters(client, options.log_group);
  if (!filters) return fail(filters.error(), "DescribeMetricFilters on " + options.log_group);
  auto alarms = DescribeCisAlarms(client);
  if (!alarms) return fail(alarms.error(), "DescribeAlarms");

  struct Row {
    const CisItem* item;
    std::string filter_status;
    std::string alarm_status;
  };
  std::vector<Row> rows;
  std::vector<std::string> created_filters;
  std::vector<std::string> created_alarms;
  for (const CisItem& item : CisItems()) {
    Row row{&item, "unchanged", "unchanged"};
    auto f = filters->find(CisFilterName(item));
    const bool filter_ok = f != filters->end() && f->second.pattern == item.pattern &&
                           f->second.metric_name == CisMetricName(item) &&
                           f->second.metric_namespace == options.metric_namespace &&
                           f->second.metric_value == "1" && !f->second.has_default &&
                           !f->second.has_dimensions;
    if (!filter_ok) {
      json::object transformation;
      transformation["metricName"] = CisMetricName(item);
      transformation["metricNamespace"] = options.metric_namespace;
      transformation["metricValue"] = "1";
      json::object body;
      body["logGroupName"] = options.log_group;
      body["filterName"] = CisFilterName(item);
      body["filterPattern"] = item.pattern;
      body["metricTransformations"] = json::array{transformation};
      auto put = CallLogs(client, "PutMetricFilter", body);
      if (!put) return fail(put.error(), "PutMetricFilter " + CisFilterName(item));
      row.filter_status = f == filters->end() ? "created" : "updated";
      if (f == filters->end()) created_filters.push_back(CisFilterName(item));
    }
    auto a = alarms->find(CisAlarmName(item));
    if (a == alarms->end() || !AlarmMatches(a->second, item, options)) {
      std::vector<std::pair<std::string, std::string>> params = {
          {"AlarmName", CisAlarmName(item)},
          {"AlarmDescription", AlarmDescription(item)},
          {"MetricName", CisMetricName(item)},
          {"Namespace", options.metric_namespace},
          {"Statistic", "Sum"},
          {"Period", std::to_string(kCisPeriodSeconds)},
          {"Threshold", "1"},
          {"ComparisonOperator", "GreaterThanOrEqualToThreshold"},
          {"EvaluationPeriods", std::to_string(kCisEvaluationPeriods)},
          {"ActionsEnabled", "true"},
          {"AlarmActions.member.1", options.topic_arn}};
      auto put = client.CallQuery("monitoring", kCloudWatchVersion, "PutMetricAlarm", params);
      if (!put) return fail(put.error(), "PutMetricAlarm " + CisAlarmName(item));
      row.alarm_status = a == alarms->end() ? "created" : "updated";
      if (a == alarms->end()) created_alarms.push_back(CisAlarmName(item));
    }
    rows.push_back(std::move(row));
  }

  std::size_t w_filter = 6, w_alarm = 5;
  for (const Row& r : rows) {
    w_filter = std::max(w_filter, CisFilterName(*r.item).size());
    w_alarm = std::max(w_alarm, CisAlarmName(*r.item).size());
  }
  // The metric is named like its filter, so one column shows both.
  out << Pad("CIS", 5) << "  " << Pad("FILTER = METRIC", w_filter) << "  " << Pad("ALARM", w_alarm)
      << "  FILTER     ALARM\n";
  int created = 0, updated = 0, unchanged = 0;
  for (const Row& r : rows) {
    out << Pad(std::string(r.item->number), 5) << "  " << Pad(CisFilterName(*r.item), w_filter)
        << "  " << Pad(CisAlarmName(*r.item), w_alarm) << "  " << Pad(r.filter_status, 9) << "  "
        << r.alarm_status << "\n";
    for (const std::string* s : {&r.filter_status, &r.alarm_status}) {
      if (*s == "created") ++created;
      if (*s == "updated") ++updated;
      if (*s == "unchanged") ++unchanged;
    }
  }
  out << "Log group " << options.log_group << ", namespace " << options.metric_namespace
      << ", alarm action " << options.topic_arn << "\n";
  if (created == 0 && updated == 0) {
    out << "Nothing changed: all " << rows.size()
        << " CIS metric filters and alarms already exist as specified.\n";
    return 0;
  }
  out << created << " created, " << updated << " updated, " << unchanged << " unchanged.\n";

  if (!options.backfill || created_filters.empty()) return 0;
  // The new filters see the events the group already holds (AWS would start from the next event).
  json::object body;
  body["logGroupName"] = options.log_group;
  json::array names;
  for (const auto& n : created_filters) names.emplace_back(n);
  body["filterNames"] = std::move(names);
  auto backfill = CallTrailwatch(client, "BackfillMetricFilters", body);
  if (!backfill) return fail(backfill.error(), "BackfillMetricFilters");
  const json::value* points = backfill->if_contains("metricDatapoints");
  const std::int64_t datapoints = points && points->is_int64() ? points->as_int64() : 0;
  const json::value* scanned = backfill->if_contains("eventsScanned");
  out << "Backfill: the " << created_filters.size() << " new filters ran over "
      << (scanned && scanned->is_int64() ? scanned->as_int64() : 0)
      << " events already in the log group: " << datapoints << " datapoints.\n";
  if (datapoints == 0) return 0;
  const std::int64_t first = MillisOf(backfill->if_contains("firstDatapointTime"));
  const std::int64_t last = MillisOf(backfill->if_contains("lastDatapointTime"));
  std::vector<std::string> replay_names;
  for (const CisItem& item : CisItems()) {
    if (std::find(created_filters.begin(), created_filters.end(), CisFilterName(item)) !=
        created_filters.end()) {
      replay_names.push_back(CisAlarmName(item));
    }
  }
  auto replay = ReplayAlarms(client, first, last, replay_names);
  if (!replay) return fail(replay.error(), "ReplayAlarms");
  out << "Alarms replayed over " << FormatIso8601(first, false) << " .. "
      << FormatIso8601(last, false) << ": " << replay->transitions.size()
      << " state changes recorded in alarm history (no notifications sent)\n";
  for (const std::string& line : DescribeTransitions(*replay)) out << "  " << line << "\n";
  return 0;
}

}  // namespace tw::cli
