// Fuzzes `sim --mode analytical --trace`: the trace reader, then its checks against the
// workload of fuzz/tiny-moe.toml (random weights, 1 time step, D = 16).
#include "engine/model_spec.h"
#include "engine/trace.h"
#include "fuzz/common.h"
#include "sim/sources.h"
#include "sim/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ss::sim::Workload w =
      ss::sim::build_workload(ss::ModelSpec::load(SS_SOURCE_DIR "/fuzz/tiny-moe.toml"));
  const std::string path = ss::fuzz::write_temp(data, size, ".st");
  ss::fuzz::expect_clean([&] { ss::Trace::load(path); });
  ss::fuzz::expect_clean([&] { ss::sim::load_trace(path, w); });
  return 0;
}
