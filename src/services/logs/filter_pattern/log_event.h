// SPDX-License-Identifier: Apache-2.0
// LogEvent: one log event message prepared for matching against many filters. The message is
// parsed as JSON (simdjson) at most once and split into space-delimited fields at most once, on
// first use, so a metric-filter pass over N filters costs one parse, not N.
// Not thread-safe (lazy caches); use one LogEvent per thread. The message bytes must outlive it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tw::services::logs::filter_pattern {

namespace internal {
struct JsonState;
}

// Spare capacity a std::string message needs past its end for the JSON parser to read it in
// place (simdjson's padding). Writers that build messages for matching reserve it (PutLogEvents
// does), which saves a copy of every event.
inline constexpr std::size_t kLogEventPadding = 64;

class LogEvent {
 public:
  explicit LogEvent(std::string_view message);
  // A std::string with at least kLogEventPadding spare capacity is parsed in place; otherwise it
  // is copied into a padded buffer like any other message.
  explicit LogEvent(const std::string& message);
  explicit LogEvent(const char* message) : LogEvent(std::string_view(message)) {}
  ~LogEvent();
  LogEvent(LogEvent&&) noexcept;
  LogEvent& operator=(LogEvent&&) noexcept;
  LogEvent(const LogEvent&) = delete;
  LogEvent& operator=(const LogEvent&) = delete;

  std::string_view message() const { return message_; }

  // True when the message is one JSON object (JSON patterns apply only then, §4).
  bool IsJsonObject() const;

  // The fields of a space-delimited pattern (§5): runs of characters separated by spaces, where
  // "..." and [...] each form one field with the enclosing quotes/brackets removed.
  const std::vector<std::string_view>& Fields() const;

  // The parsed JSON document, or nullptr when the message is not a JSON object. Internal.
  const internal::JsonState* json() const;

 private:
  std::string_view message_;
  bool padded_ = false;  // message_ may be read kLogEventPadding bytes past its end
  mutable std::unique_ptr<internal::JsonState> json_;
  mutable bool json_parsed_ = false;
  mutable std::vector<std::string_view> fields_;
  mutable bool fields_split_ = false;
};

// Splits a message the way space-delimited patterns see it (exposed for tests).
std::vector<std::string_view> SplitSpaceDelimited(std::string_view message);

}  // namespace tw::services::logs::filter_pattern
