// SPDX-License-Identifier: Apache-2.0
// BlobStore: object and part bodies as immutable files under <data-dir>/s3/blobs/<id[0:2]>/<id>.
// A blob is written to a temporary file in its final directory, fsynced, renamed into place and
// the directory fsynced, so once Write returns the body survives a crash and a crash before that
// leaves only a ".tmp-" file that Sweep removes. Blobs are never modified: a new object version
// is a new blob, and the old one is removed after the metadata row stops pointing at it. Readers
// that opened a blob keep reading it even if it is removed meanwhile (POSIX unlink semantics).
//
// The write API takes chunks, so a streaming body interface in the HTTP layer can feed it
// without buffering a whole object. Thread-safe: blobs are distinct files named by random ids.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"
#include "http/message.h"
#include "services/service.h"

namespace tw::services::s3 {

// What writing a blob learned about its bytes (id, size, raw MD5).
using BlobInfo = services::StoredBody;

class BlobWriter;

// A blob's bytes for a response: in memory, or an open file range the server sends itself.
struct BlobBody {
  std::string bytes;
  std::shared_ptr<const http::FileRange> file;
};

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

  // Starts a new blob with a fresh random id. Append chunks, then Commit (durable) or drop the
  // writer (the temporary file is removed).
  Result<BlobWriter> Begin(RandomSource& random) const;
  // A whole body at once.
  Result<BlobInfo> Write(std::string_view bytes, RandomSource& random) const;
  // A new blob holding the concatenation of `ids` (CompleteMultipartUpload, CopyObject).
  Result<BlobInfo> Concatenate(const std::vector<std::string>& ids, RandomSource& random) const;

  // `length` bytes from `offset` (nullopt: to the end). NotFound-style failure is reported as
  // nullopt inside the Result so callers can retry after re-reading metadata.
  Result<std::optional<std::string>> Read(std::string_view id, std::uint64_t offset,
                                          std::optional<std::uint64_t> length) const;
  // The same range for sending (GetObject): nullopt when the blob is gone, as for Read. A range
  // of at most `read_up_to` bytes is read into `bytes` (a small object costs one buffer copy, not
  // a file-backed response); a longer one is opened as `file`, unread.
  Result<std::optional<BlobBody>> Open(std::string_view id, std::uint64_t offset,
                                       std::optional<std::uint64_t> length,
                                       std::uint64_t read_up_to) const;
  // Removes a blob; a missing one is not an error.
  void Remove(std::string_view id) const;
  // Removes temporary files and every blob not in `referenced`. Only safe before requests run.
  std::size_t Sweep(const std::set<std::string>& referenced) const;

  std::filesystem::path PathOf(std::string_view id) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

// One blob being written. Move-only; removes its temporary file unless committed. It is the
// BodyFile a streamed upload is written to.
class BlobWriter final : public services::BodyFile {
 public:
  BlobWriter(BlobWriter&& other) noexcept;
  BlobWriter& operator=(BlobWriter&&) = delete;
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  ~BlobWriter() override;

  Status Append(std::string_view chunk) override;
  // fsync, rename into place, fsync the directory.
  Result<BlobInfo> Commit() override;

 private:
  friend class BlobStore;
  BlobWriter(int fd, std::string id, std::filesystem::path temp, std::filesystem::path final_path);

  int fd_ = -1;
  std::string id_;
  std::filesystem::path temp_;
  std::filesystem::path final_;
  std::uint64_t size_ = 0;
  struct Md5State;
  std::unique_ptr<Md5State> md5_;
};

}  // namespace tw::services::s3
