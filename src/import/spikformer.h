// Spikformer-family PyTorch checkpoints -> this project's model file and weights. Two naming
// layouts are understood: the public Spikformer code's (CIFAR variant: patch_embed.proj_conv,
// block.{i}.attn.q_linear, ...) and this project's own (docs/formats.md §2, as `spikestack
// train` and its LibTorch modules name them). Sizes come from the tensors; what a state dict
// does not hold (time steps, heads, image size, pools) comes from the options. A tensor the
// engine cannot run, of a wrong shape, or missing is an error naming it (docs/import.md).
#pragma once
#include <string>
#include <vector>

#include "engine/model_spec.h"
#include "import/torch_file.h"

namespace ss::imp {

struct ImportOptions {
  std::string name;             // model.name
  int timesteps = 4;            // T (Spikformer CIFAR: 4)
  int heads = 0;                // SSA heads; 0 = required unless the checkpoint says
  int height = 32, width = 32;  // image size (channels come from the first conv)
  std::vector<bool> pools;      // empty: pools after the last two tokenizer stages
  int top_k = 2;                // routed MoE experts per token
};

struct ImportedModel {
  ModelSpec spec;
  std::string layout;                // "spikformer" (public code) or "spikestack"
  std::vector<NamedTensor> tensors;  // engine names (docs/formats.md §2)
  std::vector<std::string> ignored;  // checkpoint tensors the forward pass does not use
};

ImportedModel import_spikformer(const TorchCheckpoint& ck, const ImportOptions& o);

}  // namespace ss::imp
