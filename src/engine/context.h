// Shared run-time context of the engine's layers: numeric mode, neuron parameters, fixed-point
// formats, the kernel set and the observer that receives every layer's spikes.
#pragma once
#include <string>
#include <vector>

#include "engine/kernels/kernels.h"
#include "engine/model_spec.h"
#include "engine/network.h"

namespace ss {

struct Context {
  const ModelSpec& spec;
  Mode mode;
  const kern::KernelSet& k;
  Observer* obs;

  int F() const { return spec.quant.mem_frac_bits; }
  // Reports a layer's output; sops vectors are per time step.
  void report(const std::string& name, const SpikeTensor& s, const std::vector<int64_t>& dense,
              const std::vector<int64_t>& exec) const {
    if (obs) obs->on_layer(LayerEvent{name, s, dense, exec});
  }
};

// Firing density below which the event-driven int8 weight kernel beats the dense one.
// Measured with `ss_bench --benchmark_filter=spmm` on AVX-512 (BENCHMARKS.md): int8 event
// = dense (VNNI) at 35-45 % firing. The float crossover depends on the kernel set
// (KernelSet::f32_event_density): 0.7 for AVX-512, whose float event kernel works from
// L1-resident weight panels, 0.35 for the others.
inline constexpr double kEventDensityCrossover = 0.35;

}  // namespace ss
