// Cycle-level costs of one layer on one sample, from the exact spikes: tiles and wavefronts
// are walked in the order the hardware runs them, with per-tile spike counts from popcounts.
#pragma once
#include <vector>

#include "engine/spikes.h"
#include "engine/values.h"
#include "sim/layer_cost.h"

namespace ss::sim {

// Weight layer (linear, conv as im2col, pixel conv, depthwise gate) on the SE cores.
// `in` holds the input planes [T][tokens][cin] (dwconv: im2col of the gate input, 9 x C,
// tap-major); `toks` the tokens processed, in order; `kept_out` the output channels computed
// (head pruning; all when equal to cout); `concurrency` the cores sharing the buffers.
LayerCost linear_cycle(const LayerDesc& d, const Planes& in, const std::vector<int>& toks,
                       int kept_out, int concurrency, const SimContext& c, LayerStats& st);

// Attention heads on the attention cores; `rows` are the tokens whose outputs are needed
// (gating), `heads` the heads computed (pruning).
LayerCost attention_cycle(const LayerDesc& d, const SpikeTensor& q, const SpikeTensor& k,
                          const SpikeTensor& v, const std::vector<int>& rows,
                          const std::vector<int>& heads, int concurrency, const SimContext& c,
                          LayerStats& st);

// Dynamic head pruning's ranking, added to the attention layer's cost: a score counter per
// head counts the Q spikes (`q_spikes` counter events, the router's score_ops) and `keep`
// max passes over the H scores pick the heads (compare_ops); it runs on the router unit
// between Q and K/V, so its cycles add to the layer's latency.
void add_head_ranking(const LayerDesc& d, double q_spikes, int keep, const SimContext& c,
                      LayerCost& cost);

// Routed-MoE router on its unit.
LayerCost router_cycle(const LayerDesc& d, const Planes& in, const SimContext& c, LayerStats& st);

// Which attention order a layer uses on this architecture.
bool use_kv_first(const arch::Arch& a, int tokens, int dh);

}  // namespace ss::sim
