// Fuzzes the architecture file reader (docs/arch.md).
#include "arch/arch_spec.h"
#include "fuzz/common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ss::fuzz::expect_clean([&] { ss::arch::parse_arch(text, "fuzz.toml"); });
  return 0;
}
