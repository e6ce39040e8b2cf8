// SPDX-License-Identifier: Apache-2.0
#include "services/sts/sts_service.h"

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

}  // namespace tw::services::sts
