// SPDX-License-Identifier: Apache-2.0
// Bytes -> ValidatePolicyDocument (every kind) and CompilePolicy. Neither may crash, hang or
// disagree: a document that validates as an identity policy must also compile.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "iam/policy/compiler.h"
#include "iam/policy/validate_document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tw::iam::policy;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  tw::Status identity = ValidatePolicyDocument(text, PolicyKind::kIdentity);
  (void)ValidatePolicyDocument(text, PolicyKind::kResource);
  (void)ValidatePolicyDocument(text, PolicyKind::kTrust, ValidationOptions{true});
  tw::Result<CompiledPolicy> compiled = CompilePolicy(text);
  if (identity.has_value() && !compiled.has_value()) std::abort();
  return 0;
}
