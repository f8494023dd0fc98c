#include "engine/random_model.h"

#include <cmath>
#include <random>
#include <string>

namespace ss {

namespace {
struct Gen {
  std::mt19937_64 rng;
  SafeTensorsWriter w;
  std::vector<float> normal(size_t n, double sd) {
    std::normal_distribution<double> d(0.0, sd);
    std::vector<float> v(n);
    for (auto& x : v) x = float(d(rng));
    return v;
  }
  std::vector<float> uniform(size_t n, double lo, double hi) {
    std::uniform_real_distribution<double> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = float(d(rng));
    return v;
  }
  // Linear/Conv + BN; fan_in = inputs per output. BN maps the pre-activation to roughly
  // N(beta, gamma) with beta near the LIF's two-step firing point.
  void unit(const std::string& p, int out, std::vector<int64_t> wshape, int fan_in, bool bias) {
    auto W = normal(size_t(out) * fan_in, 1.0 / std::sqrt(double(fan_in)));
    w.add_f32(p + ".weight", wshape, W);
    if (bias) w.add_f32(p + ".bias", {out}, normal(out, 0.1));
    w.add_f32(p + ".bn.weight", {out}, uniform(out, 0.6, 1.4));
    w.add_f32(p + ".bn.bias", {out}, uniform(out, 0.6, 1.8));
    w.add_f32(p + ".bn.running_mean", {out}, normal(out, 0.05));
    w.add_f32(p + ".bn.running_var", {out}, uniform(out, 0.1, 0.4));
  }
  void linear(const std::string& p, int out, int in) { unit(p, out, {out, in}, in, false); }
  void conv(const std::string& p, int out, int in) { unit(p, out, {out, in, 3, 3}, in * 9, false); }
};
}  // namespace

SafeTensorsWriter random_weights(const ModelSpec& s, uint64_t seed) {
  Gen g{std::mt19937_64(seed), {}};
  int cin = s.in_channels;
  for (size_t i = 0; i < s.tokenizer.channels.size(); ++i) {
    g.conv("sps.conv" + std::to_string(i), s.tokenizer.channels[i], cin);
    cin = s.tokenizer.channels[i];
  }
  if (s.tokenizer.rpe) g.conv("sps.rpe", s.dim, s.dim);
  const int D = s.dim;
  for (int b = 0; b < s.blocks; ++b) {
    std::string a = "blocks." + std::to_string(b) + ".attn", f = "blocks." + std::to_string(b) + ".ffn";
    if (s.attention.type == "ssa") {
      for (auto n : {".q", ".k", ".v"}) g.linear(a + n, D, D);
      g.linear(a + ".proj", D, D);
    } else {
      const int E = s.attention.experts, de = s.attention.expert_dim;
      g.linear(a + ".router", E, D);
      for (int i = 0; i < E; ++i) g.linear(a + ".q" + std::to_string(i), de, D);
      g.linear(a + ".k", de, D);
      g.linear(a + ".v", de, D);
      g.linear(a + ".proj", D, de);
    }
    if (s.ffn.type == "mlp") {
      g.linear(f + ".fc1", s.ffn.hidden, D);
      g.linear(f + ".fc2", D, s.ffn.hidden);
    } else if (s.ffn.type == "emsp") {
      const int h = s.ffn.hidden / 2;
      g.linear(f + ".fc1", s.ffn.hidden, D);
      g.unit(f + ".gate", h, {h, 1, 3, 3}, 9, false);
      g.linear(f + ".fc2", D, h);
    } else {
      const int E = s.ffn.experts;
      g.w.add_f32(f + ".router.weight", {E, D}, g.normal(size_t(E) * D, 1.0 / std::sqrt(double(D))));
      g.w.add_f32(f + ".router.bias", {E}, g.normal(E, 0.1));
      for (int e = 0; e < E; ++e) {
        std::string x = f + ".experts." + std::to_string(e);
        g.linear(x + ".fc1", s.ffn.expert_hidden, D);
        g.linear(x + ".fc2", D, s.ffn.expert_hidden);
      }
    }
  }
  g.w.add_f32("head.weight", {s.classes, D}, g.normal(size_t(s.classes) * D, 1.0 / std::sqrt(double(D))));
  g.w.add_f32("head.bias", {s.classes}, g.normal(s.classes, 0.1));
  g.w.set_metadata("origin", "random_weights seed " + std::to_string(seed));
  return g.w;
}

}  // namespace ss
