#include "engine/model_spec.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "common/error.h"
#include "common/files.h"
#include "common/toml_get.h"

namespace ss {

int ModelSpec::grid_height() const {
  int h = in_height;
  for (bool p : tokenizer.pool)
    if (p) h = pooled(h);
  return h;
}
int ModelSpec::grid_width() const {
  int w = in_width;
  for (bool p : tokenizer.pool)
    if (p) w = pooled(w);
  return w;
}

ModelSpec ModelSpec::load(const std::string& path) { return parse(read_file_text(path), path); }

ModelSpec ModelSpec::parse(const std::string& text, const std::string& origin) {
  toml::table tbl = parse_toml_text(text, origin);
  TomlReader root(tbl, origin);
  root.only({"model", "neuron", "tokenizer", "attention", "ffn", "quant"});
  ModelSpec s;
  s.file = origin;

  auto m = root.sub("model");
  m.only({"name", "weights", "input", "classes", "timesteps", "dim", "blocks", "bn_eps"});
  s.name = m.string("name");
  s.weights = m.string("weights", "");
  if (!s.weights.empty() && std::filesystem::path(s.weights).is_relative())
    s.weights = (std::filesystem::path(origin).parent_path() / s.weights).string();
  auto in = m.array<int64_t>("input");
  if (in.size() != 3 || in[0] < 1 || in[1] < 1 || in[2] < 1)
    throw error_at(origin, "model.input", "expected [channels, height, width] of positive sizes");
  s.in_channels = int(in[0]), s.in_height = int(in[1]), s.in_width = int(in[2]);
  s.classes = int(m.integer("classes", {}, 2, 100000));
  s.timesteps = int(m.integer("timesteps", {}, 1, 64));
  s.dim = int(m.integer("dim", {}, 1, 65536));
  s.blocks = int(m.integer("blocks", {}, 0, 256));
  s.bn_eps = m.number("bn_eps", 1e-5, 0.0, 1.0);

  if (auto n = root.opt_sub("neuron")) {
    n->only({"tau", "threshold", "attn_threshold", "attn_scale"});
    s.neuron.tau = n->number("tau", 2.0, 1.0, 1e6);
    s.neuron.threshold = n->number("threshold", 1.0, 1e-6, 1e6);
    s.neuron.attn_threshold = n->number("attn_threshold", 0.5, 1e-6, 1e6);
    s.neuron.attn_scale = n->number("attn_scale", 0.125, 1e-9, 1e6);
  }

  auto t = root.sub("tokenizer");
  t.only({"channels", "pool", "rpe"});
  for (auto c : t.array<int64_t>("channels")) {
    if (c < 1 || c > 65536) throw error_at(origin, "tokenizer.channels", "channel count {} out of range", c);
    s.tokenizer.channels.push_back(int(c));
  }
  s.tokenizer.pool = t.array<bool>("pool");
  s.tokenizer.rpe = t.boolean("rpe", true);
  if (s.tokenizer.channels.empty())
    throw error_at(origin, "tokenizer.channels", "expected at least one stage");
  if (s.tokenizer.pool.size() != s.tokenizer.channels.size())
    throw error_at(origin, "tokenizer.pool", "expected {} entries (one per stage), got {}",
                   s.tokenizer.channels.size(), s.tokenizer.pool.size());
  if (s.tokenizer.channels.back() != s.dim)
    throw error_at(origin, "tokenizer.channels", "last stage has {} channels, model.dim is {}",
                   s.tokenizer.channels.back(), s.dim);

  auto a = root.sub("attention");
  a.only({"type", "heads", "experts", "expert_dim"});
  s.attention.type = a.string("type");
  if (s.attention.type == "ssa") {
    s.attention.heads = int(a.integer("heads", {}, 1, 4096));
    if (s.dim % s.attention.heads)
      throw error_at(origin, "attention.heads", "model.dim {} is not divisible by {} heads", s.dim,
                     s.attention.heads);
  } else if (s.attention.type == "emsa") {
    s.attention.experts = int(a.integer("experts", {}, 1, 1024));
    s.attention.expert_dim = int(a.integer("expert_dim", {}, 1, 65536));
  } else {
    throw error_at(origin, "attention.type", "unknown '{}' (expected \"ssa\" or \"emsa\")",
                   s.attention.type);
  }

  auto f = root.sub("ffn");
  f.only({"type", "hidden", "experts", "top_k", "expert_hidden"});
  s.ffn.type = f.string("type");
  if (s.ffn.type == "mlp" || s.ffn.type == "emsp") {
    s.ffn.hidden = int(f.integer("hidden", {}, 1, 1 << 20));
    if (s.ffn.type == "emsp" && s.ffn.hidden % 2)
      throw error_at(origin, "ffn.hidden", "emsp splits the hidden layer in halves: must be even");
  } else if (s.ffn.type == "moe") {
    s.ffn.experts = int(f.integer("experts", {}, 1, 1024));
    s.ffn.top_k = int(f.integer("top_k", {}, 1, s.ffn.experts));
    s.ffn.expert_hidden = int(f.integer("expert_hidden", {}, 1, 1 << 20));
  } else {
    throw error_at(origin, "ffn.type", "unknown '{}' (expected \"mlp\", \"emsp\" or \"moe\")",
                   s.ffn.type);
  }

  if (auto q = root.opt_sub("quant")) {
    q->only({"weight_bits", "acc_bits", "mem_bits", "mem_frac_bits"});
    s.quant.weight_bits = int(q->integer("weight_bits", 8, 2, 8));
    s.quant.acc_bits = int(q->integer("acc_bits", 16, 8, 31));
    s.quant.mem_bits = int(q->integer("mem_bits", 24, 8, 32));
    s.quant.mem_frac_bits = int(q->integer("mem_frac_bits", 8, 0, 16));
    // currents carry acc_bits + frac bits + 1 sign-extension bit in 32-bit lanes; the pixel
    // layer uses acc_bits + 8 and max(0, frac - 8) (formats.md §4)
    if (s.quant.acc_bits + std::max(s.quant.mem_frac_bits, 8) > 30)
      throw error_at(origin, "quant.mem_frac_bits",
                     "acc_bits + max(mem_frac_bits, 8) must be at most 30 (32-bit currents)");
  }
  return s;
}

std::string ModelSpec::to_toml() const {
  std::ostringstream o;
  auto arr = [](const auto& v) {
    std::string r = "[";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) r += ", ";
      if constexpr (std::is_same_v<std::decay_t<decltype(v[i])>, bool>)
        r += v[i] ? "true" : "false";
      else
        r += std::to_string(v[i]);
    }
    return r + "]";
  };
  std::vector<bool> pool(tokenizer.pool.begin(), tokenizer.pool.end());
  o << "[model]\nname = \"" << name << "\"\n";
  if (!weights.empty())
    o << "weights = \"" << std::filesystem::path(weights).filename().string() << "\"\n";
  o << "input = [" << in_channels << ", " << in_height << ", " << in_width << "]\n"
    << "classes = " << classes << "\ntimesteps = " << timesteps << "\ndim = " << dim
    << "\nblocks = " << blocks << "\nbn_eps = " << bn_eps << "\n\n[neuron]\ntau = " << neuron.tau
    << "\nthreshold = " << neuron.threshold << "\nattn_threshold = " << neuron.attn_threshold
    << "\nattn_scale = " << neuron.attn_scale << "\n\n[tokenizer]\nchannels = "
    << arr(tokenizer.channels) << "\npool = " << arr(tokenizer.pool)
    << "\nrpe = " << (tokenizer.rpe ? "true" : "false") << "\n\n[attention]\ntype = \""
    << attention.type << "\"\n";
  if (attention.type == "ssa")
    o << "heads = " << attention.heads << "\n";
  else
    o << "experts = " << attention.experts << "\nexpert_dim = " << attention.expert_dim << "\n";
  o << "\n[ffn]\ntype = \"" << ffn.type << "\"\n";
  if (ffn.type == "moe")
    o << "experts = " << ffn.experts << "\ntop_k = " << ffn.top_k
      << "\nexpert_hidden = " << ffn.expert_hidden << "\n";
  else
    o << "hidden = " << ffn.hidden << "\n";
  o << "\n[quant]\nweight_bits = " << quant.weight_bits << "\nacc_bits = " << quant.acc_bits
    << "\nmem_bits = " << quant.mem_bits << "\nmem_frac_bits = " << quant.mem_frac_bits << "\n";
  return o.str();
}

}  // namespace ss
