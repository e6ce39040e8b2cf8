// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/conditions.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"

namespace tw::iam::policy {
namespace {

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (IEquals(text, "true")) return true;
  if (IEquals(text, "false")) return false;
  return std::nullopt;
}

bool CompareNumbers(BaseOperator op, double request, double policy) {
  switch (op) {
    case BaseOperator::kNumericEquals:
    case BaseOperator::kNumericNotEquals:  // negated by the caller
      return request == policy;
    case BaseOperator::kNumericLessThan:
      return request < policy;
    case BaseOperator::kNumericLessThanEquals:
      return request <= policy;
    case BaseOperator::kNumericGreaterThan:
      return request > policy;
    case BaseOperator::kNumericGreaterThanEquals:
      return request >= policy;
    default:
      return false;
  }
}

bool CompareDates(BaseOperator op, std::int64_t request, std::int64_t policy) {
  switch (op) {
    case BaseOperator::kDateEquals:
    case BaseOperator::kDateNotEquals:
      return request == policy;
    case BaseOperator::kDateLessThan:
      return request < policy;
    case BaseOperator::kDateLessThanEquals:
      return request <= policy;
    case BaseOperator::kDateGreaterThan:
      return request > policy;
    case BaseOperator::kDateGreaterThanEquals:
      return request >= policy;
    default:
      return false;
  }
}

}  // namespace

std::optional<IpNetwork> ParseIpNetwork(std::string_view text) {
  std::string_view address = text;
  std::optional<int> prefix;
  if (std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    std::string_view digits = text.substr(slash + 1);
    int p = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
      return std::nullopt;
    }
    prefix = p;
  }
  if (address.empty() || address.size() > 45) return std::nullopt;
  char buffer[46];
  std::memcpy(buffer, address.data(), address.size());
  buffer[address.size()] = '\0';
  IpNetwork network;
  if (inet_pton(AF_INET, buffer, network.bytes) == 1) {
    network.v6 = false;
    network.prefix = prefix.value_or(32);
    if (network.prefix < 0 || network.prefix > 32) return std::nullopt;
  } else if (inet_pton(AF_INET6, buffer, network.bytes) == 1) {
    network.v6 = true;
    network.prefix = prefix.value_or(128);
    if (network.prefix < 0 || network.prefix > 128) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return network;
}

bool NetworkContains(const IpNetwork& network, const IpNetwork& address) {
  if (network.v6 != address.v6) return false;
  int bits = network.prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((network.bytes[i] & mask) != (address.bytes[i] & mask)) return false;
  }
  return true;
}

std::optional<std::int64_t> ParsePolicyDate(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool all_digits = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!(text[i] >= '0' && text[i] <= '9') && !(i == 0 && text[i] == '-')) all_digits = false;
  }
  if (all_digits && text != "-") {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    // Keep the millisecond product inside int64.
    if (seconds > 9'000'000'000'000'000 / 1000 || seconds < -9'000'000'000'000'000 / 1000) {
      return std::nullopt;
    }
    return seconds * 1000;
  }
  return ParseIso8601(text);
}

CompiledCondition CompiledCondition::Compile(const ConditionClause& clause, PolicyVersion version) {
  CompiledCondition c;
  c.op_ = clause.op;
  c.family_ = FamilyOf(clause.op.base);
  c.negated_ = IsNegated(clause.op.base);
  c.lower_key_ = ToLower(clause.key);
  bool variables = version == PolicyVersion::k2012;
  BaseOperator base = clause.op.base;
  for (const std::string& v : clause.values) {
    switch (c.family_) {
      case OperatorFamily::kString: {
        PatternOptions options;
        options.wildcards =
            base == BaseOperator::kStringLike || base == BaseOperator::kStringNotLike;
        options.variables = variables;
        options.case_insensitive = base == BaseOperator::kStringEqualsIgnoreCase ||
                                   base == BaseOperator::kStringNotEqualsIgnoreCase;
        c.strings_.push_back(Pattern::Compile(v, options));
        break;
      }
      case OperatorFamily::kArn:
        // ArnEquals and ArnLike behave identically: both take wildcards per segment.
        c.arns_.push_back(ArnPattern::Compile(v, variables));
        break;
      case OperatorFamily::kNumeric:
        if (auto n = ParseNumber(v)) c.numbers_.push_back(*n);
        break;
      case OperatorFamily::kDate:
        if (auto d = ParsePolicyDate(v)) c.dates_.push_back(*d);
        break;
      case OperatorFamily::kBool:
      case OperatorFamily::kNull:
        if (auto b = ParseBool(v)) c.bools_.push_back(*b);
        break;
      case OperatorFamily::kBinary:
        if (auto bytes = Base64Decode(v)) c.binaries_.push_back(std::move(*bytes));
        break;
      case OperatorFamily::kIp:
        if (auto n = ParseIpNetwork(v)) c.networks_.push_back(*n);
        break;
    }
  }
  return c;
}

std::optional<bool> CompiledCondition::MatchesAny(std::string_view value,
                                                  const ContextKeys& context) const {
  switch (family_) {
    case OperatorFamily::kString:
      for (const Pattern& p : strings_) {
        if (p.Matches(value, &context)) return true;
      }
      return false;
    case OperatorFamily::kArn: {
      std::string_view parts[6];
      if (!SplitArn(value, parts)) return std::nullopt;
      for (const ArnPattern& p : arns_) {
        if (p.Matches(value, &context)) return true;
      }
      return false;
    }
    case OperatorFamily::kNumeric: {
      auto n = ParseNumber(value);
      if (!n) return std::nullopt;
      for (double p : numbers_) {
        if (CompareNumbers(op_.base, *n, p)) return true;
      }
      return false;
    }
    case OperatorFamily::kDate: {
      auto d = ParsePolicyDate(value);
      if (!d) return std::nullopt;
      for (std::int64_t p : dates_) {
        if (CompareDates(op_.base, *d, p)) return true;
      }
      return false;
    }
    case OperatorFamily::kBool: {
      auto b = ParseBool(value);
      if (!b) return std::nullopt;
      for (bool p : bools_) {
        if (p == *b) return true;
      }
      return false;
    }
    case OperatorFamily::kBinary: {
      auto bytes = Base64Decode(value);
      if (!bytes) return std::nullopt;
      for (const std::string& p : binaries_) {
        if (p == *bytes) return true;
      }
      return false;
    }
    case OperatorFamily::kIp: {
      auto address = ParseIpNetwork(value);
      if (!address) return std::nullopt;
      for (const IpNetwork& p : networks_) {
        if (NetworkContains(p, *address)) return true;
      }
      return false;
    }
    case OperatorFamily::kNull:
      return false;  // handled in Evaluate
  }
  return false;
}

bool CompiledCondition::Evaluate(const ContextKeys& context, bool* key_missing) const {
  const ContextKeys::Entry* entry = context.FindLower(lower_key_);
  bool present = entry != nullptr && !entry->values.empty();
  if (key_missing != nullptr) *key_missing = entry == nullptr;
  if (family_ == OperatorFamily::kNull) {
    // "Null": "true" holds when the key is absent; "false" when it is present.
    for (bool want_absent : bools_) {
      if (want_absent != present) return true;
    }
    return false;
  }
  if (!present) {
    if (op_.if_exists) return true;
    if (op_.qualifier == SetQualifier::kForAllValues) return true;
    if (op_.qualifier == SetQualifier::kForAnyValue) return false;
    return negated_;
  }
  auto one = [this, &context](std::string_view value) {
    std::optional<bool> m = MatchesAny(value, context);
    if (!m) return false;  // type mismatch: false even for a negated operator
    return negated_ ? !*m : *m;
  };
  const std::vector<std::string>& values = entry->values;
  switch (op_.qualifier) {
    case SetQualifier::kForAnyValue:
      for (const std::string& v : values) {
        if (one(v)) return true;
      }
      return false;
    case SetQualifier::kForAllValues:
      for (const std::string& v : values) {
        if (!one(v)) return false;
      }
      return true;
    case SetQualifier::kNone:
      break;
  }
  // A multivalued key without a qualifier is unspecified by AWS; the positive form holds when any
  // value matches, the negated form when no value matches (the negation of the positive form).
  if (!negated_) {
    for (const std::string& v : values) {
      if (one(v)) return true;
    }
    return false;
  }
  for (const std::string& v : values) {
    if (!one(v)) return false;
  }
  return true;
}

std::vector<std::string_view> CompiledCondition::VariableKeys() const {
  std::vector<std::string_view> keys;
  for (const Pattern& p : strings_) {
    for (auto k : p.VariableKeys()) keys.push_back(k);
  }
  for (const ArnPattern& p : arns_) {
    for (auto k : p.VariableKeys()) keys.push_back(k);
  }
  return keys;
}

}  // namespace tw::iam::policy
