// Buffer-capacity effects shared by both models: weights refilled per inference when the model
// does not fit the weight buffer, spike-buffer overflow spilled when a layer's input and output
// do not fit together.
#pragma once
#include "sim/layer_cost.h"

namespace ss::sim {

// Whether all weights of the workload fit in the weight buffer at once.
bool weights_fit(const Workload& w, const arch::Arch& a);
// Adds fill and spill traffic of layer d processing `tokens` tokens (fractional: expected).
void capacity_traffic(const LayerDesc& d, double tokens, const SimContext& c, LayerCost& cost);

// Streamed weights (not resident) from an off-chip memory the architecture describes
// (`[offchip]`): the cycles each layer waits for its fill, set as `weight_wait` and added to
// its `cycles`. The fills run one after the other; the fill of the k-th layer with weights is
// released when the (k-2)-th starts (the RTL's rule, docs/rtl.md "Streamed weights": two fills
// under way at most) and takes latency + rows x ceil(row bits / width) cycles, a row being
// the weight buffer's width x banks; the first two layers' fills are the previous inference's
// last (the same layers every inference: steady state). A concurrent group's layers run on
// their cores from the group's start, each waiting for its own fill, as `total_cycles` times
// them; their fills go in the order the layers start (the RTL merges the cores' records so).
// Not modelled: a fill held back further because the ring's rows it overwrites are still
// in use (a ring of less than about three layers).
void add_fill_waits(const Workload& w, std::vector<LayerCost>& layers, const SimContext& c);

}  // namespace ss::sim
