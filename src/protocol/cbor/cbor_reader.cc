// SPDX-License-Identifier: Apache-2.0
#include "protocol/cbor/cbor_reader.h"

#include <cbor.h>

#include "protocol/json/wire_common.h"

namespace tw::protocol {
namespace {

class Reader {
 public:
  explicit Reader(const CborReadLimits& limits) : limits_(limits) {}

  std::optional<CborItem> Run(std::string_view data, std::string* error) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t pos = 0;
    while (pos < data.size() && error_.empty()) {
      if (root_) {
        error_ = "unexpected data after the CBOR item";
        break;
      }
      available_ = data.size() - pos;
      cbor_decoder_result result = cbor_stream_decode(bytes + pos, available_, &kCallbacks, this);
      if (result.status == CBOR_DECODER_NEDATA) {
        if (error_.empty()) error_ = "truncated CBOR data";
        break;
      }
      if (result.status != CBOR_DECODER_FINISHED || result.read == 0) {
        if (error_.empty()) error_ = "malformed CBOR data item";
        break;
      }
      pos += result.read;
    }
    if (error_.empty() && (!root_ || !stack_.empty())) error_ = "truncated CBOR data";
    if (!error_.empty()) {
      if (error) *error = error_;
      return std::nullopt;
    }
    return std::move(root_);
  }

 private:
  struct Frame {
    CborItem item;
    std::uint64_t remaining = 0;  // items still expected (definite containers and tags)
    bool indefinite = false;
    bool string_builder = false;  // an indefinite-length byte or text string
  };

  static Reader& Self(void* context) { return *static_cast<Reader*>(context); }

  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  bool Count() {
    if (++items_ > limits_.max_items) return Fail("too many CBOR data items");
    return true;
  }

  // A complete item: the root, or the next element of the open container.
  void Emit(CborItem item) {
    while (error_.empty()) {
      if (stack_.empty()) {
        root_ = std::move(item);
        return;
      }
      Frame& top = stack_.back();
      if (top.string_builder) {
        Fail("only definite-length chunks of the same type may appear in an indefinite string");
        return;
      }
      top.item.items.push_back(std::move(item));
      if (top.indefinite || --top.remaining > 0) return;
      // The container is complete: it becomes an item of its parent.
      item = std::move(top.item);
      stack_.pop_back();
    }
  }

  void Leaf(CborItem item) {
    if (!Count()) return;
    Emit(std::move(item));
  }

  void Open(CborItem::Type type, std::uint64_t expected, bool indefinite, bool builder = false) {
    if (!Count()) return;
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      Fail("CBOR data nested too deeply");
      return;
    }
    // Every element takes at least one byte: a longer declaration cannot be honest.
    if (!indefinite && expected > available_) {
      Fail("CBOR length exceeds the data");
      return;
    }
    if (!indefinite && expected == 0) {
      CborItem empty;
      empty.type = type;
      Emit(std::move(empty));
      return;
    }
    Frame frame;
    frame.item.type = type;
    frame.remaining = expected;
    frame.indefinite = indefinite;
    frame.string_builder = builder;
    stack_.push_back(std::move(frame));
  }

  void Chunk(CborItem::Type type, cbor_data data, std::size_t length) {
    std::string_view chunk(reinterpret_cast<const char*>(data), length);
    if (!stack_.empty() && stack_.back().string_builder) {
      if (stack_.back().item.type != type) {
        Fail("indefinite string chunk of the wrong type");
        return;
      }
      stack_.back().item.bytes.append(chunk);
      return;
    }
    if (type == CborItem::Type::kText && !wire::IsValidUtf8(chunk)) {
      Fail("CBOR text string is not valid UTF-8");
      return;
    }
    CborItem item;
    item.type = type;
    item.bytes = std::string(chunk);
    Leaf(std::move(item));
  }

  void Break() {
    if (stack_.empty() || !stack_.back().indefinite) {
      Fail("unexpected CBOR break");
      return;
    }
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.item.type == CborItem::Type::kMap && frame.item.items.size() % 2 != 0) {
      Fail("CBOR map with a key but no value");
      return;
    }
    if (frame.item.type == CborItem::Type::kText && !wire::IsValidUtf8(frame.item.bytes)) {
      Fail("CBOR text string is not valid UTF-8");
      return;
    }
    Emit(std::move(frame.item));
  }

  static void Unsigned(void* c, std::uint64_t v) {
    CborItem item;
    item.type = CborItem::Type::kUnsigned;
    item.number = v;
    Self(c).Leaf(std::move(item));
  }
  static void Negative(void* c, std::uint64_t v) {
    CborItem item;
    item.type = CborItem::Type::kNegative;
    item.number = v;
    Self(c).Leaf(std::move(item));
  }
  static void Float(void* c, double v) {
    CborItem item;
    item.type = CborItem::Type::kFloat;
    item.float_value = v;
    Self(c).Leaf(std::move(item));
  }
  static void Simple(void* c, CborItem::Type type, bool b = false) {
    CborItem item;
    item.type = type;
    item.bool_value = b;
    Self(c).Leaf(std::move(item));
  }

  static const cbor_callbacks kCallbacks;

  const CborReadLimits& limits_;
  std::vector<Frame> stack_;
  std::optional<CborItem> root_;
  std::string error_;
  std::size_t available_ = 0;
  std::size_t items_ = 0;
};

const cbor_callbacks Reader::kCallbacks = {
    .uint8 = [](void* c, std::uint8_t v) { Unsigned(c, v); },
    .uint16 = [](void* c, std::uint16_t v) { Unsigned(c, v); },
    .uint32 = [](void* c, std::uint32_t v) { Unsigned(c, v); },
    .uint64 = [](void* c, std::uint64_t v) { Unsigned(c, v); },
    .negint64 = [](void* c, std::uint64_t v) { Negative(c, v); },
    .negint32 = [](void* c, std::uint32_t v) { Negative(c, v); },
    .negint16 = [](void* c, std::uint16_t v) { Negative(c, v); },
    .negint8 = [](void* c, std::uint8_t v) { Negative(c, v); },
    .byte_string_start =
        [](void* c) {
          Reader& r = Self(c);
          if (!r.stack_.empty() && r.stack_.back().string_builder) {
            r.Fail("nested indefinite-length string");
            return;
          }
          r.Open(CborItem::Type::kBytes, 0, true, true);
        },
    .byte_string = [](void* c, cbor_data d,
                      std::size_t n) { Self(c).Chunk(CborItem::Type::kBytes, d, n); },
    .string = [](void* c, cbor_data d,
                 std::size_t n) { Self(c).Chunk(CborItem::Type::kText, d, n); },
    .string_start =
        [](void* c) {
          Reader& r = Self(c);
          if (!r.stack_.empty() && r.stack_.back().string_builder) {
            r.Fail("nested indefinite-length string");
            return;
          }
          r.Open(CborItem::Type::kText, 0, true, true);
        },
    .indef_array_start = [](void* c) { Self(c).Open(CborItem::Type::kArray, 0, true); },
    .array_start = [](void* c, std::size_t n) { Self(c).Open(CborItem::Type::kArray, n, false); },
    .indef_map_start = [](void* c) { Self(c).Open(CborItem::Type::kMap, 0, true); },
    .map_start =
        [](void* c, std::size_t n) {
          Reader& r = Self(c);
          if (n > r.available_ / 2) {
            r.Fail("CBOR length exceeds the data");
            return;
          }
          r.Open(CborItem::Type::kMap, std::uint64_t{n} * 2, false);
        },
    .tag =
        [](void* c, std::uint64_t tag) {
          Reader& r = Self(c);
          r.Open(CborItem::Type::kTag, 1, false);
          if (r.error_.empty()) r.stack_.back().item.number = tag;
        },
    .float2 = [](void* c, float v) { Float(c, v); },
    .float4 = [](void* c, float v) { Float(c, v); },
    .float8 = [](void* c, double v) { Float(c, v); },
    .undefined = [](void* c) { Simple(c, CborItem::Type::kUndefined); },
    .null = [](void* c) { Simple(c, CborItem::Type::kNull); },
    .boolean = [](void* c, bool b) { Simple(c, CborItem::Type::kBool, b); },
    .indef_break = [](void* c) { Self(c).Break(); },
};

}  // namespace

std::optional<CborItem> ReadCbor(std::string_view data, std::string* error,
                                 const CborReadLimits& limits) {
  if (data.empty()) {
    if (error) *error = "empty CBOR data";
    return std::nullopt;
  }
  return Reader(limits).Run(data, error);
}

}  // namespace tw::protocol
