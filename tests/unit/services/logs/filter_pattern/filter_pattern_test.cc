// SPDX-License-Identifier: Apache-2.0
// Unit tests of the filter-pattern engine, grouped by pattern kind. Expected answers cite the
// AWS CloudWatch Logs User Guide ("Filter pattern syntax ...") through filter-patterns.md rows.
#include "services/logs/filter_pattern/filter_pattern.h"

#include <gtest/gtest.h>

#include <string>

#include "services/logs/filter_pattern/lexer.h"
#include "services/logs/filter_pattern/parser.h"
#include "services/logs/filter_pattern/text_match.h"
#include "services/logs/filter_pattern/value_expression.h"
#include "unit/services/logs/filter_pattern/test_support.h"

namespace tw::services::logs::filter_pattern {
namespace {

using testing::CompileError;
using testing::M;
using testing::MustCompile;

constexpr char kE1[] = "[ERROR 400] BAD REQUEST";
constexpr char kE3[] = "[ERROR 419] MISSING ARGUMENTS";
constexpr char kE5[] = "[ERROR 500] INTERNAL SERVER ERROR";
constexpr char kE6[] = "[SUCCESS 200] AUTHORIZED REQUEST";
constexpr char kJ1[] =
    R"({"eventType":"UpdateTrail","sourceIPAddress":"111.111.111.111","arrayKey":["value",)"
    R"("another value"],"objectList":[{"name":"a","id":1},{"name":"b","id":2}],)"
    R"("SomeObject":null,"ThisFlag":true})";
constexpr char kJ2[] =
    R"({"user":{"id":1,"email":"John.Stiles@example.com"},"users":[{"id":2,"email":)"
    R"("John.Doe@example.com"},{"id":3,"email":"Jane.Doe@example.com"}],"actions":["GET",)"
    R"("PUT","DELETE"],"coordinates":[[0,1,2],[4,5,6],[7,8,9]]})";
constexpr char kA1[] =
    R"(127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534)";
constexpr char kA2[] =
    R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326)";
constexpr char kA3[] = R"(127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /~test/ HTTP/1.1" 200 3)";

// ---------------------------------------------------------------- kinds and match-all

TEST(KindTest, DetectsKindFromFirstNonBlankCharacter) {
  EXPECT_EQ(MustCompile("").kind(), PatternKind::kMatchAll);
  EXPECT_EQ(MustCompile("   ").kind(), PatternKind::kMatchAll);
  EXPECT_EQ(MustCompile("\" \"").kind(), PatternKind::kMatchAll);
  EXPECT_EQ(MustCompile("ERROR").kind(), PatternKind::kTerms);
  EXPECT_EQ(MustCompile(" { $.a = 1 } ").kind(), PatternKind::kJson);
  EXPECT_EQ(MustCompile("[a, b]").kind(), PatternKind::kSpaceDelimited);
  EXPECT_EQ(MustCompile("%ERR%").kind(), PatternKind::kRegex);
}

TEST(KindTest, MatchAllMatchesEverything) {
  EXPECT_TRUE(M("", kE6));
  EXPECT_TRUE(M("\" \"", kE6));
  EXPECT_TRUE(M("\" \"", ""));
}

// ---------------------------------------------------------------- term patterns

TEST(TermTest, SubstringAndCase) {
  EXPECT_TRUE(M("ERROR", kE1));
  EXPECT_TRUE(M("ERROR", "Exiting with ERRORCODE: -1"));
  EXPECT_FALSE(M("error", kE1));
  EXPECT_TRUE(M("Exception", "[ERROR] Caught IllegalArgumentException"));
}

TEST(TermTest, AndOrExclude) {
  EXPECT_TRUE(M("ERROR ARGUMENTS", kE3));
  EXPECT_FALSE(M("ERROR ARGUMENTS", kE1));
  EXPECT_TRUE(M("?ERROR ?ARGUMENTS", "[ERROR 401] UNAUTHORIZED REQUEST"));
  EXPECT_FALSE(M("?ERROR ?ARGUMENTS", kE6));
  EXPECT_TRUE(M("ERROR -ARGUMENTS", kE1));
  EXPECT_FALSE(M("ERROR -ARGUMENTS", "[ERROR 420] INVALID ARGUMENTS"));
  EXPECT_TRUE(M("-ERROR", "WARN message"));
  EXPECT_FALSE(M("-ERROR", "ERROR message"));
  EXPECT_FALSE(M("\"ERROR\" - \"Exiting\"", "Exiting with ERRORCODE: -1"));
}

TEST(TermTest, QuotedPhrasesAndEscapes) {
  EXPECT_TRUE(M("\"INTERNAL SERVER ERROR\"", kE5));
  EXPECT_FALSE(M("\"INTERNAL SERVER ERROR\"", kE1));
  EXPECT_TRUE(M("\"[ERROR]\"", "[ERROR] x"));
  EXPECT_TRUE(M(R"("say \"hi\"")", R"(they say "hi")"));
  EXPECT_TRUE(M(R"("a*b")", "xa*by"));  // `*` is literal in terms
  EXPECT_FALSE(M(R"("a*b")", "axxb"));
}

TEST(TermTest, TermGroupsAsCdkAnyTermGroupRendersThem) {
  const char kPattern[] = R"(?"ERROR" "MainThread" ?"WARN" "Deadlock")";
  EXPECT_TRUE(M(kPattern, "WARN Deadlock detected"));
  EXPECT_TRUE(M(kPattern, "ERROR in MainThread"));
  EXPECT_FALSE(M(kPattern, "ERROR in worker-3"));
  EXPECT_FALSE(M(kPattern, "WARN only"));
}

TEST(TermTest, RejectsWhatItCannotAnswer) {
  EXPECT_NE(CompileError("user@example.com"), "");
  EXPECT_NE(CompileError("ERROR ?WARN"), "");
  EXPECT_NE(CompileError("\"unterminated"), "");
  EXPECT_NE(CompileError("ERROR -"), "");
  EXPECT_NE(CompileError("?-ERROR"), "");
  EXPECT_NE(CompileError("ERROR \" \""), "");
  EXPECT_NE(CompileError("\"a\"\"b\""), "");
}

// ---------------------------------------------------------------- regex

TEST(RegexTest, UnanchoredSearchWithAnchorsAndOperators) {
  EXPECT_TRUE(M("%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST"));
  EXPECT_TRUE(M("%AUTHORIZED%", kE6));
  EXPECT_TRUE(M("%^[hc]at%", "hat trick"));
  EXPECT_FALSE(M("%^[hc]at%", "that"));
  EXPECT_TRUE(M("%[hc]at$%", "that"));
  EXPECT_TRUE(M("%colou?r%", "color"));
  EXPECT_FALSE(M("%a{3,5}%", "baad"));
  EXPECT_TRUE(M("%a{3,5}%", "baaad"));
  EXPECT_TRUE(M("%[Ee]rror|[Ff]ail%", "it failed: Fail"));
  EXPECT_TRUE(M(R"(%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%)", "from 10.0.0.1 ok"));
  EXPECT_FALSE(M("%error%", "ERROR"));
}

TEST(RegexTest, RejectsUnsupportedCharactersAndTooMany) {
  EXPECT_NE(CompileError("%(a|b)%"), "");
  EXPECT_NE(CompileError("%something!%"), "");
  EXPECT_NE(CompileError("%caf\xc3\xa9%"), "");
  EXPECT_NE(CompileError("%%"), "");
  EXPECT_NE(CompileError("%abc"), "");
  EXPECT_NE(CompileError("%a% ERROR"), "");
  EXPECT_EQ(CompileError("{ $.a = %x% || $.b = %y% }"), "");
  EXPECT_NE(CompileError("{ $.a = %x% || $.b = %y% || $.c = %z% }"), "");
  EXPECT_NE(CompileError("{ $.a > %x% }"), "");
  EXPECT_EQ(MustCompile("{ $.a = %x% || $.b = %y% }").regex_count(), 2);
}

// ---------------------------------------------------------------- JSON patterns

TEST(JsonTest, DocumentedExamples) {
  EXPECT_TRUE(M(R"({ $.eventType = "UpdateTrail" })", kJ1));
  EXPECT_TRUE(M("{ $.eventType = UpdateTrail }", kJ1));
  EXPECT_TRUE(M("{$.eventType=UpdateTrail}", kJ1));
  EXPECT_TRUE(M("{ $.sourceIPAddress != 123.123.* }", kJ1));
  EXPECT_TRUE(M(R"({ $.arrayKey[0] = "value" })", kJ1));
  EXPECT_TRUE(M("{ $.objectList[1].id = 2 }", kJ1));
  EXPECT_TRUE(M("{ $.SomeObject IS NULL }", kJ1));
  EXPECT_TRUE(M("{ $.SomeOtherObject NOT EXISTS }", kJ1));
  EXPECT_FALSE(M("{ $.SomeObject NOT EXISTS }", kJ1));  // null exists
  EXPECT_TRUE(M("{ $.ThisFlag IS TRUE }", kJ1));
  EXPECT_FALSE(M("{ $.ThisFlag IS FALSE }", kJ1));
  EXPECT_TRUE(M(R"({ $.eventType = "*" && $.sourceIPAddress != 123.123.* })", kJ1));
  EXPECT_TRUE(M("{ $.coordinates[0][1] = 1 }", kJ2));
}

TEST(JsonTest, PrecedenceAndParentheses) {
  EXPECT_TRUE(M(R"({ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") })", kJ2));
  EXPECT_TRUE(M(R"({ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = )"
                R"("nonmatch" && $.actions[2] = "nonmatch" })",
                kJ2));
  EXPECT_FALSE(M(R"({ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = )"
                 R"("nonmatch") && $.actions[2] = "nonmatch" })",
                 kJ2));
  EXPECT_FALSE(
      M(R"({ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" })", kJ2));
  EXPECT_TRUE(M("{ ((($.user.id = 1))) }", kJ2));
}

TEST(JsonTest, WildcardsOnlyAtTheEdges) {
  EXPECT_TRUE(M(R"({ $.eventType = "Update*" })", kJ1));
  EXPECT_TRUE(M(R"({ $.eventType = "*Trail" })", kJ1));
  EXPECT_TRUE(M(R"({ $.eventType = "*dateTr*" })", kJ1));
  EXPECT_FALSE(M(R"({ $.eventType = "Up*Trail" })", kJ1));
  EXPECT_TRUE(M(R"({ $.e = "Up*Trail" })", R"({"e":"Up*Trail"})"));
  EXPECT_FALSE(M(R"({ $.eventType = "updatetrail" })", kJ1));
  EXPECT_TRUE(M("{ $.latency = * }", R"({"latency": 50})"));
  EXPECT_FALSE(M("{ $.latency = * }", R"({"latency": null})"));
  EXPECT_FALSE(M("{ $.latency = * }", R"({"other": 1})"));
}

TEST(JsonTest, ObjectsArraysAndMissingNeverCompare) {
  EXPECT_FALSE(M(R"({ $.actions = "GET" })", kJ2));
  EXPECT_FALSE(M(R"({ $.actions != "GET" })", kJ2));
  EXPECT_FALSE(M("{ $.user != 1 }", kJ2));
  EXPECT_FALSE(M(R"({ $.missing = "x" })", kJ1));
  EXPECT_FALSE(M(R"({ $.missing != "x" })", kJ1));
  EXPECT_FALSE(M(R"({ $.SomeObject != "x" })", kJ1));
  EXPECT_FALSE(M("{ $.arrayKey[5] = * }", kJ1));
  EXPECT_TRUE(M("{ $.arrayKey[5] NOT EXISTS }", kJ1));
  EXPECT_TRUE(M("{ $.eventType.deeper NOT EXISTS }", kJ1));
}

TEST(JsonTest, Numbers) {
  EXPECT_TRUE(M("{ $.bandwidth > 75 }", R"({"bandwidth": 80})"));
  EXPECT_FALSE(M("{ $.bandwidth > 75 }", R"({"bandwidth": 75})"));
  EXPECT_TRUE(M("{ $.bandwidth >= 75 }", R"({"bandwidth": 75})"));
  EXPECT_TRUE(M("{ $.bandwidth < 75.5 }", R"({"bandwidth": 75})"));
  EXPECT_TRUE(M("{ $.bandwidth <= -1 }", R"({"bandwidth": -3})"));
  EXPECT_TRUE(M("{ $.number[0] = 1e-3 }", R"({"number":[0.001]})"));
  EXPECT_TRUE(M("{ $.n = +1000 }", R"({"n":1000})"));
  EXPECT_TRUE(M("{ $.n = 10e3 }", R"({"n":10000})"));
  EXPECT_TRUE(M("{ $.n != 5 }", R"({"n":6})"));
  EXPECT_FALSE(M("{ $.n > 5 }", R"({"n":"6"})"));  // relational needs a JSON number
  EXPECT_TRUE(M("{ $.status = 404 }", R"({"status":"404"})"));
  EXPECT_TRUE(M(R"({ $.status = "404" })", R"({"status":404})"));
  EXPECT_TRUE(M("{ $.status = 4* }", R"({"status":404})"));
  EXPECT_FALSE(M("{ $.n > 5 }", R"({"n":true})"));
}

TEST(JsonTest, NotJsonOrNotAnObjectNeverMatches) {
  EXPECT_FALSE(M(R"({ $.eventType = "UpdateTrail" })", kE1));
  EXPECT_FALSE(M("{ $.a NOT EXISTS }", "plain text"));
  EXPECT_FALSE(M("{ $.a NOT EXISTS }", "[1,2]"));
  EXPECT_FALSE(M("{ $.a NOT EXISTS }", R"({"a":1)"));
  EXPECT_TRUE(M("{ $.a NOT EXISTS }", R"(  {"b":1}  )"));
  EXPECT_TRUE(M("UpdateTrail", kJ1));  // terms search the raw text
}

TEST(JsonTest, FoldedEqualityRunsKeepSemantics) {
  const char kPattern[] = "{ ($.e = A) || ($.e = B) || ($.e = C) || ($.f = 3) || ($.e = \"D*\") }";
  EXPECT_TRUE(M(kPattern, R"({"e":"B"})"));
  EXPECT_TRUE(M(kPattern, R"({"e":"Dx"})"));
  EXPECT_TRUE(M(kPattern, R"({"f":3.0})"));
  EXPECT_FALSE(M(kPattern, R"({"e":"E"})"));
  EXPECT_FALSE(M(kPattern, R"({"e":["A"]})"));
  EXPECT_TRUE(M("{ $.e = true || $.e = x }", R"({"e":true})"));
}

TEST(JsonTest, RejectsUnsupportedAndMalformed) {
  EXPECT_NE(CompileError("{ $.a[*] = 1 }"), "");
  EXPECT_NE(CompileError("{ $.a IS NOT NULL }"), "");
  EXPECT_NE(CompileError("{ $.a EXISTS }"), "");
  EXPECT_NE(CompileError("{ $.a is null }"), "");
  EXPECT_NE(CompileError("{ $.a == 1 }"), "");
  EXPECT_NE(CompileError("{ $.a = 1 & $.b = 2 }"), "");
  EXPECT_NE(CompileError("{ $.a > \"x\" }"), "");
  EXPECT_NE(CompileError("{ $.a > abc }"), "");
  EXPECT_NE(CompileError("{ $.a = 1 "), "");
  EXPECT_NE(CompileError("{ $.a = 1 } x"), "");
  EXPECT_NE(CompileError("{ ($.a = 1 }"), "");
  EXPECT_NE(CompileError("{ }"), "");
  EXPECT_NE(CompileError("{ $eventName = x }"), "");
  EXPECT_NE(CompileError("{ $. = x }"), "");
  EXPECT_NE(CompileError("{ a = x }"), "");
  EXPECT_NE(CompileError("{ $.a = a;b }"), "");
  EXPECT_NE(CompileError("{ $.a = }"), "");
  EXPECT_NE(CompileError(R"({ ($.eventName = AcceptHandshake") })"), "");
  std::string deep = "{ ";
  for (int i = 0; i < 100; ++i) deep += "(";
  deep += "$.a = 1";
  for (int i = 0; i < 100; ++i) deep += ")";
  EXPECT_NE(CompileError(deep + " }"), "");
}

TEST(JsonTest, ErrorsNameColumnAndToken) {
  auto compiled = Compile("{ $.eventName = x || $.a[*] = 1 }");
  ASSERT_FALSE(compiled);
  EXPECT_EQ(compiled.error().column, 25u);
  EXPECT_EQ(compiled.error().token, "$.a[*]");
  EXPECT_NE(compiled.error().Describe().find("`$.a[*]`"), std::string::npos);
  const AwsError aws = compiled.error().ToAwsError();
  EXPECT_EQ(aws.code, "InvalidParameterException");
  EXPECT_EQ(aws.http_status, 400);
  EXPECT_EQ(aws.message.rfind("Invalid metric filter pattern", 0), 0u);
}

// ---------------------------------------------------------------- space-delimited patterns

TEST(SpaceDelimitedTest, SplitsQuotedAndBracketedFields) {
  const auto fields = SplitSpaceDelimited(kA1);
  ASSERT_EQ(fields.size(), 7u);
  EXPECT_EQ(fields[3], "10/Oct/2000:13:25:15 -0700");
  EXPECT_EQ(fields[4], "GET /index.html HTTP/1.0");
  EXPECT_EQ(fields[6], "1534");
  EXPECT_EQ(SplitSpaceDelimited("  a   b  ").size(), 2u);
  EXPECT_EQ(SplitSpaceDelimited("\"unclosed x").size(), 2u);
}

TEST(SpaceDelimitedTest, DocumentedExamples) {
  EXPECT_TRUE(M("[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]", kA1));
  EXPECT_TRUE(M("[..., request =*.html*, status_code = 4*, bytes]", kA1));
  EXPECT_TRUE(
      M("[ip, user, username, timestamp, request =*.html*, status_code = 404 || "
        "status_code = 410, bytes]",
        kA1));
  EXPECT_FALSE(
      M("[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]", kA2));
  EXPECT_TRUE(M("[ip, server, username, timestamp, request, status_code, bytes > 1000]", kA1));
  EXPECT_FALSE(M("[ip, server, username, timestamp, request, status_code, bytes > 1000]", kA3));
  EXPECT_TRUE(M("[IP, UserInfo, User, Timestamp, RequestInfo, StatusCode=404, Bytes]", kA2));
  EXPECT_FALSE(M("[ip, id, user, timestamp, request, status_code=404, size]", kA3));
  EXPECT_TRUE(M("[w1=ERROR || W1=WARNING, w2]", "WARNING disk"));
  EXPECT_TRUE(M("[w1!=ERROR && w1!=WARNING, w2]", "INFO started"));
  EXPECT_FALSE(M("[w1!=ERROR && w1!=WARNING, w2]", "ERROR started"));
}

TEST(SpaceDelimitedTest, FieldCountMustFitWithoutEllipsis) {
  EXPECT_TRUE(M("[w1=ERROR, w2]", "ERROR message"));
  EXPECT_FALSE(M("[w1=ERROR, w2]", "ERROR WARN message"));
  EXPECT_FALSE(M("[w1=ERROR, w2]", "ERROR"));
  EXPECT_TRUE(M("[w1=ERROR, ...]", "ERROR WARN message"));
  EXPECT_TRUE(M("[w1=ERROR, ...]", "ERROR"));
  EXPECT_TRUE(M("[a, ..., z=end]", "start middle more end"));
  EXPECT_FALSE(M("[a, ..., y, z=end]", "end"));
}

TEST(SpaceDelimitedTest, ExtractsNamedFields) {
  const auto pattern =
      MustCompile("[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]");
  const MatchResult result = Match(pattern, kA1);
  ASSERT_TRUE(result.matched);
  ASSERT_EQ(result.extracted.size(), 7u);
  EXPECT_EQ(result.Find("$ip")->value, "127.0.0.1");
  EXPECT_EQ(result.Find("$user")->value, "Prod");
  EXPECT_EQ(result.Find("$timestamp")->value, "10/Oct/2000:13:25:15 -0700");
  EXPECT_EQ(result.Find("$request")->value, "GET /index.html HTTP/1.0");
  EXPECT_EQ(result.Find("status_code")->value, "404");
  EXPECT_EQ(result.Find("$bytes")->value, "1534");
  const MatchResult right = Match(MustCompile("[..., status, size]"), kA3);
  ASSERT_TRUE(right.matched);
  EXPECT_EQ(right.Find("$status")->value, "200");
  EXPECT_EQ(right.Find("$size")->value, "3");
  EXPECT_TRUE(Match(MustCompile("[a, b]"), "x").extracted.empty());
}

TEST(SpaceDelimitedTest, NumbersRegexAndQuotes) {
  EXPECT_TRUE(M("[a, b < 10]", "x 9.5"));
  EXPECT_FALSE(M("[a, b < 10]", "x -"));
  EXPECT_TRUE(M("[a, b = 7]", "x 7.0"));
  EXPECT_TRUE(M("[a, b != 7]", "x 8"));
  EXPECT_TRUE(M("[ip, user = %^adm%, ...]", "1.2.3.4 admin GET"));
  EXPECT_FALSE(M("[ip, user = %^adm%, ...]", "1.2.3.4 sysadm GET"));
  EXPECT_TRUE(M(R"([level = "ERROR", msg])", "ERROR boom"));
  EXPECT_TRUE(M("[a = *x*, b]", "axb c"));
}

TEST(SpaceDelimitedTest, RejectsUnsupportedAndMalformed) {
  EXPECT_NE(CompileError("[ip, user, username, timestamp, request, status_code = 4* && bytes > "
                         "1000]"),
            "");
  EXPECT_NE(CompileError("[]"), "");
  EXPECT_NE(CompileError("[a, ..., b, ...]"), "");
  EXPECT_NE(CompileError("[a, a]"), "");
  EXPECT_NE(CompileError("[a, b"), "");
  EXPECT_NE(CompileError("[a b]"), "");
  EXPECT_NE(CompileError("[a > x]"), "");
  EXPECT_NE(CompileError("[a = 1 && (a = 2)]"), "");
  EXPECT_NE(CompileError("[\"a\"]"), "");
  EXPECT_NE(CompileError("[a.b]"), "");
}

// ---------------------------------------------------------------- building blocks

TEST(TextMatchTest, ParseNumberIsStrict) {
  EXPECT_EQ(ParseNumber("400"), 400.0);
  EXPECT_EQ(ParseNumber("-1"), -1.0);
  EXPECT_EQ(ParseNumber("+1000"), 1000.0);
  EXPECT_EQ(ParseNumber("1e-3"), 0.001);
  EXPECT_EQ(ParseNumber(".5"), 0.5);
  EXPECT_EQ(ParseNumber("5."), 5.0);
  EXPECT_FALSE(ParseNumber(""));
  EXPECT_FALSE(ParseNumber("inf"));
  EXPECT_FALSE(ParseNumber("nan"));
  EXPECT_FALSE(ParseNumber("0x10"));
  EXPECT_FALSE(ParseNumber("1e"));
  EXPECT_FALSE(ParseNumber("123.123.1"));
  EXPECT_FALSE(ParseNumber("1e999"));
}

TEST(TextMatchTest, Glob) {
  EXPECT_TRUE(Glob("*.html*").Matches("GET /index.html HTTP/1.0"));
  EXPECT_FALSE(Glob("*.html*").Matches("GET /a.gif"));
  EXPECT_TRUE(Glob("4*").Matches("404"));
  EXPECT_FALSE(Glob("4*").Matches("200"));
  EXPECT_TRUE(Glob("a*b*c").Matches("abc"));
  EXPECT_TRUE(Glob("a*b*c").Matches("axxbyyc"));
  EXPECT_FALSE(Glob("a*a").Matches("a"));
  EXPECT_TRUE(Glob("*").Matches(""));
  EXPECT_TRUE(Glob("").Matches(""));
  EXPECT_FALSE(Glob("").Matches("x"));
}

TEST(LexerTest, TokensAndColumns) {
  auto tokens = Lex("{$.a[0]!=\"x\\\"y\"&&$.b<=-1}");
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 10u);
  EXPECT_EQ((*tokens)[1].kind, TokenKind::kSelector);
  EXPECT_EQ((*tokens)[1].text, "$.a[0]");
  EXPECT_EQ((*tokens)[2].op, CompareOp::kNe);
  EXPECT_EQ((*tokens)[3].text, "x\"y");
  EXPECT_EQ((*tokens)[4].kind, TokenKind::kAnd);
  EXPECT_EQ((*tokens)[6].op, CompareOp::kLe);
  EXPECT_EQ((*tokens)[7].text, "-1");
  EXPECT_EQ((*tokens)[7].column, 23u);
}

TEST(ParserTest, SelectorSteps) {
  auto selector = ParseSelector("$.objectList[1].id", 1);
  ASSERT_TRUE(selector);
  ASSERT_EQ(selector->steps.size(), 3u);
  EXPECT_EQ(selector->steps[0].key, "objectList");
  EXPECT_TRUE(selector->steps[1].is_index);
  EXPECT_EQ(selector->steps[1].index, 1u);
  EXPECT_TRUE(ParseSelector("$.a-b_c.0", 1));
  EXPECT_FALSE(ParseSelector("$.a[x]", 1));
  EXPECT_FALSE(ParseSelector("$.a[1", 1));
  EXPECT_FALSE(ParseSelector("$", 1));
}

// ---------------------------------------------------------------- metric values

TEST(ValueExpressionTest, ConstantsSelectorsAndFields) {
  const auto json = MustCompile("{ $.latency = * }");
  const LogEvent event(R"({"latency": 50, "requestType": "GET", "s": "7", "o": {}})");
  const MatchResult match = Match(json, event);
  ASSERT_TRUE(match.matched);
  auto one = ValueExpression::Compile("1", json);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->ResolveNumber(event, match), 1.0);
  auto latency = ValueExpression::Compile("$.latency", json);
  ASSERT_TRUE(latency);
  EXPECT_EQ(latency->ResolveNumber(event, match), 50.0);
  EXPECT_EQ(latency->ResolveText(event, match), "50");
  EXPECT_EQ(ValueExpression::Compile("$.s", json)->ResolveNumber(event, match), 7.0);
  EXPECT_FALSE(ValueExpression::Compile("$.requestType", json)->ResolveNumber(event, match));
  EXPECT_EQ(ValueExpression::Compile("$.requestType", json)->ResolveText(event, match), "GET");
  EXPECT_FALSE(ValueExpression::Compile("$.o", json)->ResolveText(event, match));
  EXPECT_FALSE(ValueExpression::Compile("$.missing", json)->ResolveNumber(event, match));

  const auto apache = MustCompile("[ip, user, username, timestamp, request, status_code, bytes]");
  const LogEvent line(kA1);
  const MatchResult fields = Match(apache, line);
  ASSERT_TRUE(fields.matched);
  EXPECT_EQ(ValueExpression::Compile("$bytes", apache)->ResolveNumber(line, fields), 1534.0);
  EXPECT_EQ(ValueExpression::Compile("$7", apache)->ResolveNumber(line, fields), 1534.0);
  EXPECT_EQ(ValueExpression::Compile("$user", apache)->ResolveText(line, fields), "Prod");
  EXPECT_FALSE(ValueExpression::Compile("$user", apache)->ResolveNumber(line, fields));
}

TEST(ValueExpressionTest, RejectsMismatchedReferences) {
  const auto terms = MustCompile("ERROR");
  const auto json = MustCompile("{ $.a = 1 }");
  const auto fields = MustCompile("[a, ..., b]");
  EXPECT_FALSE(ValueExpression::Compile("$.a", terms));
  EXPECT_FALSE(ValueExpression::Compile("$a", json));
  EXPECT_FALSE(ValueExpression::Compile("$c", fields));
  EXPECT_FALSE(ValueExpression::Compile("$2", fields));  // `...`
  EXPECT_TRUE(ValueExpression::Compile("$3", fields));
  EXPECT_FALSE(ValueExpression::Compile("abc", fields));
  EXPECT_FALSE(ValueExpression::Compile("$.a[*]", json));
  EXPECT_FALSE(terms.SupportsDimensions());
  EXPECT_TRUE(json.SupportsDimensions());
}

TEST(LogEventTest, ParsesOnceAndSharesAcrossPatterns) {
  const LogEvent event(kJ1);
  EXPECT_TRUE(event.IsJsonObject());
  const auto* first = event.json();
  EXPECT_TRUE(Matches(MustCompile("{ $.ThisFlag IS TRUE }"), event));
  EXPECT_TRUE(Matches(MustCompile("{ $.eventType = UpdateTrail }"), event));
  EXPECT_EQ(event.json(), first);
  EXPECT_FALSE(LogEvent("not json").IsJsonObject());
}

}  // namespace
}  // namespace tw::services::logs::filter_pattern
