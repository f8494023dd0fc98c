// The cycle-level simulation of one inference: rebuilds every layer's input from the recorded
// spikes (residual sums, pools, im2col, gates, routes) and walks its tiles on the accelerator.
#pragma once
#include <vector>

#include "engine/values.h"
#include "sim/layer_cost.h"
#include "sim/sample.h"

namespace ss::sim {

struct SampleResult {
  std::vector<LayerCost> layers;  // in workload order
  std::vector<LayerStats> stats;  // raw sums; see StatsAccumulator
  std::vector<double> elems;      // input elements behind stats[i].in_* (for averaging)
  double cycles = 0;              // the inference's latency (concurrent groups overlapped)
};

// Sees every weight layer (SE cores) as the cycle model ran it: its input as rebuilt from the
// spikes, the tokens and output channels computed, and the cost (the RTL testbench replays it);
// likewise the attention layers (Q, K, V, the query rows and heads computed) and the router
// (its input), which an observer may ignore.
class WeightLayerObserver {
 public:
  virtual ~WeightLayerObserver() = default;
  virtual void on_weight_layer(const LayerDesc& d, const Planes& in, const std::vector<int>& toks,
                               int kept_out, int concurrency, const LayerCost& cost) = 0;
  virtual void on_attention_layer(const LayerDesc&, const SpikeTensor& /*q*/,
                                  const SpikeTensor& /*k*/, const SpikeTensor& /*v*/,
                                  const std::vector<int>& /*rows*/,
                                  const std::vector<int>& /*heads*/, const LayerCost&) {}
  virtual void on_router_layer(const LayerDesc&, const Planes& /*in*/, const LayerCost&) {}
};

SampleResult simulate_sample(const Workload& w, const SampleSpikes& s, const SimContext& c,
                             WeightLayerObserver* obs = nullptr);

// Latency of a sequence of layer costs: ungrouped layers in order, each group's layers in
// parallel across cores (the group's time is its busiest core's).
double total_cycles(const Workload& w, const std::vector<LayerCost>& layers, const arch::Arch& a);

}  // namespace ss::sim
