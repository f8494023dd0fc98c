#include "import/spikformer.h"

#include <map>
#include <optional>
#include <regex>
#include <set>

#include "common/error.h"
#include "common/safetensors.h"
#include "engine/random_model.h"

namespace ss::imp {

namespace {

constexpr const char* kBn = "(weight|bias|running_mean|running_var)";

// The public Spikformer code's name of a tensor -> the engine's; "" for a tensor its forward
// pass never reads; nullopt for one that is not part of the model.
std::optional<std::string> from_public(const std::string& n) {
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex(R"(patch_embed\.proj_conv(\d*)\.(weight|bias))"), "sps.conv$1.$2"},
      {std::regex(std::string(R"(patch_embed\.proj_bn(\d*)\.)") + kBn), "sps.conv$1.bn.$2"},
      {std::regex(R"(patch_embed\.rpe_conv\.(weight|bias))"), "sps.rpe.$1"},
      {std::regex(std::string(R"(patch_embed\.rpe_bn\.)") + kBn), "sps.rpe.bn.$1"},
      {std::regex(R"(block\.(\d+)\.attn\.(q|k|v|proj)_linear\.(weight|bias))"),
       "blocks.$1.attn.$2.$3"},
      {std::regex(std::string(R"(block\.(\d+)\.attn\.(q|k|v|proj)_bn\.)") + kBn),
       "blocks.$1.attn.$2.bn.$3"},
      {std::regex(R"(block\.(\d+)\.mlp\.(fc1|fc2)_linear\.(weight|bias))"), "blocks.$1.ffn.$2.$3"},
      {std::regex(std::string(R"(block\.(\d+)\.mlp\.(fc1|fc2)_bn\.)") + kBn),
       "blocks.$1.ffn.$2.bn.$3"},
      {std::regex(R"(head\.(weight|bias))"), "head.$1"},
      // declared by the public Block but never called in its forward pass
      {std::regex(R"(block\.\d+\.norm[12]\.(weight|bias))"), ""},
      {std::regex(R"(.*\.num_batches_tracked)"), ""},
  };
  for (const auto& [re, to] : rules) {
    std::smatch m;
    if (std::regex_match(n, m, re)) {
      std::string out = m.format(to);
      // proj_conv, proj_conv1, ... are stages 0, 1, ...
      if (out.rfind("sps.conv.", 0) == 0) out.insert(8, "0");
      return out;
    }
  }
  return std::nullopt;
}

// The engine's name -> the public code's (for messages about a missing tensor).
std::string to_public(const std::string& n) {
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex(R"(sps\.conv0\.(weight|bias))"), "patch_embed.proj_conv.$1"},
      {std::regex(R"(sps\.conv0\.bn\.(.*))"), "patch_embed.proj_bn.$1"},
      {std::regex(R"(sps\.conv(\d+)\.(weight|bias))"), "patch_embed.proj_conv$1.$2"},
      {std::regex(R"(sps\.conv(\d+)\.bn\.(.*))"), "patch_embed.proj_bn$1.$2"},
      {std::regex(R"(sps\.rpe\.(weight|bias))"), "patch_embed.rpe_conv.$1"},
      {std::regex(R"(sps\.rpe\.bn\.(.*))"), "patch_embed.rpe_bn.$1"},
      {std::regex(R"(blocks\.(\d+)\.attn\.(\w+)\.bn\.(.*))"), "block.$1.attn.$2_bn.$3"},
      {std::regex(R"(blocks\.(\d+)\.attn\.(\w+)\.(weight|bias))"), "block.$1.attn.$2_linear.$3"},
      {std::regex(R"(blocks\.(\d+)\.ffn\.(\w+)\.bn\.(.*))"), "block.$1.mlp.$2_bn.$3"},
      {std::regex(R"(blocks\.(\d+)\.ffn\.(\w+)\.(weight|bias))"), "block.$1.mlp.$2_linear.$3"},
  };
  for (const auto& [re, to] : rules)
    if (std::regex_match(n, re)) return std::regex_replace(n, re, to);
  return n;
}

std::optional<std::string> from_own(const std::string& n) {
  static const std::regex ignored(R"(.*\.num_batches_tracked)");
  if (std::regex_match(n, ignored)) return "";
  if (n.rfind("sps.", 0) == 0 || n.rfind("blocks.", 0) == 0 || n.rfind("head.", 0) == 0) return n;
  return std::nullopt;
}

}  // namespace

ImportedModel import_spikformer(const TorchCheckpoint& ck, const ImportOptions& o) {
  const std::string& path = ck.path;
  ImportedModel out;
  bool is_public = false, is_own = false;
  for (const auto& t : ck.tensors) {
    is_public = is_public || t.name.rfind("patch_embed.", 0) == 0 || t.name.rfind("block.", 0) == 0;
    is_own = is_own || t.name.rfind("sps.", 0) == 0 || t.name.rfind("blocks.", 0) == 0;
  }
  if (is_public == is_own)
    throw error_at(path, ck.dict_key, "{}",
                   is_public ? "mixes the public Spikformer names (patch_embed.*, block.*) with "
                               "this project's (sps.*, blocks.*)"
                             : "not a Spikformer checkpoint: no tensor named patch_embed.* / "
                               "block.* (public Spikformer) or sps.* / blocks.* (spikestack)");
  out.layout = is_public ? "spikformer" : "spikestack";
  // engine name -> checkpoint tensor
  std::map<std::string, const NamedTensor*> by;
  std::map<std::string, std::string> original;
  for (const auto& t : ck.tensors) {
    auto m = is_public ? from_public(t.name) : from_own(t.name);
    if (!m)
      throw error_at(path, t.name, "not a tensor of a {} model the engine runs ({})",
                     is_public ? "Spikformer" : "spikestack",
                     is_public ? "expected patch_embed.proj_conv*/proj_bn*/rpe_*, "
                                 "block.{i}.attn.{q,k,v,proj}_linear/_bn, "
                                 "block.{i}.mlp.fc{1,2}_linear/_bn, head"
                               : "expected sps.*, blocks.*, head.*; docs/formats.md §2");
    if (m->empty()) {
      out.ignored.push_back(t.name);
      continue;
    }
    if (by.count(*m)) throw error_at(path, t.name, "duplicates {}", original[*m]);
    by[*m] = &t;
    original[*m] = t.name;
  }
  auto name_of = [&](const std::string& engine) {
    auto it = original.find(engine);
    return it == original.end() ? engine : it->second;
  };
  auto shape = [&](const std::string& engine) -> const std::vector<int64_t>* {
    auto it = by.find(engine);
    return it == by.end() ? nullptr : &it->second->shape;
  };
  auto need = [&](const std::string& engine, size_t rank) -> const std::vector<int64_t>& {
    const auto* s = shape(engine);
    if (!s) throw error_at(path, is_public ? to_public(engine) : engine, "missing tensor");
    if (s->size() != rank)
      throw error_at(path, name_of(engine), "shape {}, expected {} dimensions", shape_str(*s),
                     rank);
    return *s;
  };

  ModelSpec sp;
  if (!ck.fingerprint.empty()) {
    // `spikestack train`'s checkpoint.pt: the model file it trains, then "seed=... batch=..."
    sp = ModelSpec::parse(ck.fingerprint.substr(0, ck.fingerprint.rfind("seed=")),
                          path + " (fingerprint)");
    sp.file = path;
    sp.name = o.name;
    sp.weights.clear();
  } else {
    sp.file = path;
    sp.name = o.name;
    sp.timesteps = o.timesteps;
    sp.in_height = o.height, sp.in_width = o.width;
    // tokenizer: Conv3x3-BN-LIF stages sps.conv0, 1, ...
    for (int i = 0; shape("sps.conv" + std::to_string(i) + ".weight"); ++i) {
      const std::string w = "sps.conv" + std::to_string(i) + ".weight";
      const auto& s = need(w, 4);
      if (s[2] != 3 || s[3] != 3)
        throw error_at(path, name_of(w),
                       "shape {}: a {}x{} kernel, the engine runs 3x3 convolutions "
                       "(stride 1, padding 1)",
                       shape_str(s), s[2], s[3]);
      if (i == 0) sp.in_channels = int(s[1]);
      sp.tokenizer.channels.push_back(int(s[0]));
    }
    const size_t stages = sp.tokenizer.channels.size();
    if (!stages) (void)need("sps.conv0.weight", 4);
    for (const auto& [engine, t] : by)
      if (engine.rfind("sps.conv", 0) == 0 && engine.find('.', 8) != std::string::npos &&
          std::stoul(engine.substr(8, engine.find('.', 8) - 8)) >= stages)
        throw error_at(path, t->name, "tokenizer stage {} without stage {} before it",
                       engine.substr(8, engine.find('.', 8) - 8), stages);
    if (!o.pools.empty() && o.pools.size() != stages)
      throw error_at(path, "", "--pool has {} entries, the checkpoint has {} tokenizer stages",
                     o.pools.size(), stages);
    sp.tokenizer.pool = o.pools;
    if (o.pools.empty())  // Spikformer CIFAR: max pools after the last two stages
      for (size_t i = 0; i < stages; ++i) sp.tokenizer.pool.push_back(i + 2 >= stages);
    sp.tokenizer.rpe = shape("sps.rpe.weight") != nullptr;
    sp.dim = sp.tokenizer.channels.back();
    // blocks
    sp.blocks = 0;
    while (true) {
      const std::string p = "blocks." + std::to_string(sp.blocks) + ".";
      bool any = false;
      for (const auto& [engine, t] : by) any = any || engine.rfind(p, 0) == 0;
      if (!any) break;
      ++sp.blocks;
    }
    if (sp.blocks > 0) {
      if (shape("blocks.0.attn.router.weight")) {
        sp.attention.type = "emsa";
        sp.attention.experts = 0;
        while (shape("blocks.0.attn.q" + std::to_string(sp.attention.experts) + ".weight"))
          ++sp.attention.experts;
        sp.attention.expert_dim = int(need("blocks.0.attn.k.weight", 2)[0]);
      } else {
        sp.attention.type = "ssa";
        if (o.heads <= 0)
          throw error_at(path, is_public ? "block.0.attn" : "blocks.0.attn",
                         "a state dict does not record the number of attention heads: give --heads "
                         "(the public Spikformer-4-384 CIFAR configuration uses 12)");
        sp.attention.heads = o.heads;
      }
      if (shape("blocks.0.ffn.experts.0.fc1.weight")) {
        sp.ffn.type = "moe";
        sp.ffn.experts = 0;
        while (shape("blocks.0.ffn.experts." + std::to_string(sp.ffn.experts) + ".fc1.weight"))
          ++sp.ffn.experts;
        sp.ffn.expert_hidden = int(need("blocks.0.ffn.experts.0.fc1.weight", 2)[0]);
        sp.ffn.top_k = o.top_k;
      } else {
        sp.ffn.type = shape("blocks.0.ffn.gate.weight") ? "emsp" : "mlp";
        sp.ffn.hidden = int(need("blocks.0.ffn.fc1.weight", 2)[0]);
      }
    }
    sp.classes = int(need("head.weight", 2)[0]);
  }
  // every check of a model file (sizes, heads dividing dim, ...) with the checkpoint as origin
  sp = ModelSpec::parse(sp.to_toml(), path);

  // the tensors this model has, with their shapes: a random model of the spec lists them
  const SafeTensors expected =
      SafeTensors::parse(random_weights(sp, 1).serialize(), "the model of " + path);
  std::set<std::string> optional_bias;
  for (const auto& n : expected.names())
    if (n.size() > 10 && n.compare(n.size() - 10, 10, ".bn.weight") == 0)
      optional_bias.insert(n.substr(0, n.size() - 10) + ".bias");
  for (const auto& [engine, t] : by) {
    std::vector<int64_t> want;
    if (expected.has(engine))
      want = expected.get(engine).shape;
    else if (optional_bias.count(engine))
      want = expected.get(engine.substr(0, engine.size() - 5) + ".bn.weight").shape;
    else
      throw error_at(path, t->name,
                     "has no place in the model the other tensors describe ({} {}, {} blocks, "
                     "attention {}, ffn {}): an unknown module or an unsupported option",
                     out.layout, engine, sp.blocks, sp.attention.type, sp.ffn.type);
    if (t->shape != want)
      throw error_at(path, t->name, "shape {}, expected {}", shape_str(t->shape), shape_str(want));
  }
  for (const auto& n : expected.names()) {
    if (by.count(n)) continue;
    throw error_at(path, is_public ? to_public(n) : n, "missing tensor");
  }
  for (const auto& n : expected.names()) {
    out.tensors.push_back(*by.at(n));
    out.tensors.back().name = n;
    const std::string bias = n.size() > 10 && n.compare(n.size() - 10, 10, ".bn.weight") == 0
                                 ? n.substr(0, n.size() - 10) + ".bias"
                                 : "";
    if (!bias.empty() && by.count(bias)) {
      out.tensors.push_back(*by.at(bias));
      out.tensors.back().name = bias;
    }
  }
  out.spec = sp;
  return out;
}

}  // namespace ss::imp
