#include "tools/capsim/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <streambuf>
#include <vector>

namespace capsim::cli {
namespace {

bool fail(const std::string& path, const std::string& why) {
  std::cerr << "capsim: cannot write " << path << ": " << why << '\n';
  return false;
}

std::string last_error() { return std::strerror(errno); }

// Writes everything, retrying short writes and interrupted calls.
bool write_all(int fd, const char* data, std::size_t left) {
  while (left > 0) {
    const ssize_t wrote = ::write(fd, data, left);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += wrote;
    left -= static_cast<std::size_t>(wrote);
  }
  return true;
}

// A stream buffer over a file descriptor that remembers the first failed write.
class FdBuffer final : public std::streambuf {
 public:
  explicit FdBuffer(int fd) : fd_(fd), buffer_(1 << 16) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }
  std::streamsize xsputn(const char* data, std::streamsize n) override {
    if (n >= static_cast<std::streamsize>(buffer_.size())) {  // large pieces go straight through
      if (!drain()) return 0;
      if (!write_all(fd_, data, static_cast<std::size_t>(n))) return remember(), 0;
      return n;
    }
    return std::streambuf::xsputn(data, n);
  }

 private:
  bool drain() {
    if (error_) return false;
    const std::size_t n = static_cast<std::size_t>(pptr() - pbase());
    if (n > 0 && !write_all(fd_, pbase(), n)) return remember(), false;
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return true;
  }
  void remember() { error_ = errno ? errno : EIO; }

  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
};

}  // namespace

struct OutputFile::Impl {
  std::string path, temporary;
  bool to_stdout = false, replace = false, have_existing = false;
  struct stat existing {};
  int fd = -1;
  std::unique_ptr<FdBuffer> buffer;
  std::unique_ptr<std::ostream> stream;
};

OutputFile::OutputFile(std::string path) : impl_(std::make_unique<Impl>()) {
  impl_->to_stdout = path.empty() || path == "-";
  impl_->path = std::move(path);
}

OutputFile::~OutputFile() {
  if (impl_->fd >= 0) ::close(impl_->fd);
  if (!impl_->temporary.empty()) ::unlink(impl_->temporary.c_str());
}

bool OutputFile::open() {
  Impl& o = *impl_;
  if (o.to_stdout) return true;
  struct stat status {};
  if (::lstat(o.path.c_str(), &status) != 0) {
    if (errno != ENOENT) return fail(o.path, last_error());
    o.replace = true;
  } else if (S_ISDIR(status.st_mode)) {
    return fail(o.path, "it is a folder; expected a file name");
  } else if (S_ISREG(status.st_mode)) {
    o.replace = true;
    o.have_existing = true;
    o.existing = status;
  }
  if (o.replace) {
    // A unique temporary beside the target (mkstemp: created with O_EXCL, so a planted link
    // is never followed); a half-written report never appears under the target's name.
    const std::filesystem::path target(o.path);
    const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::string temporary = (folder / ("." + target.filename().string() + ".capsim-XXXXXX")).string();
    o.fd = ::mkstemp(temporary.data());
    if (o.fd < 0) return fail(o.path, last_error() + " (creating a temporary file in " + folder.string() + ")");
    o.temporary = temporary;
  } else {
    // A device, FIFO or link to one (/dev/null, /dev/stdout, a named pipe): written through
    // in place, since replacing it would destroy it.
    o.fd = ::open(o.path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (o.fd < 0) return fail(o.path, last_error());
  }
  o.buffer = std::make_unique<FdBuffer>(o.fd);
  o.stream = std::make_unique<std::ostream>(o.buffer.get());
  return true;
}

std::ostream& OutputFile::stream() { return impl_->to_stdout ? std::cout : *impl_->stream; }

bool OutputFile::commit() {
  Impl& o = *impl_;
  if (o.to_stdout) return true;  // main() flushes and checks standard output once, for every verb
  o.stream->flush();
  if (o.buffer->error() != 0 || !*o.stream) {
    errno = o.buffer->error();
    return fail(o.path, last_error());
  }
  if (o.replace) {
    mode_t mode;
    if (o.have_existing) {
      mode = o.existing.st_mode & 07777;
      if (::fchown(o.fd, o.existing.st_uid, o.existing.st_gid) != 0) mode &= 0777;  // no set-id bits for another owner
    } else {
      const mode_t mask = ::umask(0);
      ::umask(mask);
      mode = 0666 & ~mask;
    }
    if (::fchmod(o.fd, mode) != 0) return fail(o.path, last_error());
  }
  const int fd = o.fd;
  o.fd = -1;
  if (::close(fd) != 0) return fail(o.path, last_error());
  if (o.replace) {
    if (std::rename(o.temporary.c_str(), o.path.c_str()) != 0) return fail(o.path, last_error());
    o.temporary.clear();
  }
  return true;
}

bool write_output(const std::string& path, std::string_view content) {
  OutputFile out(path);
  if (!out.open()) return false;
  out.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  return out.commit();
}

bool move_output(const std::string& from, const std::string& path, bool keep_from) {
  struct stat target {};
  const bool exists = ::lstat(path.c_str(), &target) == 0;
  if (!keep_from && !path.empty() && path != "-" && (!exists || S_ISREG(target.st_mode))) {
    // The old file's owner and mode, as a replaced report keeps them; a new one's as any
    // new report's.
    mode_t mode;
    if (exists) {
      mode = target.st_mode & 07777;
      if (::chown(from.c_str(), target.st_uid, target.st_gid) != 0) mode &= 0777;
    } else {
      const mode_t mask = ::umask(0);
      ::umask(mask);
      mode = 0666 & ~mask;
    }
    const bool ok = ::chmod(from.c_str(), mode) == 0;
    if (ok && std::rename(from.c_str(), path.c_str()) == 0) return true;
    if (errno != EXDEV) return fail(path, last_error());
  }
  std::ifstream in(from, std::ios::binary);
  if (!in) {
    std::cerr << "capsim: cannot read " << from << ": " << last_error()
              << " (was it removed while the sweep ran?); the output was not written\n";
    return false;
  }
  OutputFile out(path);
  if (!out.open()) return false;
  std::vector<char> chunk(1 << 16);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0)
    out.stream().write(chunk.data(), in.gcount());
  if (in.bad()) return fail(path, "cannot read " + from);
  if (!out.commit()) return false;
  if (!keep_from) std::remove(from.c_str());
  return true;
}

bool flush_standard_output() {
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::cerr << "capsim: cannot write to standard output: " << last_error() << '\n';
    return false;
  }
  return true;
}

}  // namespace capsim::cli
