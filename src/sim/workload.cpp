#include "sim/workload.h"

#include <algorithm>
#include <bit>

#include "common/error.h"
#include "common/files.h"

namespace ss::sim {

const char* unit_name(Unit u) {
  switch (u) {
    case Unit::se_cores: return "se_cores";
    case Unit::attention_cores: return "attention_cores";
    case Unit::router: return "router";
  }
  return "?";
}

double LayerDesc::weight_bits(int wbits) const {
  if (kind == Kind::attention) return 0;
  if (kind == Kind::router) return double(cin) * experts * wbits;
  if (kind == Kind::dwconv) return 9.0 * cout * wbits;
  return double(cin) * cout * wbits;
}

namespace {
int width_of(int max_value) { return std::max(1, int(std::bit_width(unsigned(std::min(max_value, 255))))); }
}  // namespace

Workload build_workload(const ModelSpec& m) {
  m.validate_sizes();  // every size product below fits an int (a spec built in code, too)
  Workload w;
  w.model = m.name;
  w.T = m.timesteps;
  w.tokens = m.tokens();
  w.dim = m.dim;
  const int T = m.timesteps, D = m.dim, N = m.tokens();
  auto add = [&](LayerDesc d) {
    d.T = T;
    w.layers.push_back(std::move(d));
  };
  // tokenizer
  int h = m.in_height, wd = m.in_width, cin = m.in_channels;
  std::string prev;
  for (size_t i = 0; i < m.tokenizer.channels.size(); ++i) {
    LayerDesc d;
    d.name = "sps.conv" + std::to_string(i);
    d.kind = i == 0 ? Kind::pixel_conv : Kind::linear;
    d.tokens = h * wd, d.grid_h = h, d.grid_w = wd;
    d.channels_in = cin, d.cin = 9 * cin, d.cout = m.tokenizer.channels[i];
    d.in_bits = i == 0 ? 8 : 1;
    d.inputs = {i == 0 ? "image" : prev};
    add(d);
    prev = d.name;
    cin = d.cout;
    if (m.tokenizer.pool[i]) h = pooled(h), wd = pooled(wd);
  }
  int res_max = 1;  // residual stream bound: tokenizer spikes (0/1), + rpe
  if (m.tokenizer.rpe) {
    LayerDesc d;
    d.name = "sps.rpe";
    d.tokens = h * wd, d.grid_h = h, d.grid_w = wd;
    d.channels_in = D, d.cin = 9 * D, d.cout = D;
    d.to_residual = true, d.out_bits = width_of(2);
    d.inputs = {prev};
    add(d);
    res_max = 2;
  }
  int group = 0;
  for (int b = 0; b < m.blocks; ++b) {
    const std::string p = "blocks." + std::to_string(b);
    auto lin = [&](std::string name, int ci, int co, int in_bits, std::vector<std::string> in) {
      LayerDesc d;
      d.name = std::move(name);
      d.tokens = N, d.cin = ci, d.cout = co, d.in_bits = in_bits, d.block = b;
      d.inputs = std::move(in);
      d.in_terms = in_bits > 1 || d.inputs[0].find(':') != std::string::npos ? res_max : 1;
      return d;
    };
    const int xb = width_of(res_max);
    const std::string xin = p + ".attn:x";  // the block's input residual stream
    if (m.attention.type == "ssa") {
      const int H = m.attention.heads;
      for (const char* q : {"q", "k", "v"}) {
        LayerDesc d = lin(p + ".attn." + q, D, D, xb, {xin});
        d.heads = H, d.dh = D / H, d.head_channels = std::string(q) != "q";
        add(d);
      }
      LayerDesc a;
      a.name = p + ".attn.attn", a.kind = Kind::attention, a.unit = Unit::attention_cores;
      a.tokens = N, a.cin = D / H, a.cout = D, a.heads = H, a.dh = D / H, a.block = b;
      a.inputs = {p + ".attn.q", p + ".attn.k", p + ".attn.v"};
      add(a);
      LayerDesc pr = lin(p + ".attn.proj", D, D, 1, {p + ".attn.attn"});
      pr.to_residual = true, pr.out_bits = width_of(res_max + 1);
      add(pr);
    } else {  // emsa
      const int E = m.attention.experts, de = m.attention.expert_dim;
      add(lin(p + ".attn.router", D, E, xb, {xin}));
      add(lin(p + ".attn.k", D, de, xb, {xin}));
      add(lin(p + ".attn.v", D, de, xb, {xin}));
      const int gq = group++, go = group++;
      for (int i = 0; i < E; ++i) {
        LayerDesc q = lin(p + ".attn.q" + std::to_string(i), D, de, xb, {xin});
        q.expert = i, q.group = gq, q.gate = i;
        q.inputs.push_back(p + ".attn.router");
        add(q);
        LayerDesc o;
        o.name = p + ".attn.o" + std::to_string(i), o.kind = Kind::attention;
        o.unit = Unit::attention_cores, o.tokens = N, o.cin = de, o.cout = de, o.heads = 1;
        o.dh = de, o.block = b, o.expert = i, o.group = go, o.gate = i;
        o.inputs = {q.name, p + ".attn.k", p + ".attn.v", p + ".attn.router"};
        add(o);
      }
      LayerDesc pr = lin(p + ".attn.proj", de, D, width_of(E), {p + ".attn:y"});
      pr.in_terms = E, pr.in_terms_rate_sq = true;
      pr.to_residual = true, pr.out_bits = width_of(res_max + 1);
      add(pr);
    }
    res_max += 1;
    const int fb = width_of(res_max);
    const std::string fin = p + ".ffn:x";
    if (m.ffn.type == "mlp") {
      add(lin(p + ".ffn.fc1", D, m.ffn.hidden, fb, {fin}));
      LayerDesc f2 = lin(p + ".ffn.fc2", m.ffn.hidden, D, 1, {p + ".ffn.fc1"});
      f2.to_residual = true, f2.out_bits = width_of(res_max + 1);
      add(f2);
      res_max += 1;
    } else if (m.ffn.type == "emsp") {
      const int C = m.ffn.hidden / 2;
      add(lin(p + ".ffn.fc1", D, m.ffn.hidden, fb, {fin}));
      LayerDesc g;
      g.name = p + ".ffn.gate", g.kind = Kind::dwconv, g.tokens = N, g.cin = 9, g.cout = C;
      g.channels_in = C, g.grid_h = m.grid_height(), g.grid_w = m.grid_width(), g.block = b;
      g.inputs = {p + ".ffn.fc1"};
      add(g);
      LayerDesc f2 = lin(p + ".ffn.fc2", C, D, 1, {p + ".ffn.gate", p + ".ffn.fc1"});
      f2.in_terms_rate_sq = true;
      f2.to_residual = true, f2.out_bits = width_of(res_max + 1);
      add(f2);
      res_max += 1;
    } else {  // moe
      const int E = m.ffn.experts, K = m.ffn.top_k, Dh = m.ffn.expert_hidden;
      LayerDesc r;
      r.name = p + ".ffn.router", r.kind = Kind::router, r.unit = Unit::router;
      r.tokens = N, r.cin = D, r.cout = E, r.in_bits = fb, r.experts = E, r.top_k = K;
      r.block = b, r.inputs = {fin}, r.in_terms = res_max;
      add(r);
      const int g = group++;
      for (int e = 0; e < E; ++e) {
        const std::string n = p + ".ffn.experts." + std::to_string(e);
        LayerDesc f1 = lin(n + ".fc1", D, Dh, fb, {fin});
        f1.expert = e, f1.group = g, f1.routed = true, f1.experts = E, f1.top_k = K;
        add(f1);
        LayerDesc f2 = lin(n + ".fc2", Dh, D, 1, {n + ".fc1"});
        f2.expert = e, f2.group = g, f2.routed = true, f2.experts = E, f2.top_k = K;
        f2.to_residual = true, f2.out_bits = width_of(res_max + K);
        add(f2);
      }
      res_max += K;
    }
  }
  {  // classification head on the final residual stream (not an engine spiking layer)
    LayerDesc h;
    h.name = "head", h.kind = Kind::head, h.tokens = N, h.cin = D, h.cout = m.classes;
    h.in_bits = width_of(res_max), h.in_terms = res_max, h.inputs = {"head:x"};
    add(h);
  }
  // Every layer carries its description, statistics, costs and named activity counters:
  // about 10 KiB per layer (measured: the largest model the file format allows, 256 blocks x
  // 1024 experts = 524,804 layers, peaked at 5.4 GB in one analytical sample). Refused up front
  // when that cannot fit, rather than std::bad_alloc minutes later.
  constexpr uint64_t kBytesPerLayer = 10 << 10;
  const uint64_t need = uint64_t(w.layers.size()) * kBytesPerLayer, mem = physical_memory_bytes();
  if (mem && need > mem)
    throw error_at(m.file, "model.blocks",
                   "{} blocks make {} simulated layers, which need about {} of memory, more "
                   "than the {} available",
                   m.blocks, w.layers.size(), gib(need), gib(mem));
  return w;
}

}  // namespace ss::sim
