// File helpers: whole-file reads with clear errors, and atomic writes (temp file + rename)
// so an interrupted run never leaves a half-written output behind.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ss {

std::vector<uint8_t> read_file_bytes(const std::string& path);
std::string read_file_text(const std::string& path);
// Writes to "<path>.tmp.<pid>" and renames over path; creates parent directories.
void write_file_atomic(const std::string& path, const void* data, size_t size);
inline void write_file_atomic(const std::string& path, const std::string& text) {
  write_file_atomic(path, text.data(), text.size());
}

}  // namespace ss
