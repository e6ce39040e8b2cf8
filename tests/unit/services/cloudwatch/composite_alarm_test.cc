// SPDX-License-Identifier: Apache-2.0
// Composite alarms: the AlarmRule grammar and its evaluation, and the service end to end in
// process — validation errors, evaluation whenever a child changes (through composites of
// composites, stopping at cycles), state reasons, SNS messages, DescribeAlarms/History filters,
// DeleteAlarms of a referenced child, and persistence.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/random.h"
#include "services/cloudwatch/alarm_rule.h"
#include "services/cloudwatch/cloudwatch_service.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::services::cloudwatch {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using protocol::Value;

// ---- The rule language ----

AlarmRule::StateOf States(std::map<std::string, AlarmState> states) {
  return [states = std::move(states)](std::string_view name) -> std::optional<AlarmState> {
    auto it = states.find(std::string(name));
    if (it == states.end()) return std::nullopt;
    return it->second;
  };
}

bool Eval(std::string_view rule, std::map<std::string, AlarmState> states) {
  auto parsed = AlarmRule::Parse(rule);
  EXPECT_TRUE(parsed) << rule << ": " << parsed.error().message;
  return parsed && parsed->Evaluate(States(std::move(states)));
}

std::string ParseError(std::string_view rule) {
  auto parsed = AlarmRule::Parse(rule);
  EXPECT_FALSE(parsed) << rule;
  if (parsed) return {};
  EXPECT_EQ(parsed.error().code, "ValidationError");
  EXPECT_EQ(parsed.error().http_status, 400);
  return parsed.error().message;
}

TEST(AlarmRuleTest, FunctionsAndConstants) {
  using enum AlarmState;
  EXPECT_TRUE(Eval("ALARM(a)", {{"a", kAlarm}}));
  EXPECT_FALSE(Eval("ALARM(a)", {{"a", kOk}}));
  EXPECT_TRUE(Eval("OK(a)", {{"a", kOk}}));
  EXPECT_TRUE(Eval("INSUFFICIENT_DATA(a)", {{"a", kInsufficientData}}));
  EXPECT_FALSE(Eval("INSUFFICIENT_DATA(a)", {{"a", kAlarm}}));
  EXPECT_TRUE(Eval("TRUE", {}));
  EXPECT_FALSE(Eval("FALSE", {}));
  // An alarm that does not exist is in no state.
  EXPECT_FALSE(Eval("ALARM(gone)", {}));
  EXPECT_FALSE(Eval("OK(gone)", {}));
}

TEST(AlarmRuleTest, OperatorsAndPrecedence) {
  using enum AlarmState;
  std::map<std::string, AlarmState> s = {{"a", kAlarm}, {"b", kOk}, {"c", kAlarm}};
  EXPECT_TRUE(Eval("ALARM(a) AND OK(b)", s));
  EXPECT_FALSE(Eval("ALARM(a) AND ALARM(b)", s));
  EXPECT_TRUE(Eval("ALARM(b) OR ALARM(c)", s));
  EXPECT_TRUE(Eval("NOT ALARM(b)", s));
  EXPECT_FALSE(Eval("NOT NOT ALARM(b)", s));
  // AND binds tighter than OR; NOT tighter than AND.
  EXPECT_TRUE(Eval("ALARM(a) OR ALARM(b) AND FALSE", s));
  EXPECT_FALSE(Eval("(ALARM(a) OR ALARM(b)) AND FALSE", s));
  EXPECT_TRUE(Eval("NOT ALARM(b) AND ALARM(a)", s));
  EXPECT_FALSE(Eval("NOT (ALARM(b) OR ALARM(a))", s));
  EXPECT_TRUE(Eval("ALARM(a) AND ALARM(c) AND OK(b) AND TRUE", s));
  EXPECT_TRUE(Eval("  ( ( ALARM(a) ) )  ", s));
}

TEST(AlarmRuleTest, NamesQuotedBareAndArns) {
  using enum AlarmState;
  const std::string arn = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:cpu high";
  auto rule = AlarmRule::Parse(R"(ALARM("cpu high") OR ALARM( disk-full ) OR OK(")" + arn +
                               R"(") AND ALARM(cpu high))");
  ASSERT_TRUE(rule) << rule.error().message;
  EXPECT_EQ(rule->references(), (std::vector<std::string>{"cpu high", "disk-full", arn}));
  // A quoted name may hold characters a bare one cannot.
  auto odd = AlarmRule::Parse(R"(ALARM("a(b) OR c"))");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->references(), std::vector<std::string>{"a(b) OR c"});
}

TEST(AlarmRuleTest, SyntaxErrorsNameThePosition) {
  EXPECT_NE(ParseError("").find("unexpected end"), std::string::npos);
  EXPECT_NE(ParseError("ALARM(a) AND").find("unexpected end"), std::string::npos);
  EXPECT_NE(ParseError("ALARM(a) XOR ALARM(b)").find("unexpected 'XOR'"), std::string::npos);
  EXPECT_NE(ParseError("alarm(a)").find("found 'alarm'"), std::string::npos);
  EXPECT_NE(ParseError("ALARM a").find("expected '(' after ALARM"), std::string::npos);
  EXPECT_NE(ParseError("ALARM()").find("an alarm name is missing"), std::string::npos);
  EXPECT_NE(ParseError("ALARM(\"a)").find("unterminated quoted name"), std::string::npos);
  EXPECT_NE(ParseError("ALARM(a").find("expected ')'"), std::string::npos);
  EXPECT_NE(ParseError("(ALARM(a)").find("expected ')'"), std::string::npos);
  EXPECT_NE(ParseError("ALARM(a))").find("position 9"), std::string::npos);
  EXPECT_NE(ParseError("TRUEX").find("found 'TRUEX'"), std::string::npos);
}

TEST(AlarmRuleTest, LimitsAreEnforced) {
  std::string many;
  for (int i = 0; i <= 100; ++i) many += (i ? " OR " : "") + ("ALARM(a" + std::to_string(i) + ")");
  EXPECT_NE(ParseError(many).find("more than 100 alarms"), std::string::npos);
  std::string repeated;  // one alarm, 501 elements
  for (int i = 0; i <= 500; ++i) repeated += i ? " OR ALARM(a)" : "ALARM(a)";
  EXPECT_NE(ParseError(repeated).find("more than 500 elements"), std::string::npos);
  std::string deep(150, '(');
  deep += "TRUE" + std::string(150, ')');
  EXPECT_NE(ParseError(deep).find("nested too deeply"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 200; ++i) nots += "NOT ";
  EXPECT_NE(ParseError(nots + "TRUE").find("nested too deeply"), std::string::npos);
}

TEST(AlarmRuleTest, SupportingChildrenExplainTheOutcome) {
  using enum AlarmState;
  auto rule = AlarmRule::Parse("(ALARM(a) OR ALARM(b)) AND NOT ALARM(c)");
  ASSERT_TRUE(rule);
  auto s = States({{"a", kAlarm}, {"b", kOk}, {"c", kOk}});
  ASSERT_TRUE(rule->Evaluate(s));
  EXPECT_EQ(rule->Supporting(true, s), (std::vector<std::string>{"a", "c"}));
  auto t = States({{"a", kOk}, {"b", kOk}, {"c", kAlarm}});
  ASSERT_FALSE(rule->Evaluate(t));
  EXPECT_EQ(rule->Supporting(false, t), (std::vector<std::string>{"a", "b", "c"}));
}

// ---- The service ----

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

class FakeNotifier final : public pipeline::Notifier {
 public:
  Result<std::string> Publish(const pipeline::Notification& n) override {
    std::lock_guard<std::mutex> lock(mutex);
    sent.push_back(n);
    return std::string("msg-1");
  }
  std::mutex mutex;
  std::vector<pipeline::Notification> sent;
};

constexpr std::int64_t kT0 = 1'440'938'160'000;  // Sunday 2015-08-30T12:36:00Z
constexpr char kTopic[] = "arn:aws:sns:us-east-1:000000000000:composite";
constexpr char kArnPrefix[] = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:";

class CompositeAlarmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tw-cw-composite-" + SecureRandom().FromAlphabet("abcdef0123456789", 12));
    Open();
    for (const char* name : {"a", "b", "c"}) PutChild(name);
  }
  void Open() {
    auto db = store::Database::Open(dir_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    clock_.Set(kT0 + 5'000);
    service_ = std::make_unique<CloudWatchService>(*db_, clock_, &notifier_, false);
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  using Method = Result<Value> (CloudWatchService::*)(RequestContext&, const Value&);
  Result<Value> Call(Method method, const Value& input) {
    auth::Principal principal;
    principal.account_id = "000000000000";
    principal.arn = "arn:aws:iam::000000000000:root";
    http::HttpRequest request;
    RequestContext context{"req-1", principal, "us-east-1", clock_, random_, request};
    return ((*service_).*method)(context, input);
  }
  Value Ok(Method method, const Value& input) {
    auto r = Call(method, input);
    EXPECT_TRUE(r) << r.error().code << ": " << r.error().message;
    return r ? *r : Value();
  }
  static Value S(Value::Entries e) { return Value::MakeStructure(std::move(e)); }
  static Value L(Value::List l) { return Value::MakeList(std::move(l)); }

  void PutChild(const std::string& name) {
    Ok(&CloudWatchService::PutMetricAlarm,
       S({{"AlarmName", name},
          {"Namespace", "App"},
          {"MetricName", "M-" + name},
          {"Statistic", "Sum"},
          {"Period", 60},
          {"EvaluationPeriods", 1},
          {"Threshold", 1.0},
          {"ComparisonOperator", "GreaterThanOrEqualToThreshold"}}));
  }
  Result<Value> PutComposite(const std::string& name, const std::string& rule) {
    return Call(&CloudWatchService::PutCompositeAlarm, S({{"AlarmName", name},
                                                          {"AlarmRule", rule},
                                                          {"AlarmDescription", "composite " + name},
                                                          {"AlarmActions", L({kTopic})},
                                                          {"OKActions", L({kTopic})}}));
  }
  void SetState(const std::string& name, const std::string& state) {
    Ok(&CloudWatchService::SetAlarmState,
       S({{"AlarmName", name}, {"StateValue", state}, {"StateReason", "test"}}));
  }
  Value Composite(const std::string& name) {
    Value out = Ok(&CloudWatchService::DescribeAlarms,
                   S({{"AlarmNames", L({name})}, {"AlarmTypes", L({"CompositeAlarm"})}}));
    const auto& list = out.Find("CompositeAlarms")->as_list();
    EXPECT_EQ(list.size(), 1u);
    return list.empty() ? Value() : list.front();
  }
  std::string StateOf(const std::string& name) {
    return std::string(Composite(name).GetString("StateValue"));
  }

  fs::path dir_;
  testing::FakeClock clock_;
  testing::FixedRandom random_;
  std::unique_ptr<store::Database> db_;
  FakeNotifier notifier_;
  std::unique_ptr<CloudWatchService> service_;
};

TEST_F(CompositeAlarmTest, UnknownChildrenAreRefusedAsAwsWordsIt) {
  auto r = PutComposite("x", "ALARM(a) OR ALARM(nope) OR OK(\"gone too\")");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "ValidationError");
  EXPECT_EQ(r.error().message,
            "Could not save the composite alarm as alarms [nope, gone too] in the alarm rule do "
            "not exist");
  // An ARN of another Region never names an alarm here.
  auto other = PutComposite("x", "ALARM(arn:aws:cloudwatch:eu-west-1:000000000000:alarm:a)");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("[arn:aws:cloudwatch:eu-west-1:000000000000:alarm:a]"),
            std::string::npos);
  auto syntax = PutComposite("x", "ALARM(a) AND");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, "ValidationError");
  auto suppressor = Call(&CloudWatchService::PutCompositeAlarm,
                         S({{"AlarmName", "x"},
                            {"AlarmRule", "ALARM(a)"},
                            {"ActionsSuppressor", std::string(kArnPrefix) + "b"},
                            {"ActionsSuppressorWaitPeriod", 60},
                            {"ActionsSuppressorExtensionPeriod", 60}}));
  ASSERT_FALSE(suppressor);
  EXPECT_EQ(suppressor.error().code, "InvalidParameterValue");
  EXPECT_NE(suppressor.error().message.find("ActionsSuppressor"), std::string::npos);
  // A metric alarm's name cannot become a composite's.
  EXPECT_FALSE(PutComposite("a", "ALARM(b)"));
}

TEST_F(CompositeAlarmTest, EvaluatedAtCreationAndWheneverAChildChanges) {
  ASSERT_TRUE(PutComposite("both", "ALARM(a) AND NOT ALARM(b)"));
  // Created INSUFFICIENT_DATA, evaluated at once: FALSE is OK (the children have no data).
  Value c = Composite("both");
  EXPECT_EQ(c.GetString("StateValue"), "OK");
  EXPECT_EQ(c.GetString("AlarmRule"), "ALARM(a) AND NOT ALARM(b)");
  EXPECT_EQ(c.GetString("AlarmArn"), std::string(kArnPrefix) + "both");
  ASSERT_EQ(notifier_.sent.size(), 1u);  // OKActions of the first state

  clock_.Set(kT0 + 7'250);
  SetState("a", "ALARM");
  c = Composite("both");
  EXPECT_EQ(c.GetString("StateValue"), "ALARM");
  const std::string a_arn = std::string(kArnPrefix) + "a";
  EXPECT_EQ(c.GetString("StateReason"),
            a_arn + " transitioned to ALARM at Sunday 30 August, 2015 12:36:07 UTC");
  EXPECT_EQ(
      c.GetString("StateReasonData"),
      R"({"triggeringAlarms":[{"arn":")" + a_arn +
          R"(","state":{"value":"ALARM","timestamp":"2015-08-30T12:36:07.250+0000"}},)"
          R"({"arn":")" +
          std::string(kArnPrefix) +
          R"(b","state":{"value":"INSUFFICIENT_DATA","timestamp":"2015-08-30T12:36:05.000+0000"}}]})");
  ASSERT_EQ(notifier_.sent.size(), 2u);
  const pipeline::Notification& n = notifier_.sent.back();
  EXPECT_EQ(n.topic_arn, kTopic);
  EXPECT_EQ(n.subject, "ALARM: \"both\" in US East (N. Virginia)");
  json::object message = json::parse(n.message).as_object();
  EXPECT_EQ(Str(message["AlarmName"]), "both");
  EXPECT_EQ(Str(message["AlarmDescription"]), "composite both");
  EXPECT_EQ(Str(message["NewStateValue"]), "ALARM");
  EXPECT_EQ(Str(message["OldStateValue"]), "OK");
  EXPECT_EQ(Str(message["AlarmRule"]), "ALARM(a) AND NOT ALARM(b)");
  EXPECT_EQ(Str(message["StateChangeTime"]), "2015-08-30T12:36:07.250+0000");
  EXPECT_FALSE(message.contains("Trigger"));
  json::array children = message["TriggeringChildren"].as_array();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(Str(children[0].at("Arn")), a_arn);
  EXPECT_EQ(Str(children[0].at("State").at("Value")), "ALARM");
  EXPECT_EQ(Str(children[0].at("State").at("Timestamp")), "2015-08-30T12:36:07.250+0000");
  // Key order as AWS writes the message.
  EXPECT_LT(n.message.find("\"OldStateValue\""), n.message.find("\"AlarmRule\""));
  EXPECT_LT(n.message.find("\"AlarmRule\""), n.message.find("\"TriggeringChildren\""));

  SetState("b", "ALARM");  // NOT ALARM(b) is now FALSE
  EXPECT_EQ(StateOf("both"), "OK");
  EXPECT_NE(Composite("both")
                .GetString("StateReason")
                .find(std::string(kArnPrefix) + "b transitioned to ALARM at "),
            std::string::npos);
  // A child change that does not move the composite sends nothing.
  const std::size_t sent = notifier_.sent.size();
  SetState("c", "ALARM");
  EXPECT_EQ(notifier_.sent.size(), sent);
}

TEST_F(CompositeAlarmTest, MetricDataMovesTheCompositeThroughItsChild) {
  ASSERT_TRUE(PutComposite("any", "ALARM(a) OR ALARM(b)"));
  EXPECT_EQ(StateOf("any"), "OK");
  Ok(&CloudWatchService::PutMetricData,
     S({{"Namespace", "App"}, {"MetricData", L({S({{"MetricName", "M-a"}, {"Value", 5.0}})})}}));
  EXPECT_EQ(StateOf("any"), "ALARM");
}

TEST_F(CompositeAlarmTest, CompositesOfCompositesAndArnsPropagate) {
  ASSERT_TRUE(PutComposite("mid", "ALARM(a)"));
  ASSERT_TRUE(PutComposite("top", "ALARM(\"" + std::string(kArnPrefix) + "mid\") AND OK(c)"));
  SetState("c", "OK");
  EXPECT_EQ(StateOf("top"), "OK");
  SetState("a", "ALARM");
  EXPECT_EQ(StateOf("mid"), "ALARM");
  EXPECT_EQ(StateOf("top"), "ALARM");

  Value children = Ok(&CloudWatchService::DescribeAlarms, S({{"ChildrenOfAlarmName", "top"}}));
  ASSERT_EQ(children.Find("MetricAlarms")->as_list().size(), 1u);
  EXPECT_EQ(children.Find("MetricAlarms")->as_list()[0].GetString("AlarmName"), "c");
  ASSERT_EQ(children.Find("CompositeAlarms")->as_list().size(), 1u);
  const Value& mid = children.Find("CompositeAlarms")->as_list()[0];
  EXPECT_EQ(mid.GetString("AlarmName"), "mid");
  EXPECT_EQ(mid.Find("AlarmRule"), nullptr);  // only name, ARN, state and its timestamp
  Value parents = Ok(&CloudWatchService::DescribeAlarms, S({{"ParentsOfAlarmName", "a"}}));
  ASSERT_EQ(parents.Find("CompositeAlarms")->as_list().size(), 1u);
  EXPECT_EQ(parents.Find("CompositeAlarms")->as_list()[0].GetString("AlarmName"), "mid");
  auto mixed = Call(&CloudWatchService::DescribeAlarms,
                    S({{"ChildrenOfAlarmName", "top"}, {"StateValue", "OK"}}));
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().code, "ValidationError");
}

TEST_F(CompositeAlarmTest, CyclesStopEvaluation) {
  ASSERT_TRUE(PutComposite("x", "ALARM(a)"));
  ASSERT_TRUE(PutComposite("y", "NOT ALARM(x)"));
  // AWS accepts the cycle (PutCompositeAlarm documents it); x now depends on y and y on x.
  ASSERT_TRUE(PutComposite("x", "ALARM(y) OR ALARM(a)"));
  SetState("a", "ALARM");  // x -> ALARM -> y -> OK; y's change does not re-enter x
  EXPECT_EQ(StateOf("x"), "ALARM");
  EXPECT_EQ(StateOf("y"), "OK");
  // Neither member of the cycle can be deleted.
  auto r = Call(&CloudWatchService::DeleteAlarms, S({{"AlarmNames", L({"x", "y"})}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "ValidationError");
  // Breaking the cycle with FALSE lets them go, as AWS advises.
  ASSERT_TRUE(PutComposite("x", "FALSE"));
  Ok(&CloudWatchService::DeleteAlarms, S({{"AlarmNames", L({"y"})}}));
  Ok(&CloudWatchService::DeleteAlarms, S({{"AlarmNames", L({"x"})}}));
}

TEST_F(CompositeAlarmTest, DeletingAReferencedChildFails) {
  ASSERT_TRUE(PutComposite("p", "ALARM(a)"));
  auto r = Call(&CloudWatchService::DeleteAlarms, S({{"AlarmNames", L({"b", "a"})}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "ValidationError");
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_EQ(r.error().message, "Cannot delete a as there are composite alarm(s) depending on it.");
  // Nothing was deleted.
  Value all = Ok(&CloudWatchService::DescribeAlarms, S({}));
  EXPECT_EQ(all.Find("MetricAlarms")->as_list().size(), 3u);
  Ok(&CloudWatchService::DeleteAlarms, S({{"AlarmNames", L({"p"})}}));
  Ok(&CloudWatchService::DeleteAlarms, S({{"AlarmNames", L({"a"})}}));
}

TEST_F(CompositeAlarmTest, AlarmTypesFilterDescribeAndHistory) {
  ASSERT_TRUE(PutComposite("comp", "TRUE"));
  EXPECT_EQ(StateOf("comp"), "ALARM");
  Value plain = Ok(&CloudWatchService::DescribeAlarms, S({}));
  EXPECT_EQ(plain.Find("MetricAlarms")->as_list().size(), 3u);
  EXPECT_TRUE(plain.Find("CompositeAlarms")->as_list().empty());
  Value both = Ok(&CloudWatchService::DescribeAlarms,
                  S({{"AlarmTypes", L({"MetricAlarm", "CompositeAlarm"})}, {"MaxRecords", 2}}));
  EXPECT_EQ(both.Find("MetricAlarms")->as_list().size(), 2u);
  ASSERT_NE(both.Find("NextToken"), nullptr);
  Value rest = Ok(&CloudWatchService::DescribeAlarms,
                  S({{"AlarmTypes", L({"MetricAlarm", "CompositeAlarm"})},
                     {"NextToken", std::string(both.GetString("NextToken"))}}));
  EXPECT_EQ(rest.Find("MetricAlarms")->as_list().size(), 1u);
  EXPECT_EQ(rest.Find("CompositeAlarms")->as_list().size(), 1u);

  Value history = Ok(&CloudWatchService::DescribeAlarmHistory,
                     S({{"AlarmName", "comp"}, {"AlarmTypes", L({"CompositeAlarm"})}}));
  const auto& items = history.Find("AlarmHistoryItems")->as_list();
  ASSERT_FALSE(items.empty());
  for (const Value& h : items) EXPECT_EQ(h.GetString("AlarmType"), "CompositeAlarm");
  Value default_history = Ok(&CloudWatchService::DescribeAlarmHistory, S({{"AlarmName", "comp"}}));
  EXPECT_TRUE(default_history.Find("AlarmHistoryItems")->as_list().empty());
  // The reason of a rule without children.
  EXPECT_NE(Composite("comp").GetString("StateReason").find("evaluated to TRUE"),
            std::string::npos);
}

TEST_F(CompositeAlarmTest, SurvivesARestart) {
  ASSERT_TRUE(PutComposite("kept", "ALARM(a)"));
  service_.reset();
  db_.reset();
  Open();
  EXPECT_EQ(StateOf("kept"), "OK");
  SetState("a", "ALARM");
  EXPECT_EQ(StateOf("kept"), "ALARM");
}

}  // namespace
}  // namespace tw::services::cloudwatch
