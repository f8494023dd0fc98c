// Fuzzes `spikestack report`: report.json parsed, validated and rendered (page and figures;
// the thermal grid of finding 2 crashed there), without writing files.
#include <nlohmann/json.hpp>

#include "fuzz/common.h"
#include "report/document.h"
#include "report/page.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  ss::fuzz::expect_clean([&] {
    auto doc = ss::report::parse_document(j, "fuzz.json");
    ss::report::render_page(doc);
  });
  return 0;
}
