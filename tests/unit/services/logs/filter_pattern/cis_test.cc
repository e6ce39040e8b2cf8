// SPDX-License-Identifier: Apache-2.0
// Every CIS AWS Foundations Benchmark monitoring pattern (shared/reference/cis-metric-filters.md,
// v1.2.0-v6.0.0 and the Security Hub variants) is compiled and run over the real CloudTrail
// corpus in shared/data/cloudtrail (read at test time) and over synthetic records for every event
// name the patterns list. Each pattern has an independent oracle written directly from the
// benchmark's intent over Boost.JSON, so the engine (simdjson + compiled program) is checked
// against a second parser and a second reading of the rules.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/filter_pattern.h"
#include "unit/services/logs/filter_pattern/test_support.h"

namespace tw::services::logs::filter_pattern {
namespace {

namespace json = boost::json;

// The string at a dotted path, when present and a string.
std::optional<std::string> Str(const json::object& record, std::string_view path) {
  const json::value* current = nullptr;
  const json::object* object = &record;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string_view key = path.substr(start, dot - start);
    if (object == nullptr) return std::nullopt;
    const auto it = object->find(key);
    if (it == object->end()) return std::nullopt;
    current = &it->value();
    if (dot == std::string_view::npos) break;
    object = current->if_object();
    start = dot + 1;
  }
  if (const json::string* s = current->if_string()) return std::string(*s);
  return std::nullopt;
}
bool Has(const json::object& record, std::string_view path) {
  const json::object* object = &record;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const auto it = object->find(path.substr(start, dot - start));
    if (it == object->end()) return false;
    if (dot == std::string_view::npos) return true;
    object = it->value().if_object();
    if (object == nullptr) return false;
    start = dot + 1;
  }
}
bool Eq(const json::object& r, std::string_view path, std::string_view value) {
  const auto s = Str(r, path);
  return s && *s == value;
}
// `!=`: the field must be present (a missing field never compares).
bool Ne(const json::object& r, std::string_view path, std::string_view value) {
  const auto s = Str(r, path);
  return s && *s != value;
}
bool NameIn(const json::object& r, std::initializer_list<std::string_view> names) {
  const auto s = Str(r, "eventName");
  if (!s) return false;
  for (std::string_view name : names) {
    if (*s == name) return true;
  }
  return false;
}
bool Unauthorized(const json::object& r) {
  const auto code = Str(r, "errorCode");
  if (!code) return false;
  const std::string_view suffix = "UnauthorizedOperation";
  return code->size() >= suffix.size() &&
         code->compare(code->size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool AccessDenied(const json::object& r) {
  const auto code = Str(r, "errorCode");
  return code && code->rfind("AccessDenied", 0) == 0;
}

struct CisCase {
  std::string name;
  std::string pattern;
  std::function<bool(const json::object&)> oracle;
};

const std::vector<CisCase>& CisCases() {
  static const std::vector<CisCase> cases = [] {
    std::vector<CisCase> c;
    c.push_back(
        {"4.1 v1.2 unauthorized",
         R"({ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") })",
         [](const json::object& r) { return Unauthorized(r) || AccessDenied(r); }});
    c.push_back(
        {"4.1 v1.3 unauthorized (all OR)",
         R"({ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") })",
         [](const json::object& r) {
           return Unauthorized(r) || AccessDenied(r) ||
                  Ne(r, "sourceIPAddress", "delivery.logs.amazonaws.com") ||
                  Ne(r, "eventName", "HeadBucket");
         }});
    const auto v2 = [](const json::object& r) {
      return Unauthorized(r) ||
             (AccessDenied(r) && Ne(r, "sourceIPAddress", "delivery.logs.amazonaws.com") &&
              Ne(r, "eventName", "HeadBucket"));
    };
    c.push_back(
        {"4.1 v2-v5 unauthorized",
         R"({ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") })",
         v2});
    c.push_back(
        {"5.1 v6 unauthorized",
         R"({ ($.errorCode="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") })",
         v2});
    c.push_back({"CloudWatch.2",
                 R"({($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")})",
                 [](const json::object& r) { return Unauthorized(r) || AccessDenied(r); }});
    const auto no_mfa = [](const json::object& r) {
      return Eq(r, "eventName", "ConsoleLogin") && Ne(r, "additionalEventData.MFAUsed", "Yes");
    };
    c.push_back(
        {"4.2 no MFA",
         R"({ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") })",
         no_mfa});
    c.push_back({"5.2 v6 no MFA",
                 R"({ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes") })",
                 no_mfa});
    c.push_back(
        {"4.2 no MFA (SSO variant, CloudWatch.3)",
         R"({ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") })",
         [no_mfa](const json::object& r) {
           return no_mfa(r) && Eq(r, "userIdentity.type", "IAMUser") &&
                  Eq(r, "responseElements.ConsoleLogin", "Success");
         }});
    const auto root = [](const json::object& r) {
      return Eq(r, "userIdentity.type", "Root") && !Has(r, "userIdentity.invokedBy") &&
             Ne(r, "eventType", "AwsServiceEvent");
    };
    c.push_back(
        {"4.3 root",
         R"({ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" })",
         root});
    c.push_back(
        {"5.3 v6 root",
         R"({ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent"})",
         root});
    c.push_back(
        {"CloudWatch.1 root",
         R"({$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"})",
         root});
    c.push_back({"4.4 IAM policy",
                 "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName="
                 "DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||("
                 "$.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName="
                 "DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName="
                 "DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName="
                 "DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName="
                 "DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName="
                 "DetachGroupPolicy)}",
                 [](const json::object& r) {
                   return NameIn(
                       r, {"DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy",
                           "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy", "CreatePolicy",
                           "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
                           "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy",
                           "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"});
                 }});
    c.push_back({"4.5 CloudTrail",
                 "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = "
                 "DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
                 [](const json::object& r) {
                   return NameIn(r, {"CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging",
                                     "StopLogging"});
                 }});
    c.push_back(
        {"4.6 console failures",
         R"({ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") })",
         [](const json::object& r) {
           return Eq(r, "eventName", "ConsoleLogin") &&
                  Eq(r, "errorMessage", "Failed authentication");
         }});
    c.push_back({"4.7 KMS",
                 "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName="
                 "ScheduleKeyDeletion)) }",
                 [](const json::object& r) {
                   return Eq(r, "eventSource", "kms.amazonaws.com") &&
                          NameIn(r, {"DisableKey", "ScheduleKeyDeletion"});
                 }});
    c.push_back({"4.8 S3",
                 "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || "
                 "($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName "
                 "= PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = "
                 "DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = "
                 "DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
                 [](const json::object& r) {
                   return Eq(r, "eventSource", "s3.amazonaws.com") &&
                          NameIn(r, {"PutBucketAcl", "PutBucketPolicy", "PutBucketCors",
                                     "PutBucketLifecycle", "PutBucketReplication",
                                     "DeleteBucketPolicy", "DeleteBucketCors",
                                     "DeleteBucketLifecycle", "DeleteBucketReplication"});
                 }});
    c.push_back({"4.9 Config",
                 "{ ($.eventSource = config.amazonaws.com) && (($.eventName="
                 "StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName="
                 "PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }",
                 [](const json::object& r) {
                   return Eq(r, "eventSource", "config.amazonaws.com") &&
                          NameIn(r, {"StopConfigurationRecorder", "DeleteDeliveryChannel",
                                     "PutDeliveryChannel", "PutConfigurationRecorder"});
                 }});
    const char* kSg =
        "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = "
        "AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || "
        "($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || "
        "($.eventName = DeleteSecurityGroup) }";
    c.push_back({"4.10 security groups", kSg, [](const json::object& r) {
                   return NameIn(r,
                                 {"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                                  "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
                                  "CreateSecurityGroup", "DeleteSecurityGroup"});
                 }});
    std::string sg5 = kSg;
    sg5.replace(sg5.size() - 2, 2, " || ($.eventName = ModifySecurityGroupRules) }");
    c.push_back({"4.10 v5 security groups", sg5, [](const json::object& r) {
                   return NameIn(r, {"AuthorizeSecurityGroupIngress",
                                     "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                                     "RevokeSecurityGroupEgress", "CreateSecurityGroup",
                                     "DeleteSecurityGroup", "ModifySecurityGroupRules"});
                 }});
    c.push_back({"4.11 NACL",
                 "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || "
                 "($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || "
                 "($.eventName = ReplaceNetworkAclEntry) || ($.eventName = "
                 "ReplaceNetworkAclAssociation) }",
                 [](const json::object& r) {
                   return NameIn(r, {"CreateNetworkAcl", "CreateNetworkAclEntry",
                                     "DeleteNetworkAcl", "DeleteNetworkAclEntry",
                                     "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"});
                 }});
    c.push_back({"4.12 gateways",
                 "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) "
                 "|| ($.eventName = AttachInternetGateway) || ($.eventName = "
                 "CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName "
                 "= DetachInternetGateway) }",
                 [](const json::object& r) {
                   return NameIn(r, {"CreateCustomerGateway", "DeleteCustomerGateway",
                                     "AttachInternetGateway", "CreateInternetGateway",
                                     "DeleteInternetGateway", "DetachInternetGateway"});
                 }});
    const char* kRoutes =
        "($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = "
        "ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = "
        "DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = "
        "DisassociateRouteTable)";
    const auto routes = [](const json::object& r) {
      return NameIn(
          r, {"CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
              "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"});
    };
    c.push_back({"4.13 routes", std::string("{ ") + kRoutes + " }", routes});
    c.push_back({"4.13 routes (prowler eventSource wrapper)",
                 std::string("{($.eventSource = ec2.amazonaws.com) && (") + kRoutes + ")}",
                 [routes](const json::object& r) {
                   return Eq(r, "eventSource", "ec2.amazonaws.com") && routes(r);
                 }});
    c.push_back({"4.14 VPC",
                 "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = "
                 "ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || "
                 "($.eventName = CreateVpcPeeringConnection) || ($.eventName = "
                 "DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || "
                 "($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || "
                 "($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
                 [](const json::object& r) {
                   return NameIn(r, {"CreateVpc", "DeleteVpc", "ModifyVpcAttribute",
                                     "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
                                     "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                                     "AttachClassicLinkVpc", "DetachClassicLinkVpc",
                                     "DisableVpcClassicLink", "EnableVpcClassicLink"});
                 }});
    c.push_back(
        {"4.15 Organizations",
         R"({ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) })",
         [](const json::object& r) {
           return Eq(r, "eventSource", "organizations.amazonaws.com") &&
                  NameIn(r, {"AcceptHandshake", "AttachPolicy", "CreateAccount",
                             "CreateOrganizationalUnit", "CreatePolicy", "DeclineHandshake",
                             "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy",
                             "DetachPolicy", "DisablePolicyType", "EnablePolicyType",
                             "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
                             "RemoveAccountFromOrganization", "UpdatePolicy",
                             "UpdateOrganizationalUnit"});
         }});
    return c;
  }();
  return cases;
}

std::vector<std::string> LoadCorpus() {
  std::vector<std::string> messages;
  const auto root = testing::SharedDir() / "data/cloudtrail";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".gz") continue;
    json::error_code ec;
    const json::value doc = json::parse(testing::ReadGzip(entry.path()), ec);
    if (ec || !doc.is_object()) continue;
    const auto it = doc.as_object().find("Records");
    if (it == doc.as_object().end() || !it->value().is_array()) continue;
    for (const json::value& record : it->value().as_array()) {
      // CloudTrail delivers each record to CloudWatch Logs as one JSON message.
      if (record.is_object()) messages.push_back(json::serialize(record));
    }
  }
  return messages;
}

const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = LoadCorpus();
  return corpus;
}

TEST(CisTest, EveryPatternAgreesWithItsOracleOnTheCloudTrailCorpus) {
  const auto& corpus = Corpus();
  ASSERT_GT(corpus.size(), 4000u) << "CloudTrail corpus not found under TW_SHARED_DIR";
  std::map<std::string, int> matched;
  std::vector<CompiledPattern> compiled_cases;
  for (const CisCase& cis : CisCases()) {
    auto compiled = Compile(cis.pattern);
    ASSERT_TRUE(compiled) << cis.name << ": " << compiled.error().Describe();
    compiled_cases.push_back(*compiled);
  }
  for (const std::string& message : corpus) {
    const LogEvent event(message);  // parsed once, shared by every pattern
    const json::object record = json::parse(message).as_object();
    for (std::size_t i = 0; i < CisCases().size(); ++i) {
      const CisCase& cis = CisCases()[i];
      const bool got = Matches(compiled_cases[i], event);
      const bool want = cis.oracle(record);
      if (got) ++matched[cis.name];
      if (got != want) {
        ADD_FAILURE() << cis.name << ": engine " << got << ", oracle " << want << " for "
                      << message.substr(0, 400);
      }
    }
  }
  // The corpus holds positives for these (SOURCES.md: 15 ConsoleLogin failures, 5 of them with
  // "Failed authentication"; AccessDenied, Client.UnauthorizedOperation, StopLogging, IAM writes).
  EXPECT_GE(matched["4.6 console failures"], 5);
  EXPECT_GT(matched["4.1 v1.2 unauthorized"], 100);
  EXPECT_GT(matched["4.2 no MFA"], 0);
  EXPECT_GT(matched["4.5 CloudTrail"], 0);
  EXPECT_GT(matched["4.4 IAM policy"], 0);
  EXPECT_GT(matched["4.3 root"], 0);
  for (const auto& [name, count] : matched) {
    std::cout << "[cis] " << name << ": " << count << " of " << corpus.size() << std::endl;
  }
}

TEST(CisTest, SyntheticRecordsForEveryListedEventName) {
  // A real-looking record per (eventSource, eventName) pair, so patterns without positives in
  // the corpus (KMS, Config, NACL, ...) are exercised both ways.
  const std::vector<std::string> sources = {
      "ec2.amazonaws.com",       "kms.amazonaws.com",           "s3.amazonaws.com",
      "config.amazonaws.com",    "organizations.amazonaws.com", "iam.amazonaws.com",
      "cloudtrail.amazonaws.com"};
  const std::vector<std::string> names = {"DisableKey",
                                          "ScheduleKeyDeletion",
                                          "PutBucketAcl",
                                          "DeleteBucketReplication",
                                          "StopConfigurationRecorder",
                                          "PutConfigurationRecorder",
                                          "CreateNetworkAcl",
                                          "ReplaceNetworkAclAssociation",
                                          "DetachInternetGateway",
                                          "CreateRoute",
                                          "DisassociateRouteTable",
                                          "CreateVpc",
                                          "EnableVpcClassicLink",
                                          "AcceptHandshake",
                                          "UpdateOrganizationalUnit",
                                          "ModifySecurityGroupRules",
                                          "AuthorizeSecurityGroupIngress",
                                          "DetachGroupPolicy",
                                          "CreatePolicy",
                                          "StopLogging",
                                          "DescribeInstances",
                                          "HeadBucket"};
  int positives = 0;
  for (const std::string& source : sources) {
    for (const std::string& name : names) {
      json::object record = {{"eventVersion", "1.08"},
                             {"userIdentity",
                              {{"type", "IAMUser"},
                               {"arn", "arn:aws:iam::111122223333:user/alice"},
                               {"accountId", "111122223333"}}},
                             {"eventTime", "2024-01-01T00:00:00Z"},
                             {"eventSource", source},
                             {"eventName", name},
                             {"awsRegion", "us-east-1"},
                             {"sourceIPAddress", "192.0.2.1"},
                             {"requestParameters", nullptr},
                             {"eventType", "AwsApiCall"}};
      const std::string message = json::serialize(record);
      const LogEvent event(message);
      for (const CisCase& cis : CisCases()) {
        const bool got = Matches(*Compile(cis.pattern), event);
        EXPECT_EQ(got, cis.oracle(record)) << cis.name << " on " << source << " " << name;
        if (got) ++positives;
      }
    }
  }
  EXPECT_GT(positives, 50);
}

TEST(CisTest, DocumentedTyposAreRejectedNotMatched) {
  // v1.3.0 `($eventName=DetachRolePolicy)` and v6.0.0 `($.eventName = AcceptHandshake")`.
  EXPECT_FALSE(Compile("{($.eventName=DeleteGroupPolicy)||($eventName=DetachRolePolicy)}"));
  EXPECT_FALSE(Compile(
      R"({ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake") || ($.eventName = "AttachPolicy")) })"));
}

TEST(CisTest, ConsoleLoginRecordsFromTheCorpus) {
  const auto failures = *Compile(CisCases()[13].pattern);
  const auto no_mfa = *Compile(CisCases()[5].pattern);
  ASSERT_EQ(CisCases()[13].name, "4.6 console failures");
  int failure_records = 0;
  for (const std::string& message : Corpus()) {
    if (message.find("\"ConsoleLogin\":\"Failure\"") == std::string::npos) continue;
    const LogEvent event(message);
    ++failure_records;
    const bool failed_auth = message.find("\"Failed authentication\"") != std::string::npos;
    EXPECT_EQ(Matches(failures, event), failed_auth) << message.substr(0, 300);
    const bool mfa_yes = message.find("\"MFAUsed\":\"Yes\"") != std::string::npos;
    EXPECT_EQ(Matches(no_mfa, event), !mfa_yes && message.find("\"MFAUsed\"") != std::string::npos)
        << message.substr(0, 300);
  }
  EXPECT_GE(failure_records, 10);
}

}  // namespace
}  // namespace tw::services::logs::filter_pattern
