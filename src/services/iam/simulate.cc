// SPDX-License-Identifier: Apache-2.0
// The policy simulator: SimulatePrincipalPolicy, SimulateCustomPolicy,
// GetContextKeysForPrincipalPolicy and GetContextKeysForCustomPolicy (IAM API Reference), over
// the same engine the authorizer enforces with (tw::iam::policy::Evaluate), so the simulator and
// enforcement cannot disagree. A principal's policies are gathered as the authorizer gathers
// them: a user's inline and attached policies and its groups'; a group's own; a role's.
// MatchedStatements carry Start/EndPosition computed here from the document text (the engine
// keeps statement indexes, not positions): line and 1-based column of the statement's "{" and
// of the character after its "}". Context keys come back spelled as the policy spells them.
#include <algorithm>
#include <cctype>

#include "iam/policy/compiler.h"
#include "iam/policy/evaluator.h"
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {
namespace {

namespace pol = ::tw::iam::policy;

// One policy taking part in a simulation.
struct SimPolicy {
  std::string id;    // SourcePolicyId: the policy name, or "PolicyInputList.1"
  std::string type;  // SourcePolicyType: user, group, role, aws-managed, user-managed, resource,
                     // none
  std::string document;
  std::shared_ptr<const pol::CompiledPolicy> compiled;
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The spelling of a lower-cased key as a document writes it (first occurrence), else as is.
std::string OriginalSpelling(const std::string& lower_key, const std::vector<SimPolicy>& policies) {
  for (const SimPolicy& policy : policies) {
    std::string lowered = Lower(policy.document);
    if (auto at = lowered.find(lower_key); at != std::string::npos) {
      return policy.document.substr(at, lower_key.size());
    }
  }
  return lower_key;
}

struct Span {
  std::size_t begin = 0, end = 0;  // offsets of "{" and one past "}"
};

// The statements' spans in a JSON policy: the elements of the top-level "Statement" array, or
// the single "Statement" object. A small scanner (strings, escapes, nesting); empty on surprise.
std::vector<Span> StatementSpans(std::string_view text) {
  std::vector<Span> spans;
  int depth = 0;
  bool in_string = false;
  std::string last_key;
  std::string current;
  bool capturing_key = false;
  bool in_statement_value = false;  // inside the value of the top-level "Statement"
  int statement_depth = 0;          // depth at which statement objects open
  std::size_t open = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        if (capturing_key && i + 1 < text.size()) current.push_back(text[i + 1]);
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (capturing_key) last_key = current;
      } else if (capturing_key) {
        current.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        capturing_key = depth == 1 && !in_statement_value;
        current.clear();
        break;
      case ':':
        if (depth == 1 && last_key == "Statement") {
          in_statement_value = true;
          // The value opens next: an array (statements at depth 3) or an object (depth 2).
          std::size_t j = i + 1;
          while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
          statement_depth = j < text.size() && text[j] == '[' ? 3 : 2;
        }
        break;
      case '{':
      case '[':
        ++depth;
        if (c == '{' && in_statement_value && depth == statement_depth) open = i;
        break;
      case '}':
      case ']':
        if (c == '}' && in_statement_value && depth == statement_depth)
          spans.push_back({open, i + 1});
        --depth;
        if (depth == 1) in_statement_value = false;
        break;
      default:
        break;
    }
  }
  return spans;
}

Value Position(std::string_view text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  Value position = Value::MakeStructure();
  position.Set("Line", line);
  position.Set("Column", column);
  return position;
}

std::string_view DecisionName(pol::Decision decision) {
  switch (decision) {
    case pol::Decision::kAllow:
      return "allowed";
    case pol::Decision::kExplicitDeny:
      return "explicitDeny";
    case pol::Decision::kImplicitDeny:
      return "implicitDeny";
  }
  return "implicitDeny";
}

Result<std::shared_ptr<const pol::CompiledPolicy>> CompileInput(const std::string& document) {
  auto compiled = pol::CompilePolicy(document);
  if (!compiled) return InvalidInput(compiled.error().message);
  return std::make_shared<const pol::CompiledPolicy>(std::move(compiled).value());
}

Result<std::vector<SimPolicy>> InputPolicies(const Value& input, std::string_view member) {
  std::vector<SimPolicy> out;
  const Value* list = input.Find(member);
  if (!list || !list->is_list()) return out;
  int n = 0;
  for (const Value& item : list->as_list()) {
    ++n;
    if (!item.is_string()) continue;
    auto compiled = CompileInput(item.as_string());
    if (!compiled) return std::move(compiled).error();
    out.push_back({std::string(member) + "." + std::to_string(n), "none", item.as_string(),
                   std::move(compiled).value()});
  }
  return out;
}

std::vector<std::string> Strings(const Value& input, std::string_view member) {
  std::vector<std::string> out;
  if (const Value* list = input.Find(member); list && list->is_list()) {
    for (const Value& item : list->as_list()) {
      if (item.is_string()) out.push_back(item.as_string());
    }
  }
  return out;
}

// ContextEntries -> context keys; *List types are multivalued.
pol::ContextKeys ContextFrom(const Value& input) {
  pol::ContextKeys context;
  const Value* entries = input.Find("ContextEntries");
  if (!entries || !entries->is_list()) return context;
  for (const Value& entry : entries->as_list()) {
    std::string name(entry.GetString("ContextKeyName"));
    std::vector<std::string> values = Strings(entry, "ContextKeyValues");
    if (name.empty()) continue;
    if (entry.GetString("ContextKeyType").ends_with("List")) {
      context.SetMulti(name, std::move(values));
    } else if (!values.empty()) {
      context.Set(name, std::move(values.front()));
    }
  }
  return context;
}

}  // namespace

void IamService::RegisterSimulation(OperationTable& table) {
  // Loads a managed policy's default document (AWS or customer managed).
  auto managed = [this](const std::string& arn) -> Result<std::optional<SimPolicy>> {
    if (IsAwsManagedArn(arn)) {
      const AwsManagedPolicy* policy = catalog_.Find(arn);
      if (!policy) return std::optional<SimPolicy>();
      auto compiled = CompileInput(policy->document);
      if (!compiled) return std::move(compiled).error();
      return std::optional<SimPolicy>(
          SimPolicy{policy->name, "aws-managed", policy->document, std::move(compiled).value()});
    }
    auto record = store_.GetPolicy(arn);
    if (!record) {
      if (record.error().code == "NoSuchEntity") return std::optional<SimPolicy>();
      return std::move(record).error();
    }
    auto version = store_.GetPolicyVersion(arn, record->default_version);
    if (!version) return std::move(version).error();
    auto compiled = CompileInput(version->document);
    if (!compiled) return std::move(compiled).error();
    return std::optional<SimPolicy>(
        SimPolicy{record->name, "user-managed", version->document, std::move(compiled).value()});
  };
  auto entity_policies = [this, managed](EntityKind kind, const std::string& name,
                                         std::vector<SimPolicy>& out) -> Status {
    auto names = store_.ListInlinePolicies(kind, name);
    if (!names) return std::move(names).error();
    for (const std::string& policy_name : *names) {
      auto policy = store_.GetInlinePolicy(kind, name, policy_name);
      if (!policy) return std::move(policy).error();
      auto compiled = CompileInput(policy->document);
      if (!compiled) return std::move(compiled).error();
      out.push_back({policy_name, std::string(EntityKindName(kind)), policy->document,
                     std::move(compiled).value()});
    }
    auto attached = store_.ListAttachedPolicies(kind, name);
    if (!attached) return std::move(attached).error();
    for (const std::string& arn : *attached) {
      auto policy = managed(arn);
      if (!policy) return std::move(policy).error();
      if (*policy) out.push_back(std::move(**policy));
    }
    return {};
  };

  // What a PolicySourceArn stands for: its policies, its boundary, and the principal it acts as.
  struct Source {
    std::vector<SimPolicy> identity;
    std::optional<SimPolicy> boundary;
    pol::RequestPrincipal principal;
  };
  auto load_source = [this, managed, entity_policies](std::string_view arn) -> Result<Source> {
    Source source;
    auto colon = arn.find(":", arn.find("::") + 2);
    std::string_view rest = colon == std::string_view::npos ? "" : arn.substr(colon + 1);
    std::string type(rest.substr(0, rest.find('/')));
    std::string name(rest.substr(rest.find_last_of('/') + 1));
    if (!arn.starts_with("arn:aws:iam::" + account_id_ + ":") ||
        rest.find('/') == std::string_view::npos) {
      return InvalidInput("Invalid ARN:  Could not be parsed!");
    }
    source.principal.account_id = account_id_;
    source.principal.arn = std::string(arn);
    std::optional<std::string> boundary;
    if (type == "user") {
      auto user = store_.GetUser(name);
      if (!user) return std::move(user).error();
      source.principal.kind = pol::CallerKind::kIamUser;
      source.principal.user_name = user->name;
      source.principal.user_id = user->id;
      boundary = user->permissions_boundary;
      if (Status st = entity_policies(EntityKind::kUser, user->name, source.identity); !st) {
        return std::move(st).error();
      }
      auto groups = store_.ListGroupsForUser(user->name);
      if (!groups) return std::move(groups).error();
      for (const auto& group : *groups) {
        if (Status st = entity_policies(EntityKind::kGroup, group.name, source.identity); !st) {
          return std::move(st).error();
        }
      }
    } else if (type == "group") {
      auto group = store_.GetGroup(name);
      if (!group) return std::move(group).error();
      source.principal.kind = pol::CallerKind::kIamUser;
      if (Status st = entity_policies(EntityKind::kGroup, group->name, source.identity); !st) {
        return std::move(st).error();
      }
    } else if (type == "role") {
      auto role = store_.GetRole(name);
      if (!role) return std::move(role).error();
      source.principal.kind = pol::CallerKind::kAssumedRole;
      source.principal.role_arn = std::string(arn);
      source.principal.user_id = role->id;
      boundary = role->permissions_boundary;
      if (Status st = entity_policies(EntityKind::kRole, role->name, source.identity); !st) {
        return std::move(st).error();
      }
    } else {
      return InvalidInput("Invalid ARN:  Could not be parsed!");
    }
    if (boundary) {
      auto policy = managed(*boundary);
      if (!policy) return std::move(policy).error();
      if (*policy) source.boundary = std::move(**policy);
    }
    return source;
  };

  // Evaluates every (action, resource) pair; the shared core of both Simulate* operations.
  auto simulate = [](const Value& input, std::vector<SimPolicy> identity,
                     std::optional<std::vector<SimPolicy>> boundary,
                     pol::RequestPrincipal principal) -> Result<Value> {
    std::vector<SimPolicy> resource;
    if (auto text = OptionalString(input, "ResourcePolicy")) {
      auto compiled = CompileInput(*text);
      if (!compiled) return std::move(compiled).error();
      resource.push_back({"ResourcePolicy", "resource", *text, std::move(compiled).value()});
    }
    if (auto caller = OptionalString(input, "CallerArn")) principal.arn = *caller;
    std::vector<std::string> actions = Strings(input, "ActionNames");
    std::vector<std::string> resources = Strings(input, "ResourceArns");
    const bool explicit_resources = !resources.empty();
    if (resources.empty()) resources.push_back("*");

    std::vector<const SimPolicy*> all;
    pol::PolicySet set;
    for (const auto& p : identity) {
      set.identity.push_back({p.compiled.get(), p.id});
      all.push_back(&p);
    }
    if (boundary) {
      set.permissions_boundary.emplace();
      for (const auto& p : *boundary) {
        set.permissions_boundary->push_back({p.compiled.get(), p.id});
        all.push_back(&p);
      }
    }
    for (const auto& p : resource) {
      set.resource.push_back({p.compiled.get(), p.id});
      all.push_back(&p);
    }
    std::vector<SimPolicy> spelled;
    for (const SimPolicy* p : all) spelled.push_back({p->id, p->type, p->document, nullptr});

    pol::Request request;
    request.principal = std::move(principal);
    request.context = ContextFrom(input);
    if (auto owner = OptionalString(input, "ResourceOwner")) {
      auto colon = owner->find("::");
      if (colon != std::string::npos) {
        request.resource_account =
            owner->substr(colon + 2, owner->find(':', colon + 2) - colon - 2);
      }
    }
    pol::AddPrincipalContextKeys(request);

    auto page = Paginate(input, actions.size() * resources.size());
    if (!page) return std::move(page).error();
    Value results = Value::MakeList();
    for (std::size_t i = page->begin; i < page->end; ++i) {
      request.action = actions[i / resources.size()];
      request.resource = resources[i % resources.size()];
      pol::EvalResult eval = pol::Evaluate(set, request);
      Value matched = Value::MakeList();
      // For an implicit deny AWS lists no statements.
      if (eval.decision != pol::Decision::kImplicitDeny) {
        for (const auto& statement : eval.matched) {
          auto it = std::find_if(all.begin(), all.end(),
                                 [&](const SimPolicy* p) { return p->id == statement.policy_id; });
          if (it == all.end()) continue;
          Value m = Value::MakeStructure();
          m.Set("SourcePolicyId", (*it)->id);
          m.Set("SourcePolicyType", (*it)->type);
          auto spans = StatementSpans((*it)->document);
          if (statement.index < spans.size()) {
            m.Set("StartPosition", Position((*it)->document, spans[statement.index].begin));
            m.Set("EndPosition", Position((*it)->document, spans[statement.index].end));
          }
          matched.Push(std::move(m));
        }
      }
      Value missing = Value::MakeList();
      for (const auto& key : eval.missing_context_keys)
        missing.Push(OriginalSpelling(key, spelled));
      Value result = Value::MakeStructure();
      result.Set("EvalActionName", request.action);
      result.Set("EvalResourceName", request.resource);
      result.Set("EvalDecision", std::string(DecisionName(eval.decision)));
      result.Set("MatchedStatements", matched);
      result.Set("MissingContextValues", missing);
      if (boundary) {
        pol::PolicySet boundary_only;
        boundary_only.identity = *set.permissions_boundary;
        bool allowed = pol::Evaluate(boundary_only, request).decision == pol::Decision::kAllow;
        Value detail = Value::MakeStructure();
        detail.Set("AllowedByPermissionsBoundary", allowed);
        result.Set("PermissionsBoundaryDecisionDetail", std::move(detail));
      }
      if (!resource.empty()) {
        pol::PolicySet resource_only;
        resource_only.identity = set.resource;
        Value details = Value::MakeMap();
        details.Set("resource-policy",
                    std::string(DecisionName(pol::Evaluate(resource_only, request).decision)));
        result.Set("EvalDecisionDetails", std::move(details));
      }
      if (explicit_resources) {
        Value specific = Value::MakeStructure();
        specific.Set("EvalResourceName", request.resource);
        specific.Set("EvalResourceDecision", std::string(DecisionName(eval.decision)));
        specific.Set("MatchedStatements", matched);
        specific.Set("MissingContextValues", missing);
        Value list = Value::MakeList();
        list.Push(std::move(specific));
        result.Set("ResourceSpecificResults", std::move(list));
      }
      results.Push(std::move(result));
    }
    Value output = Value::MakeStructure();
    output.Set("EvaluationResults", std::move(results));
    SetPageMembers(output, *page);
    return output;
  };

  // Condition keys (and policy variables) the policies use, as they spell them, sorted, unique.
  auto context_keys = [](const std::vector<SimPolicy>& policies) {
    std::vector<std::string> lower;
    for (const auto& p : policies) {
      for (const auto& statement : p.compiled->statements) {
        for (const auto& condition : statement.conditions) {
          lower.emplace_back(condition.lower_key());
        }
      }
      // ${key} variables in Resource and Condition values are context keys too.
      std::string_view text = p.document;
      for (auto at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
        auto end = text.find_first_of("},", at);
        if (end == std::string_view::npos) break;
        std::string key = Lower(text.substr(at + 2, end - at - 2));
        if (key.find(':') != std::string::npos) lower.push_back(key);
      }
    }
    std::sort(lower.begin(), lower.end());
    lower.erase(std::unique(lower.begin(), lower.end()), lower.end());
    Value names = Value::MakeList();
    for (const auto& key : lower) names.Push(OriginalSpelling(key, policies));
    Value output = Value::MakeStructure();
    output.Set("ContextKeyNames", std::move(names));
    return output;
  };

  table.Add("iam", "SimulateCustomPolicy",
            [simulate](RequestContext& context, const Value& input) -> Result<Value> {
              auto identity = InputPolicies(input, "PolicyInputList");
              if (!identity) return std::move(identity).error();
              auto boundary = InputPolicies(input, "PermissionsBoundaryPolicyInputList");
              if (!boundary) return std::move(boundary).error();
              std::optional<std::vector<SimPolicy>> boundaries;
              if (!boundary->empty()) boundaries = std::move(boundary).value();
              pol::RequestPrincipal principal;
              principal.kind = pol::CallerKind::kIamUser;
              principal.account_id = context.principal.account_id;
              principal.arn = context.principal.arn;
              return simulate(input, std::move(identity).value(), std::move(boundaries),
                              std::move(principal));
            });
  table.Add("iam", "SimulatePrincipalPolicy",
            [simulate, load_source](RequestContext&, const Value& input) -> Result<Value> {
              auto source = load_source(input.GetString("PolicySourceArn"));
              if (!source) return std::move(source).error();
              auto extra = InputPolicies(input, "PolicyInputList");
              if (!extra) return std::move(extra).error();
              for (auto& p : *extra) source->identity.push_back(std::move(p));
              auto boundary = InputPolicies(input, "PermissionsBoundaryPolicyInputList");
              if (!boundary) return std::move(boundary).error();
              // A boundary passed in replaces the entity's own for the simulation.
              std::optional<std::vector<SimPolicy>> boundaries;
              if (!boundary->empty()) {
                boundaries = std::move(boundary).value();
              } else if (source->boundary) {
                boundaries.emplace();
                boundaries->push_back(std::move(*source->boundary));
              }
              return simulate(input, std::move(source->identity), std::move(boundaries),
                              std::move(source->principal));
            });
  table.Add("iam", "GetContextKeysForCustomPolicy",
            [context_keys](RequestContext&, const Value& input) -> Result<Value> {
              auto policies = InputPolicies(input, "PolicyInputList");
              if (!policies) return std::move(policies).error();
              return context_keys(*policies);
            });
  table.Add("iam", "GetContextKeysForPrincipalPolicy",
            [context_keys, load_source](RequestContext&, const Value& input) -> Result<Value> {
              auto source = load_source(input.GetString("PolicySourceArn"));
              if (!source) return std::move(source).error();
              auto extra = InputPolicies(input, "PolicyInputList");
              if (!extra) return std::move(extra).error();
              for (auto& p : *extra) source->identity.push_back(std::move(p));
              return context_keys(source->identity);
            });
}

}  // namespace tw::services::iam
