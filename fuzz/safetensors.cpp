// Fuzzes the safetensors reader: header, offsets, dtypes, shapes, and reading every tensor.
#include "common/safetensors.h"
#include "fuzz/common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ss::fuzz::expect_clean([&] {
    auto st = ss::SafeTensors::parse(std::vector<uint8_t>(data, data + size), "fuzz.safetensors");
    for (const auto& name : st.names()) {
      const auto& t = st.get(name);
      if (t.numel() <= (1 << 20)) st.floats(name, t.shape);
    }
  });
  return 0;
}
