// SPDX-License-Identifier: Apache-2.0
// One compiled condition clause (operator + key + values) and its evaluation against the request
// context, for every operator family of the IAM "Condition operators" page: String*, Numeric*,
// Date*, Bool, BinaryEquals, IpAddress/NotIpAddress, Arn*, Null, with ...IfExists and the
// ForAnyValue:/ForAllValues: set qualifiers. Immutable after Compile; Evaluate is const and
// thread-safe.
//
// Semantics (IAM User Guide, "Condition operators", "Multivalued context keys"):
// - several values for one key: OR; a negated operator means "matches none of the values";
// - a key missing from the context: positive operators false, negated operators true, ...IfExists
//   true, ForAllValues true, ForAnyValue false; Null tests presence itself;
// - a request or policy value that does not parse as the operator's type never matches, and a
//   request value of the wrong type makes the clause false even for a negated operator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "iam/policy/document.h"
#include "iam/policy/pattern.h"
#include "iam/policy/request.h"

namespace tw::iam::policy {

// A CIDR block: 4 or 16 address bytes and a prefix length. A bare address is /32 or /128.
struct IpNetwork {
  bool v6 = false;
  std::uint8_t bytes[16] = {};
  int prefix = 0;
};
std::optional<IpNetwork> ParseIpNetwork(std::string_view text);
bool NetworkContains(const IpNetwork& network, const IpNetwork& address);

// ISO 8601 ("2020-01-01T00:00:00Z", date-only, with fraction or offset) or epoch seconds, as epoch
// milliseconds.
std::optional<std::int64_t> ParsePolicyDate(std::string_view text);

class CompiledCondition {
 public:
  // Policy variables are substituted in String* and Arn* values of 2012-10-17 documents.
  static CompiledCondition Compile(const ConditionClause& clause, PolicyVersion version);

  // *key_missing is set when the key is absent from the context (for MissingContextValues).
  bool Evaluate(const ContextKeys& context, bool* key_missing) const;

  std::string_view lower_key() const { return lower_key_; }
  // Context keys that the clause's policy variables read.
  std::vector<std::string_view> VariableKeys() const;

 private:
  // Whether one request value satisfies the positive form of the operator against any policy
  // value; nullopt when the request value is not of the operator's type.
  std::optional<bool> MatchesAny(std::string_view value, const ContextKeys& context) const;

  ConditionOperator op_;
  OperatorFamily family_ = OperatorFamily::kString;
  bool negated_ = false;
  std::string lower_key_;
  std::vector<Pattern> strings_;
  std::vector<ArnPattern> arns_;
  std::vector<double> numbers_;
  std::vector<std::int64_t> dates_;
  std::vector<bool> bools_;  // Bool values, and Null's "true"/"false"
  std::vector<std::string> binaries_;
  std::vector<IpNetwork> networks_;
};

}  // namespace tw::iam::policy
