// SPDX-License-Identifier: Apache-2.0
// Appends CBOR data items to a byte string, each in its shortest form (as the rpc-v2-cbor spec
// asks of numbers), using libcbor's encoding primitives. Containers are definite-length: callers
// know their sizes. Not thread-safe (one writer per response); cheap to create.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tw::protocol {

class CborWriter {
 public:
  explicit CborWriter(std::string& out) : out_(out) {}

  void Int(std::int64_t v);
  void Unsigned(std::uint64_t v);
  void Bytes(std::string_view bytes);
  void Text(std::string_view text);  // invalid UTF-8 is replaced by U+FFFD
  void ArrayStart(std::size_t size);
  void MapStart(std::size_t size);
  void Tag(std::uint64_t tag);
  void Bool(bool b);
  void Null();
  // Non-finite values are written as half floats (three bytes, exact for NaN and infinities).
  void Double(double d);
  // A single-precision float when that is exact, else a double.
  void Float(double d);
  // Epoch milliseconds as tag 1 over an integer (whole seconds) or a double.
  void Timestamp(std::int64_t epoch_millis);

 private:
  template <typename F>
  void Put(F encode);

  std::string& out_;
};

}  // namespace tw::protocol
