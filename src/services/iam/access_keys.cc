// SPDX-License-Identifier: Apache-2.0
// Access keys of IAM users. The keys live in the store's access_keys table, where authentication
// finds them: a key created here signs requests as its user at once.
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {
namespace {

constexpr std::string_view kKeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Value KeyMetadata(const store::AccessKeyRecord& key) {
  Value v = Value::MakeStructure();
  if (!key.user_name.empty()) v.Set("UserName", key.user_name);
  v.Set("AccessKeyId", key.access_key_id);
  v.Set("Status", store::KeyStatusName(key.status));
  v.Set("CreateDate", TimestampValue(key.created_at));
  return v;
}

}  // namespace

Result<Value> IamService::CreateAccessKey(RequestContext& context, const Value& input) {
  std::string user_name = SubjectUserName(context, input);
  if (user_name.empty()) {
    // trailwatch keeps exactly one root key, set with --root-access-key-id (see README.md).
    return LimitExceeded(
        "Cannot exceed quota for AccessKeysPerUser: 1 (trailwatch manages the root user's access "
        "key with --root-access-key-id)");
  }
  store::AccessKeyRecord key;
  // AKIA + 16 of [A-Z2-7]: 20 characters, like IAM's long-term key ids; 40-character secrets.
  key.access_key_id = "AKIA" + context.random.FromAlphabet(kKeyIdAlphabet, 16);
  key.secret_access_key = context.random.FromAlphabet(kSecretAlphabet, 40);
  key.account_id = account_id_;
  key.owner = store::KeyOwner::kUser;
  key.user_name = user_name;
  key.status = store::KeyStatus::kActive;
  key.created_at = NowSeconds(EpochMillis(context.clock.Now()));
  if (Status st = store_.CreateAccessKey(key, kAccessKeysPerUserQuota); !st) {
    return std::move(st).error();
  }
  // The user's name as stored (the request may differ in case).
  auto stored = store_.GetUser(user_name);
  if (stored) key.user_name = stored->name;
  Value access_key = Value::MakeStructure();
  access_key.Set("UserName", key.user_name);
  access_key.Set("AccessKeyId", key.access_key_id);
  access_key.Set("Status", "Active");
  access_key.Set("SecretAccessKey", key.secret_access_key);
  access_key.Set("CreateDate", TimestampValue(key.created_at));
  Value output = Value::MakeStructure();
  output.Set("AccessKey", std::move(access_key));
  return output;
}

Result<Value> IamService::ListAccessKeys(RequestContext& context, const Value& input) {
  auto keys = store_.ListAccessKeys(SubjectUserName(context, input));
  if (!keys) return std::move(keys).error();
  auto page = Paginate(input, keys->size());
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) list.Push(KeyMetadata((*keys)[i]));
  Value output = Value::MakeStructure();
  output.Set("AccessKeyMetadata", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::UpdateAccessKey(RequestContext& context, const Value& input) {
  store::KeyStatus status = input.GetString("Status") == "Active" ? store::KeyStatus::kActive
                                                                  : store::KeyStatus::kInactive;
  if (Status st = store_.UpdateAccessKey(SubjectUserName(context, input),
                                         input.GetString("AccessKeyId"), status);
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DeleteAccessKey(RequestContext& context, const Value& input) {
  if (Status st =
          store_.DeleteAccessKey(SubjectUserName(context, input), input.GetString("AccessKeyId"));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::GetAccessKeyLastUsed(RequestContext& context, const Value& input) {
  std::string_view key_id = input.GetString("AccessKeyId");
  auto key = accounts_.FindAccessKey(key_id);
  if (!key) return std::move(key).error();
  if (!key->has_value() || (*key)->account_id != account_id_) {
    // IAM does not say whether a key of another account exists.
    return AwsError::Make("AccessDenied", 403,
                          "User: " + context.principal.arn +
                              " is not authorized to perform: iam:GetAccessKeyLastUsed on "
                              "resource: access key " +
                              std::string(key_id));
  }
  const store::AccessKeyRecord& record = **key;
  Value last_used = Value::MakeStructure();
  if (record.last_used_at) {
    last_used.Set("LastUsedDate", TimestampValue(NowSeconds(*record.last_used_at)));
    last_used.Set("ServiceName", record.last_used_service.value_or("N/A"));
    last_used.Set("Region", record.last_used_region.value_or("N/A"));
  } else {
    // A key never used: IAM answers "N/A" for both, and no date.
    last_used.Set("ServiceName", "N/A");
    last_used.Set("Region", "N/A");
  }
  Value output = Value::MakeStructure();
  if (record.owner == store::KeyOwner::kUser) output.Set("UserName", record.user_name);
  output.Set("AccessKeyLastUsed", std::move(last_used));
  return output;
}

}  // namespace tw::services::iam
