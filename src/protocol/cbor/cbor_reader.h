// SPDX-License-Identifier: Apache-2.0
// A bounded CBOR (RFC 8949) reader that turns one data item into a small generic tree. It drives
// libcbor's streaming decoder (cbor_stream_decode) rather than its cbor_load tree builder because
// cbor_load in libcbor 0.8 allocates a definite array or map for its declared length before any
// element arrives (a 9-byte body can ask for 2^32 slots) and frees recursively; here declared
// lengths are checked against the bytes that remain, nesting is limited, the item count is
// capped, indefinite-length strings must be built from chunks of their own major type, text must
// be UTF-8, and trailing bytes after the item are an error. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw::protocol {

struct CborItem {
  enum class Type : std::uint8_t {
    kUnsigned,  // number = value
    kNegative,  // value = -1 - number
    kBytes,     // bytes
    kText,      // bytes (UTF-8)
    kArray,     // items
    kMap,       // items: key, value, key, value, ...
    kTag,       // number = tag, items[0] = the tagged item
    kFloat,     // float_value (half, single and double all widen to double)
    kBool,      // bool_value
    kNull,
    kUndefined,  // read like null (the rpc-v2-cbor spec says so)
  };
  Type type = Type::kNull;
  bool bool_value = false;
  std::uint64_t number = 0;
  double float_value = 0;
  std::string bytes;
  std::vector<CborItem> items;
};

struct CborReadLimits {
  int max_depth = 64;
  std::size_t max_items = std::size_t{1} << 21;
};

// Reads exactly one data item spanning all of `data`. On failure returns nullopt and sets `error`.
std::optional<CborItem> ReadCbor(std::string_view data, std::string* error,
                                 const CborReadLimits& limits = {});

}  // namespace tw::protocol
