// SPDX-License-Identifier: Apache-2.0
#include "protocol/json/wire_common.h"

#include <zlib.h>

#include <cmath>

#include "common/strings.h"

namespace tw::protocol::wire {
namespace {

Result<std::string> Gunzip(std::string_view compressed) {
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header and trailer.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    return AwsError::From(ErrorCode::kInternalFailure, "zlib initialisation failed");
  }
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  char chunk[16384];
  int rc = Z_OK;
  while (true) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(chunk, sizeof(chunk) - stream.avail_out);
    if (out.size() > kMaxDecodedBodyBytes) {
      inflateEnd(&stream);
      return SerializationError("Request body too large after decompression");
    }
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members are one stream (RFC 1952 section 2.2).
      if (stream.avail_in == 0) break;
      if (inflateReset(&stream) != Z_OK) break;
      continue;
    }
    if (stream.avail_in == 0 && stream.avail_out != 0) {
      rc = Z_DATA_ERROR;  // truncated stream
      break;
    }
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) return SerializationError("Request body is not valid gzip data");
  return out;
}

}  // namespace

Result<std::string> DecodeRequestBody(const http::HttpRequest& request) {
  std::string_view encoding = Trim(request.headers.Get("Content-Encoding"));
  if (encoding.empty() || IEquals(encoding, "identity")) return request.body;
  if (IEquals(encoding, "gzip") || IEquals(encoding, "x-gzip")) {
    if (request.body.size() > kMaxDecodedBodyBytes) {
      return SerializationError("Request body too large");
    }
    return Gunzip(request.body);
  }
  return SerializationError("Unsupported Content-Encoding: " + std::string(encoding));
}

AwsError SerializationError(std::string message) {
  return AwsError::From(ErrorCode::kSerializationException, std::move(message));
}

std::optional<std::int64_t> EpochSecondsToMillis(double seconds) {
  if (!std::isfinite(seconds)) return std::nullopt;
  double millis = std::round(seconds * 1000.0);
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (millis >= 9223372036854775808.0 || millis < -9223372036854775808.0) return std::nullopt;
  return static_cast<std::int64_t>(millis);
}

ErrorIdentity IdentifyError(const ServiceModel& service, const AwsError& error) {
  ErrorIdentity identity;
  // An exact shape name first: CloudWatch has two shapes whose query code is ResourceNotFound
  // (ResourceNotFound and DashboardNotFoundError), and the service that names one means it.
  const Shape* shape = service.FindShape(error.code);
  if (shape == nullptr || !shape->exception) shape = service.FindErrorShape(error.code);
  identity.shape = shape;
  identity.type = shape ? shape->name : error.code;
  if (shape && !shape->query_error_code.empty()) {
    identity.query_code = shape->query_error_code;
  } else if (shape && !shape->error_code.empty()) {
    identity.query_code = shape->error_code;
  } else {
    identity.query_code = error.code;
  }
  if (shape && shape->FindMember("message") == nullptr && shape->FindMember("Message") != nullptr) {
    identity.message_member = "Message";
  }
  return identity;
}

std::string QueryErrorHeader(const ErrorIdentity& identity, const AwsError& error) {
  return identity.query_code + (error.fault == Fault::kSender ? ";Sender" : ";Receiver");
}

std::string SmithyNamespace(const ServiceModel& service) {
  std::string ns = "com.amazonaws.";
  for (char c : service.service_id().empty() ? service.name() : service.service_id()) {
    if (c == ' ' || c == '-') continue;
    ns.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  return ns;
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid (overlong forms,
// surrogates and code points above U+10FFFF are invalid).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t len;
  std::uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

void AppendValidUtf8(std::string& out, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
}

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace tw::protocol::wire
