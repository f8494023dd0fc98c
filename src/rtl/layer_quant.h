// A weight layer's int-mode constants as the hardware holds them: int8 weights, fixed-point
// biases and thresholds, the layer's accumulator and fraction bits. Read through the engine's
// own Synapse, so they are the golden model's numbers by construction.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/model_spec.h"
#include "sim/workload.h"

namespace ss {
class SafeTensors;
}

namespace ss::rtl {

struct LayerQuant {
  std::string name;
  int cin = 0, cout = 0;  // reduction rows (9 x channels for a 3x3 conv), outputs
  int acc_bits = 16, frac_bits = 8;
  std::vector<int8_t> q;         // [cin][cout]
  std::vector<int32_t> bias_fx;  // [cout]
  std::vector<int32_t> th;       // [cout], fixed point, clamped to the membrane range
  // the head's scorer and the MoE router (formats.md §4): score_c = acc_c * mul_c + bias_c, in
  // 2^-24 units
  std::vector<int64_t> mul;         // llround(scale_c / count x 2^24), count = T x tokens for
                                    // the head, T for the router
  std::vector<int64_t> score_bias;  // llround(b_c x 2^24)
  int8_t w(int row, int o) const { return q[size_t(row) * cout + o]; }
};

// Quantised constants of SE-core layer `d` of model `m` (weights `w`), or of the MoE router;
// throws for layers that hold no weights of their own (attention).
LayerQuant quantize_layer(const ModelSpec& m, const SafeTensors& w, const sim::LayerDesc& d);

}  // namespace ss::rtl
