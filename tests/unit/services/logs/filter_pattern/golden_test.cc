// SPDX-License-Identifier: Apache-2.0
// Runs tests/golden/logs/filter_patterns/*.test (format in that folder's README.md): each case
// names its source, a pattern, events that must or must not match, the values a match extracts,
// metric-value resolutions, or the compile error expected.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "services/logs/filter_pattern/filter_pattern.h"
#include "services/logs/filter_pattern/value_expression.h"
#include "unit/services/logs/filter_pattern/test_support.h"

namespace tw::services::logs::filter_pattern {
namespace {

struct Expectation {
  std::string event;
  bool match = true;
  std::map<std::string, std::string> extract;  // empty: not checked
  std::vector<std::pair<std::string, std::string>> values;
  int line = 0;
};

struct GoldenCase {
  std::string file;
  std::string name;
  std::string source;
  std::optional<std::string> pattern;
  std::optional<std::string> error;
  std::vector<Expectation> expectations;
  int line = 0;
};

std::vector<GoldenCase> LoadCases() {
  std::vector<GoldenCase> cases;
  const auto dir = std::filesystem::path(TW_SOURCE_DIR) / "tests/golden/logs/filter_patterns";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::istringstream in(testing::ReadFile(file));
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty() || line[0] == '#') continue;
      const auto colon = line.find(':');
      if (colon == std::string::npos) {
        ADD_FAILURE() << file.filename() << ":" << number << ": expected `key: value`";
        continue;
      }
      const std::string key = line.substr(0, colon);
      std::string value = line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (key == "case") {
        cases.push_back(GoldenCase{file.filename().string(), value, "", {}, {}, {}, number});
        continue;
      }
      if (cases.empty()) {
        ADD_FAILURE() << file.filename() << ":" << number << ": `" << key << "` before `case:`";
        continue;
      }
      GoldenCase& c = cases.back();
      if (key == "source") {
        c.source = value;
      } else if (key == "pattern") {
        c.pattern = value;
      } else if (key == "error") {
        c.error = value;
      } else if (key == "match" || key == "nomatch") {
        c.expectations.push_back(Expectation{value, key == "match", {}, {}, number});
      } else if (key == "extract" || key == "value") {
        if (c.expectations.empty() || !c.expectations.back().match) {
          ADD_FAILURE() << file.filename() << ":" << number << ": `" << key
                        << "` must follow a `match:` line";
          continue;
        }
        if (key == "extract") {
          const auto eq = value.find('=');
          c.expectations.back().extract[value.substr(0, eq)] = value.substr(eq + 1);
        } else {
          const auto arrow = value.find(" -> ");
          c.expectations.back().values.emplace_back(value.substr(0, arrow),
                                                    value.substr(arrow + 4));
        }
      } else {
        ADD_FAILURE() << file.filename() << ":" << number << ": unknown key `" << key << "`";
      }
    }
  }
  return cases;
}

std::string FormatNumber(std::optional<double> value) {
  if (!value) return "none";
  std::ostringstream out;
  out << *value;
  return out.str();
}

TEST(GoldenTest, AllCases) {
  const std::vector<GoldenCase> cases = LoadCases();
  ASSERT_GE(cases.size(), 150u);
  int checks = 0;
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + " `" + c.name + "`");
    EXPECT_FALSE(c.source.empty()) << "every case names its source";
    ASSERT_TRUE(c.pattern.has_value()) << "case without `pattern:`";
    auto compiled = Compile(*c.pattern);
    if (c.error) {
      ASSERT_FALSE(compiled) << "expected a compile error";
      EXPECT_NE(compiled.error().Describe().find(*c.error), std::string::npos)
          << compiled.error().Describe();
      ++checks;
      continue;
    }
    ASSERT_TRUE(compiled) << compiled.error().Describe();
    EXPECT_FALSE(c.expectations.empty());
    for (const Expectation& e : c.expectations) {
      SCOPED_TRACE("line " + std::to_string(e.line));
      const LogEvent event(e.event);
      const MatchResult result = Match(*compiled, event);
      EXPECT_EQ(result.matched, e.match) << e.event;
      ++checks;
      if (!e.extract.empty()) {
        std::map<std::string, std::string> got;
        for (const ExtractedValue& v : result.extracted) {
          got[std::string(v.name)] = std::string(v.value);
        }
        EXPECT_EQ(got, e.extract);
      }
      for (const auto& [expression, want] : e.values) {
        auto compiled_value = ValueExpression::Compile(expression, *compiled);
        ASSERT_TRUE(compiled_value) << compiled_value.error().Describe();
        EXPECT_EQ(FormatNumber(compiled_value->ResolveNumber(event, result)), want) << expression;
      }
    }
  }
  std::cout << "[golden] " << cases.size() << " cases, " << checks << " checks" << std::endl;
}

}  // namespace
}  // namespace tw::services::logs::filter_pattern
