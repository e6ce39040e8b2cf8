// SPDX-License-Identifier: Apache-2.0
#include "protocol/cbor/cbor_writer.h"

#include <cbor.h>

#include <cmath>
#include <limits>

#include "protocol/json/wire_common.h"

namespace tw::protocol {

template <typename F>
void CborWriter::Put(F encode) {
  unsigned char buffer[16];
  std::size_t written = encode(buffer, sizeof(buffer));
  out_.append(reinterpret_cast<const char*>(buffer), written);
}

void CborWriter::Unsigned(std::uint64_t v) {
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_uint(v, b, n); });
}

void CborWriter::Int(std::int64_t v) {
  if (v >= 0) return Unsigned(static_cast<std::uint64_t>(v));
  // CBOR stores -1 - v; computed in unsigned arithmetic so INT64_MIN does not overflow.
  std::uint64_t encoded = ~static_cast<std::uint64_t>(v);
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_negint(encoded, b, n); });
}

void CborWriter::Bytes(std::string_view bytes) {
  Put([&](unsigned char* b, std::size_t n) {
    return cbor_encode_bytestring_start(bytes.size(), b, n);
  });
  out_.append(bytes);
}

void CborWriter::Text(std::string_view text) {
  std::string sanitized;
  if (!wire::IsValidUtf8(text)) {
    wire::AppendValidUtf8(sanitized, text);
    text = sanitized;
  }
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_string_start(text.size(), b, n); });
  out_.append(text);
}

void CborWriter::ArrayStart(std::size_t size) {
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_array_start(size, b, n); });
}

void CborWriter::MapStart(std::size_t size) {
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_map_start(size, b, n); });
}

void CborWriter::Tag(std::uint64_t tag) {
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_tag(tag, b, n); });
}

void CborWriter::Bool(bool v) {
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_bool(v, b, n); });
}

void CborWriter::Null() {
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_null(b, n); });
}

void CborWriter::Double(double d) {
  if (!std::isfinite(d)) {
    Put([&](unsigned char* b, std::size_t n) {
      return cbor_encode_half(static_cast<float>(d), b, n);
    });
    return;
  }
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_double(d, b, n); });
}

void CborWriter::Float(double d) {
  // Out-of-range double-to-float conversion is undefined behaviour: check the range first.
  if (!std::isfinite(d) || std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
    return Double(d);
  }
  auto single = static_cast<float>(d);
  if (static_cast<double>(single) != d) return Double(d);
  Put([&](unsigned char* b, std::size_t n) { return cbor_encode_single(single, b, n); });
}

void CborWriter::Timestamp(std::int64_t epoch_millis) {
  Tag(1);
  if (epoch_millis % 1000 == 0) return Int(epoch_millis / 1000);
  Double(static_cast<double>(epoch_millis) / 1000.0);
}

}  // namespace tw::protocol
