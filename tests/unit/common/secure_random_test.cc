// SPDX-License-Identifier: Apache-2.0
// SecureRandom hands small requests out of a per-thread block of RAND_bytes output: every id is
// still fresh (never repeated within or across threads), and large requests are filled whole.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/random.h"

namespace tw {
namespace {

TEST(SecureRandomTest, IdsNeverRepeatWithinOrAcrossThreads) {
  std::vector<std::vector<std::string>> ids(4);
  std::vector<std::thread> threads;
  for (auto& list : ids) {
    threads.emplace_back([&list] {
      SecureRandom random;
      for (int i = 0; i < 5000; ++i) list.push_back(random.Uuid());  // crosses block refills
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& list : ids) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), 4u * 5000u);
  EXPECT_EQ(ids[0][0].size(), 36u);
  EXPECT_EQ(ids[0][0][14], '4');  // version 4
}

TEST(SecureRandomTest, SmallAndLargeFillsAreRandom) {
  SecureRandom random;
  std::string a = random.Bytes(40);
  std::string b = random.Bytes(40);
  EXPECT_NE(a, b);
  std::string big = random.Bytes(100'000);
  std::set<char> distinct(big.begin(), big.end());
  EXPECT_EQ(distinct.size(), 256u);  // 100 000 random bytes cover every value
}

}  // namespace
}  // namespace tw
