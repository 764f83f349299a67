#include "tools/capsim/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace capsim::cli {
namespace {

bool fail(const std::string& path, const std::string& why) {
  std::cerr << "capsim: cannot write " << path << ": " << why << '\n';
  return false;
}

std::string last_error() { return std::strerror(errno); }

// Writes everything, retrying short writes and interrupted calls.
bool write_all(int fd, const std::string& content) {
  const char* data = content.data();
  std::size_t left = content.size();
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

// A device, FIFO or link to one (/dev/null, /dev/stdout, a named pipe): written through in
// place, since replacing it would destroy it.
bool write_through(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return fail(path, last_error());
  const bool ok = write_all(fd, content);
  const std::string why = ok ? "" : last_error();
  if (::close(fd) != 0 && ok) return fail(path, last_error());
  return ok || fail(path, why);
}

// A regular file, or none yet: a unique temporary beside it (mkstemp: created with O_EXCL,
// so a planted link is never followed), the old file's mode and owner kept, then an atomic
// rename. A half-written report never appears under the target's name.
bool replace_atomically(const std::string& path, const std::string& content, const struct stat* existing) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string temporary = (folder / ("." + target.filename().string() + ".capsim-XXXXXX")).string();
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return fail(path, last_error() + " (creating a temporary file in " + folder.string() + ")");
  bool ok = write_all(fd, content);
  std::string why = ok ? "" : last_error();
  if (ok) {
    mode_t mode;
    if (existing) {
      mode = existing->st_mode & 07777;
      if (::fchown(fd, existing->st_uid, existing->st_gid) != 0) mode &= 0777;  // no set-id bits for another owner
    } else {
      const mode_t mask = ::umask(0);
      ::umask(mask);
      mode = 0666 & ~mask;
    }
    if (::fchmod(fd, mode) != 0) {
      ok = false;
      why = last_error();
    }
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    why = last_error();
  }
  if (ok && std::rename(temporary.c_str(), path.c_str()) != 0) {
    ok = false;
    why = last_error();
  }
  if (!ok) {
    ::unlink(temporary.c_str());
    return fail(path, why);
  }
  return true;
}

}  // namespace

bool write_output(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::cout << content;  // main() flushes and checks standard output once, for every verb
    return true;
  }
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) {
    if (errno != ENOENT) return fail(path, last_error());
    return replace_atomically(path, content, nullptr);
  }
  if (S_ISDIR(status.st_mode)) return fail(path, "it is a folder; expected a file name");
  if (S_ISREG(status.st_mode)) return replace_atomically(path, content, &status);
  return write_through(path, content);
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
