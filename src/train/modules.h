// LibTorch modules of the spiking transformers in docs/formats.md §3 (SPS tokenizer, SSA,
// EMSA, MLP, EMSP, routed top-K MoE, head), built from an ss::ModelSpec. Parameter names are
// the documented safetensors names. Training mode uses batch statistics; eval mode folds BN
// into weight and bias exactly as the engine does, so eval mode is the float reference.
#pragma once
#include <torch/nn.h>

#include <map>
#include <string>
#include <vector>

#include "engine/model_spec.h"
#include "train/lif.h"

namespace ss::train {

// Per-layer spikes of one forward pass, keyed by the engine's layer names (formats.md §5).
// Every entry is [T, B, tokens, channels] (tokenizer stages: tokens = H x W of the stage's
// LIF output, before its pool). MoE experts hold zeros for tokens not routed to them.
struct SpikeRecord {
  std::map<std::string, torch::Tensor> spikes;
  std::map<std::string, torch::Tensor> routes;  // "blocks.{b}": [B, tokens, K] int64, by rank
  void put(const std::string& name, const torch::Tensor& s) { spikes[name] = s.detach(); }
};

// Neuron constants shared by all layers of a model.
struct Neurons {
  LifParams lif;       // threshold = spec threshold
  LifParams attn_lif;  // threshold = attn_threshold
  float attn_scale = 0.125f;
  Neurons(const ModelSpec& spec, bool detach_reset);
};

// Linear (optional bias) followed by BatchNorm over the last dimension: a Linear-BN unit.
class LinearBNImpl : public torch::nn::Module {
 public:
  LinearBNImpl(int64_t in, int64_t out, bool bias, double eps);
  torch::Tensor forward(const torch::Tensor& x);  // [..., in] -> [..., out] (current)
  // Folded weight and bias of eval mode: W' = W g / sqrt(var + eps), b' = (b - mean) g/... + beta.
  std::pair<torch::Tensor, torch::Tensor> folded() const;
  torch::Tensor weight, bias;
  torch::nn::BatchNorm1d bn{nullptr};
};
TORCH_MODULE(LinearBN);

// Conv3x3 (stride 1, padding 1, no bias; depthwise when `depthwise`) followed by BatchNorm2d.
class ConvBNImpl : public torch::nn::Module {
 public:
  ConvBNImpl(int64_t in, int64_t out, bool depthwise, double eps);
  torch::Tensor forward(const torch::Tensor& x);  // [B, in, H, W] -> [B, out, H, W]
  std::pair<torch::Tensor, torch::Tensor> folded() const;
  torch::Tensor weight;
  torch::nn::BatchNorm2d bn{nullptr};
  bool depthwise;
};
TORCH_MODULE(ConvBN);

// SPS: Conv-BN-LIF stages with optional max pools, then optional RPE.
class TokenizerImpl : public torch::nn::Module {
 public:
  TokenizerImpl(const ModelSpec& spec, const Neurons& n);
  // x: [T, B, C, H, W] analog input (pixels / 255) -> tokens [T, B, N, D] (values 0..2).
  torch::Tensor forward(const torch::Tensor& x, SpikeRecord* rec = nullptr);
  // One stage on [T, B, C, H, W]: the LIF spikes before the pool.
  torch::Tensor stage(size_t i, const torch::Tensor& x);
  static torch::Tensor pool(const torch::Tensor& s);  // MaxPool 3x3/2/1 on [T, B, C, H, W]
  torch::Tensor rpe_spikes(const torch::Tensor& x);   // LIF(BN(Conv(x))) on [T, B, D, h, w]
  std::vector<ConvBN> convs;
  ConvBN rpe{nullptr};
  std::vector<bool> pools;
  Neurons n;
};
TORCH_MODULE(Tokenizer);

// (Q K^T) V per head for spike tensors [T, B, N, w] (heads = channel groups), computed as
// Q (K^T V) (exact: all sums are small integers). Differentiable. Returns [T, B, N, w].
torch::Tensor attention_counts(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, int64_t heads);

class SsaImpl : public torch::nn::Module {
 public:
  SsaImpl(const ModelSpec& spec, const Neurons& n);
  torch::Tensor forward(const torch::Tensor& x, const std::string& prefix, SpikeRecord* rec);
  torch::Tensor attn_spikes(const torch::Tensor& q, const torch::Tensor& k,
                            const torch::Tensor& v);  // SN_attn((Q K^T) V s)
  // Dynamic head pruning (docs/formats.md §3): mask [B, heads] (1 = runs) of the top `keep`
  // heads by Q spike count over T, tokens and the head's channels; ties to the lower index.
  static torch::Tensor head_mask(const torch::Tensor& qs, int64_t heads, int64_t keep);
  LinearBN q{nullptr}, k{nullptr}, v{nullptr}, proj{nullptr};
  int64_t heads;
  int64_t keep;  // heads that run per image (= heads: no pruning)
  Neurons n;
};
TORCH_MODULE(Ssa);

class EmsaImpl : public torch::nn::Module {
 public:
  EmsaImpl(const ModelSpec& spec, const Neurons& n);
  torch::Tensor forward(const torch::Tensor& x, const std::string& prefix, SpikeRecord* rec);
  torch::Tensor o_spikes(const torch::Tensor& qi, const torch::Tensor& k, const torch::Tensor& v);
  // Y = sum_i R_i O_i from router spikes [T, B, N, E] and the E expert outputs.
  static torch::Tensor mix(const torch::Tensor& r, const std::vector<torch::Tensor>& o);
  LinearBN router{nullptr}, k{nullptr}, v{nullptr}, proj{nullptr};
  std::vector<LinearBN> qs;
  Neurons n;
};
TORCH_MODULE(Emsa);

class MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(int64_t dim, int64_t hidden, double eps, const Neurons& n);
  torch::Tensor forward(const torch::Tensor& x, const std::string& prefix, SpikeRecord* rec);
  LinearBN fc1{nullptr}, fc2{nullptr};
  Neurons n;
};
TORCH_MODULE(Mlp);

class EmspImpl : public torch::nn::Module {
 public:
  EmspImpl(const ModelSpec& spec, const Neurons& n);
  torch::Tensor forward(const torch::Tensor& x, const std::string& prefix, SpikeRecord* rec);
  // G = SN(BN(DWConv3x3(A))) over the token grid; A: [T, B, N, hidden/2].
  torch::Tensor gate_spikes(const torch::Tensor& a);
  LinearBN fc1{nullptr}, fc2{nullptr};
  ConvBN gate{nullptr};
  int64_t grid_h, grid_w;
  Neurons n;
};
TORCH_MODULE(Emsp);

// Routing decision of a batch: chosen experts per token, by rank (highest score first; ties to
// the lower index), and the gate inputs.
struct Routing {
  torch::Tensor scores;  // [B, N, E] float
  torch::Tensor chosen;  // [B, N, K] int64
};

class MoeImpl : public torch::nn::Module {
 public:
  MoeImpl(const ModelSpec& spec, const Neurons& n);
  torch::Tensor forward(const torch::Tensor& x, const std::string& prefix, SpikeRecord* rec);
  // r[n, e] = mean_t (x[t, n] . W_r[e]) + b_r[e]
  torch::Tensor router_scores(const torch::Tensor& x);
  static torch::Tensor top_k(const torch::Tensor& scores, int64_t k);  // stable, lower index wins
  torch::nn::Linear router{nullptr};  // plain Linear [E, D] + bias, no BN
  std::vector<Mlp> experts;
  int64_t top_k_;
  Neurons n;
  // Statistics of the last forward (training): Switch-Transformer load-balancing loss
  // E * sum_e f_e P_e and per-expert token counts (accumulated until reset).
  torch::Tensor aux_loss;
  std::vector<int64_t> usage;
};
TORCH_MODULE(Moe);

class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(const ModelSpec& spec, const Neurons& n, int index);
  torch::Tensor forward(const torch::Tensor& x, SpikeRecord* rec);
  Ssa ssa{nullptr};
  Emsa emsa{nullptr};
  Mlp mlp{nullptr};
  Emsp emsp{nullptr};
  Moe moe{nullptr};
  std::string prefix;
};
TORCH_MODULE(Block);

// The whole model of a ModelSpec.
class SpikingTransformerImpl : public torch::nn::Module {
 public:
  // detach_reset: see LifParams (Spikformer trains with true; the forward pass is the same).
  explicit SpikingTransformerImpl(const ModelSpec& spec, bool detach_reset = true);
  // images: [B, C, H, W] float pixels 0..255 (x_0 = image / 255, repeated over T) -> logits.
  torch::Tensor forward(const torch::Tensor& images, SpikeRecord* rec = nullptr);
  torch::Tensor head_logits(const torch::Tensor& x);  // x [T, B, N, D]
  torch::Tensor aux_loss() const;                     // sum over MoE blocks (0 if none)
  std::vector<Moe> moe_layers() const;
  ModelSpec spec;
  Neurons n;
  Tokenizer sps{nullptr};
  std::vector<Block> blocks;
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(SpikingTransformer);

// Every tensor that is exported (parameters and BN running statistics), by documented name.
std::vector<std::pair<std::string, torch::Tensor>> export_tensors(SpikingTransformerImpl& m);

}  // namespace ss::train
