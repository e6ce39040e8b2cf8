// SPDX-License-Identifier: Apache-2.0
// Text formats CloudWatch writes by hand, byte for byte: numbers as Java prints doubles ("2.0",
// "2.88135593220462"), reason timestamps "dd/MM/yy HH:mm:ss", JSON timestamps
// "yyyy-MM-dd'T'HH:mm:ss.SSS+0000", and JSON string escaping. A tiny ordered JSON writer keeps key
// order exactly as AWS emits it (alarm messages, StateReasonData, HistoryData), which a generic
// JSON library does not promise and which prints 1.0 as 1E0.
//
// Thread-safety: pure functions; a JsonWriter is used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tw::services::cloudwatch {

std::string JavaDouble(double value);
std::string ReasonTime(std::int64_t epoch_millis);   // 05/08/19 16:54:00
std::string AwsJsonTime(std::int64_t epoch_millis);  // 2019-08-05T16:54:00.000+0000
// "Friday 22 July, 2022 15:57:45 UTC" (composite reasons, alarm email text).
std::string LongTime(std::int64_t epoch_millis);
std::string JsonQuote(std::string_view text);

// Appends JSON tokens; the caller keeps the structure well formed. Commas are automatic.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Number(double value);  // Java form: 1.0, 2.5
  JsonWriter& Integer(std::int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  JsonWriter& Raw(std::string_view json);  // an already-encoded JSON value
  const std::string& str() const { return out_; }

 private:
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace tw::services::cloudwatch
