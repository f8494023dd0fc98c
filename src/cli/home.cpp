#include <cstdlib>
#include <filesystem>

#include "cli/command.h"

#ifndef SS_SOURCE_DIR
#define SS_SOURCE_DIR "."
#endif

namespace ss::cli {

std::string home_path(const std::string& rel) {
  const char* h = std::getenv("SPIKESTACK_HOME");
  std::filesystem::path base = h ? h : SS_SOURCE_DIR;
  return (base / rel).string();
}

}  // namespace ss::cli
