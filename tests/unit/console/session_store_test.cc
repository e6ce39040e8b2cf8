// SPDX-License-Identifier: Apache-2.0
// Console sessions: ids and CSRF tokens, idle and absolute expiry, promotion after the forced
// password change, eviction that never drops a signed-in session.
#include "console/session_store.h"

#include <gtest/gtest.h>

#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::console {
namespace {

using testing::FakeClock;
using testing::FixedRandom;

TEST(SessionStoreTest, CreatesUnguessableIdsAndTokens) {
  FakeClock clock;
  FixedRandom random;
  SessionStore store(clock, random);
  auto [id1, s1] = store.Create(SessionState::kAnonymous);
  auto [id2, s2] = store.Create(SessionState::kAnonymous);
  EXPECT_GE(id1.size(), 43u);  // 256 bits in base64url
  EXPECT_NE(id1, id2);
  EXPECT_NE(s1.csrf_token, s2.csrf_token);
  EXPECT_NE(id1, s1.csrf_token);
  for (char c : id1)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  ASSERT_TRUE(store.Find(id1));
  EXPECT_EQ(store.Find(id1)->csrf_token, s1.csrf_token);
  EXPECT_FALSE(store.Find("not-a-session"));
  EXPECT_FALSE(store.Find(""));
}

TEST(SessionStoreTest, IdleExpiryIsRenewedByUse) {
  FakeClock clock;
  FixedRandom random;
  SessionStore store(clock, random);
  auth::Principal alice;
  alice.type = auth::PrincipalType::kIamUser;
  alice.user_name = "alice";
  auto [id, session] = store.Create(SessionState::kSignedIn, alice);
  clock.Advance(59 * 60 * 1000);
  ASSERT_TRUE(store.Find(id));  // used: the idle timer restarts
  clock.Advance(59 * 60 * 1000);
  ASSERT_TRUE(store.Find(id));
  clock.Advance(60 * 60 * 1000);  // one hour without use
  EXPECT_FALSE(store.Find(id));
  EXPECT_FALSE(store.Find(id));  // and it stays gone
}

TEST(SessionStoreTest, AbsoluteLifetimeEndsEvenABusySession) {
  FakeClock clock;
  FixedRandom random;
  SessionLimits limits;
  limits.absolute_millis = 3 * 60 * 60 * 1000;
  SessionStore store(clock, random, limits);
  auto [id, session] = store.Create(SessionState::kSignedIn);
  for (int i = 0; i < 5; ++i) {
    clock.Advance(30 * 60 * 1000);
    ASSERT_TRUE(store.Find(id)) << i;
  }
  clock.Advance(30 * 60 * 1000);
  EXPECT_FALSE(store.Find(id));
}

TEST(SessionStoreTest, AnonymousSessionsExpireSooner) {
  FakeClock clock;
  FixedRandom random;
  SessionStore store(clock, random);
  auto [anon, a] = store.Create(SessionState::kAnonymous);
  auto [user, u] = store.Create(SessionState::kSignedIn);
  clock.Advance(31 * 60 * 1000);
  EXPECT_FALSE(store.Find(anon));
  EXPECT_TRUE(store.Find(user));
}

TEST(SessionStoreTest, PromoteReplacesIdAndToken) {
  FakeClock clock;
  FixedRandom random;
  SessionStore store(clock, random);
  auto [id, session] = store.Create(SessionState::kPasswordReset);
  auto promoted = store.Promote(id);
  ASSERT_TRUE(promoted);
  EXPECT_NE(promoted->first, id);
  EXPECT_NE(promoted->second.csrf_token, session.csrf_token);
  EXPECT_EQ(promoted->second.state, SessionState::kSignedIn);
  EXPECT_FALSE(store.Find(id));  // the old id no longer works
  EXPECT_TRUE(store.Find(promoted->first));
  EXPECT_FALSE(store.Promote("unknown"));
}

TEST(SessionStoreTest, RemoveSignsOut) {
  FakeClock clock;
  FixedRandom random;
  SessionStore store(clock, random);
  auto [id, session] = store.Create(SessionState::kSignedIn);
  store.Remove(id);
  EXPECT_FALSE(store.Find(id));
}

TEST(SessionStoreTest, CsrfTokenMustMatchExactly) {
  FakeClock clock;
  FixedRandom random;
  SessionStore store(clock, random);
  auto [id, session] = store.Create(SessionState::kAnonymous);
  EXPECT_TRUE(SessionStore::CsrfMatches(session, session.csrf_token));
  EXPECT_FALSE(SessionStore::CsrfMatches(session, ""));
  EXPECT_FALSE(SessionStore::CsrfMatches(session, session.csrf_token + "x"));
  std::string flipped = session.csrf_token;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(SessionStore::CsrfMatches(session, flipped));
  Session empty;
  EXPECT_FALSE(SessionStore::CsrfMatches(empty, ""));
}

TEST(SessionStoreTest, FloodOfSignInFormsNeverEvictsSignedInSessions) {
  FakeClock clock;
  FixedRandom random;
  SessionLimits limits;
  limits.max_sessions = 10;
  SessionStore store(clock, random, limits);
  auto [user, u] = store.Create(SessionState::kSignedIn);
  std::string first_anonymous;
  for (int i = 0; i < 100; ++i) {
    clock.Advance(1);
    auto [id, s] = store.Create(SessionState::kAnonymous);
    if (i == 0) first_anonymous = id;
  }
  EXPECT_LE(store.size(), 10u);
  EXPECT_TRUE(store.Find(user));
  EXPECT_FALSE(store.Find(first_anonymous));  // the oldest forms went first
}

}  // namespace
}  // namespace tw::console
