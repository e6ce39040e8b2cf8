// SPDX-License-Identifier: Apache-2.0
// UploadSink: where the HTTP server streams an S3 PutObject/UploadPart body (http::BodySink). The
// pipeline is decoder → hashes → file: aws-chunked bodies go through auth::ChunkDecoder (every
// chunk signature verified as the chunk ends), the payload feeds SHA-256 (when
// x-amz-content-sha256 is a digest) and the flexible checksum (x-amz-checksum-* header or
// trailer), and is appended to a services::BodyFile (a BlobStore temporary file). Nothing but the
// current read is held in memory. Finish() checks what can only be checked at the end; the file
// is committed by the handler, or removed with the sink. One per request; Write runs on the
// connection's I/O thread and Finish on a worker, never concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/sigv4/chunked.h"
#include "auth/sigv4/verifier.h"
#include "common/crypto.h"
#include "common/result.h"
#include "http/message.h"
#include "services/service.h"

namespace tw::server {

// S3's largest single PUT (PutObject or one part): 5 GiB.
inline constexpr std::uint64_t kMaxUploadBytes = 5ull * 1024 * 1024 * 1024;

// A flexible checksum to verify: its algorithm ("CRC32", "CRC32C", "CRC64NVME", "SHA1",
// "SHA256") and the base64 value from the header, or nullopt when it comes in the trailer.
struct ChecksumSpec {
  std::string algorithm;
  std::string header_name;  // x-amz-checksum-crc32, ...
  std::optional<std::string> value;
};

struct UploadPlan {
  auth::PayloadMode mode = auth::PayloadMode::kUnsigned;
  std::optional<auth::ChunkSigningContext> chunk_context;  // signed aws-chunked
  std::optional<std::uint64_t> decoded_length;             // aws-chunked
  std::string expected_sha256;                             // hex, for a literal payload hash
  std::optional<ChecksumSpec> checksum;
  std::uint64_t wire_limit = 0;  // most body bytes the server reads
};

// Reads the upload's framing from its headers (checked before any body byte is read):
// x-amz-decoded-content-length, Content-Length over 5 GiB (EntityTooLarge), the checksum header
// or x-amz-trailer. Errors are S3's.
Result<UploadPlan> PlanUpload(const http::HttpRequest& request,
                              const auth::VerifiedRequest& verified);

class UploadSink : public http::BodySink {
 public:
  UploadSink(UploadPlan plan, std::unique_ptr<services::BodyFile> file);
  ~UploadSink() override;

  bool Write(std::string_view bytes) override;
  // The body ended (complete or not): lengths, SHA-256, trailer and checksum. On failure the
  // file is dropped and the S3 error returned; the same error is returned again afterwards.
  Status Finish(bool body_complete);
  services::BodyFile* file() { return file_.get(); }
  std::uint64_t size() const { return size_; }
  std::uint64_t wire_limit() const { return plan_.wire_limit; }

 private:
  Status Store(std::string_view bytes);
  Status Fail(AwsError error);

  UploadPlan plan_;
  std::unique_ptr<services::BodyFile> file_;
  std::optional<auth::ChunkDecoder> decoder_;
  std::optional<StreamingDigest> sha256_;
  std::variant<std::monostate, StreamingCrc, StreamingDigest> checksum_;
  std::uint64_t size_ = 0;
  std::optional<AwsError> error_;
};

}  // namespace tw::server
