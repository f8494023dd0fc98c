// Fuzzes the technology file reader (docs/technology.md).
#include "fuzz/common.h"
#include "tech/technology.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ss::fuzz::expect_clean([&] { ss::tech::parse_technology(text, "fuzz.toml"); });
  return 0;
}
