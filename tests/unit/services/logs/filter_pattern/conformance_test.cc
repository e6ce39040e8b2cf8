// SPDX-License-Identifier: Apache-2.0
// Conformance: every (pattern, event, matches) case of shared/data/filter-cases/cases.jsonl,
// read at test time from TW_SHARED_DIR (never copied into the repository). Each disagreement must
// be listed, with the AWS document that decides it, in
// tests/golden/logs/filter_patterns/known_disagreements.txt.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "services/logs/filter_pattern/filter_pattern.h"
#include "unit/services/logs/filter_pattern/test_support.h"

namespace tw::services::logs::filter_pattern {
namespace {

// "<line>\t<pattern>" keys of the listed disagreements.
std::set<std::string> KnownDisagreements() {
  std::set<std::string> known;
  std::istringstream in(
      testing::ReadFile(std::filesystem::path(TW_SOURCE_DIR) / "tests/golden/logs/filter_patterns/"
                                                               "known_disagreements.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto first = line.find('\t');
    const auto second = line.find('\t', first + 1);
    if (first == std::string::npos || second == std::string::npos) {
      ADD_FAILURE() << "malformed known_disagreements line: " << line;
      continue;
    }
    known.insert(line.substr(0, second));
  }
  return known;
}

TEST(ConformanceTest, AwsDocumentedCasesAgree) {
  const auto path = testing::SharedDir() / "data/filter-cases/cases.jsonl";
  const std::string text = testing::ReadFile(path);
  ASSERT_FALSE(text.empty()) << "missing " << path;
  const std::set<std::string> known = KnownDisagreements();
  std::set<std::string> seen_known;
  std::istringstream in(text);
  std::string line;
  int line_number = 0;
  int total = 0;
  int agree = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    boost::json::error_code ec;
    const boost::json::value parsed = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "line " << line_number << ": " << ec.message();
    const auto& c = parsed.as_object();
    const std::string pattern(c.at("pattern").as_string());
    const std::string event(c.at("event").as_string());
    const bool expected = c.at("matches").as_bool();
    ++total;
    auto compiled = Compile(pattern);
    std::string got;
    bool agrees = false;
    if (!compiled) {
      got = "compile error: " + compiled.error().Describe();
    } else {
      const bool matched = Match(*compiled, event).matched;
      got = matched ? "match" : "no match";
      agrees = matched == expected;
    }
    const std::string key = std::to_string(line_number) + "\t" + pattern;
    if (agrees) {
      ++agree;
      EXPECT_EQ(known.count(key), 0u)
          << "line " << line_number << " agrees now; remove it from known_disagreements.txt";
      continue;
    }
    if (known.count(key) != 0) {
      seen_known.insert(key);
      continue;
    }
    ADD_FAILURE() << "cases.jsonl line " << line_number << ": pattern `" << pattern << "` event `"
                  << event << "`: expected " << (expected ? "match" : "no match") << ", got " << got
                  << "\n  source: " << c.at("source").as_string()
                  << "\n  note: " << c.at("note").as_string();
  }
  EXPECT_EQ(total, 113) << "cases.jsonl changed; update the expected count";
  std::cout << "[conformance] " << agree << " of " << total << " agree" << std::endl;
  for (const std::string& key : known) {
    EXPECT_TRUE(seen_known.count(key) != 0 || total == 0)
        << "listed disagreement not found in cases.jsonl: " << key;
  }
}

}  // namespace
}  // namespace tw::services::logs::filter_pattern
