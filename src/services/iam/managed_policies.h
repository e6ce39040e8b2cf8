// SPDX-License-Identifier: Apache-2.0
// The AWS managed policies trailwatch knows (arn:aws:iam::aws:policy/...), with their real ids,
// dates, descriptions and documents, compiled into the binary from managed_policies/*.json. They
// are the same for every account and never stored; an account's attachments refer to them by
// ARN. Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tw::services::iam {

struct AwsManagedPolicy {
  std::string name;
  std::string id;  // ANPA...
  std::string arn;
  std::string path;
  std::string description;
  std::string default_version;  // the one version IAM reports for it here
  std::string document;         // compact JSON
  std::int64_t created_at = 0;  // epoch millis
  std::int64_t updated_at = 0;
};

class ManagedPolicyCatalog {
 public:
  // The embedded policies, parsed once. A data file that does not parse is left out (a unit test
  // checks that every one parses and validates).
  static const ManagedPolicyCatalog& Embedded();

  const AwsManagedPolicy* Find(std::string_view arn) const;
  const std::vector<AwsManagedPolicy>& policies() const { return policies_; }

 private:
  std::vector<AwsManagedPolicy> policies_;  // by name
};

// True for an ARN in the AWS managed namespace (arn:aws:iam::aws:policy/...).
bool IsAwsManagedArn(std::string_view arn);

}  // namespace tw::services::iam
