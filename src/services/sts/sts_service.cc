// SPDX-License-Identifier: Apache-2.0
// Registration, GetCallerIdentity, and the issue of temporary credentials.
#include "services/sts/sts_service.h"

#include "common/crypto.h"
#include "services/iam/support.h"

namespace tw::services::sts {

using protocol::Value;

Result<Value> GetCallerIdentity(RequestContext& context, const Value& /*input*/) {
  const auth::Principal& principal = context.principal;
  Value output = Value::MakeStructure();
  output.Set("UserId", principal.user_id);
  output.Set("Account", principal.account_id);
  output.Set("Arn", principal.arn);
  return output;
}

void Register(OperationTable& table) { table.Add("sts", "GetCallerIdentity", GetCallerIdentity); }

void StsService::Register(OperationTable& table) {
  sts::Register(table);
  table.Add("sts", "AssumeRole", [this](RequestContext& context, const Value& input) {
    return AssumeRole(context, input);
  });
  table.Add("sts", "GetSessionToken", [this](RequestContext& context, const Value& input) {
    return GetSessionToken(context, input);
  });
  table.Add("sts", "GetFederationToken", [this](RequestContext& context, const Value& input) {
    return GetFederationToken(context, input);
  });
}

Result<Value> StsService::Issue(RequestContext& context, iam::SessionRecord& session,
                                std::int64_t duration_seconds) {
  constexpr std::string_view kKeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  constexpr std::string_view kSecretAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::int64_t now = iam::NowSeconds(EpochMillis(context.clock.Now()));
  session.access_key_id = "ASIA" + context.random.FromAlphabet(kKeyIdAlphabet, 16);
  session.secret_access_key = context.random.FromAlphabet(kSecretAlphabet, 40);
  // AWS session tokens are opaque base64 of several hundred characters; 264 random bytes give 352.
  session.session_token = Base64Encode(context.random.Bytes(264));
  session.source_access_key_id = context.principal.access_key_id;
  session.created_at = now;
  session.expires_at = now + duration_seconds * 1000;
  if (Status st = iam_.InsertSession(session, now); !st) return std::move(st).error();
  Value credentials = Value::MakeStructure();
  credentials.Set("AccessKeyId", session.access_key_id);
  credentials.Set("SecretAccessKey", session.secret_access_key);
  credentials.Set("SessionToken", session.session_token);
  credentials.Set("Expiration", iam::TimestampValue(session.expires_at));
  return credentials;
}

}  // namespace tw::services::sts
