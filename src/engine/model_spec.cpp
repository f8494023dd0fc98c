#include "engine/model_spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "common/error.h"
#include "common/files.h"
#include "common/toml_get.h"

namespace ss {

namespace {
constexpr int64_t kMaxSide = 65536;  // largest size along one axis (image side, channels, width)

}  // namespace

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

int AttentionSpec::heads_kept() const {
  if (type != "ssa" || !pruning()) return type == "ssa" ? heads : 1;
  return std::max(1, int(std::ceil(head_keep * heads - 1e-9)));
}

void ModelSpec::set_head_keep(double keep, const std::string& origin, const std::string& field) {
  if (!(keep > 0.0 && keep <= 1.0))
    throw error_at(origin, field, "head keep ratio {:g} out of range (0, 1]", keep);
  if (keep < 1.0 && (attention.type != "ssa" || blocks == 0))
    throw error_at(origin, field,
                   "head pruning needs multi-head attention (attention.type = \"ssa\" and "
                   "model.blocks >= 1); this model has {}",
                   blocks == 0 ? std::string("no blocks")
                               : fmt::format("attention.type = \"{}\"", attention.type));
  attention.head_keep = keep;
}

ModelSpec ModelSpec::load(const std::string& path) { return parse(read_file_text(path), path); }

ModelSpec ModelSpec::load(const std::string& path, const std::vector<std::string>& sets) {
  if (sets.empty()) return load(path);
  toml::table tbl = parse_toml_text(read_file_text(path), path);
  for (const auto& kv : sets) {
    const auto eq = kv.find('=');
    const std::string key = kv.substr(0, eq);
    if (eq == std::string::npos || eq == 0 || key.find('.') == std::string::npos)
      throw error_at(path, "--set model." + kv, "expected model.<table>.<key>=<value>");
    toml::table v;
    try {
      v = toml::parse("v = " + kv.substr(eq + 1));
    } catch (const toml::parse_error&) {
      v.insert_or_assign("v", kv.substr(eq + 1));
    }
    toml::table* t = &tbl;
    for (size_t s0 = 0;;) {
      const auto d = key.find('.', s0);
      const std::string part = key.substr(s0, d == std::string::npos ? d : d - s0);
      if (d == std::string::npos) {
        t->insert_or_assign(part, *v.get("v"));
        break;
      }
      if (!t->contains(part)) t->insert(part, toml::table{});
      t = t->get(part)->as_table();
      if (!t) throw error_at(path, "--set model." + key, "'{}' is not a table", part);
      s0 = d + 1;
    }
  }
  std::ostringstream os;
  os << tbl;
  try {
    return parse(os.str(), path);
  } catch (const Error& e) {
    // A bad value that came from the command line is reported against the option, not the file.
    const std::string what = e.what(), prefix = path + ": ";
    if (what.rfind(prefix, 0) != 0) throw;
    const std::string rest = what.substr(prefix.size());
    for (const auto& kv : sets) {
      const std::string key = kv.substr(0, kv.find('='));
      if (rest.rfind(key + ": ", 0) == 0)
        throw Error(fmt::format("--set model.{}: {} (overriding {})", key,
                                rest.substr(key.size() + 2), path));
    }
    throw;
  }
}

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
  if (!s.weights.empty() && !std::filesystem::path(s.weights).has_filename())
    throw error_at(origin, "model.weights", "expected a weights file, got the directory '{}'",
                   printable(s.weights));
  if (!s.weights.empty() && std::filesystem::path(s.weights).is_relative())
    s.weights = (std::filesystem::path(origin).parent_path() / s.weights).string();
  auto in = m.array<int64_t>("input");
  if (in.size() != 3)
    throw error_at(origin, "model.input", "expected [channels, height, width], got {} entries",
                   in.size());
  const char* in_names[] = {"channels", "height", "width"};
  for (size_t i = 0; i < 3; ++i)
    if (in[i] < 1 || in[i] > kMaxSide)
      throw error_at(origin, fmt::format("model.input[{}]", i), "{} {} out of range [1, {}]",
                     in_names[i], in[i], kMaxSide);
  s.in_channels = int(in[0]), s.in_height = int(in[1]), s.in_width = int(in[2]);
  s.classes = int(m.integer("classes", {}, 2, 100000));
  s.timesteps = int(m.integer("timesteps", {}, 1, 64));
  s.dim = int(m.integer("dim", {}, 1, kMaxSide));
  s.blocks = int(m.integer("blocks", {}, 0, 256));
  s.bn_eps = m.number("bn_eps", 1e-5, 0.0, 1.0) + 0.0;  // -0 is 0 (fuzz_model_toml: it printed "-0")

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
    if (c < 1 || c > kMaxSide)
      throw error_at(origin, "tokenizer.channels", "channel count {} out of range [1, {}]", c,
                     kMaxSide);
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
  a.only({"type", "heads", "experts", "expert_dim", "head_keep"});
  s.attention.type = a.string("type");
  if (s.attention.type == "ssa") {
    s.attention.heads = int(a.integer("heads", {}, 1, 4096));
    if (s.dim % s.attention.heads)
      throw error_at(origin, "attention.heads", "model.dim {} is not divisible by {} heads", s.dim,
                     s.attention.heads);
  } else if (s.attention.type == "emsa") {
    s.attention.experts = int(a.integer("experts", {}, 1, 1024));
    s.attention.expert_dim = int(a.integer("expert_dim", {}, 1, kMaxSide));
  } else {
    throw error_at(origin, "attention.type", "unknown '{}' (expected \"ssa\" or \"emsa\")",
                   printable(s.attention.type));
  }
  if (a.has("head_keep")) s.set_head_keep(a.number("head_keep"), origin, "attention.head_keep");

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
                   printable(s.ffn.type));
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
  s.validate_sizes();
  return s;
}

namespace {
// a * b * ... as int64, or kOverflow once the product passes ModelSpec::kMaxElements (a
// partial product below 2^31 times a factor of at most 2^32 cannot overflow int64)
constexpr int64_t kOverflow = -1;
int64_t product(std::initializer_list<int64_t> factors) {
  int64_t p = 1;
  for (int64_t f : factors) {
    p *= f;
    if (p > ModelSpec::kMaxElements) return kOverflow;
  }
  return p;
}
}  // namespace

void ModelSpec::validate_sizes() const {
  const std::string& f = file;
  auto positive = [&](int64_t v, int64_t hi, const char* field) {
    if (v < 1 || v > hi) throw error_at(f, field, "{} out of range [1, {}]", v, hi);
  };
  positive(in_channels, kMaxSide, "model.input[0]");
  positive(in_height, kMaxSide, "model.input[1]");
  positive(in_width, kMaxSide, "model.input[2]");
  positive(timesteps, 64, "model.timesteps");
  positive(dim, kMaxSide, "model.dim");
  positive(classes, 100000, "model.classes");
  if (blocks < 0 || blocks > 256)
    throw error_at(f, "model.blocks", "{} out of range [0, 256]", blocks);
  if (tokenizer.channels.empty() || tokenizer.pool.size() != tokenizer.channels.size())
    throw error_at(f, "tokenizer.channels",
                   "expected one pool entry per stage and at least one stage");
  // what one sample needs: name the field and the product
  auto fits = [&](std::initializer_list<int64_t> factors, const std::string& field,
                  const std::string& what) {
    if (product(factors) == kOverflow)
      throw error_at(f, field, "{} exceeds {} elements (too large for this engine)", what,
                     kMaxElements);
  };
  const int64_t T = timesteps, D = dim;
  fits({in_channels, in_height, in_width}, "model.input", "channels x height x width");
  int64_t h = in_height, w = in_width, cin = in_channels;
  for (size_t i = 0; i < tokenizer.channels.size(); ++i) {
    const int64_t c = tokenizer.channels[i];
    positive(c, kMaxSide, "tokenizer.channels");
    const std::string field = fmt::format("tokenizer.channels[{}]", i);
    fits({T, h, w, c}, field,
         fmt::format("stage {}: timesteps x height x width x channels = {} x {} x {} x {}", i, T, h,
                     w, c));
    fits({9, cin, c}, field, fmt::format("stage {}: 3 x 3 x {} x {} weights", i, cin, c));
    if (tokenizer.pool[i]) h = pooled(int(h)), w = pooled(int(w));
    cin = c;
  }
  const int64_t N = h * w;  // tokens (each side at most kMaxSide, so no overflow)
  fits({T, N, D}, "model.dim", fmt::format("timesteps x tokens x dim = {} x {} x {}", T, N, D));
  fits({9, D, D}, "model.dim", fmt::format("3 x 3 x {} x {} relative-position weights", D, D));
  fits({T, N, N}, "model.input", fmt::format("timesteps x tokens^2 = {} x {}^2 (attention)", T, N));
  if (attention.type == "ssa") {
    positive(attention.heads, 4096, "attention.heads");
  } else {
    positive(attention.experts, 1024, "attention.experts");
    positive(attention.expert_dim, kMaxSide, "attention.expert_dim");
    const int64_t E = attention.experts, de = attention.expert_dim;
    fits({T, N, E, de}, "attention.expert_dim",
         fmt::format("timesteps x tokens x experts x expert_dim = {} x {} x {} x {}", T, N, E, de));
    fits({E, de, D}, "attention.expert_dim",
         fmt::format("experts x expert_dim x dim = {} x {} x {} query weights", E, de, D));
  }
  if (ffn.type == "moe") {
    positive(ffn.experts, 1024, "ffn.experts");
    positive(ffn.expert_hidden, 1 << 20, "ffn.expert_hidden");
    if (ffn.top_k < 1 || ffn.top_k > ffn.experts)
      throw error_at(f, "ffn.top_k", "{} out of range [1, {}]", ffn.top_k, ffn.experts);
    const int64_t E = ffn.experts, Dh = ffn.expert_hidden;
    fits({T, N, Dh}, "ffn.expert_hidden",
         fmt::format("timesteps x tokens x expert_hidden = {} x {} x {}", T, N, Dh));
    fits({E, Dh, D}, "ffn.expert_hidden",
         fmt::format("experts x expert_hidden x dim = {} x {} x {} weights", E, Dh, D));
  } else {
    positive(ffn.hidden, 1 << 20, "ffn.hidden");
    fits({T, N, ffn.hidden}, "ffn.hidden",
         fmt::format("timesteps x tokens x hidden = {} x {} x {}", T, N, ffn.hidden));
    fits({ffn.hidden, D}, "ffn.hidden",
         fmt::format("hidden x dim = {} x {} weights", ffn.hidden, D));
  }
  fits({classes, D}, "model.classes", fmt::format("classes x dim = {} x {} weights", classes, D));
}

int64_t ModelSpec::stored_values() const {
  // Linear-BN: weights, bias, 4 BN vectors per output; Conv-BN: 3 x 3 weights, no bias
  auto linear = [](int64_t out, int64_t in) { return out * in + 5 * out; };
  auto conv = [](int64_t out, int64_t in) { return out * in * 9 + 4 * out; };
  const int64_t D = dim;
  int64_t n = 0, cin = in_channels;
  for (int c : tokenizer.channels) n += conv(c, cin), cin = c;
  if (tokenizer.rpe) n += conv(D, D);
  int64_t block = 0;
  if (attention.type == "ssa") {
    block += 4 * linear(D, D);
  } else {
    const int64_t E = attention.experts, de = attention.expert_dim;
    block += linear(E, D) + E * linear(de, D) + 2 * linear(de, D) + linear(D, de);
  }
  if (ffn.type == "mlp")
    block += linear(ffn.hidden, D) + linear(D, ffn.hidden);
  else if (ffn.type == "emsp")
    block += linear(ffn.hidden, D) + conv(ffn.hidden / 2, 1) + linear(D, ffn.hidden / 2);
  else  // router: plain Linear
    block += (int64_t(ffn.experts) * D + ffn.experts) +
             int64_t(ffn.experts) * (linear(ffn.expert_hidden, D) + linear(D, ffn.expert_hidden));
  return n + blocks * block + int64_t(classes) * D + classes;
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
  // a TOML basic string: a name may hold quotes, backslashes or control characters
  auto str = [](const std::string& v) {
    std::string q = "\"";
    for (const unsigned char c : v) {
      if (c == '"' || c == '\\') q += '\\', q += static_cast<char>(c);
      else if (c < 0x20 || c == 0x7f) q += fmt::format("\\u{:04X}", c);
      else q += static_cast<char>(c);
    }
    return q + "\"";
  };
  std::vector<bool> pool(tokenizer.pool.begin(), tokenizer.pool.end());
  o << "[model]\nname = " << str(name) << "\n";
  if (!weights.empty())
    o << "weights = " << str(std::filesystem::path(weights).filename().string()) << "\n";
  o << "input = [" << in_channels << ", " << in_height << ", " << in_width << "]\n"
    << "classes = " << classes << "\ntimesteps = " << timesteps << "\ndim = " << dim
    << "\nblocks = " << blocks << "\nbn_eps = " << bn_eps << "\n\n[neuron]\ntau = " << neuron.tau
    << "\nthreshold = " << neuron.threshold << "\nattn_threshold = " << neuron.attn_threshold
    << "\nattn_scale = " << neuron.attn_scale << "\n\n[tokenizer]\nchannels = "
    << arr(tokenizer.channels) << "\npool = " << arr(tokenizer.pool)
    << "\nrpe = " << (tokenizer.rpe ? "true" : "false") << "\n\n[attention]\ntype = "
    << str(attention.type) << "\n";
  if (attention.type == "ssa") {
    o << "heads = " << attention.heads << "\n";
    if (attention.pruning()) o << "head_keep = " << fmt::format("{}", attention.head_keep) << "\n";
  }
  else
    o << "experts = " << attention.experts << "\nexpert_dim = " << attention.expert_dim << "\n";
  o << "\n[ffn]\ntype = " << str(ffn.type) << "\n";
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
