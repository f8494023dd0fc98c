// The accelerator's architecture description: what the user wrote in configs/arch/*.toml,
// validated and typed. One description feeds the cycle simulator, the analytical model and
// the physical model, so they cannot drift apart. Knows nothing of spiking models or silicon.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ss::arch {

// Which die of the face-to-face pair a block sits on. In 2D there is one die (bottom).
enum class Tier { bottom, top };
const char* tier_name(Tier t);

// A spatio-temporal PE array (spiking-expert core or attention core). Spikes stream along
// the rows, weights along the columns; each PE keeps `time_lanes` partial sums so one
// weight fetch serves that many time steps.
struct ArraySpec {
  std::string impl;     // simulator/physical model chosen by name (e.g. "st_systolic")
  int count = 1;        // identical cores
  int rows = 16;        // PE rows: input channels (reduction) handled per pass
  int cols = 16;        // PE columns: output neurons handled per pass
  int time_lanes = 4;   // time steps processed together per weight fetch
  Tier tier = Tier::bottom;
};

// Membrane + LIF fire/reset units fused behind each array (partial sums never go to a buffer).
struct SpikeGenSpec {
  std::string impl;          // e.g. "lif"
  int lanes_per_core = 16;   // membrane updates per cycle per core
  int acc_entries = 1024;    // (token, neuron) accumulators per core, each time_lanes wide;
                             // bounds the token chunk that one weight tile serves
  Tier tier = Tier::bottom;
};

// Top-K router for routed MoE (and the SEMM gate): scores tokens, picks experts.
struct RouterSpec {
  std::string impl;    // e.g. "topk"
  int lanes = 4;       // router score updates per cycle
  Tier tier = Tier::bottom;
};

// A global buffer (SRAM), shared by all cores of its role.
struct BufferSpec {
  std::string role;     // "weight", "spike", "membrane" (the key under [buffers])
  std::string impl;     // e.g. "sram"
  double size_bits = 0; // capacity
  int width_bits = 64;  // bits per bank access
  int banks = 1;
  int ports = 1;        // accesses per bank per cycle
  Tier tier = Tier::bottom;
};

// The on-chip interconnect between buffers and cores.
struct InterconnectSpec {
  std::string impl;        // e.g. "bus"
  int width_bits = 128;    // bits per transfer per cycle
  int latency_cycles = 1;  // per transfer, pipelined
};

// The off-chip memory the weights stream from when they exceed the weight buffer: one port,
// rows answered in order. Absent from the file: not modelled (fills take no time).
struct OffchipSpec {
  int width_bits = 0;      // bits per cycle it delivers (0: unbounded, not modelled)
  int latency_cycles = 0;  // from a request to its first bits
  bool modelled() const { return width_bits > 0; }
  // cycles it takes to deliver `bits` (bits > 0; 1 when not modelled: unbounded)
  int64_t cycles_for(int64_t bits) const {
    return modelled() ? (bits + width_bits - 1) / width_bits : 1;
  }
};

struct Arch {
  std::string file;        // where it was loaded from (for messages)
  std::string name;
  double clock_hz = 500e6; // target clock; the physical model reports what the wires allow
  int weight_bits = 8;     // signed synaptic weights
  int acc_bits = 16;       // synaptic-integration accumulators
  int membrane_bits = 16;  // membrane registers
  int score_bits = 12;     // attention-map entries held in the attention array
  ArraySpec se;            // spiking-expert cores (linear layers, MLP, experts, router weights)
  ArraySpec attention;     // attention cores (Q K^T / A V)
  SpikeGenSpec spike_gen;
  RouterSpec router;
  std::map<std::string, BufferSpec> buffers;  // by role
  InterconnectSpec noc;
  OffchipSpec offchip;
  // Dynamic head pruning (ICCAD version): keep the top ceil(p H) heads by Q spike count.
  bool head_pruning = false;
  double head_keep = 1.0;
  // Attention order on the attention cores: "qk_first" (the paper: N x N map stationary,
  // Q K^T mode then A V mode), "kv_first" (dh x dh K^T V stationary, then Q), or "auto"
  // (the cheaper of the two, the engine's rule: kv_first when dh < N).
  std::string attention_order = "qk_first";
  bool skip_gated = true;  // SEMM: skip expert work of tokens whose router spikes are all 0

  const BufferSpec& buffer(const std::string& role) const;  // throws naming the file
};

// Loads and validates an architecture file; `overrides` are "dotted.key=value" strings applied
// to the TOML before validation (the command line's --set). Errors name file, key, expectation.
Arch load_arch(const std::string& path, const std::vector<std::string>& overrides = {});
Arch parse_arch(const std::string& text, const std::string& origin,
                const std::vector<std::string>& overrides = {});

// Names of component implementations, by kind ("array", "attention_array", "spike_gen",
// "router", "buffer", "noc"). Simulator models register here so that the loader can reject an
// unknown `impl` at load time, listing what exists; a kind with no registrations is unchecked.
struct RegisterImplName {
  RegisterImplName(const char* kind, const char* name);
};
std::vector<std::string> impl_names(const std::string& kind);

}  // namespace ss::arch
