#include "common/files.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace ss {

namespace fs = std::filesystem;

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw error_at(path, "", "is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error_at(path, "", "cannot open file ({})", std::strerror(errno));
  in.seekg(0, std::ios::end);
  auto end = in.tellg();
  if (end < 0) throw error_at(path, "", "cannot determine file size (not a regular file?)");
  auto size = static_cast<size_t>(end);
  if (const uint64_t mem = physical_memory_bytes(); mem && size > mem)
    throw error_at(path, "", "is {}, more than this machine's {} of memory", gib(size), gib(mem));
  in.seekg(0);
  std::vector<uint8_t> buf(size);
  if (size && !in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(size)))
    throw error_at(path, "", "read failed");
  return buf;
}

std::string read_file_text(const std::string& path) {
  auto b = read_file_bytes(path);
  return std::string(b.begin(), b.end());
}

namespace {

// Where a write to `path` lands: symbolic links followed to the file they name (which may
// not exist yet), so the link itself is kept.
fs::path link_target(const std::string& path) {
  fs::path p(path);
  for (int hops = 0;; ++hops) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    if (hops == 40) throw error_at(path, "", "too many levels of symbolic links");
    std::error_code ec;
    fs::path to = fs::read_symlink(p, ec);
    if (ec) throw error_at(path, "", "cannot read symbolic link: {}", ec.message());
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
}

// Devices, FIFOs and the like are written where they are: replacing them by a regular file
// would destroy them (/dev/null) or lose the data (a pipe).
void write_in_place(const std::string& path, const void* data, size_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw error_at(path, "", "cannot write ({})", std::strerror(errno));
  const auto* p = static_cast<const char*>(data);
  for (size_t done = 0; done < size;) {
    ssize_t n = ::write(fd, p + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      ::close(fd);
      throw error_at(path, "", "write failed ({})", std::strerror(err));
    }
    done += size_t(n);
  }
  if (::close(fd) != 0) throw error_at(path, "", "write failed ({})", std::strerror(errno));
}

}  // namespace

void write_file_atomic(const std::string& path, const void* data, size_t size) {
  // stat follows every link, including /proc's (/dev/stdout -> /proc/self/fd/1 -> pipe:[..])
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw error_at(path, "", "is a directory, expected a file");
    if (!S_ISREG(st.st_mode)) return write_in_place(path, data, size);
  }
  // a regular file (or nothing yet): replaced atomically where the links lead
  const fs::path p = link_target(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw error_at(path, "", "cannot create directory: {}", ec.message());
  }
  std::string tmp = p.string() + ".tmp." + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw error_at(path, "", "cannot write ({})", std::strerror(errno));
  bool ok = size == 0 || std::fwrite(data, 1, size, f) == size;  // data may be null if size is 0
  ok = (std::fflush(f) == 0) && ok;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    throw error_at(path, "", "write failed (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw error_at(path, "", "cannot rename temporary file: {}", ec.message());
  }
}

namespace {
void mkparents(const std::string& path, const fs::path& p) {
  if (!p.has_parent_path()) return;
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) throw error_at(path, "", "cannot create directory: {}", ec.message());
}
}  // namespace

OutputFile::OutputFile(const std::string& path) : path_(path) {
  struct stat st;
  const bool special = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  if (special && S_ISDIR(st.st_mode)) throw error_at(path, "", "is a directory, expected a file");
  if (special) {
    std::error_code ec;
    const fs::path dir = fs::temp_directory_path(ec);
    fd_ = ::open((ec ? fs::path("/tmp") : dir).c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  } else {
    const fs::path p = link_target(path);
    mkparents(path, p);
    tmp_ = p.string() + ".tmp." + std::to_string(::getpid());
    fd_ = ::open(tmp_.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  }
  if (fd_ < 0) throw error_at(path, "", "cannot write ({})", std::strerror(errno));
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

void OutputFile::write_at(uint64_t offset, const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  for (size_t done = 0; done < size;) {
    ssize_t n = ::pwrite(fd_, p + done, size - done, off_t(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw error_at(path_, "", "write failed ({})", std::strerror(n < 0 ? errno : EIO));
    done += size_t(n);
  }
}

void OutputFile::commit() {
  if (tmp_.empty()) {  // copy the unnamed file to the device or FIFO, in place
    int out = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (out < 0) throw error_at(path_, "", "cannot write ({})", std::strerror(errno));
    std::vector<char> buf(1 << 20);
    for (off_t at = 0;;) {
      ssize_t n = ::pread(fd_, buf.data(), buf.size(), at);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw error_at(path_, "", "read back failed ({})", std::strerror(errno));
      if (n == 0) break;
      for (ssize_t done = 0; done < n;) {
        ssize_t w = ::write(out, buf.data() + done, size_t(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          int err = w < 0 ? errno : EIO;
          ::close(out);
          throw error_at(path_, "", "write failed ({})", std::strerror(err));
        }
        done += w;
      }
      at += n;
    }
    if (::close(out) != 0) throw error_at(path_, "", "write failed ({})", std::strerror(errno));
    return;
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw error_at(path_, "", "write failed ({})", std::strerror(errno));
  std::error_code ec;
  fs::rename(tmp_, link_target(path_), ec);
  if (ec) throw error_at(path_, "", "cannot rename temporary file: {}", ec.message());
  tmp_.clear();
}

uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  uint64_t mem = pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : 0;
  struct rlimit lim;  // `ulimit -v`: what this process may map, whatever the machine has
  if (::getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
    mem = mem ? std::min<uint64_t>(mem, lim.rlim_cur) : uint64_t(lim.rlim_cur);
  return mem;
}

std::string gib(uint64_t bytes) {
  return fmt::format("{:.1f} GiB", double(bytes) / double(1ull << 30));
}

void check_file_name(const std::string& file, const std::string& field, const std::string& name) {
  bool printable = true;
  for (unsigned char c : name) printable = printable && c >= 0x20 && c != 0x7f;
  std::string shown = printable ? name : "(contains control characters)";
  if (name.empty() || name == "." || name == ".." || name.size() > 255 ||
      name.find('/') != std::string::npos || !printable)
    throw error_at(file, field,
                   "'{}' is used as a file name: expected 1 to 255 characters without '/' or "
                   "control characters, not \".\" or \"..\"",
                   shown);
}

}  // namespace ss
