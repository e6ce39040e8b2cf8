// SPDX-License-Identifier: Apache-2.0
// Value: the protocol-neutral tree between the wire and the services. Every codec parses a request
// into a Value shaped by the operation's input shape, and serializes an output Value shaped by
// its output shape. Structures and maps keep member order; member names are the model's member
// names ("UserName"), never wire names (those live only in the codecs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/message.h"

namespace tw::protocol {

struct Blob {
  std::string bytes;
  // A payload served from a file instead of `bytes` (S3 GetObject); codecs pass it to the
  // HttpResponse unread.
  std::shared_ptr<const http::FileRange> file = nullptr;
  bool operator==(const Blob&) const = default;
};

struct Timestamp {
  std::int64_t epoch_millis = 0;
  bool operator==(const Timestamp&) const = default;
};

class Value {
 public:
  enum class Kind {
    kNull,
    kBool,
    kInteger,
    kDouble,
    kString,
    kBlob,
    kTimestamp,
    kList,
    kMap,
    kStructure
  };
  using List = std::vector<Value>;
  using Entries = std::vector<std::pair<std::string, Value>>;

  Value() = default;
  Value(bool b) : kind_(Kind::kBool), data_(b) {}                      // NOLINT
  Value(int i) : kind_(Kind::kInteger), data_(std::int64_t{i}) {}      // NOLINT
  Value(std::int64_t i) : kind_(Kind::kInteger), data_(i) {}           // NOLINT
  Value(double d) : kind_(Kind::kDouble), data_(d) {}                  // NOLINT
  Value(std::string s) : kind_(Kind::kString), data_(std::move(s)) {}  // NOLINT
  Value(std::string_view s) : Value(std::string(s)) {}                 // NOLINT
  Value(const char* s) : Value(std::string(s)) {}                      // NOLINT
  Value(Blob b) : kind_(Kind::kBlob), data_(std::move(b)) {}           // NOLINT
  Value(Timestamp t) : kind_(Kind::kTimestamp), data_(t) {}            // NOLINT

  static Value MakeList(List items = {}) { return Value(Kind::kList, std::move(items)); }
  static Value MakeMap(Entries entries = {}) { return Value(Kind::kMap, std::move(entries)); }
  static Value MakeStructure(Entries members = {}) {
    return Value(Kind::kStructure, std::move(members));
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_integer() const { return kind_ == Kind::kInteger; }
  bool is_double() const { return kind_ == Kind::kDouble; }
  bool is_number() const { return is_integer() || is_double(); }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_blob() const { return kind_ == Kind::kBlob; }
  bool is_timestamp() const { return kind_ == Kind::kTimestamp; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_map() const { return kind_ == Kind::kMap; }
  bool is_structure() const { return kind_ == Kind::kStructure; }
  bool is_object() const { return is_map() || is_structure(); }

  // Typed access; calling the wrong one is a programmer error (std::bad_variant_access).
  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_integer() const { return std::get<std::int64_t>(data_); }
  double as_double() const {
    return is_integer() ? static_cast<double>(as_integer()) : std::get<double>(data_);
  }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const Blob& as_blob() const { return std::get<Blob>(data_); }
  Timestamp as_timestamp() const { return std::get<Timestamp>(data_); }
  const List& as_list() const { return std::get<List>(data_); }
  List& as_list() { return std::get<List>(data_); }
  const Entries& entries() const { return std::get<Entries>(data_); }
  Entries& entries() { return std::get<Entries>(data_); }

  // Object access (maps and structures). Find returns nullptr when the member is absent.
  const Value* Find(std::string_view name) const;
  Value* Find(std::string_view name);
  // Sets (replacing) a member and returns a reference to the stored value.
  Value& Set(std::string name, Value value);
  // Member string or fallback when absent or not a string.
  std::string_view GetString(std::string_view name, std::string_view fallback = {}) const;
  void Push(Value item) { as_list().push_back(std::move(item)); }

  bool operator==(const Value& other) const = default;

  // A compact JSON-like rendering for logs, tests and diagnostics (not a wire format).
  std::string DebugString() const;

 private:
  using Data = std::variant<std::monostate, bool, std::int64_t, double, std::string, Blob,
                            Timestamp, List, Entries>;
  Value(Kind kind, List items) : kind_(kind), data_(std::move(items)) {}
  Value(Kind kind, Entries entries) : kind_(kind), data_(std::move(entries)) {}

  Kind kind_ = Kind::kNull;
  Data data_;
};

}  // namespace tw::protocol
