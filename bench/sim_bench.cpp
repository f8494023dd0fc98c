// Simulator speed: one cycle-level paper-scale inference (moe-4-384: 4 blocks, D = 384, T = 4,
// 64 tokens, 4 experts top-2) on the paper architecture, spikes synthetic at 10 % (generated
// outside the timed loop), and the analytical model's layer evaluations per second.
#include <benchmark/benchmark.h>

#include "arch/arch_spec.h"
#include "engine/model_spec.h"
#include "sim/capacity.h"
#include "sim/simulate.h"
#include "sim/sources.h"

#include <cstdlib>

namespace {

using namespace ss;

// Shipped files: $SPIKESTACK_HOME, else the current directory (run from the source tree).
std::string home() {
  const char* h = std::getenv("SPIKESTACK_HOME");
  return h ? h : ".";
}

struct Paper {
  ModelSpec spec;
  sim::Workload w;
  arch::Arch a;
  explicit Paper(const char* model)
      : spec(ModelSpec::load(home() + "/models/paper/" + model)),
        w(sim::build_workload(spec)),
        a(arch::load_arch(home() + "/configs/arch/paper.toml")) {}
};

void bm_cycle(benchmark::State& st, const char* model) {
  Paper p(model);
  sim::SimContext c(p.a);
  c.weights_resident = sim::weights_fit(p.w, p.a);
  sim::SampleSpikes s;
  sim::synthetic_source(p.w, 0.1, 1, 1)(s);
  for (auto _ : st) {
    sim::SampleResult r = sim::simulate_sample(p.w, s, c);
    benchmark::DoNotOptimize(r.cycles);
  }
  st.counters["inferences/s"] = benchmark::Counter(double(st.iterations()), benchmark::Counter::kIsRate);
}

void bm_analytical(benchmark::State& st, const char* model) {
  Paper p(model);
  sim::SimContext c(p.a);
  c.weights_resident = sim::weights_fit(p.w, p.a);
  auto stats = sim::stats_from_rate(p.w, 0.1, p.a);
  size_t evals = 0;
  for (auto _ : st) {
    for (size_t i = 0; i < p.w.layers.size(); ++i) {
      sim::LayerCost r = sim::analytical_layer(p.w.layers[i], stats[i], 4, c);
      benchmark::DoNotOptimize(r.cycles);
    }
    evals += p.w.layers.size();
  }
  st.counters["layer evals/s"] = benchmark::Counter(double(evals), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(bm_cycle, moe_4_384, "moe-4-384.toml")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bm_cycle, semm_4_384, "semm-4-384.toml")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bm_cycle, spikformer_4_384, "spikformer-4-384.toml")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(bm_analytical, moe_4_384, "moe-4-384.toml");
BENCHMARK_CAPTURE(bm_analytical, spikformer_4_384, "spikformer-4-384.toml");

}  // namespace
