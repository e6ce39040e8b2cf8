// SPDX-License-Identifier: Apache-2.0
#include "protocol/validate/pattern.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/embedded.h"
#include "protocol/model.h"

namespace tw::embedded_models {
extern const tw::EmbeddedFile kFiles[];
extern const std::size_t kFileCount;
}  // namespace tw::embedded_models

namespace tw::protocol {
namespace {

struct MatchCase {
  const char* pattern;
  std::string text;
  bool matches;
};

void PrintTo(const MatchCase& c, std::ostream* os) { *os << c.pattern << " on '" << c.text << "'"; }

class JavaPatternTest : public testing::TestWithParam<MatchCase> {};

TEST_P(JavaPatternTest, FullMatchesLikeJava) {
  const MatchCase& c = GetParam();
  auto compiled = CompilePattern(c.pattern);
  ASSERT_TRUE(compiled) << compiled.error().message;
  EXPECT_EQ((*compiled)->Matches(c.text), c.matches)
      << c.pattern << " (RE2: " << (*compiled)->re2_pattern() << ") on '" << c.text << "'";
}

INSTANTIATE_TEST_SUITE_P(
    ModelPatterns, JavaPatternTest,
    testing::Values(
        // IAM names: \w is ASCII in Java, and the whole value must match.
        MatchCase{R"([\w+=,.@-]+)", "bob", true},
        MatchCase{R"([\w+=,.@-]+)", "a-b_c@d.e,f=g+h", true},
        MatchCase{R"([\w+=,.@-]+)", "bad name!", false}, MatchCase{R"([\w+=,.@-]+)", "bad", true},
        MatchCase{R"([\w+=,.@-]+)", "", false}, MatchCase{R"([\w+=,.@-]+)", "caf\xC3\xA9", false},
        // Tags: Unicode letters, separators and numbers.
        MatchCase{R"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", "", true},
        MatchCase{R"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", "h\xC3\xA9llo w\xC3\xB6rld 42", true},
        MatchCase{R"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", "\xE6\x97\xA5\xE6\x9C\xAC", true},
        MatchCase{R"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", "a;b", false},
        MatchCase{R"(^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$)", "team-a", true},
        // Passwords: \uXXXX ranges.
        MatchCase{R"([\u0009\u000A\u000D\u0020-\u00FF]+)", "p\xC3\xA4ss word\t", true},
        MatchCase{R"([\u0009\u000A\u000D\u0020-\u00FF]+)", "\xE2\x82\xAC", false},
        MatchCase{R"([\u0009\u000A\u000D\u0020-\u00FF]+)", "\x01", false},
        // Top-level alternation still has to cover the whole value.
        MatchCase{R"((\u002F)|(\u002F[\u0021-\u007E]+\u002F))", "/", true},
        MatchCase{R"((\u002F)|(\u002F[\u0021-\u007E]+\u002F))", "/division_abc/", true},
        MatchCase{R"((\u002F)|(\u002F[\u0021-\u007E]+\u002F))", "/a", false},
        MatchCase{R"((\u002F)|(\u002F[\u0021-\u007E]+\u002F))", "a/", false},
        // Java's \u takes four digits: \u10000-\u10FFFF is U+1000, '0'-U+10FF, 'F', 'F', so
        // characters outside the BMP do not match (as in Java and in ECMAScript).
        MatchCase{
            R"([\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+)",
            "arn:aws:iam::123456789012:role/x", true},
        MatchCase{
            R"([\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+)",
            "\x01", false},
        MatchCase{
            R"([\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+)",
            "\xF0\x9F\x98\x80", false},
        // An escaped surrogate pair is one supplementary code point in Java.
        MatchCase{R"([\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*)", "\xF0\x9F\x98\x80",
                  true},
        MatchCase{R"([\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*)", "\x01", false},
        // Java's dot stops at every line terminator, unless (?s).
        MatchCase{R"(.*)", "abc", true}, MatchCase{R"(.*)", "a\nb", false},
        MatchCase{R"(.*)",
                  "a\xE2\x80\xA8"
                  "b",
                  false},
        MatchCase{R"(.*)", "a\rb", false}, MatchCase{R"((?s).*)", "a\nb", true},
        MatchCase{R"([^:].*)", "AWS/EC2", true}, MatchCase{R"([^:].*)", ":x", false},
        // The rewritten lookahead: no "--" anywhere.
        MatchCase{R"(^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$)", "my-alias", true},
        MatchCase{R"(^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$)", "a-b-c", true},
        MatchCase{R"(^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$)", "my--alias", false},
        MatchCase{R"(^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$)", "-ab", false},
        MatchCase{R"(^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$)", "ab", false},
        // A dash next to a class escape is literal.
        MatchCase{R"([\w-_]*)", "a-b_c", true}, MatchCase{R"([\w-_]*)", "a.b", false},
        // Java's \s includes the vertical tab; \S excludes it.
        MatchCase{R"(\S{3,5})", "abcd", true},
        MatchCase{R"(\S{3,5})",
                  "ab\x0B"
                  "c",
                  false},
        MatchCase{R"(^[\w\d\s_.,\-:\[\]]+$)", "Access Denied [x]", true},
        MatchCase{R"(^[\w\d\s_.,\-:\[\]]+$)",
                  "a\x0B"
                  "b",
                  true},
        MatchCase{R"([\.\-_/#A-Za-z0-9]+)", "/aws/lambda/x", true},
        MatchCase{R"([\.\-_/#A-Za-z0-9]+)", "a b", false}, MatchCase{R"([^:*]*)", "a:b", false},
        MatchCase{R"(^(\+[0-9]{8,}|[0-9]{0,9})$)", "+4915112345678", true},
        MatchCase{R"(^(\+[0-9]{8,}|[0-9]{0,9})$)", "12ab", false},
        MatchCase{R"(\Qa.b\E)", "a.b", true}, MatchCase{R"(\Qa.b\E)", "axb", false}));

struct UnsupportedCase {
  const char* pattern;
  const char* construct;
};

void PrintTo(const UnsupportedCase& c, std::ostream* os) { *os << c.pattern; }

class UnsupportedPatternTest : public testing::TestWithParam<UnsupportedCase> {};

TEST_P(UnsupportedPatternTest, IsAnErrorNamingTheConstruct) {
  auto translated = TranslateJavaPattern(GetParam().pattern);
  ASSERT_FALSE(translated) << translated->re2;
  EXPECT_EQ(translated.error().code, "InternalFailure");
  EXPECT_NE(translated.error().message.find(GetParam().construct), std::string::npos)
      << translated.error().message;
}

INSTANTIATE_TEST_SUITE_P(Constructs, UnsupportedPatternTest,
                         testing::Values(UnsupportedCase{"a(?=b)", "lookaround"},
                                         UnsupportedCase{"a(?<!b)c", "lookaround"},
                                         UnsupportedCase{"(a)\\1", "backreference"},
                                         UnsupportedCase{"a*+", "possessive"},
                                         UnsupportedCase{"(?>a)", "atomic"},
                                         UnsupportedCase{"[a-z&&[^b]]", "intersection"},
                                         UnsupportedCase{"[a[b]]", "nested"},
                                         UnsupportedCase{"\\p{javaLowerCase}", "javaLowerCase"},
                                         UnsupportedCase{"\\uD800", "surrogate"},
                                         UnsupportedCase{"(?x)a", "'x'"},
                                         UnsupportedCase{"\\R", "\\R"}));

TEST(PatternTest, CompilesOnceAndSharesTheResult) {
  auto first = CompilePattern("[a-z]+");
  auto second = CompilePattern("[a-z]+");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->get(), second->get());
}

TEST(PatternTest, ConcurrentCompilationIsSafe) {
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 200; ++i) {
        auto p = CompilePattern("[0-9]{1," + std::to_string(1 + (i + t) % 20) + "}");
        if (p && (*p)->Matches("7")) ++ok[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int n : ok) EXPECT_EQ(n, 200);
}

// Every pattern of every shape in every embedded model must translate and compile, so a model
// refresh can never quietly drop a check.
TEST(PatternTest, EveryPatternOfEveryEmbeddedModelCompiles) {
  const ServiceCatalog& catalog = ServiceCatalog::Embedded();
  std::size_t shapes_with_patterns = 0;
  std::set<std::string> distinct;
  std::size_t models = 0;
  for (std::size_t i = 0; i < embedded_models::kFileCount; ++i) {
    std::string_view file = embedded_models::kFiles[i].name;
    if (!file.ends_with(".json")) continue;
    const ServiceModel* model = catalog.Find(file.substr(0, file.size() - 5));
    ASSERT_NE(model, nullptr) << file;
    ++models;
    boost::json::value doc = boost::json::parse(embedded_models::kFiles[i].data);
    for (const auto& entry : doc.at("shapes").as_object()) {
      const Shape* shape = model->FindShape(entry.key());
      ASSERT_NE(shape, nullptr) << entry.key();
      if (entry.value().as_object().contains("pattern")) {
        EXPECT_FALSE(shape->pattern.empty()) << model->name() << " " << shape->name;
      }
      if (shape->pattern.empty()) continue;
      ++shapes_with_patterns;
      distinct.insert(shape->pattern);
      auto compiled = CompilePattern(shape->pattern);
      EXPECT_TRUE(compiled) << model->name() << " " << shape->name << ": "
                            << (compiled ? "" : compiled.error().message);
    }
  }
  EXPECT_EQ(models, 8u);  // the seven AWS models and trailwatch.json
  EXPECT_GT(shapes_with_patterns, 100u);
  RecordProperty("shapes_with_patterns", static_cast<int>(shapes_with_patterns));
  RecordProperty("distinct_patterns", static_cast<int>(distinct.size()));
  std::printf("compiled %zu patterns (%zu distinct) across %zu models\n", shapes_with_patterns,
              distinct.size(), models);
}

}  // namespace
}  // namespace tw::protocol
