// The cycle-level simulation of one inference: rebuilds every layer's input from the recorded
// spikes (residual sums, pools, im2col, gates, routes) and walks its tiles on the accelerator.
#pragma once
#include <vector>

#include "sim/layer_cost.h"
#include "sim/sample.h"

namespace ss::sim {

struct SampleResult {
  std::vector<LayerCost> layers;   // in workload order
  std::vector<LayerStats> stats;   // raw sums; see StatsAccumulator
  std::vector<double> elems;       // input elements behind stats[i].in_* (for averaging)
  double cycles = 0;               // the inference's latency (concurrent groups overlapped)
};

SampleResult simulate_sample(const Workload& w, const SampleSpikes& s, const SimContext& c);

// Latency of a sequence of layer costs: ungrouped layers in order, each group's layers in
// parallel across cores (the group's time is its busiest core's).
double total_cycles(const Workload& w, const std::vector<LayerCost>& layers, const arch::Arch& a);

}  // namespace ss::sim
