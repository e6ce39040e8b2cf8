// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/validator.h"

#include <array>
#include <optional>
#include <string>
#include <utility>

#include "common/strings.h"
#include "iam/policy/conditions.h"
#include "iam/policy/parser.h"

namespace tw::iam::policy {
namespace {

constexpr std::string_view kLegacyParsing = "The policy failed legacy parsing";

// IAM resource types a Resource ARN of service "iam" may name (the message lists them).
constexpr std::array<std::string_view, 13> kIamResourcePrefixes{"user/",
                                                                "federated-user/",
                                                                "role/",
                                                                "group/",
                                                                "instance-profile/",
                                                                "mfa/",
                                                                "server-certificate/",
                                                                "policy/",
                                                                "sms-mfa/",
                                                                "saml-provider/",
                                                                "oidc-provider/",
                                                                "report/",
                                                                "access-report/"};

// Actions a role trust policy may grant (IAM User Guide, "Role trust policies"; CreateRole:
// "AssumeRole policy may only specify STS AssumeRole actions.").
constexpr std::array<std::string_view, 6> kTrustActions{
    "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
    "sts:tagsession", "sts:setsourceidentity",  "sts:setcontext"};

bool IsPartition(std::string_view p) {
  return p == "aws" || p == "aws-cn" || p == "aws-us-gov" || p == "aws-iso" || p == "aws-iso-b";
}

std::vector<std::string_view> SplitAll(std::string_view s, char sep) { return Split(s, sep); }

// The resource-format errors IAM reports with the offending resource; nullopt when well formed.
std::optional<std::string> ResourceFormatError(std::string_view r) {
  if (r == "*") return std::nullopt;
  std::size_t colon = r.find(':');
  if (colon == std::string_view::npos) {
    return "Resource " + std::string(r) + " must be in ARN format or \"*\".";
  }
  std::string_view rest = r.substr(colon + 1);
  std::size_t c2 = rest.find(':');
  std::string_view partition = rest.substr(0, c2);
  std::string_view after = c2 == std::string_view::npos ? std::string_view() : rest.substr(c2 + 1);
  if (!IsPartition(partition)) {
    std::vector<std::string_view> parts = SplitAll(after, ':');
    auto part = [&parts](std::size_t i) -> std::string {
      if (i == 0)
        return !parts.empty() && (!parts[0].empty() || parts.size() > 1) ? std::string(parts[0])
                                                                         : std::string("*");
      return parts.size() > i ? std::string(parts[i]) : std::string("*");
    };
    std::string tail;
    if (parts.size() > 3) {
      for (std::size_t i = 3; i < parts.size(); ++i) {
        if (i > 3) tail += ':';
        tail += parts[i];
      }
    } else {
      tail = "*";
    }
    return "Partition \"" + std::string(partition) +
           "\" is not valid for resource \"arn:" + std::string(partition) + ":" + part(0) + ":" +
           part(1) + ":" + part(2) + ":" + tail + "\".";
  }
  if (c2 == std::string_view::npos) {
    return std::string("Resource vendor must be fully qualified and cannot contain regexes.");
  }
  std::size_t c3 = after.find(':');
  std::string_view service = after.substr(0, c3);
  std::string_view region_on =
      c3 == std::string_view::npos ? std::string_view() : after.substr(c3 + 1);
  if (service == "iam" && !region_on.starts_with(':')) {
    return "IAM resource " + std::string(r) + " cannot contain region information.";
  }
  if (service == "s3" && !region_on.starts_with(':')) {
    return "Resource " + std::string(r) + " can not contain region information.";
  }
  if (service == "iam") {
    std::size_t c4 = region_on.find(':');
    std::string_view account_on =
        c4 == std::string_view::npos ? std::string_view() : region_on.substr(c4 + 1);
    std::size_t c5 = account_on.find(':');
    std::string_view resource =
        c5 == std::string_view::npos ? std::string_view() : account_on.substr(c5 + 1);
    bool ok = resource.starts_with('*');
    for (std::string_view prefix : kIamResourcePrefixes) ok = ok || resource.starts_with(prefix);
    if (!ok) {
      std::string list;
      for (std::string_view prefix : kIamResourcePrefixes) {
        if (!list.empty()) list += ", ";
        list += prefix;
      }
      return "IAM resource path must either be \"*\" or start with " + list + ".";
    }
  }
  return std::nullopt;
}

// The legacy parser's resource shape rule: an ARN with "::" needs all six parts, and the service
// part may not be empty.
bool PassesLegacyResourceShape(std::string_view r) {
  if (r == "*") return true;
  std::vector<std::string_view> parts = SplitAll(r, ':');
  if (parts.size() < 6 && r.find("::") != std::string_view::npos) return false;
  return parts.size() >= 3 && !parts[2].empty();
}

std::optional<std::string> ActionError(std::string_view action) {
  if (action == "*") return std::nullopt;
  std::size_t colon = action.find(':');
  if (colon == std::string_view::npos) {
    return std::string(
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  if (action.find(':', colon + 1) != std::string_view::npos) {
    return std::string("Actions/Condition can contain only one colon.");
  }
  std::string_view vendor = action.substr(0, colon);
  for (char c : vendor) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok && vendor != "*") return "Vendor " + std::string(vendor) + " is not valid";
  }
  return std::nullopt;
}

bool IsAlphanumeric(std::string_view s) {
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Principal rules per kind, checked first: an identity policy has no principal; resource and
// trust policies need one; wildcards are not allowed inside principal ARNs.
Status CheckPrincipals(const PolicyDocument& document, PolicyKind kind) {
  for (const Statement& s : document.statements) {
    if (kind == PolicyKind::kIdentity) {
      if (s.has_principal)
        return MalformedPolicy("Policy document should not specify a principal.");
      continue;
    }
    if (!s.has_principal) return MalformedPolicy("Missing required field Principal");
    if (kind == PolicyKind::kTrust && s.not_principal) {
      // IAM User Guide, NotPrincipal element: not supported in role trust policies.
      return MalformedPolicy("Has prohibited field NotPrincipal");
    }
    if (s.principal.string_form) {
      return MalformedPolicy("Invalid principal in policy: " + s.principal.entries.front().second);
    }
    for (const auto& [type, value] : s.principal.entries) {
      if (type != PrincipalType::kAws || value == "*" || IsAccountId(value)) continue;
      std::string_view parts[6];
      bool arn = SplitArn(value, parts) && parts[0] == "arn" && IsPartition(parts[1]);
      if (!arn || value.find('*') != std::string::npos || value.find('?') != std::string::npos) {
        return MalformedPolicy("Invalid principal in policy: \"AWS\":\"" + value + "\"");
      }
    }
  }
  return {};
}

}  // namespace

Status CheckDateValues(const PolicyDocument& document) {
  for (const Statement& s : document.statements) {
    for (const ConditionClause& c : s.conditions) {
      if (FamilyOf(c.op.base) != OperatorFamily::kDate) continue;
      for (const std::string& v : c.values) {
        if (!ParsePolicyDate(v)) return MalformedPolicy(std::string(kLegacyParsing));
      }
    }
  }
  return {};
}

Status ValidateDocument(const PolicyDocument& document, PolicyKind kind,
                        const ValidationOptions& options) {
  if (Status s = CheckPrincipals(document, kind); !s) return s;
  if (options.require_current_version && document.version != PolicyVersion::k2012) {
    return MalformedPolicy("Policy document must be version 2012-10-17 or greater.");
  }
  // Legacy parsing: Effect is case-sensitive here (the grammar stage accepted any case), Date
  // values parse, and ARNs have a sane shape. A malformed-ARN message found on the way is held
  // back until after the Sid/action/resource presence checks, as IAM orders them.
  for (const Statement& s : document.statements) {
    if (s.effect_text != "Allow" && s.effect_text != "Deny") {
      return MalformedPolicy(std::string(kLegacyParsing));
    }
  }
  if (Status s = CheckDateValues(document); !s) return s;
  std::optional<std::string> resource_error;
  for (const Statement& s : document.statements) {
    for (const std::string& r : s.resources) {
      if (!resource_error) resource_error = ResourceFormatError(r);
    }
    if (!resource_error) {
      for (const std::string& r : s.resources) {
        if (!PassesLegacyResourceShape(r)) return MalformedPolicy(std::string(kLegacyParsing));
      }
    }
  }
  std::vector<std::string_view> sids;
  for (const Statement& s : document.statements) {
    if (!s.sid || s.sid->empty()) continue;
    for (std::string_view seen : sids) {
      if (seen == *s.sid) {
        return MalformedPolicy("Statement IDs (SID) in a single policy must be unique.");
      }
    }
    sids.push_back(*s.sid);
    if (kind == PolicyKind::kIdentity && !IsAlphanumeric(*s.sid)) {
      return MalformedPolicy(
          "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
          "expression [0-9A-Za-z]*");
    }
  }
  for (const Statement& s : document.statements) {
    if (!s.has_action || s.actions.empty()) {
      return MalformedPolicy("Policy statement must contain actions.");
    }
  }
  for (const Statement& s : document.statements) {
    if (kind == PolicyKind::kTrust) {
      if (s.has_resource) {
        return MalformedPolicy(s.not_resource ? "Has prohibited field NotResource"
                                              : "Has prohibited field Resource");
      }
    } else if (!s.has_resource || s.resources.empty()) {
      return MalformedPolicy("Policy statement must contain resources.");
    }
  }
  if (resource_error) return MalformedPolicy(std::move(*resource_error));
  for (const Statement& s : document.statements) {
    for (const std::string& a : s.actions) {
      if (auto error = ActionError(a)) return MalformedPolicy(std::move(*error));
    }
  }
  if (kind == PolicyKind::kTrust) {
    for (const Statement& s : document.statements) {
      for (const std::string& a : s.actions) {
        std::string lower = ToLower(a);
        bool ok = lower == "*";
        for (std::string_view allowed : kTrustActions) ok = ok || lower == allowed;
        if (!ok)
          return MalformedPolicy("AssumeRole policy may only specify STS AssumeRole actions.");
      }
    }
  }
  return {};
}

}  // namespace tw::iam::policy
