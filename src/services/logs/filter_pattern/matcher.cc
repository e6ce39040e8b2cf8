// SPDX-License-Identifier: Apache-2.0
// Match(): runs a CompiledPattern against one LogEvent. Semantics follow filter-patterns.md; the
// choices AWS leaves undocumented are marked "undocumented" and listed in README.md.
#include <simdjson.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/compiled_impl.h"
#include "services/logs/filter_pattern/filter_pattern.h"
#include "services/logs/filter_pattern/json_state.h"

namespace tw::services::logs::filter_pattern {
namespace {

using internal::CompiledImpl;
using internal::JsonNode;
using internal::JsonValue;

bool CompareNumbers(CompareOp op, double left, double right) {
  switch (op) {
    case CompareOp::kEq:
      return left == right;
    case CompareOp::kNe:
      return left != right;
    case CompareOp::kLt:
      return left < right;
    case CompareOp::kLe:
      return left <= right;
    case CompareOp::kGt:
      return left > right;
    case CompareOp::kGe:
      return left >= right;
  }
  return false;
}

bool IsJsonNumber(const simdjson::dom::element& e) {
  const auto type = e.type();
  return type == simdjson::dom::element_type::INT64 ||
         type == simdjson::dom::element_type::UINT64 || type == simdjson::dom::element_type::DOUBLE;
}

// ---- term patterns ----
bool MatchTerms(const CompiledImpl& impl, std::string_view message) {
  for (const auto& group : impl.term_groups) {
    bool all = true;
    for (const internal::Term& term : group) {
      // Terms are substrings, case-sensitive: `ERROR` matches `ERRORCODE` (AWS guide, 2021).
      const bool found = message.find(term.text) != std::string_view::npos;
      if (found == term.exclude) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

// ---- JSON patterns ----
class JsonEvaluator {
 public:
  JsonEvaluator(const internal::JsonProgram& program, const internal::JsonState& state)
      : program_(program), state_(state) {}

  bool Eval(std::uint32_t index) {
    const JsonNode& node = program_.nodes[index];
    switch (node.kind) {
      case JsonNode::Kind::kAnd:
        for (std::uint32_t child : node.children) {
          if (!Eval(child)) return false;
        }
        return true;
      case JsonNode::Kind::kOr:
        for (std::uint32_t child : node.children) {
          if (Eval(child)) return true;
        }
        return false;
      case JsonNode::Kind::kNotExists:
        // Absent key: true; a null value exists (filter-patterns.md §4.4).
        return !Lookup(node.selector).element.has_value();
      case JsonNode::Kind::kIsNull: {
        const auto* e = Get(node.selector);
        return e != nullptr && e->is_null();
      }
      case JsonNode::Kind::kIsTrue:
      case JsonNode::Kind::kIsFalse: {
        const auto* e = Get(node.selector);
        bool value = false;
        if (e == nullptr || e->get_bool().get(value) != simdjson::SUCCESS) return false;
        return value == (node.kind == JsonNode::Kind::kIsTrue);
      }
      case JsonNode::Kind::kInSet:
        return InSet(node.selector, program_.sets[node.set]);
      case JsonNode::Kind::kCompare:
        return Compare(node);
    }
    return false;
  }

 private:
  // The event's memo slot for a selector, resolved on first use. The reference stays valid until
  // the next Lookup (another selector may take the slot), which callers respect.
  internal::JsonState::Memo& Lookup(std::uint32_t selector) {
    const std::uint32_t id = program_.selector_ids[selector];
    internal::JsonState::Memo& m = state_.memo[id % internal::JsonState::kMemoSlots];
    if (m.id != id) {
      m.id = id;
      m.element = internal::Resolve(state_, program_.selectors[selector]);
      m.text_done = false;
    }
    return m;
  }
  const simdjson::dom::element* Get(std::uint32_t selector) {
    internal::JsonState::Memo& m = Lookup(selector);
    return m.element.has_value() ? &*m.element : nullptr;
  }
  // The selector's scalar text (ScalarText), memoized with the resolution.
  std::optional<std::string_view> Text(std::uint32_t selector) {
    internal::JsonState::Memo& m = Lookup(selector);
    if (!m.text_done) {
      m.text = m.element ? internal::ScalarText(*m.element, m.scratch) : std::nullopt;
      if (m.text) m.text_hash = internal::StringSet::Hash(*m.text);
      m.text_done = true;
    }
    return m.text;
  }
  bool InSet(std::uint32_t selector, const internal::StringSet& set) {
    const auto text = Text(selector);
    if (!text) return false;
    return set.Contains(
        *text,
        state_.memo[program_.selector_ids[selector] % internal::JsonState::kMemoSlots].text_hash);
  }

  bool Compare(const JsonNode& node) {
    const simdjson::dom::element* e = Get(node.selector);
    // Missing keys, objects, arrays and null never compare, with `=` or `!=` (AWS guide: a
    // selector that points to an array or object does not match; filter-patterns.md §4.1).
    if (e == nullptr) return false;
    const JsonValue& value = node.value;
    switch (value.kind) {
      case JsonValue::Kind::kNumber: {
        if (IsJsonNumber(*e)) {
          double number = 0;
          if (e->get_double().get(number) != simdjson::SUCCESS) return false;
          return CompareNumbers(value.op, number, value.number);
        }
        // Undocumented: `=`/`!=` with a bare number against a string compares text
        // ("status":"404" = 404); relational operators need a JSON number.
        if (value.op != CompareOp::kEq && value.op != CompareOp::kNe) return false;
        if (e->type() != simdjson::dom::element_type::STRING) return false;
        const auto text = Text(node.selector);
        if (!text) return false;
        return (*text == value.literal) == (value.op == CompareOp::kEq);
      }
      case JsonValue::Kind::kText: {
        const auto text = Text(node.selector);
        if (!text) return false;
        return value.text.Matches(*text) == (value.op == CompareOp::kEq);
      }
      case JsonValue::Kind::kRegex: {
        const auto text = Text(node.selector);
        if (!text) return false;
        return value.regex->Search(*text) == (value.op == CompareOp::kEq);
      }
    }
    return false;
  }

  const internal::JsonProgram& program_;
  const internal::JsonState& state_;
};

// ---- space-delimited patterns ----
bool TestField(const std::vector<internal::FieldNode>& nodes, std::uint32_t index,
               std::string_view text) {
  const internal::FieldNode& node = nodes[index];
  switch (node.kind) {
    case internal::FieldNode::Kind::kAnd:
      for (std::uint32_t child : node.children) {
        if (!TestField(nodes, child, text)) return false;
      }
      return true;
    case internal::FieldNode::Kind::kOr:
      for (std::uint32_t child : node.children) {
        if (TestField(nodes, child, text)) return true;
      }
      return false;
    case internal::FieldNode::Kind::kCompare:
      break;
  }
  const internal::FieldValue& value = node.value;
  const bool eq = value.op == CompareOp::kEq;
  switch (value.kind) {
    case internal::FieldValue::Kind::kRegex:
      return value.regex->Search(text) == eq;
    case internal::FieldValue::Kind::kNumber: {
      const auto number = ParseNumber(text);
      if (number) return CompareNumbers(value.op, *number, value.number);
      // `bytes > 1000` on "-" is no match; `status_code = 404` on text compares the text.
      if (value.op != CompareOp::kEq && value.op != CompareOp::kNe) return false;
      return value.glob.Matches(text) == eq;
    }
    case internal::FieldValue::Kind::kText:
      return value.glob.Matches(text) == eq;
  }
  return false;
}

// Aligns pattern fields with event fields: left of `...` from the start, right of it from the
// end. Without `...` the counts must be equal: the 2021 guide says `[w1=ERROR, w2]` does not
// match the three-field line `ERROR WARN message` (cases.jsonl).
bool MatchFields(const CompiledImpl& impl, const LogEvent& event,
                 std::vector<ExtractedValue>* extracted) {
  const internal::SpaceDelimitedPlan& plan = impl.fields;
  const std::vector<std::string_view>& fields = event.Fields();
  const std::size_t needed = plan.left.size() + plan.right.size();
  if (plan.has_ellipsis ? fields.size() < needed : fields.size() != needed) return false;
  auto check = [&](std::uint32_t field_index, std::string_view text) {
    const internal::Field& field = plan.fields[field_index];
    return field.condition.empty() || TestField(field.condition, 0, text);
  };
  for (std::size_t i = 0; i < plan.left.size(); ++i) {
    if (!check(plan.left[i], fields[i])) return false;
  }
  const std::size_t right_start = fields.size() - plan.right.size();
  for (std::size_t j = 0; j < plan.right.size(); ++j) {
    if (!check(plan.right[j], fields[right_start + j])) return false;
  }
  if (extracted != nullptr) {
    extracted->clear();
    for (std::size_t i = 0; i < plan.left.size(); ++i) {
      extracted->push_back({plan.fields[plan.left[i]].key, fields[i]});
    }
    for (std::size_t j = 0; j < plan.right.size(); ++j) {
      extracted->push_back({plan.fields[plan.right[j]].key, fields[right_start + j]});
    }
  }
  return true;
}

bool Run(const CompiledPattern& pattern, const LogEvent& event,
         std::vector<ExtractedValue>* extracted) {
  const CompiledImpl& impl = pattern.impl();
  switch (impl.kind) {
    case PatternKind::kMatchAll:
      return true;
    case PatternKind::kTerms:
      return MatchTerms(impl, event.message());
    case PatternKind::kRegex:
      return impl.regex->Search(event.message());
    case PatternKind::kJson: {
      const internal::JsonState* state = event.json();
      if (state == nullptr) return false;  // JSON patterns apply to JSON objects only
      JsonEvaluator evaluator(impl.json, *state);
      return evaluator.Eval(impl.json.root);
    }
    case PatternKind::kSpaceDelimited:
      return MatchFields(impl, event, extracted);
  }
  return false;
}

}  // namespace

const ExtractedValue* MatchResult::Find(std::string_view name) const {
  for (const ExtractedValue& value : extracted) {
    if (value.name == name || (!value.name.empty() && value.name.substr(1) == name)) {
      return &value;
    }
  }
  return nullptr;
}

MatchResult Match(const CompiledPattern& pattern, const LogEvent& event) {
  MatchResult result;
  result.matched = Run(pattern, event, &result.extracted);
  if (!result.matched) result.extracted.clear();
  return result;
}

MatchResult Match(const CompiledPattern& pattern, std::string_view message) {
  const LogEvent event(message);
  return Match(pattern, event);
}

bool Matches(const CompiledPattern& pattern, const LogEvent& event) {
  return Run(pattern, event, nullptr);
}

}  // namespace tw::services::logs::filter_pattern
