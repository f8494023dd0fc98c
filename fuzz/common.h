// Shared by the libFuzzer targets (docs/hardening.md): what counts as a finding is anything
// but a clean return or an ss::Error (the one-line message a user sees). Sanitizer reports,
// other exceptions, crashes, hangs and leaks are findings.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/error.h"

namespace ss::fuzz {

// Runs f; an ss::Error is the expected answer to bad input, anything else escapes.
template <typename F>
void expect_clean(F&& f) {
  try {
    f();
  } catch (const ss::Error&) {
  }
}

// The readers of spike dumps and traces take a path: the input goes to one file per process.
inline std::string write_temp(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string path =
      "/tmp/spikestack-fuzz-" + std::to_string(::getpid()) + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

}  // namespace ss::fuzz
