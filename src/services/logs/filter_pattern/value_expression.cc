// SPDX-License-Identifier: Apache-2.0
#include "services/logs/filter_pattern/value_expression.h"

#include <simdjson.h>

#include <string>

#include "services/logs/filter_pattern/json_state.h"
#include "services/logs/filter_pattern/parser.h"
#include "services/logs/filter_pattern/text_match.h"

namespace tw::services::logs::filter_pattern {

PatternResult<ValueExpression> ValueExpression::Compile(std::string_view text,
                                                        const CompiledPattern& pattern) {
  ValueExpression out;
  out.text_ = std::string(text);
  if (auto number = ParseNumber(text)) {
    out.kind_ = Kind::kConstant;
    out.constant_ = *number;
    return out;
  }
  if (text.size() >= 2 && text[0] == '$' && (text[1] == '.' || text[1] == '[')) {
    if (pattern.kind() != PatternKind::kJson) {
      return PatternError{1, std::string(text), "a `$.` selector needs a JSON filter pattern"};
    }
    auto selector = ParseSelector(text, 1);
    if (!selector) return selector.error();
    out.kind_ = Kind::kJsonSelector;
    out.steps_ = std::move(selector->steps);
    return out;
  }
  if (text.size() >= 2 && text[0] == '$') {
    if (pattern.kind() != PatternKind::kSpaceDelimited) {
      return PatternError{1, std::string(text),
                          "a `$field` value needs a space-delimited filter pattern"};
    }
    const std::string_view name = text.substr(1);
    bool digits = true;
    for (char c : name) digits = digits && c >= '0' && c <= '9';
    std::string_view field = name;
    if (digits && name.size() <= 4 && !pattern.HasField(name)) {
      // `$7`: the 7th field of the pattern (AWS "ExtractBytesExample" uses metricValue $7 with a
      // seven-field pattern).
      field = pattern.FieldNameAt(static_cast<std::size_t>(std::stoul(std::string(name))));
      if (field.empty()) {
        return PatternError{1, std::string(text), "no named pattern field at this position"};
      }
    } else if (!pattern.HasField(name)) {
      return PatternError{1, std::string(text), "the filter pattern has no field of this name"};
    }
    out.kind_ = Kind::kField;
    out.field_key_ = "$" + std::string(field);
    return out;
  }
  return PatternError{1, std::string(text),
                      "expected a number, a `$.` selector or a `$field` reference"};
}

std::optional<double> ValueExpression::ResolveNumber(const LogEvent& event,
                                                     const MatchResult& match) const {
  if (kind_ == Kind::kConstant) return constant_;
  if (kind_ == Kind::kField) {
    const ExtractedValue* value = match.Find(field_key_);
    if (value == nullptr) return std::nullopt;
    return ParseNumber(value->value);
  }
  const internal::JsonState* state = event.json();
  if (state == nullptr) return std::nullopt;
  const auto element = internal::Resolve(*state, steps_);
  if (!element) return std::nullopt;
  double number = 0;
  const auto type = element->type();
  if (type == simdjson::dom::element_type::INT64 || type == simdjson::dom::element_type::UINT64 ||
      type == simdjson::dom::element_type::DOUBLE) {
    if (element->get_double().get(number) != simdjson::SUCCESS) return std::nullopt;
    return number;
  }
  // Undocumented: a string holding a number ("50") counts as that number.
  std::string_view text;
  if (element->get_string().get(text) == simdjson::SUCCESS) return ParseNumber(text);
  return std::nullopt;
}

std::optional<std::string> ValueExpression::ResolveText(const LogEvent& event,
                                                        const MatchResult& match) const {
  if (kind_ == Kind::kConstant) return text_;
  if (kind_ == Kind::kField) {
    const ExtractedValue* value = match.Find(field_key_);
    if (value == nullptr) return std::nullopt;
    return std::string(value->value);
  }
  const internal::JsonState* state = event.json();
  if (state == nullptr) return std::nullopt;
  const auto element = internal::Resolve(*state, steps_);
  if (!element) return std::nullopt;
  std::string scratch;
  const auto text = internal::ScalarText(*element, scratch);
  if (!text) return std::nullopt;
  return std::string(*text);
}

}  // namespace tw::services::logs::filter_pattern
