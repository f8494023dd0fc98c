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

}  // namespace ss::sim
