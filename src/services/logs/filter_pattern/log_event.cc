// SPDX-License-Identifier: Apache-2.0
#include "services/logs/filter_pattern/log_event.h"

#include <simdjson.h>

#include <charconv>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "services/logs/filter_pattern/json_state.h"

namespace tw::services::logs::filter_pattern {

namespace {

// One spare parsed-JSON state per thread: a metric-filter pass creates and drops a LogEvent per
// event, and reusing the state keeps the document's buffers instead of allocating them each time.
// Documents that grew past kMaxSpareBytes of input are not kept.
constexpr std::size_t kMaxSpareBytes = 1 << 20;
thread_local std::unique_ptr<internal::JsonState> spare_state;

}  // namespace

static_assert(kLogEventPadding >= simdjson::SIMDJSON_PADDING);

LogEvent::LogEvent(std::string_view message) : message_(message) {}
LogEvent::LogEvent(const std::string& message)
    : message_(message), padded_(message.capacity() - message.size() >= kLogEventPadding) {}
LogEvent::~LogEvent() {
  if (json_ && !spare_state && message_.size() <= kMaxSpareBytes) spare_state = std::move(json_);
}
LogEvent::LogEvent(LogEvent&&) noexcept = default;
LogEvent& LogEvent::operator=(LogEvent&&) noexcept = default;

const internal::JsonState* LogEvent::json() const {
  if (json_parsed_) return json_.get();
  json_parsed_ = true;
  // Cheap rejection: a JSON object starts with `{` after optional blanks.
  std::size_t i = 0;
  while (i < message_.size() && (message_[i] == ' ' || message_[i] == '\t' || message_[i] == '\n' ||
                                 message_[i] == '\r')) {
    ++i;
  }
  if (i == message_.size() || message_[i] != '{') return nullptr;
  // One parser and one padded input buffer per thread: simdjson needs SIMDJSON_PADDING readable
  // bytes past the input, and reusing both keeps the per-event cost to the parse itself.
  thread_local simdjson::dom::parser parser;
  thread_local std::string padded;
  const char* input = message_.data();
  if (!padded_) {
    padded.assign(message_.data(), message_.size());
    padded.resize(message_.size() + simdjson::SIMDJSON_PADDING, '\0');
    input = padded.data();
  }
  std::unique_ptr<internal::JsonState> state =
      spare_state ? std::move(spare_state) : std::make_unique<internal::JsonState>();
  auto result = parser.parse_into_document(state->document, input, message_.size(),
                                           /*realloc_if_needed=*/false);
  simdjson::dom::element root;
  if (result.get(root) != simdjson::SUCCESS) return nullptr;
  if (root.type() != simdjson::dom::element_type::OBJECT) return nullptr;
  state->root = root;
  state->ResetMemo();
  json_ = std::move(state);
  return json_.get();
}

bool LogEvent::IsJsonObject() const { return json() != nullptr; }

const std::vector<std::string_view>& LogEvent::Fields() const {
  if (!fields_split_) {
    fields_ = SplitSpaceDelimited(message_);
    fields_split_ = true;
  }
  return fields_;
}

std::vector<std::string_view> SplitSpaceDelimited(std::string_view message) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  const std::size_t n = message.size();
  while (i < n) {
    if (message[i] == ' ') {
      ++i;
      continue;
    }
    const char open = message[i];
    if (open == '"' || open == '[') {
      // "GET /index.html HTTP/1.0" and [10/Oct/2000:13:25:15 -0700] are one field each, without
      // their quotes/brackets (AWS guide, space-delimited example and extracted values).
      const char close = open == '"' ? '"' : ']';
      const std::size_t end = message.find(close, i + 1);
      if (end != std::string_view::npos) {
        fields.push_back(message.substr(i + 1, end - i - 1));
        i = end + 1;
        continue;
      }
    }
    const std::size_t start = i;
    while (i < n && message[i] != ' ') ++i;
    fields.push_back(message.substr(start, i - start));
  }
  return fields;
}

namespace internal {

std::uint32_t InternSelector(const std::string& path) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::uint32_t> ids;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] = ids.emplace(path, static_cast<std::uint32_t>(ids.size()));
  return it->second;
}

std::optional<simdjson::dom::element> Resolve(const JsonState& state,
                                              const std::vector<SelectorStep>& steps) {
  simdjson::dom::element current = state.root;
  for (const SelectorStep& step : steps) {
    if (step.is_index) {
      simdjson::dom::array array;
      if (current.get_array().get(array) != simdjson::SUCCESS) return std::nullopt;
      if (array.at(step.index).get(current) != simdjson::SUCCESS) return std::nullopt;
    } else {
      simdjson::dom::object object;
      if (current.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
      if (object.at_key(step.key).get(current) != simdjson::SUCCESS) return std::nullopt;
    }
  }
  return current;
}

std::optional<std::string_view> ScalarText(const simdjson::dom::element& element,
                                           std::string& scratch) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::STRING: {
      std::string_view text;
      if (element.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
      return text;
    }
    case element_type::BOOL: {
      bool value = false;
      if (element.get_bool().get(value) != simdjson::SUCCESS) return std::nullopt;
      return value ? std::string_view("true") : std::string_view("false");
    }
    case element_type::INT64: {
      std::int64_t value = 0;
      if (element.get_int64().get(value) != simdjson::SUCCESS) return std::nullopt;
      scratch = std::to_string(value);
      return scratch;
    }
    case element_type::UINT64: {
      std::uint64_t value = 0;
      if (element.get_uint64().get(value) != simdjson::SUCCESS) return std::nullopt;
      scratch = std::to_string(value);
      return scratch;
    }
    case element_type::DOUBLE: {
      double value = 0;
      if (element.get_double().get(value) != simdjson::SUCCESS) return std::nullopt;
      char buffer[64];
      const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
      if (ec != std::errc()) return std::nullopt;
      scratch.assign(buffer, ptr);
      return scratch;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace internal
}  // namespace tw::services::logs::filter_pattern
