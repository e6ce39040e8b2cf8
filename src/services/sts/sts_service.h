// SPDX-License-Identifier: Apache-2.0
// STS: the caller-identity and temporary-credential API. GetCallerIdentity answers from the
// authenticated principal alone; the credential-issuing operations arrive with the IAM issue.
#pragma once

#include "services/service.h"

namespace tw::services::sts {

void Register(OperationTable& table);

// GetCallerIdentity: UserId, Account and Arn of the principal that signed the request. For the
// root user AWS answers UserId = the account id and Arn = arn:aws:iam::<account>:root.
Result<protocol::Value> GetCallerIdentity(RequestContext& context, const protocol::Value& input);

}  // namespace tw::services::sts
