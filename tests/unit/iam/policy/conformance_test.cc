// SPDX-License-Identifier: Apache-2.0
// Runs every case of the shared, independently written policy-case suite
// (TW_SHARED_DIR/data/policy-cases/cases.jsonl) and asserts agreement, except for the cases listed
// in tests/golden/policy/known_disagreements.txt, each with the AWS documentation that justifies
// the difference or the reason it is out of scope. A listed case that starts agreeing fails too,
// so the list stays exact.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include "policy_case.h"

namespace tw::iam::policy {
namespace {

// "L<line> | <reason>" lines; '#' starts a comment.
std::map<int, std::string> LoadKnownDisagreements() {
  std::map<int, std::string> known;
  std::istringstream in(testing::ReadFile(std::string(TW_SOURCE_DIR) +
                                          "/tests/golden/policy/known_disagreements.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] != 'L') continue;
    int number = std::stoi(line.substr(1));
    known[number] = line;
  }
  return known;
}

TEST(PolicyConformance, SharedCaseSuite) {
  std::istringstream in(
      testing::ReadFile(std::string(TW_SHARED_DIR) + "/data/policy-cases/cases.jsonl"));
  std::map<int, std::string> known = LoadKnownDisagreements();
  std::string line;
  int number = 0;
  int total = 0;
  int agree = 0;
  std::string report;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    ++total;
    boost::json::object c = boost::json::parse(line).as_object();
    testing::CaseRunner runner;
    testing::CaseRun run = runner.Run(c);
    std::string expected(c.at("expected").as_string());
    std::string got =
        run.error.empty() ? testing::DecisionName(run.result.decision) : "Error(" + run.error + ")";
    bool agrees = got == expected;
    agree += agrees ? 1 : 0;
    bool listed = known.count(number) > 0;
    std::string name(c.at("name").as_string());
    if (!agrees) {
      report += "  L" + std::to_string(number) + " " + name + ": expected " + expected + ", got " +
                got + (listed ? "" : "  <-- NOT LISTED") + "\n";
    }
    EXPECT_EQ(agrees, !listed) << "case L" << number << " (" << name << "): expected " << expected
                               << ", got " << got
                               << (listed ? " — listed as a known disagreement but now agrees"
                                          : "");
  }
  std::printf("%d of %d agree\n%s", agree, total, report.c_str());
  EXPECT_EQ(total, 380);
}

}  // namespace
}  // namespace tw::iam::policy
