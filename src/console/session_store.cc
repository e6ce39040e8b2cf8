// SPDX-License-Identifier: Apache-2.0
#include "console/session_store.h"

#include "common/crypto.h"

namespace tw::console {
namespace {

// URL- and cookie-safe base64 without padding.
std::string Base64Url(std::string_view bytes) {
  std::string text = Base64Encode(bytes);
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

}  // namespace

std::string SessionStore::NewToken() { return Base64Url(random_.Bytes(32)); }

bool SessionStore::Expired(const Session& s, std::int64_t now) const {
  const std::int64_t idle =
      s.state == SessionState::kAnonymous ? limits_.anonymous_idle_millis : limits_.idle_millis;
  return now - s.last_seen_millis >= idle || now - s.created_millis >= limits_.absolute_millis;
}

void SessionStore::EvictLocked(std::int64_t now) {
  if (sessions_.size() < limits_.max_sessions) return;
  std::erase_if(sessions_, [&](const auto& item) { return Expired(item.second, now); });
  // Still full: drop the least recently seen anonymous sessions (sign-in forms), never a
  // signed-in one, so a flood of page loads cannot sign users out.
  while (sessions_.size() >= limits_.max_sessions) {
    auto oldest = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.state != SessionState::kAnonymous) continue;
      if (oldest == sessions_.end() ||
          it->second.last_seen_millis < oldest->second.last_seen_millis) {
        oldest = it;
      }
    }
    if (oldest == sessions_.end()) break;
    sessions_.erase(oldest);
  }
}

std::pair<std::string, Session> SessionStore::Create(SessionState state,
                                                     const auth::Principal& principal,
                                                     bool mfa_used) {
  const std::int64_t now = EpochMillis(clock_.Now());
  Session session;
  session.state = state;
  session.csrf_token = NewToken();
  session.principal = principal;
  session.mfa_used = mfa_used;
  session.created_millis = now;
  session.last_seen_millis = now;
  std::string id = NewToken();
  std::lock_guard lock(mu_);
  EvictLocked(now);
  sessions_[Sha256(id)] = session;
  return {std::move(id), std::move(session)};
}

std::optional<Session> SessionStore::Find(std::string_view id) {
  if (id.empty()) return std::nullopt;
  const std::int64_t now = EpochMillis(clock_.Now());
  const std::string key = Sha256(id);
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen_millis = now;
  return it->second;
}

std::optional<std::pair<std::string, Session>> SessionStore::Promote(std::string_view id) {
  const std::int64_t now = EpochMillis(clock_.Now());
  std::string new_id = NewToken();
  std::string csrf = NewToken();
  std::lock_guard lock(mu_);
  auto it = sessions_.find(Sha256(id));
  if (it == sessions_.end() || Expired(it->second, now)) return std::nullopt;
  Session session = std::move(it->second);
  sessions_.erase(it);
  session.state = SessionState::kSignedIn;
  session.csrf_token = std::move(csrf);
  session.last_seen_millis = now;
  sessions_[Sha256(new_id)] = session;
  return std::make_pair(std::move(new_id), std::move(session));
}

void SessionStore::Remove(std::string_view id) {
  const std::string key = Sha256(id);
  std::lock_guard lock(mu_);
  sessions_.erase(key);
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

bool SessionStore::CsrfMatches(const Session& session, std::string_view token) {
  if (token.empty() || session.csrf_token.empty()) return false;
  return ConstantTimeEquals(session.csrf_token, token);
}

}  // namespace tw::console
