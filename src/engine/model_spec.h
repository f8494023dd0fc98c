// The model file: a validated description of a spiking transformer (architecture, sizes,
// neuron parameters, int-mode bit widths). Weights live in a separate safetensors file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ss {

struct NeuronSpec {
  double tau = 2.0;             // LIF time constant (leak = 1/tau per step)
  double threshold = 1.0;       // V_th of every LIF except the attention output
  double attn_threshold = 0.5;  // V_th of the SN after (Q K^T) V
  double attn_scale = 0.125;    // s in (Q K^T) V * s
};

struct QuantSpec {
  int weight_bits = 8;    // signed weights, symmetric per output channel
  int acc_bits = 16;      // synaptic-integration sum, saturated once at the end of integration
  int mem_bits = 24;      // membrane register, saturating
  int mem_frac_bits = 8;  // fixed-point fraction bits of currents, membranes and thresholds
};

struct TokenizerSpec {
  std::vector<int> channels;  // output channels of each Conv3x3-BN-LIF stage; last == dim
  std::vector<bool> pool;     // MaxPool 3x3/2 (padding 1) after the stage's LIF
  bool rpe = true;            // relative position embedding: x + LIF(BN(Conv3x3(x)))
};

struct AttentionSpec {
  std::string type = "ssa";  // "ssa" (Spikformer) or "emsa" (SEMM experts mixture)
  int heads = 8;             // ssa: number of heads (dim % heads == 0)
  int experts = 4;           // emsa: number of query experts
  int expert_dim = 32;       // emsa: width of each expert's Q and of the shared K, V
  // ssa: dynamic head pruning (docs/formats.md §3): per image, the ceil(head_keep x heads)
  // heads with the most Q spikes run, the others are absent. 1 = off.
  double head_keep = 1.0;
  bool pruning() const { return head_keep < 1.0; }
  // Heads that run per image: max(1, ceil(head_keep x heads - 1e-9)) (the 1e-9 keeps a
  // product such as 0.7 x 10 = 7.000000000000001 at 7).
  int heads_kept() const;
};

struct FfnSpec {
  std::string type = "mlp";  // "mlp", "emsp" (SEMM) or "moe" (routed top-K spiking experts)
  int hidden = 512;          // mlp / emsp: width of the first layer
  int experts = 4;           // moe
  int top_k = 2;             // moe
  int expert_hidden = 256;   // moe: hidden width of each expert MLP
};

struct ModelSpec {
  std::string file;          // where it was loaded from (for messages)
  std::string name;
  std::string weights;       // path to the safetensors file (resolved against the model file)
  int in_channels = 1, in_height = 28, in_width = 28;
  int classes = 10;
  int timesteps = 4;
  int dim = 128;
  int blocks = 2;
  double bn_eps = 1e-5;
  NeuronSpec neuron;
  TokenizerSpec tokenizer;
  AttentionSpec attention;
  FfnSpec ffn;
  QuantSpec quant;

  int grid_height() const;  // token grid after the tokenizer's pools
  int grid_width() const;
  int tokens() const { return grid_height() * grid_width(); }

  // Sizes and their products: every tensor the engine, the trainer or the simulator builds
  // for this model (spikes of one sample, weights of one layer) has at most kMaxElements
  // elements, so int arithmetic on sizes cannot overflow. An ss::Error names file and field.
  // parse() calls it; so does every consumer of a spec built in code.
  void validate_sizes() const;
  static constexpr int64_t kMaxElements = (int64_t(1) << 31) - 1;

  // Values a full weights file of this model holds (docs/formats.md §2: weights, the biases
  // of Linear units, BatchNorm statistics): what a size check counts before allocating.
  int64_t stored_values() const;

  // Sets attention.head_keep, checked: in (0, 1], and < 1 only for SSA models with blocks.
  // `origin` and `field` name where the value came from (file and key, or the --set option).
  void set_head_keep(double keep, const std::string& origin, const std::string& field);

  static ModelSpec load(const std::string& path);
  // The file with command-line overrides of its keys ("attention.head_keep=0.5", the
  // `--set model.<key>=<value>` options; a key may be absent from the file), validated as a
  // whole like the file itself.
  static ModelSpec load(const std::string& path, const std::vector<std::string>& sets);
  static ModelSpec parse(const std::string& text, const std::string& origin);
  std::string to_toml() const;  // round-trips through parse()
};

// Output size of the tokenizer's 3x3 stride-2 padding-1 max pool.
inline int pooled(int n) { return (n + 2 - 3) / 2 + 1; }

}  // namespace ss
