// The analytical model: the same accelerator description and the same per-layer costs as the
// cycle-level simulator, in closed form from per-layer firing statistics (no spike trace).
#pragma once
#include <vector>

#include "engine/trace.h"
#include "sim/layer_cost.h"

namespace ss::sim {

// One layer in closed form; `concurrency` = cores sharing the buffers (groups: cores with work).
LayerCost analytical_layer(const LayerDesc& d, const LayerStats& s, int concurrency,
                           const SimContext& c);
// Every layer of a workload (concurrency of groups from the statistics).
std::vector<LayerCost> analytical_costs(const Workload& w, const std::vector<LayerStats>& stats,
                                        const SimContext& c);

// Statistics from an engine trace (rates and executed synaptic ops averaged over samples).
// Where the trace lacks something (multi-bit input occupancy, SEMM gate occupancy, pixel
// popcounts) the gaps are filled under stated independence assumptions (docs/sim.md).
std::vector<LayerStats> stats_from_trace(const Workload& w, const Trace& tr, const arch::Arch& a);
// Statistics from one firing rate for every layer (paper-scale studies without a model).
std::vector<LayerStats> stats_from_rate(const Workload& w, double rate, const arch::Arch& a);

}  // namespace ss::sim

namespace ss::sim {
// Averages cycle-level statistics: `sums` and `elems` summed over `samples` inferences.
std::vector<LayerStats> finalize_stats(const Workload& w, const std::vector<LayerStats>& sums,
                                       const std::vector<double>& elems, double samples);
}  // namespace ss::sim
