// Fuzzes the model file reader (docs/formats.md §1) and its size checks; a file that parses
// must print (to_toml) as a file that parses to the same text.
#include <cstdlib>

#include "engine/model_spec.h"
#include "fuzz/common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ss::fuzz::expect_clean([&] {
    auto spec = ss::ModelSpec::parse(text, "fuzz.toml");
    spec.validate_sizes();
    const std::string again = spec.to_toml();
    if (ss::ModelSpec::parse(again, "again.toml").to_toml() != again) std::abort();
  });
  return 0;
}
