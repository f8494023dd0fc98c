// What one layer costs on the accelerator for one inference: cycles, operations, buffer and
// interconnect traffic. Both the cycle-level and the analytical model fill this struct.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "sim/components.h"
#include "sim/workload.h"

namespace ss::sim {

enum Buf { kWeight = 0, kSpike = 1, kMembrane = 2 };
inline constexpr const char* kBufNames[3] = {"weight", "spike", "membrane"};

struct LayerCost {
  double cycles = 0;       // latency of the layer on its core(s), fill and drain included
  double fill_cycles = 0;  // of which pipeline fill + drain
  // the unit that ran it (se_cores / attention_cores), summed over its cores
  double busy = 0, stalled = 0, idle = 0;
  double acc_ops = 0, and_ops = 0, ops_skipped = 0;
  double synaptic_ops = 0;  // executed synaptic ops as the engine counts them (sops_exec)
  double ops_gated = 0, ops_unrouted = 0, ops_pruned = 0;  // parts of ops_skipped
  double passes = 0;                                       // weight tiles (or map tiles) streamed
  // spike generators
  double membrane_updates = 0, spikes_fired = 0, sg_busy = 0;
  // router
  double score_ops = 0, compare_ops = 0, router_busy = 0;
  // buffers, indexed by Buf
  std::array<double, 3> read_bits{}, write_bits{}, reads{}, writes{}, buf_stalled{};
  double weight_fill_bits = 0;  // weights (re)written into the weight buffer per inference
  double weight_wait = 0;       // cycles the layer waits for its fill from off-chip (in `cycles`)
  double spike_spill_bits = 0;  // spike-buffer overflow written out and read back
  // interconnect
  double noc_bits = 0, noc_transfers = 0, noc_busy = 0;
  double tokens_active = 0;

  void add(const LayerCost& o, double scale = 1.0);
};

// One attention head's statistics over the inferences in which it ran (head pruning, from a
// format 2 trace): runs per inference (the share of inferences that ran it), Q/K/V rates over
// its channels, tokens and steps, and the share of its channels silent in an inference.
struct HeadStats {
  double runs = 0, q = 0, k = 0, v = 0, q_dead = 0, k_dead = 0, v_dead = 0;
};

// Per-layer firing statistics: the analytical model's input (arch-independent, per inference).
struct LayerStats {
  double tokens_active = 0;  // tokens processed: all, or routed / gated-on ones
  double in_nonzero = 0;     // P(an input element of an active token is non-zero)
  double in_events = 0;      // expected input events per element (popcount of multi-bit values)
  double in_syn = 0;         // engine-counted events per element (pixels: non-zero, else = events)
  double out_spikes = 0;     // output spikes per inference
  // attention: per-element firing rates of Q (active tokens), K, V
  double q_rate = 0, k_rate = 0, v_rate = 0;
  double heads_kept = 0;  // attention / k / v with head pruning: heads kept per inference
  // Correlation the rates alone miss: the fraction of active tokens whose whole input is zero
  // (image background, silent tokens), and of attention channels that never fire in a head.
  double silent_tokens = 0;
  double q_dead = 0, k_dead = 0, v_dead = 0;
  // attention: rows_hist[n] = share of inferences with n query rows (gated EMSA experts vary
  // per image); cycle runs record it, rate-based statistics leave it empty (tokens_active).
  // Map tiles follow ceil(n / rows) per image, which the mean alone cannot give.
  std::vector<double> rows_hist;
  // attention with head pruning, from a format 2 trace: every head's own statistics (the
  // kept heads fire more than the average of all heads); empty: every head at the rates above
  std::vector<HeadStats> per_head;

  void add(const LayerStats& o);  // sums (over images) before finalize_stats averages them
};

// The architecture with its instantiated components and derived bandwidths.
struct SimContext {
  explicit SimContext(const arch::Arch& a);
  const arch::Arch& arch;
  Components comps;
  bool weights_resident = true;  // the whole model's weights fit in the weight buffer
};

}  // namespace ss::sim
