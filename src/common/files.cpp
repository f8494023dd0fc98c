#include "common/files.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace ss {

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw error_at(path, "", "is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error_at(path, "", "cannot open file ({})", std::strerror(errno));
  in.seekg(0, std::ios::end);
  auto end = in.tellg();
  if (end < 0) throw error_at(path, "", "cannot determine file size (not a regular file?)");
  auto size = static_cast<size_t>(end);
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

void write_file_atomic(const std::string& path, const void* data, size_t size) {
  namespace fs = std::filesystem;
  fs::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw error_at(path, "", "cannot create directory: {}", ec.message());
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
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

}  // namespace ss
