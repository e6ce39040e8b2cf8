// SPDX-License-Identifier: Apache-2.0
// Sign-in lock-out: five failures within the window lock the name for the lock time; success
// clears; names are counted the same whether or not such a user exists.
#include "console/lockout.h"

#include <gtest/gtest.h>

namespace tw::console {
namespace {

constexpr std::int64_t kMinute = 60 * 1000;

TEST(LockoutTest, FiveFailuresLock) {
  LockoutTracker tracker;
  const std::string key = LockoutTracker::Key("000000000000", "alice");
  std::int64_t now = 1'000'000;
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(tracker.RecordFailure(key, now + i));
    EXPECT_EQ(tracker.LockedFor(key, now + i), 0);
  }
  EXPECT_TRUE(tracker.RecordFailure(key, now + 4));
  EXPECT_EQ(tracker.LockedFor(key, now + 4), 15 * kMinute);
  EXPECT_GT(tracker.LockedFor(key, now + 14 * kMinute), 0);
  EXPECT_EQ(tracker.LockedFor(key, now + 4 + 15 * kMinute), 0);  // unlocks by itself
}

TEST(LockoutTest, FailuresOutsideTheWindowDoNotCount) {
  LockoutTracker tracker;
  const std::string key = LockoutTracker::Key("000000000000", "alice");
  std::int64_t now = 0;
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(tracker.RecordFailure(key, now)) << i;
    now += 4 * kMinute;  // at most 4 failures in any 15 minutes
  }
}

TEST(LockoutTest, SuccessClearsFailures) {
  LockoutTracker tracker;
  const std::string key = LockoutTracker::Key("000000000000", "alice");
  for (int i = 0; i < 4; ++i) tracker.RecordFailure(key, i);
  tracker.Reset(key);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(tracker.RecordFailure(key, 10 + i));
}

TEST(LockoutTest, NamesAreCountedIgnoringCaseAndSeparately) {
  LockoutTracker tracker;
  EXPECT_EQ(LockoutTracker::Key("MyAlias", "Alice"), LockoutTracker::Key("myalias", "alice"));
  EXPECT_NE(LockoutTracker::Key("a", "b/c"), LockoutTracker::Key("a/b", "c"));
  const std::string alice = LockoutTracker::Key("000000000000", "alice");
  const std::string bob = LockoutTracker::Key("000000000000", "bob");
  for (int i = 0; i < 5; ++i) tracker.RecordFailure(alice, i);
  EXPECT_GT(tracker.LockedFor(alice, 10), 0);
  EXPECT_EQ(tracker.LockedFor(bob, 10), 0);
}

TEST(LockoutTest, CustomPolicy) {
  LockoutPolicy policy;
  policy.max_failures = 2;
  policy.lock_millis = kMinute;
  LockoutTracker tracker(policy);
  const std::string key = LockoutTracker::Key("1", "x");
  EXPECT_FALSE(tracker.RecordFailure(key, 0));
  EXPECT_TRUE(tracker.RecordFailure(key, 1));
  EXPECT_EQ(tracker.LockedFor(key, 1), kMinute);
}

TEST(LockoutTest, BoundedMemory) {
  LockoutPolicy policy;
  policy.max_keys = 100;
  LockoutTracker tracker(policy);
  for (int i = 0; i < 1000; ++i) tracker.RecordFailure("k" + std::to_string(i), i);
  // The newest key is still tracked.
  for (int i = 0; i < 4; ++i) tracker.RecordFailure("k999", 1000 + i);
  EXPECT_GT(tracker.LockedFor("k999", 1010), 0);
}

}  // namespace
}  // namespace tw::console
