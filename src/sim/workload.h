// The workload as the accelerator sees it: the engine's spiking layers (same names, same
// order) plus the MoE router, each with its shape, input width and mapping onto the units.
#pragma once
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "engine/model_spec.h"

namespace ss::sim {

enum class Kind {
  linear,      // spikes or bit-serial small integers x weights (Linear, or 3x3 conv as im2col)
  pixel_conv,  // the tokenizer's first conv: 8-bit pixels, integrated once, fired T times
  dwconv,      // EMSP gate: depthwise 3x3 over the token grid (one weight per tap and channel)
  attention,   // spiking attention heads on the attention cores
  router,      // routed-MoE top-K router (not an engine layer: "blocks.{b}.ffn.router")
  head         // classification head: Linear D -> classes on every token of the final residual
               // stream, accumulated over tokens and steps (= Linear of the mean; no spikes)
};
enum class Unit { se_cores, attention_cores, router };
const char* unit_name(Unit u);

struct LayerDesc {
  std::string name;      // the engine's layer name
  Kind kind = Kind::linear;
  Unit unit = Unit::se_cores;
  int T = 1, tokens = 1;   // time steps, token positions (a conv's grid positions)
  int cin = 1, cout = 1;   // reduction length (conv: 9 x channels; dwconv: 9 taps), outputs
  int channels_in = 1;     // conv: input channels (im2col rows hold 9 x channels_in)
  int grid_h = 0, grid_w = 0;  // conv / dwconv grid
  int in_bits = 1;         // static bit-serial width of the input (1 = spikes, 8 = pixels)
  int out_bits = 1;        // bits written per output element (2+ when added to the residual)
  bool to_residual = false;
  int block = -1;
  int expert = -1;         // runs on core expert % count (-1: output tiles spread over all cores)
  int group = -1;          // layers of one group run concurrently on different cores
  bool routed = false;     // routed-MoE expert layer: only tokens routed to `expert`
  int gate = -1;           // EMSA: work only for tokens whose router spikes for `gate` are not all 0
  int heads = 1, dh = 0;   // attention (and q/k/v for head pruning)
  bool head_channels = false;  // k, v (SSA): output channels of pruned heads are skipped
  int experts = 0, top_k = 0;  // router and routed experts
  int in_terms = 1;            // spike terms summed in one input value (residual bound)
  bool in_terms_rate_sq = false;  // each term is an AND of two spikes (EMSA merge, EMSP gate)
  std::vector<std::string> inputs;  // where the input comes from (see docs/sim.md)
  double weight_bits(int wbits) const;  // weights this layer holds
  bool operator==(const LayerDesc&) const = default;
};

struct Workload {
  std::string model;
  int T = 1, tokens = 1, dim = 1;
  std::vector<LayerDesc> layers;
  bool operator==(const Workload&) const = default;
};

// Layer list of a model in engine order, with the MoE routers inserted before the experts.
Workload build_workload(const ModelSpec& m);

}  // namespace ss::sim
