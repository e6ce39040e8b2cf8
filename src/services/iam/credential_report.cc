// SPDX-License-Identifier: Apache-2.0
// The credential report: a CSV with one row per user plus the <root_account> row, in IAM's exact
// column order and with its N/A / not_supported / no_information conventions. Generation is
// synchronous; the first GenerateCredentialReport answers STARTED (as IAM does when no report
// exists), later ones COMPLETE.
#include "common/time_format.h"
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {
namespace {

constexpr std::string_view kHeader =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

// IAM writes report times as 2015-08-30T12:36:00+00:00.
std::string ReportTime(std::int64_t millis) {
  std::string iso = FormatIso8601(NowSeconds(millis), false);  // ...Z
  if (!iso.empty() && iso.back() == 'Z') iso.pop_back();
  return iso + "+00:00";
}

const char* Bool(bool b) { return b ? "true" : "false"; }

void AppendKey(std::string& row, const store::AccessKeyRecord* key) {
  if (!key) {
    row += ",false,N/A,N/A,N/A,N/A";
    return;
  }
  row += ",";
  row += Bool(key->status == store::KeyStatus::kActive);
  row += "," + ReportTime(key->created_at);
  if (key->last_used_at) {
    row += "," + ReportTime(*key->last_used_at) + "," + key->last_used_region.value_or("N/A") +
           "," + key->last_used_service.value_or("N/A");
  } else {
    row += ",N/A,N/A,N/A";
  }
}

}  // namespace

Result<Value> IamService::GenerateCredentialReport(RequestContext& context, const Value&) {
  auto existing = store_.GetCredentialReport();
  if (!existing) return std::move(existing).error();
  auto users = store_.CredentialReportUsers();
  if (!users) return std::move(users).error();
  auto policy = store_.GetPasswordPolicy();
  if (!policy) return std::move(policy).error();
  auto account = accounts_.FindAccount(account_id_);
  if (!account) return std::move(account).error();
  auto keys = accounts_.ListAccessKeys(account_id_);
  if (!keys) return std::move(keys).error();
  const std::int64_t now = EpochMillis(context.clock.Now());

  std::string csv(kHeader);
  csv += "\n";
  // The root user: its password is not reported (not_supported); its key is the --root key.
  const store::AccessKeyRecord* root_key = nullptr;
  for (const auto& key : *keys) {
    if (key.owner == store::KeyOwner::kRoot) root_key = &key;
  }
  csv += "<root_account>,arn:aws:iam::" + account_id_ + ":root," +
         ReportTime(account->has_value() ? (*account)->created_at : now) +
         ",not_supported,no_information,not_supported,not_supported,false";
  AppendKey(csv, root_key);
  AppendKey(csv, nullptr);
  csv += ",false,N/A,false,N/A\n";

  for (const CredentialReportUser& u : *users) {
    std::string row = u.user.name + "," + IamArn(account_id_, "user", u.user.path, u.user.name) +
                      "," + ReportTime(u.user.created_at);
    if (u.login_profile) {
      const LoginProfileRecord& p = *u.login_profile;
      row += ",true,";
      row += p.password_last_used ? ReportTime(*p.password_last_used) : "no_information";
      row += "," + ReportTime(p.password_changed_at) + ",";
      if (policy->has_value() && (*policy)->max_password_age) {
        row += ReportTime(p.password_changed_at + *(*policy)->max_password_age * 86'400'000);
      } else {
        row += "N/A";
      }
    } else {
      row += ",false,N/A,N/A,N/A";
    }
    row += ",";
    row += Bool(u.mfa_active);
    AppendKey(row, u.access_keys.size() > 0 ? &u.access_keys[0] : nullptr);
    AppendKey(row, u.access_keys.size() > 1 ? &u.access_keys[1] : nullptr);
    row += ",false,N/A,false,N/A\n";  // signing certificates are not implemented
    csv += row;
  }
  if (Status st = store_.PutCredentialReport({NowSeconds(now), std::move(csv)}); !st) {
    return std::move(st).error();
  }
  Value output = Value::MakeStructure();
  if (!existing->has_value()) {
    output.Set("State", "STARTED");
    output.Set("Description", "No report exists. Starting a new report generation task");
  } else {
    output.Set("State", "COMPLETE");
  }
  return output;
}

Result<Value> IamService::GetCredentialReport(RequestContext&, const Value&) {
  auto report = store_.GetCredentialReport();
  if (!report) return std::move(report).error();
  if (!report->has_value()) {
    return AwsError::Make("ReportNotPresent", 410,
                          "Credential report does not exist. Use GenerateCredentialReport to "
                          "generate a credential report.");
  }
  Value output = Value::MakeStructure();
  output.Set("Content", protocol::Blob{(*report)->content});
  output.Set("ReportFormat", "text/csv");
  output.Set("GeneratedTime", TimestampValue((*report)->generated_at));
  return output;
}

}  // namespace tw::services::iam
