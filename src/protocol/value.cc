// SPDX-License-Identifier: Apache-2.0
#include "protocol/value.h"

#include <fmt/format.h>

#include "common/time_format.h"

namespace tw::protocol {

const Value* Value::Find(std::string_view name) const {
  if (!is_object()) return nullptr;
  for (const auto& [key, value] : entries()) {
    if (key == name) return &value;
  }
  return nullptr;
}

Value* Value::Find(std::string_view name) {
  return const_cast<Value*>(static_cast<const Value*>(this)->Find(name));
}

Value& Value::Set(std::string name, Value value) {
  if (Value* existing = Find(name)) {
    *existing = std::move(value);
    return *existing;
  }
  return entries().emplace_back(std::move(name), std::move(value)).second;
}

std::string_view Value::GetString(std::string_view name, std::string_view fallback) const {
  const Value* v = Find(name);
  return (v && v->is_string()) ? std::string_view(v->as_string()) : fallback;
}

namespace {

void AppendQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void Render(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      break;
    case Value::Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case Value::Kind::kInteger:
      out += std::to_string(v.as_integer());
      break;
    case Value::Kind::kDouble:
      out += fmt::format("{}", v.as_double());
      break;
    case Value::Kind::kString:
      AppendQuoted(out, v.as_string());
      break;
    case Value::Kind::kBlob:
      out += "blob(" + std::to_string(v.as_blob().bytes.size()) + ")";
      break;
    case Value::Kind::kTimestamp:
      out += "ts(" + FormatIso8601(v.as_timestamp().epoch_millis) + ")";
      break;
    case Value::Kind::kList: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out.push_back(',');
        first = false;
        Render(item, out);
      }
      out.push_back(']');
      break;
    }
    case Value::Kind::kMap:
    case Value::Kind::kStructure: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.entries()) {
        if (!first) out.push_back(',');
        first = false;
        AppendQuoted(out, key);
        out.push_back(':');
        Render(item, out);
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

std::string Value::DebugString() const {
  std::string out;
  Render(*this, out);
  return out;
}

}  // namespace tw::protocol
