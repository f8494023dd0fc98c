// Fuzzes `sim --spikes`: a spike dump checked against the workload of fuzz/tiny-moe.toml
// (random weights, 1 time step, D = 16), then every sample in it read.
#include "engine/model_spec.h"
#include "fuzz/common.h"
#include "sim/sources.h"
#include "sim/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ss::sim::Workload w =
      ss::sim::build_workload(ss::ModelSpec::load(SS_SOURCE_DIR "/fuzz/tiny-moe.toml"));
  const std::string path = ss::fuzz::write_temp(data, size, ".st");
  ss::fuzz::expect_clean([&] {
    auto next = ss::sim::dump_source(path, w, nullptr, 0);
    ss::sim::SampleSpikes s;
    while (next(s)) s = ss::sim::SampleSpikes{};
  });
  return 0;
}
