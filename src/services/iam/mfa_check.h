// SPDX-License-Identifier: Apache-2.0
// Checking a one-time code of a user's MFA device, shared by IAM and STS (GetSessionToken,
// AssumeRole with SerialNumber/TokenCode). A code is accepted once: the device remembers the
// newest step used. Thread-safe (the store is).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "services/iam/iam_store.h"

namespace tw::services::iam {

enum class MfaCheck { kValid, kInvalidCode, kNotUsersDevice };

// `user_name` empty means the root user, which has no virtual devices here.
Result<MfaCheck> CheckMfaCode(IamStore& store, std::string_view user_name,
                              std::string_view serial_number, std::string_view code,
                              std::int64_t now_millis);

}  // namespace tw::services::iam
