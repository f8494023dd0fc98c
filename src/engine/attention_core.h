// Spiking attention without softmax: A_h = (Q_h K_h^T) V_h per head, exact integers computed
// with AND+popcount in whichever order is cheaper ((Q K^T) V or Q (K^T V)), then scaled by s
// and returned as currents for the attention LIF.
#pragma once
#include <vector>

#include "engine/synapse.h"

namespace ss {

enum class AttnOrder { Auto, QK_first, KV_first };

// Q, K, V: [T, N, heads * dh]. Returns currents [T][N][heads*dh] = A * s (float or fixed
// point). exec/dense receive per-step operation counts (AND-accumulate events). With a
// non-empty `run_heads` ([heads], 0 = pruned) only those heads are computed and counted; a
// pruned head's currents are 0.
Currents attention_currents(const Context& ctx, const SpikeTensor& Q, const SpikeTensor& K,
                            const SpikeTensor& V, int heads, std::vector<int64_t>& dense,
                            std::vector<int64_t>& exec, AttnOrder order = AttnOrder::Auto,
                            const std::vector<uint8_t>& run_heads = {});

// Dynamic head pruning (docs/formats.md §3): the score of head h is its Q spike count over
// all T steps, tokens and its dh channels; the `keep` heads with the highest scores run
// (ties: the lower head index wins). Returns a mask [heads] (1 = runs) and the scores.
std::vector<uint8_t> rank_heads(const SpikeTensor& Q, int heads, int keep,
                                std::vector<int64_t>* scores = nullptr);

// Exact integer (Q_h K_h^T) V_h for one step and head: [N][dh] (tests, simulator).
std::vector<int32_t> attention_counts(const Context& ctx, const SpikeTensor& Q,
                                      const SpikeTensor& K, const SpikeTensor& V, int t, int head,
                                      int dh, AttnOrder order);

// The LIF after attention (threshold attn_threshold, uniform over channels).
SpikeTensor attention_fire(const Context& ctx, const Currents& c, int tokens);

}  // namespace ss
