// File helpers: whole-file reads with clear errors, and atomic writes (temp file + rename)
// so an interrupted run never leaves a half-written output behind.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ss {

std::vector<uint8_t> read_file_bytes(const std::string& path);
std::string read_file_text(const std::string& path);
// A regular file (or a new one) is written to "<target>.tmp.<pid>" and renamed over the
// target, creating parent directories; a symbolic link is followed (the link stays) and a
// device or FIFO (/dev/null, /dev/stdout, a pipe) is written in place, never replaced.
void write_file_atomic(const std::string& path, const void* data, size_t size);
inline void write_file_atomic(const std::string& path, const std::string& text) {
  write_file_atomic(path, text.data(), text.size());
}

// An output written in pieces at any offset (from several threads) and then committed like
// write_file_atomic: a regular file (or a new one) is built in "<target>.tmp.<pid>" and
// renamed over the target; a device or FIFO gets an unnamed temporary file that is copied to
// it in place. Nothing is replaced if commit() is not reached (the temporary file is removed).
class OutputFile {
 public:
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  void write_at(uint64_t offset, const void* data, size_t size);  // thread-safe
  void commit();

 private:
  std::string path_, tmp_;  // tmp_ empty: an unnamed file copied to a device or FIFO
  int fd_ = -1;
};

// This machine's physical memory in bytes, or the process's address-space limit (ulimit -v)
// if smaller (0 if unknown): what a reader or generator checks a size against before
// allocating, so a huge input is a clear error and not std::bad_alloc.
uint64_t physical_memory_bytes();
// "3.2 GiB"
std::string gib(uint64_t bytes);

// A name used as one path component (a model's name in "<out>/<name>.toml"): non-empty, at
// most 255 bytes, no '/', not "." or "..", no control characters. Otherwise an ss::Error
// naming file and field: a name such as "../../x" would write outside the output directory.
void check_file_name(const std::string& file, const std::string& field, const std::string& name);

}  // namespace ss
