// SPDX-License-Identifier: Apache-2.0
// Console sessions, kept in memory (a restart signs everyone out). A browser first gets an
// anonymous session (a cookie and a CSRF token for the sign-in form); signing in replaces it with
// a new session id (no fixation) in one of two states: signed in, or limited to the forced
// password change. Sessions expire after an idle time and after an absolute lifetime. Session ids
// are 256-bit random values kept only as SHA-256 digests, so a lookup's timing says nothing about
// stored ids; CSRF tokens are compared in constant time. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/random.h"

namespace tw::console {

enum class SessionState {
  kAnonymous,      // before sign-in: only the sign-in form's CSRF token
  kPasswordReset,  // signed in with PasswordResetRequired: only change-password and sign-out
  kSignedIn,
};

struct Session {
  SessionState state = SessionState::kAnonymous;
  std::string csrf_token;
  auth::Principal principal;  // for kPasswordReset and kSignedIn
  bool mfa_used = false;
  std::int64_t created_millis = 0;
  std::int64_t last_seen_millis = 0;
};

struct SessionLimits {
  std::int64_t idle_millis = 60 * 60 * 1000;            // signed-in sessions: 1 hour idle
  std::int64_t anonymous_idle_millis = 30 * 60 * 1000;  // sign-in forms: 30 minutes
  std::int64_t absolute_millis = 12 * 60 * 60 * 1000;   // any session: 12 hours at most
  std::size_t max_sessions = 100000;                    // oldest anonymous ones go first
};

class SessionStore {
 public:
  SessionStore(const Clock& clock, RandomSource& random, SessionLimits limits = {})
      : clock_(clock), random_(random), limits_(limits) {}

  // A new session; returns its id (the cookie value) and the stored session.
  std::pair<std::string, Session> Create(SessionState state, const auth::Principal& principal = {},
                                         bool mfa_used = false);
  // The live session of `id` (touching its idle timer), or nullopt when unknown or expired.
  std::optional<Session> Find(std::string_view id);
  // Moves a session from kPasswordReset to kSignedIn under a new id and CSRF token; the old id
  // stops working. nullopt when `id` is not live.
  std::optional<std::pair<std::string, Session>> Promote(std::string_view id);
  void Remove(std::string_view id);
  std::size_t size() const;

  // Whether `token` is the session's CSRF token (constant time; an empty token never matches).
  static bool CsrfMatches(const Session& session, std::string_view token);

 private:
  std::string NewToken();
  bool Expired(const Session& session, std::int64_t now) const;
  void EvictLocked(std::int64_t now);

  const Clock& clock_;
  RandomSource& random_;
  const SessionLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, Session, std::less<>> sessions_;  // by SHA-256 of the id
};

}  // namespace tw::console
