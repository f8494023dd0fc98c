// Entry points of the simulator: a cycle-level run over a stream of recorded inferences, an
// analytical evaluation from per-layer statistics, both returning the same Activity.
#pragma once
#include <functional>
#include <vector>

#include "sim/activity.h"
#include "sim/analytical.h"
#include "sim/cycle.h"

namespace ss::sim {

// Yields the next inference's spikes; returns false when there are no more.
using SampleSource = std::function<bool(SampleSpikes&)>;

// What an Activity holds: the component tree and every layer's counters (`spikestack sim`'s
// report), or the component tree only, `layers` empty (all the physical model reads, phys/;
// explore's designs, where the layers' named counters were most of a design's time).
enum class Detail { layers, components };

struct SimResult {
  Activity activity;
  std::vector<LayerCost> layers;  // per inference (averaged), workload order
  std::vector<LayerStats> stats;  // measured firing statistics (cycle) or the inputs (analytical)
};

SimResult simulate_cycle(const arch::Arch& a, const Workload& w, const SampleSource& next);
SimResult simulate_analytical(const arch::Arch& a, const Workload& w,
                              const std::vector<LayerStats>& stats, Detail detail = Detail::layers);

// Builds the statistics tree (configuration hierarchy) and per-layer counters.
Activity make_activity(const arch::Arch& a, const Workload& w, const std::vector<LayerCost>& layers,
                       double cycles, const std::string& mode, int64_t samples,
                       Detail detail = Detail::layers);

}  // namespace ss::sim
