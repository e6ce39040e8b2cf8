// SPDX-License-Identifier: Apache-2.0
#include "services/s3/object_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace tw::services::s3 {
namespace {

constexpr std::string_view kHexAlphabet = "0123456789abcdef";
constexpr std::string_view kTempPrefix = ".tmp-";
constexpr std::size_t kIdLength = 32;
constexpr std::size_t kCopyBuffer = 1 << 20;

AwsError IoError(std::string_view what, const std::filesystem::path& path, int error_number) {
  return AwsError::From(ErrorCode::kInternalError, std::string(what) + " " + path.string() + ": " +
                                                       std::strerror(error_number));
}

bool IsBlobId(std::string_view id) {
  if (id.size() != kIdLength) return false;
  for (char c : id) {
    if (kHexAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

Status FsyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", dir, errno);
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return IoError("cannot fsync", dir, saved);
  return {};
}

Status WriteAll(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path, errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

struct BlobWriter::Md5State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Md5State() { EVP_DigestInit_ex(ctx, EVP_md5(), nullptr); }
  ~Md5State() { EVP_MD_CTX_free(ctx); }
  Md5State(const Md5State&) = delete;
  Md5State& operator=(const Md5State&) = delete;
};

BlobWriter::BlobWriter(int fd, std::string id, std::filesystem::path temp,
                       std::filesystem::path final_path)
    : fd_(fd),
      id_(std::move(id)),
      temp_(std::move(temp)),
      final_(std::move(final_path)),
      md5_(std::make_unique<Md5State>()) {}

BlobWriter::BlobWriter(BlobWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      id_(std::move(other.id_)),
      temp_(std::move(other.temp_)),
      final_(std::move(other.final_)),
      size_(other.size_),
      md5_(std::move(other.md5_)) {}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

Status BlobWriter::Append(std::string_view chunk) {
  if (fd_ < 0) return AwsError::From(ErrorCode::kInternalError, "blob writer already closed");
  if (Status st = WriteAll(fd_, chunk, temp_); !st) return st;
  EVP_DigestUpdate(md5_->ctx, chunk.data(), chunk.size());
  size_ += chunk.size();
  return {};
}

Result<BlobInfo> BlobWriter::Commit() {
  if (fd_ < 0) return AwsError::From(ErrorCode::kInternalError, "blob writer already closed");
  if (::fsync(fd_) != 0) return IoError("cannot fsync", temp_, errno);
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_.c_str(), final_.c_str()) != 0) {
    int saved = errno;
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
    return IoError("cannot rename into", final_, saved);
  }
  if (Status st = FsyncDirectory(final_.parent_path()); !st) return std::move(st).error();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(md5_->ctx, digest, &length);
  return BlobInfo{id_, size_, std::string(reinterpret_cast<const char*>(digest), length)};
}

std::filesystem::path BlobStore::PathOf(std::string_view id) const {
  return root_ / std::string(id.substr(0, 2)) / std::string(id);
}

Result<BlobWriter> BlobStore::Begin(RandomSource& random) const {
  std::string id = random.FromAlphabet(kHexAlphabet, kIdLength);
  std::filesystem::path final_path = PathOf(id);
  std::error_code ec;
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (ec) return IoError("cannot create", final_path.parent_path(), ec.value());
  std::filesystem::path temp = final_path.parent_path() / (std::string(kTempPrefix) + id);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", temp, errno);
  return BlobWriter(fd, std::move(id), std::move(temp), std::move(final_path));
}

Result<BlobInfo> BlobStore::Write(std::string_view bytes, RandomSource& random) const {
  Result<BlobWriter> writer = Begin(random);
  if (!writer) return std::move(writer).error();
  if (Status st = writer->Append(bytes); !st) return std::move(st).error();
  return writer->Commit();
}

Result<BlobInfo> BlobStore::Concatenate(const std::vector<std::string>& ids,
                                        RandomSource& random) const {
  Result<BlobWriter> writer = Begin(random);
  if (!writer) return std::move(writer).error();
  std::string buffer(kCopyBuffer, '\0');
  for (const std::string& id : ids) {
    std::filesystem::path path = PathOf(id);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("cannot open", path, errno);
    for (;;) {
      ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int saved = errno;
        ::close(fd);
        return IoError("cannot read", path, saved);
      }
      if (n == 0) break;
      if (Status st = writer->Append(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
          !st) {
        ::close(fd);
        return std::move(st).error();
      }
    }
    ::close(fd);
  }
  return writer->Commit();
}

namespace {

// Opens a blob and clamps [offset, offset + length) to its size: nullopt when it is gone.
struct OpenedBlob {
  int fd = -1;
  std::uint64_t start = 0;
  std::uint64_t want = 0;
};

Result<std::optional<OpenedBlob>> OpenBlob(const std::filesystem::path& path, std::uint64_t offset,
                                           std::optional<std::uint64_t> length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<OpenedBlob>();
    return IoError("cannot open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int saved = errno;
    ::close(fd);
    return IoError("cannot stat", path, saved);
  }
  auto file_size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t start = std::min(offset, file_size);
  std::uint64_t want = length ? std::min(*length, file_size - start) : file_size - start;
  return std::optional<OpenedBlob>(OpenedBlob{fd, start, want});
}

// Reads the opened range and closes the descriptor.
Result<std::string> ReadAndClose(const OpenedBlob& blob, const std::filesystem::path& path) {
  std::string out(static_cast<std::size_t>(blob.want), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(blob.fd, out.data() + done, out.size() - done,
                        static_cast<off_t>(blob.start + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = n < 0 ? errno : EIO;
      ::close(blob.fd);
      return IoError("cannot read", path, saved);
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(blob.fd);
  return out;
}

}  // namespace

Result<std::optional<std::string>> BlobStore::Read(std::string_view id, std::uint64_t offset,
                                                   std::optional<std::uint64_t> length) const {
  std::filesystem::path path = PathOf(id);
  auto opened = OpenBlob(path, offset, length);
  if (!opened) return std::move(opened).error();
  if (!*opened) return std::optional<std::string>();
  auto bytes = ReadAndClose(**opened, path);
  if (!bytes) return std::move(bytes).error();
  return std::optional<std::string>(std::move(bytes).value());
}

Result<std::optional<BlobBody>> BlobStore::Open(std::string_view id, std::uint64_t offset,
                                                std::optional<std::uint64_t> length,
                                                std::uint64_t read_up_to) const {
  std::filesystem::path path = PathOf(id);
  auto opened = OpenBlob(path, offset, length);
  if (!opened) return std::move(opened).error();
  if (!*opened) return std::optional<BlobBody>();
  const OpenedBlob& blob = **opened;
  BlobBody body;
  if (blob.want <= read_up_to) {
    auto bytes = ReadAndClose(blob, path);
    if (!bytes) return std::move(bytes).error();
    body.bytes = std::move(bytes).value();
    return std::optional<BlobBody>(std::move(body));
  }
  ::posix_fadvise(blob.fd, static_cast<off_t>(blob.start), static_cast<off_t>(blob.want),
                  POSIX_FADV_SEQUENTIAL);
  body.file = std::make_shared<const http::FileRange>(blob.fd, blob.start, blob.want);
  return std::optional<BlobBody>(std::move(body));
}

void BlobStore::Remove(std::string_view id) const {
  if (!IsBlobId(id)) return;
  std::error_code ec;
  std::filesystem::remove(PathOf(id), ec);
}

std::size_t BlobStore::Sweep(const std::set<std::string>& referenced) const {
  std::size_t removed = 0;
  std::error_code ec;
  if (!std::filesystem::is_directory(root_, ec)) return 0;
  for (const auto& shard : std::filesystem::directory_iterator(root_, ec)) {
    if (!shard.is_directory(ec)) continue;
    for (const auto& file : std::filesystem::directory_iterator(shard.path(), ec)) {
      std::string name = file.path().filename().string();
      bool temporary = name.starts_with(kTempPrefix);
      if (temporary || (IsBlobId(name) && !referenced.contains(name))) {
        std::error_code remove_ec;
        if (std::filesystem::remove(file.path(), remove_ec)) ++removed;
      }
    }
  }
  return removed;
}

}  // namespace tw::services::s3
