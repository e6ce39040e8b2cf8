// SPDX-License-Identifier: Apache-2.0
#include "server/upload_sink.h"

#include <array>
#include <charconv>

#include "auth/sigv4/auth_error.h"
#include "common/strings.h"

namespace tw::server {
namespace {

struct ChecksumAlgorithm {
  std::string_view name;    // as S3 names it in messages and x-amz-sdk-checksum-algorithm
  std::string_view header;  // the header (or trailer) carrying the value
  std::size_t raw_size;
};

constexpr std::array<ChecksumAlgorithm, 5> kChecksums = {{
    {"CRC32", "x-amz-checksum-crc32", 4},
    {"CRC32C", "x-amz-checksum-crc32c", 4},
    {"CRC64NVME", "x-amz-checksum-crc64nvme", 8},
    {"SHA1", "x-amz-checksum-sha1", 20},
    {"SHA256", "x-amz-checksum-sha256", 32},
}};

const ChecksumAlgorithm* FindChecksum(std::string_view header) {
  for (const ChecksumAlgorithm& c : kChecksums) {
    if (IEquals(c.header, header)) return &c;
  }
  return nullptr;
}

bool IsStreaming(auth::PayloadMode mode) {
  return mode == auth::PayloadMode::kStreamingSigned ||
         mode == auth::PayloadMode::kStreamingSignedTrailer ||
         mode == auth::PayloadMode::kStreamingUnsignedTrailer;
}

AwsError EntityTooLarge(std::uint64_t proposed) {
  return AwsError::From(ErrorCode::kEntityTooLarge,
                        "Your proposed upload exceeds the maximum allowed size")
      .With("ProposedSize", std::to_string(proposed))
      .With("MaxSizeAllowed", std::to_string(kMaxUploadBytes));
}

AwsError InvalidRequest(std::string message) {
  return AwsError::Make("InvalidRequest", 400, std::move(message));
}

std::optional<std::uint64_t> ParseLength(std::string_view text) {
  text = Trim(text);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<UploadPlan> PlanUpload(const http::HttpRequest& request,
                              const auth::VerifiedRequest& verified) {
  UploadPlan plan;
  plan.mode = verified.auth.payload_mode;
  const bool streaming = IsStreaming(plan.mode);
  if (streaming) {
    auto decoded = auth::DecodedContentLength(request, plan.mode);
    if (!decoded) return auth::ToAwsError(decoded.error(), auth::ErrorFlavor::kS3);
    plan.decoded_length = *decoded;
    if (plan.decoded_length && *plan.decoded_length > kMaxUploadBytes) {
      return EntityTooLarge(*plan.decoded_length);
    }
    if (plan.mode != auth::PayloadMode::kStreamingUnsignedTrailer) {
      plan.chunk_context = auth::MakeChunkSigningContext(verified);
    }
    // Framing adds about 90 bytes per signed chunk; the decoded size is limited by the sink.
    plan.wire_limit = 2 * kMaxUploadBytes;
  } else {
    if (auto length = ParseLength(request.headers.Get("Content-Length"));
        length && *length > kMaxUploadBytes) {
      return EntityTooLarge(*length);
    }
    plan.wire_limit = kMaxUploadBytes;
    if (plan.mode == auth::PayloadMode::kLiteralHash) {
      plan.expected_sha256 = ToLower(verified.auth.payload_hash);
    }
  }

  const bool has_trailer = plan.mode == auth::PayloadMode::kStreamingSignedTrailer ||
                           plan.mode == auth::PayloadMode::kStreamingUnsignedTrailer;
  if (const std::string* trailer = request.headers.Find("x-amz-trailer"); trailer && has_trailer) {
    const ChecksumAlgorithm* algorithm = FindChecksum(Trim(*trailer));
    if (algorithm == nullptr) {
      return InvalidRequest("The value specified in the x-amz-trailer header is not supported");
    }
    plan.checksum =
        ChecksumSpec{std::string(algorithm->name), std::string(algorithm->header), std::nullopt};
  } else {
    for (const ChecksumAlgorithm& algorithm : kChecksums) {
      const std::string* value = request.headers.Find(algorithm.header);
      if (value == nullptr) continue;
      if (plan.checksum) {
        return InvalidRequest(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types "
            "are not allowed.");
      }
      plan.checksum = ChecksumSpec{std::string(algorithm.name), std::string(algorithm.header),
                                   std::string(Trim(*value))};
    }
  }
  if (plan.checksum && plan.checksum->value) {
    const ChecksumAlgorithm* algorithm = FindChecksum(plan.checksum->header_name);
    auto raw = Base64Decode(*plan.checksum->value);
    if (!raw || raw->size() != algorithm->raw_size) {
      return InvalidRequest("Value for " + plan.checksum->header_name + " header is invalid.");
    }
  }
  return plan;
}

UploadSink::UploadSink(UploadPlan plan, std::unique_ptr<services::BodyFile> file)
    : plan_(std::move(plan)), file_(std::move(file)) {
  if (IsStreaming(plan_.mode)) {
    decoder_.emplace(plan_.mode, plan_.chunk_context ? &*plan_.chunk_context : nullptr,
                     plan_.decoded_length);
  }
  if (!plan_.expected_sha256.empty()) sha256_.emplace(StreamingDigest::Algorithm::kSha256);
  if (plan_.checksum) {
    const std::string& name = plan_.checksum->algorithm;
    if (name == "CRC32") checksum_.emplace<StreamingCrc>(StreamingCrc::Algorithm::kCrc32);
    if (name == "CRC32C") checksum_.emplace<StreamingCrc>(StreamingCrc::Algorithm::kCrc32c);
    if (name == "CRC64NVME") checksum_.emplace<StreamingCrc>(StreamingCrc::Algorithm::kCrc64Nvme);
    if (name == "SHA1") checksum_.emplace<StreamingDigest>(StreamingDigest::Algorithm::kSha1);
    if (name == "SHA256") checksum_.emplace<StreamingDigest>(StreamingDigest::Algorithm::kSha256);
  }
}

UploadSink::~UploadSink() = default;

Status UploadSink::Fail(AwsError error) {
  if (!error_) error_ = std::move(error);
  file_.reset();  // removes the temporary file
  return *error_;
}

Status UploadSink::Store(std::string_view bytes) {
  if (error_) return *error_;
  size_ += bytes.size();
  if (size_ > kMaxUploadBytes) return Fail(EntityTooLarge(size_));
  if (sha256_) sha256_->Update(bytes);
  if (auto* crc = std::get_if<StreamingCrc>(&checksum_)) crc->Update(bytes);
  if (auto* digest = std::get_if<StreamingDigest>(&checksum_)) digest->Update(bytes);
  if (Status st = file_->Append(bytes); !st) return Fail(st.error());
  return {};
}

bool UploadSink::Write(std::string_view bytes) {
  if (error_) return false;
  if (!decoder_) return Store(bytes).has_value();
  auto fed = decoder_->Feed(bytes, [this](std::string_view payload) { return Store(payload); });
  if (!fed) {
    if (decoder_->output_error()) {
      (void)Fail(*decoder_->output_error());
    } else {
      (void)Fail(auth::ToAwsError(fed.error(), auth::ErrorFlavor::kS3));
    }
    return false;
  }
  return true;
}

Status UploadSink::Finish(bool body_complete) {
  if (error_) return Fail(*error_);
  if (!body_complete) {
    return Fail(
        AwsError::From(ErrorCode::kIncompleteBody, "The request body terminated unexpectedly"));
  }
  if (decoder_) {
    if (auto finished = decoder_->Finish(); !finished) {
      return Fail(auth::ToAwsError(finished.error(), auth::ErrorFlavor::kS3));
    }
  }
  if (sha256_) {
    std::string actual = HexEncode(sha256_->Final());
    if (actual != plan_.expected_sha256) {
      return Fail(auth::ToAwsError(auth::MakeAuthError(auth::AuthErrorKind::kContentSha256Mismatch)
                                       .With("ClientComputedContentSHA256", plan_.expected_sha256)
                                       .With("S3ComputedContentSHA256", actual),
                                   auth::ErrorFlavor::kS3));
    }
  }
  if (plan_.checksum) {
    std::optional<std::string> expected = plan_.checksum->value;
    if (!expected && decoder_) {
      for (const auto& [name, value] : decoder_->trailers()) {
        if (name == plan_.checksum->header_name) expected = value;
      }
    }
    if (!expected) {
      return Fail(InvalidRequest("The " + plan_.checksum->header_name +
                                 " trailer named by x-amz-trailer was not sent."));
    }
    std::string raw;
    if (auto* crc = std::get_if<StreamingCrc>(&checksum_)) raw = crc->Value();
    if (auto* digest = std::get_if<StreamingDigest>(&checksum_)) raw = digest->Final();
    if (Base64Encode(raw) != *expected) {
      return Fail(AwsError::From(ErrorCode::kBadDigest, "The " + plan_.checksum->algorithm +
                                                            " you specified did not match the "
                                                            "calculated checksum."));
    }
  }
  return {};
}

}  // namespace tw::server
