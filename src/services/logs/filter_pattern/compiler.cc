// SPDX-License-Identifier: Apache-2.0
// Compile(): parse, check the value rules the grammar alone cannot, and lower into
// internal::CompiledImpl.
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/logs/filter_pattern/compiled_impl.h"
#include "services/logs/filter_pattern/filter_pattern.h"
#include "services/logs/filter_pattern/json_state.h"
#include "services/logs/filter_pattern/parser.h"

namespace tw::services::logs::filter_pattern {
namespace {

// AWS: "There is a limit of 2 regex for each filter pattern" (FilterAndPatternSyntax.html,
// Quotas).
constexpr int kMaxRegexPerPattern = 2;

bool IsRelational(CompareOp op) { return op != CompareOp::kEq && op != CompareOp::kNe; }

const char* OpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

PatternError ValueError(const ValueAst& value, std::string message) {
  std::string written = value.text;
  if (value.kind == ValueAst::Kind::kQuoted) written = "\"" + written + "\"";
  if (value.kind == ValueAst::Kind::kRegex) written = "%" + written + "%";
  return PatternError{value.column, std::move(written), std::move(message)};
}

// Bare (unquoted) values: letters, digits and the punctuation AWS examples leave unquoted
// (`kms.amazonaws.com` in CIS 4.7, `123.123.*`, `*.html*`, `-1`, `+1000`, `1e-3`). Anything else
// must be quoted; we reject rather than guess where AWS would split it.
PatternResult<bool> CheckBare(const ValueAst& value) {
  for (char c : value.text) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                    c == '-' || c == '*' || c == '+' || c == ':' || c == '/' || c == '@';
    if (!ok) {
      return ValueError(value, "values with this character must be enclosed in double quotes");
    }
  }
  return true;
}

class Compiler {
 public:
  explicit Compiler(internal::CompiledImpl& impl) : impl_(impl) {}

  PatternResult<bool> CompileRegexValue(const ValueAst& value,
                                        std::shared_ptr<const AwsRegex>& out) {
    auto regex = AwsRegex::Compile(value.text, value.column);
    if (!regex) return regex.error();
    out = std::move(*regex);
    if (++impl_.regex_count > kMaxRegexPerPattern) {
      return ValueError(value, "at most 2 regular expressions are allowed in a filter pattern");
    }
    return true;
  }

  // ---- JSON ----
  PatternResult<std::uint32_t> LowerJson(const JsonExprAst& expr) {
    using Kind = JsonExprAst::Kind;
    internal::JsonNode node;
    switch (expr.kind) {
      case Kind::kAnd:
      case Kind::kOr: {
        node.kind = expr.kind == Kind::kAnd ? internal::JsonNode::Kind::kAnd
                                            : internal::JsonNode::Kind::kOr;
        for (const auto& child : expr.children) {
          auto index = LowerJson(*child);
          if (!index) return index.error();
          node.children.push_back(*index);
        }
        if (node.kind == internal::JsonNode::Kind::kOr) FoldEqualityRuns(node);
        return Add(std::move(node));
      }
      case Kind::kIsTrue:
        node.kind = internal::JsonNode::Kind::kIsTrue;
        break;
      case Kind::kIsFalse:
        node.kind = internal::JsonNode::Kind::kIsFalse;
        break;
      case Kind::kIsNull:
        node.kind = internal::JsonNode::Kind::kIsNull;
        break;
      case Kind::kNotExists:
        node.kind = internal::JsonNode::Kind::kNotExists;
        break;
      case Kind::kCompare: {
        node.kind = internal::JsonNode::Kind::kCompare;
        auto value = LowerJsonValue(expr.op, expr.value);
        if (!value) return value.error();
        node.value = std::move(*value);
        break;
      }
    }
    node.selector = SelectorIndex(expr.selector);
    return Add(std::move(node));
  }

  PatternResult<internal::JsonValue> LowerJsonValue(CompareOp op, const ValueAst& value) {
    internal::JsonValue out;
    out.op = op;
    out.literal = value.text;
    if (value.kind == ValueAst::Kind::kRegex) {
      if (IsRelational(op)) {
        return ValueError(value, std::string("a regular expression cannot be compared with `") +
                                     OpText(op) + "`");
      }
      out.kind = internal::JsonValue::Kind::kRegex;
      auto ok = CompileRegexValue(value, out.regex);
      if (!ok) return ok.error();
      return out;
    }
    if (value.kind == ValueAst::Kind::kBare) {
      auto ok = CheckBare(value);
      if (!ok) return ok.error();
      if (auto number = ParseNumber(value.text)) {
        out.kind = internal::JsonValue::Kind::kNumber;
        out.number = *number;
        return out;
      }
    }
    if (IsRelational(op)) {
      // "Only = and != are valid for strings" (CDK stringValue; filter-patterns.md §4.2).
      return ValueError(value,
                        std::string("the operator `") + OpText(op) + "` needs an unquoted number");
    }
    out.kind = internal::JsonValue::Kind::kText;
    out.text = EdgeWildcard(value.text);
    return out;
  }

  // `$.eventName = A || $.eventName = B || ...` (the CIS IAM-policy filter has 16 of them)
  // becomes one set lookup. Only exact text comparisons fold; they compare the scalar's text, so
  // a set probe with that text is the same test.
  void FoldEqualityRuns(internal::JsonNode& node) {
    std::map<std::uint32_t, std::vector<std::uint32_t>> by_selector;
    for (std::uint32_t child : node.children) {
      const internal::JsonNode& c = impl_.json.nodes[child];
      if (c.kind == internal::JsonNode::Kind::kCompare && c.value.op == CompareOp::kEq &&
          c.value.kind == internal::JsonValue::Kind::kText && !c.value.text.has_wildcard()) {
        by_selector[c.selector].push_back(child);
      }
    }
    for (const auto& [selector, members] : by_selector) {
      if (members.size() < 2) continue;
      internal::StringSet set;
      for (std::uint32_t m : members) set.insert(impl_.json.nodes[m].value.text.core());
      impl_.json.sets.push_back(std::move(set));
      internal::JsonNode folded;
      folded.kind = internal::JsonNode::Kind::kInSet;
      folded.selector = selector;
      folded.set = static_cast<std::uint32_t>(impl_.json.sets.size() - 1);
      const std::uint32_t folded_index = Add(std::move(folded));
      std::vector<std::uint32_t> kept;
      bool placed = false;
      for (std::uint32_t child : node.children) {
        bool member = false;
        for (std::uint32_t m : members) member = member || m == child;
        if (!member) {
          kept.push_back(child);
        } else if (!placed) {
          kept.push_back(folded_index);
          placed = true;
        }
      }
      node.children = std::move(kept);
    }
  }

  std::uint32_t SelectorIndex(const SelectorAst& selector) {
    // Selectors are keyed by their steps, so `$.a[0]` written twice resolves once per event.
    std::string key;
    for (const SelectorStep& step : selector.steps) {
      key += step.is_index ? "[" + std::to_string(step.index) + "]" : "." + step.key;
    }
    auto [it, inserted] =
        selector_index_.emplace(key, static_cast<std::uint32_t>(impl_.json.selectors.size()));
    if (inserted) {
      impl_.json.selectors.push_back(selector.steps);
      impl_.json.selector_ids.push_back(internal::InternSelector(key));
    }
    return it->second;
  }

  std::uint32_t Add(internal::JsonNode node) {
    impl_.json.nodes.push_back(std::move(node));
    return static_cast<std::uint32_t>(impl_.json.nodes.size() - 1);
  }

  // ---- space-delimited ----
  PatternResult<bool> LowerFields(const std::vector<FieldAst>& fields) {
    internal::SpaceDelimitedPlan& plan = impl_.fields;
    for (const FieldAst& ast : fields) {
      internal::Field field;
      const auto index = static_cast<std::uint32_t>(plan.fields.size());
      if (ast.ellipsis) {
        if (plan.has_ellipsis) {
          return PatternError{ast.column, "...", "unsupported: more than one `...` in a pattern"};
        }
        plan.has_ellipsis = true;
      } else {
        for (const internal::Field& other : plan.fields) {
          if (other.name == ast.name) {
            return PatternError{ast.column, ast.name, "duplicate field name"};
          }
        }
        field.name = ast.name;
        field.key = "$" + ast.name;
        if (ast.condition) {
          field.condition.emplace_back();  // the root is slot 0
          auto ok = LowerCondition(*ast.condition, field.condition, 0);
          if (!ok) return ok.error();
        }
        (plan.has_ellipsis ? plan.right : plan.left).push_back(index);
      }
      plan.fields.push_back(std::move(field));
    }
    return true;
  }

  PatternResult<bool> LowerCondition(const FieldConditionAst& ast,
                                     std::vector<internal::FieldNode>& nodes, std::uint32_t slot) {
    using Kind = FieldConditionAst::Kind;
    if (ast.kind == Kind::kCompare) {
      auto value = LowerFieldValue(ast.op, ast.value);
      if (!value) return value.error();
      nodes[slot].kind = internal::FieldNode::Kind::kCompare;
      nodes[slot].value = std::move(*value);
      return true;
    }
    nodes[slot].kind =
        ast.kind == Kind::kAnd ? internal::FieldNode::Kind::kAnd : internal::FieldNode::Kind::kOr;
    for (const auto& child : ast.children) {
      const auto child_slot = static_cast<std::uint32_t>(nodes.size());
      nodes.emplace_back();
      nodes[slot].children.push_back(child_slot);
      auto ok = LowerCondition(*child, nodes, child_slot);
      if (!ok) return ok.error();
    }
    return true;
  }

  PatternResult<internal::FieldValue> LowerFieldValue(CompareOp op, const ValueAst& value) {
    internal::FieldValue out;
    out.op = op;
    if (value.kind == ValueAst::Kind::kRegex) {
      if (IsRelational(op)) {
        return ValueError(value, std::string("a regular expression cannot be compared with `") +
                                     OpText(op) + "`");
      }
      out.kind = internal::FieldValue::Kind::kRegex;
      auto ok = CompileRegexValue(value, out.regex);
      if (!ok) return ok.error();
      return out;
    }
    out.glob = Glob(value.text);
    if (value.kind == ValueAst::Kind::kBare) {
      auto ok = CheckBare(value);
      if (!ok) return ok.error();
      if (auto number = ParseNumber(value.text)) {
        out.kind = internal::FieldValue::Kind::kNumber;
        out.number = *number;
        return out;
      }
    }
    if (IsRelational(op)) {
      return ValueError(value,
                        std::string("the operator `") + OpText(op) + "` needs an unquoted number");
    }
    out.kind = internal::FieldValue::Kind::kText;
    return out;
  }

 private:
  internal::CompiledImpl& impl_;
  std::map<std::string, std::uint32_t> selector_index_;
};

}  // namespace

PatternResult<CompiledPattern> Compile(std::string_view pattern) {
  auto ast = Parse(pattern);
  if (!ast) return ast.error();
  auto impl = std::make_shared<internal::CompiledImpl>();
  impl->kind = ast->kind;
  impl->source = std::string(pattern);
  Compiler compiler(*impl);
  switch (ast->kind) {
    case PatternKind::kMatchAll:
      break;
    case PatternKind::kTerms:
      for (const TermGroupAst& group : ast->term_groups) {
        std::vector<internal::Term> terms;
        for (const TermAst& term : group.terms) terms.push_back({term.text, term.exclude});
        impl->term_groups.push_back(std::move(terms));
      }
      break;
    case PatternKind::kRegex: {
      auto ok = compiler.CompileRegexValue(ast->regex, impl->regex);
      if (!ok) return ok.error();
      break;
    }
    case PatternKind::kJson: {
      auto root = compiler.LowerJson(*ast->json);
      if (!root) return root.error();
      impl->json.root = *root;
      break;
    }
    case PatternKind::kSpaceDelimited: {
      auto ok = compiler.LowerFields(ast->fields);
      if (!ok) return ok.error();
      break;
    }
  }
  return CompiledPattern(std::move(impl));
}

CompiledPattern::CompiledPattern(std::shared_ptr<const internal::CompiledImpl> impl)
    : impl_(std::move(impl)) {}

PatternKind CompiledPattern::kind() const { return impl_->kind; }
const std::string& CompiledPattern::source() const { return impl_->source; }
int CompiledPattern::regex_count() const { return impl_->regex_count; }

std::string_view CompiledPattern::FieldNameAt(std::size_t position) const {
  if (impl_->kind != PatternKind::kSpaceDelimited) return {};
  if (position == 0 || position > impl_->fields.fields.size()) return {};
  return impl_->fields.fields[position - 1].name;
}

bool CompiledPattern::HasField(std::string_view name) const {
  if (impl_->kind != PatternKind::kSpaceDelimited) return false;
  for (const internal::Field& field : impl_->fields.fields) {
    if (!field.name.empty() && field.name == name) return true;
  }
  return false;
}

}  // namespace tw::services::logs::filter_pattern
