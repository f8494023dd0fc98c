// The engine's int mode against the independent scalar reference of int_reference.h: identical
// spikes in every layer, identical MoE routes, identical head scores and label, on random models
// of every attention / ffn kind, several seeds, T in {1, 2, 4} and a few images. Also checks
// that the random models fire at meaningful rates and that saturating bit widths (where every
// clamp of docs/formats.md §4 takes effect) still agree.
//
// The engine picks its kernel set at run time; SPIKESTACK_KERNELS=scalar|avx2|avx512 runs these
// tests against one set.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "common/safetensors.h"
#include "engine/model_spec.h"
#include "engine/network.h"
#include "engine/random_model.h"
#include "engine/spikes.h"
#include "int_reference.h"
#include "test_models.h"

namespace {

using ss::intref::Result;
using ss::intref::Tensor;

ss::SafeTensors weights_for(const ss::ModelSpec& spec, uint64_t seed) {
  return ss::SafeTensors::parse(ss::random_weights(spec, seed).serialize(), "mem");
}

// Everything the engine reports for one image.
struct Capture : ss::Observer {
  std::vector<std::string> order;
  std::map<std::string, Tensor> spikes;
  std::map<std::string, std::vector<int32_t>> routes;
  std::map<std::string, int> route_k;
  void on_layer(const ss::LayerEvent& e) override {
    const ss::SpikeTensor& s = e.spikes;
    Tensor t(s.T(), s.tokens(), s.channels());
    for (int i = 0; i < s.T(); ++i)
      for (int n = 0; n < s.tokens(); ++n)
        for (int c = 0; c < s.channels(); ++c) t.at(i, n, c) = s.get(i, n, c) ? 1 : 0;
    order.push_back(e.name);
    spikes[e.name] = std::move(t);
  }
  void on_route(const std::string& block, const std::vector<int32_t>& experts, int k) override {
    routes[block] = experts;
    route_k[block] = k;
  }
  std::map<std::string, std::vector<uint8_t>> heads;
  void on_heads(const std::string& part, const std::vector<uint8_t>& ran) override {
    heads[part] = ran;
  }
};

::testing::AssertionResult same_tensor(const std::string& name, const Tensor& ref,
                                       const Tensor& eng) {
  if (ref.T != eng.T || ref.N != eng.N || ref.C != eng.C)
    return ::testing::AssertionFailure()
           << name << ": shape [" << eng.T << ", " << eng.N << ", " << eng.C << "], reference ["
           << ref.T << ", " << ref.N << ", " << ref.C << "]";
  int64_t diff = 0;
  std::string first;
  for (int t = 0; t < ref.T; ++t)
    for (int n = 0; n < ref.N; ++n)
      for (int c = 0; c < ref.C; ++c)
        if (ref.at(t, n, c) != eng.at(t, n, c) && diff++ == 0)
          first = "(t " + std::to_string(t) + ", token " + std::to_string(n) + ", channel " +
                  std::to_string(c) + "): engine " + std::to_string(eng.at(t, n, c)) +
                  ", reference " + std::to_string(ref.at(t, n, c));
  if (diff)
    return ::testing::AssertionFailure() << name << ": " << diff << " of " << ref.v.size()
                                         << " spikes differ, first at " << first;
  return ::testing::AssertionSuccess();
}

// Layer by layer in execution order; the first differing layer is the informative one.
::testing::AssertionResult agree(const Result& ref, const Capture& eng, const ss::Prediction& p,
                                 int top_k) {
  for (const auto& name : ref.order) {
    auto it = eng.spikes.find(name);
    if (it == eng.spikes.end())
      return ::testing::AssertionFailure() << "engine did not report layer " << name;
    if (auto r = same_tensor(name, ref.spikes.at(name), it->second); !r) return r;
  }
  if (eng.order != ref.order) {
    std::string e, r;
    for (auto& n : eng.order) e += n + " ";
    for (auto& n : ref.order) r += n + " ";
    return ::testing::AssertionFailure() << "layer order: engine " << e << "\nreference " << r;
  }
  if (eng.routes.size() != ref.routes.size())
    return ::testing::AssertionFailure()
           << "engine routed " << eng.routes.size() << " blocks, reference " << ref.routes.size();
  for (const auto& [block, route] : ref.routes) {
    auto it = eng.routes.find(block);
    if (it == eng.routes.end()) return ::testing::AssertionFailure() << "no route for " << block;
    if (eng.route_k.at(block) != top_k)
      return ::testing::AssertionFailure() << block << ": route k " << eng.route_k.at(block);
    for (size_t i = 0; i < route.size(); ++i)
      if (it->second.size() != route.size() || it->second[i] != route[i])
        return ::testing::AssertionFailure()
               << block << ": route of token " << i / top_k << " rank " << i % top_k
               << " is expert " << it->second[i] << ", reference " << route[i];
  }
  if (eng.heads != ref.heads)
    return ::testing::AssertionFailure() << "heads that ran: engine reported " << eng.heads.size()
                                         << " pruned parts, reference " << ref.heads.size()
                                         << " (or a different choice)";
  if (p.scores.size() != ref.scores.size())
    return ::testing::AssertionFailure() << "engine has " << p.scores.size() << " scores";
  for (size_t c = 0; c < ref.scores.size(); ++c)
    if (p.scores[c] != double(ref.scores[c]) / double(1 << 24))
      return ::testing::AssertionFailure()
             << "score of class " << c << ": engine " << p.scores[c] << ", reference "
             << double(ref.scores[c]) / double(1 << 24) << " (" << ref.scores[c] << " * 2^-24)";
  if (p.label != ref.label)
    return ::testing::AssertionFailure()
           << "label: engine " << p.label << ", reference " << ref.label;
  return ::testing::AssertionSuccess();
}

// Random pixels, all zero, all 255, and a sparse image (mostly zero, like MNIST digits).
std::vector<std::vector<uint8_t>> images(const ss::ModelSpec& spec, uint64_t seed) {
  const size_t n = size_t(spec.in_channels) * spec.in_height * spec.in_width;
  std::mt19937_64 rng(seed * 7919 + 17);
  std::uniform_int_distribution<int> px(0, 255);
  std::bernoulli_distribution on(0.3);
  std::vector<uint8_t> rnd(n), sparse(n, 0);
  for (auto& v : rnd) v = uint8_t(px(rng));
  for (auto& v : sparse)
    if (on(rng)) v = uint8_t(px(rng));
  return {rnd, std::vector<uint8_t>(n, 0), std::vector<uint8_t>(n, 255), sparse};
}

// Per layer (block index dropped): spikes and neurons seen, over all runs.
struct Rates {
  std::map<std::string, std::pair<int64_t, int64_t>> by_kind;
  int64_t spikes = 0, total = 0;
  void add(const Result& r) {
    for (const auto& name : r.order) {
      const Tensor& s = r.spikes.at(name);
      int64_t k = 0;
      for (int32_t v : s.v) k += v;
      std::string kind = name;
      if (kind.rfind("blocks.", 0) == 0) kind = kind.substr(kind.find('.', 7) + 1);
      by_kind[kind].first += k;
      by_kind[kind].second += int64_t(s.v.size());
      spikes += k;
      total += int64_t(s.v.size());
    }
  }
  double mean() const { return total ? double(spikes) / double(total) : 0.0; }
  void print(const std::string& what) const {
    std::printf("[ rates    ] %s: mean %.3f |", what.c_str(), mean());
    for (const auto& [k, v] : by_kind)
      std::printf(" %s %.3f", k.c_str(), v.second ? double(v.first) / double(v.second) : 0.0);
    std::printf("\n");
  }
};

// Runs engine and reference on every image; returns the number of runs.
int check_model(const ss::ModelSpec& spec, uint64_t seed, Rates& rates, ss::intref::SatCounts* sat,
                int64_t* div_sensitive = nullptr) {
  SCOPED_TRACE("model attn=" + spec.attention.type + " ffn=" + spec.ffn.type +
               " T=" + std::to_string(spec.timesteps) + " seed=" + std::to_string(seed) + " grid " +
               std::to_string(spec.grid_height()) + "x" + std::to_string(spec.grid_width()));
  const ss::SafeTensors w = weights_for(spec, seed);
  const ss::Network net(spec, w, ss::Mode::Int);
  const ss::intref::Reference ref(spec, w);
  if (div_sensitive) *div_sensitive += ref.division_sensitive_weights();
  int runs = 0;
  const auto imgs = images(spec, seed);
  for (size_t i = 0; i < imgs.size(); ++i) {
    SCOPED_TRACE("image " + std::to_string(i) + " (random, zero, 255, sparse)");
    Capture cap;
    const ss::Prediction p = net.run(imgs[i].data(), &cap);
    const Result r = ref.run(imgs[i].data());
    EXPECT_TRUE(agree(r, cap, p, spec.ffn.top_k));
    EXPECT_EQ(net.layer_names(), r.order);
    EXPECT_LT(r.max_residual, 255) << "residual stream would saturate in the engine's bytes";
    rates.add(r);
    if (sat) {
      sat->bias += r.sat.bias, sat->threshold += r.sat.threshold, sat->acc += r.sat.acc;
      sat->current += r.sat.current, sat->attn += r.sat.attn, sat->mem += r.sat.mem;
    }
    ++runs;
  }
  return runs;
}

struct Kind {
  const char* attn;
  const char* ffn;
};

void PrintTo(const Kind& k, std::ostream* os) { *os << k.attn << "+" << k.ffn; }

class IntModeReference : public ::testing::TestWithParam<Kind> {};

TEST_P(IntModeReference, EngineMatchesReferenceBitForBit) {
  const Kind k = GetParam();
  Rates rates;
  ss::intref::SatCounts sat;
  int64_t div_sensitive = 0;
  int runs = 0;
  for (int T : {1, 2, 4})
    for (uint64_t seed : {1u, 2u, 3u}) {
      // 12x12 -> 3x3 = 9 tokens (attention computes Q K^T first), 17x17 -> 5x5 = 25 tokens
      // (K^T V first); dim 72 spans two 64-bit words.
      const int hw = seed == 2 ? 17 : 12;
      ss::ModelSpec spec = ss::test::small_spec(k.attn, k.ffn, T, 72, hw);
      runs += check_model(spec, seed * 100 + T, rates, &sat, &div_sensitive);
      if (HasFailure()) return;
    }
  rates.print(std::string(k.attn) + "+" + k.ffn + " (" + std::to_string(runs) + " runs)");
  std::printf(
      "[ sat      ] acc %lld current %lld mem %lld (default widths); weights where "
      "float32 vs double division rounds differently: %lld\n",
      (long long)sat.acc, (long long)sat.current, (long long)sat.mem, (long long)div_sensitive);
  // meaningful: neither silent nor saturated on average, and every layer kind fires sometimes
  EXPECT_GT(rates.mean(), 0.05);
  EXPECT_LT(rates.mean(), 0.95);
  for (const auto& [kind, v] : rates.by_kind) {
    EXPECT_GT(v.first, 0) << kind << " never fired";
    EXPECT_LT(v.first, v.second) << kind << " always fired";
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, IntModeReference,
                         ::testing::Values(Kind{"ssa", "mlp"}, Kind{"ssa", "emsp"},
                                           Kind{"ssa", "moe"}, Kind{"emsa", "mlp"},
                                           Kind{"emsa", "emsp"}, Kind{"emsa", "moe"}),
                         [](const ::testing::TestParamInfo<Kind>& i) {
                           return std::string(i.param.attn) + "_" + i.param.ffn;
                         });

// Several input channels, a non-square image and grid, pools on some stages only, three
// stages, with and without RPE, 1 or 3 blocks, non-default neuron and quant parameters.
ss::ModelSpec custom_spec(const std::string& attn, const std::string& ffn, bool rpe, int blocks,
                          int T) {
  std::string a = attn == "ssa" ? "type = \"ssa\"\nheads = 3\n"
                                : "type = \"emsa\"\nexperts = 2\nexpert_dim = 70\n";
  std::string f = ffn == "mlp"    ? "type = \"mlp\"\nhidden = 130\n"
                  : ffn == "emsp" ? "type = \"emsp\"\nhidden = 134\n"
                                  : "type = \"moe\"\nexperts = 5\ntop_k = 3\nexpert_hidden = 66\n";
  std::string text =
      "[model]\nname = \"c\"\ninput = [3, 11, 14]\nclasses = 7\ntimesteps = " + std::to_string(T) +
      "\ndim = 66\nblocks = " + std::to_string(blocks) +
      "\nbn_eps = 1e-3\n[neuron]\ntau = 1.5\nthreshold = 0.8\nattn_threshold = 0.7\n"
      "attn_scale = 0.25\n[tokenizer]\nchannels = [5, 9, 66]\npool = [true, false, true]\nrpe = " +
      (rpe ? "true" : "false") + "\n[attention]\n" + a + "[ffn]\n" + f +
      "[quant]\nweight_bits = 5\nacc_bits = 14\nmem_bits = 20\nmem_frac_bits = 6\n";
  return ss::ModelSpec::parse(text, "custom.toml");
}

TEST(IntModeReferenceCustom, MultiChannelNonSquareNoRpeDeepMatches) {
  Rates rates;
  int runs = 0;
  for (const char* attn : {"ssa", "emsa"})
    for (const char* ffn : {"mlp", "emsp", "moe"})
      for (bool rpe : {true, false}) {
        const int blocks = rpe ? 1 : 3, T = rpe ? 3 : 2;
        runs += check_model(custom_spec(attn, ffn, rpe, blocks, T), rpe ? 11 : 12, rates, nullptr);
        if (HasFailure()) return;
      }
  rates.print("custom shapes (" + std::to_string(runs) + " runs)");
  EXPECT_GT(rates.mean(), 0.02);
  EXPECT_LT(rates.mean(), 0.98);
}

// Hand-edited weights: exact ties in the MoE router (all experts, and two identical experts),
// in the head (two identical classes on top), and all-zero weight rows (scale 1) in a pixel
// conv, a spike conv and a linear layer.
TEST(IntModeReferenceDegenerate, TiesAndZeroRowsMatch) {
  for (const char* attn : {"ssa", "emsa"}) {
    const ss::ModelSpec spec = ss::test::small_spec(attn, "moe", 2, 72, 12);
    SCOPED_TRACE(attn);
    ss::SafeTensorsWriter wr = ss::random_weights(spec, 77);
    const int D = spec.dim, E = spec.ffn.experts, C = spec.classes;
    // block 0: zero router, equal biases -> every token ties on every expert
    wr.add_f32("blocks.0.ffn.router.weight", {E, D}, std::vector<float>(size_t(E) * D, 0.f));
    wr.add_f32("blocks.0.ffn.router.bias", {E}, std::vector<float>(E, 0.25f));
    // block 1: experts 1 and 3 identical rows and biases; the others far below
    std::vector<float> rw(size_t(E) * D), rb(E, -100.f);
    std::mt19937_64 rng(5);
    std::normal_distribution<float> nd(0.f, 0.2f);
    for (int i = 0; i < D; ++i) rw[size_t(1) * D + i] = rw[size_t(3) * D + i] = nd(rng);
    rb[1] = rb[3] = 0.5f;
    wr.add_f32("blocks.1.ffn.router.weight", {E, D}, rw);
    wr.add_f32("blocks.1.ffn.router.bias", {E}, rb);
    // head: classes 2 and 7 identical and far above the rest
    std::vector<float> hw(size_t(C) * D, 0.f), hb(C, -50.f);
    for (int i = 0; i < D; ++i) hw[size_t(2) * D + i] = hw[size_t(7) * D + i] = 0.01f * (i % 5);
    hb[2] = hb[7] = 3.f;
    wr.add_f32("head.weight", {C, D}, hw);
    wr.add_f32("head.bias", {C}, hb);
    // zero rows: pixel conv channel 3, second conv channel 10, fc1 of expert 0 row 7
    auto zero_row = [&](const std::string& name, std::vector<int64_t> shape, int row) {
      const ss::SafeTensors cur = ss::SafeTensors::parse(wr.serialize(), "mem");
      std::vector<float> v = cur.floats(name, shape);
      size_t per = 1;
      for (size_t d = 1; d < shape.size(); ++d) per *= size_t(shape[d]);
      std::fill_n(v.begin() + row * per, per, 0.f);
      wr.add_f32(name, shape, v);
    };
    zero_row("sps.conv0.weight", {8, 1, 3, 3}, 3);
    zero_row("sps.conv1.weight", {D, 8, 3, 3}, 10);
    zero_row("blocks.0.ffn.experts.0.fc1.weight", {spec.ffn.expert_hidden, D}, 7);

    const ss::SafeTensors w = ss::SafeTensors::parse(wr.serialize(), "mem");
    const ss::Network net(spec, w, ss::Mode::Int);
    const ss::intref::Reference ref(spec, w);
    for (const auto& img : images(spec, 3)) {
      Capture cap;
      const ss::Prediction p = net.run(img.data(), &cap);
      const Result r = ref.run(img.data());
      // the reference itself follows the tie rules
      for (int n = 0; n < spec.tokens(); ++n) {
        EXPECT_EQ(r.routes.at("blocks.0")[size_t(n) * 2], 0);
        EXPECT_EQ(r.routes.at("blocks.0")[size_t(n) * 2 + 1], 1);
        EXPECT_EQ(r.routes.at("blocks.1")[size_t(n) * 2], 1);
        EXPECT_EQ(r.routes.at("blocks.1")[size_t(n) * 2 + 1], 3);
      }
      EXPECT_EQ(r.scores[2], r.scores[7]);
      EXPECT_EQ(r.label, 2);
      EXPECT_TRUE(agree(r, cap, p, spec.ffn.top_k));
    }
  }
}

// Quantisation divides in float32 (q = round(float(W' / s)) with s = float(max|W'|) /
// float(q_max)), which the doc does not say: head row 0 gets weights whose float32 and double
// quotients round to different integers, so the exact head scores tell the two apart.
TEST(IntModeReferenceDegenerate, QuantisationDividesInFloat32) {
  const ss::ModelSpec spec = ss::test::small_spec("ssa", "mlp", 2, 72, 12);
  const float s = 1.0f / 127.0f;  // the scale of a row whose largest magnitude is 1
  float sensitive = 0.f;
  for (int k = 1; k < 126 && sensitive == 0.f; ++k) {
    float w = float((k + 0.5) * double(s));
    for (int i = 0; i < 8; ++i) w = std::nextafter(w, 0.f);
    for (int i = 0; i < 16 && sensitive == 0.f; ++i, w = std::nextafter(w, 2.f))
      if (std::llround(w / s) != std::llround(double(w) / double(s))) sensitive = w;
  }
  ASSERT_NE(sensitive, 0.f) << "no float32/double-sensitive weight found";
  ss::SafeTensorsWriter wr = ss::random_weights(spec, 5);
  const ss::SafeTensors base = ss::SafeTensors::parse(wr.serialize(), "mem");
  std::vector<float> hw = base.floats("head.weight", {spec.classes, spec.dim});
  hw[0] = 1.f;
  for (int i = 1; i < spec.dim; ++i) hw[i] = sensitive;
  wr.add_f32("head.weight", {spec.classes, spec.dim}, hw);
  const ss::SafeTensors w = ss::SafeTensors::parse(wr.serialize(), "mem");
  const ss::Network net(spec, w, ss::Mode::Int);
  const ss::intref::Reference ref(spec, w);
  EXPECT_GE(ref.division_sensitive_weights(), spec.dim - 1);
  for (const auto& img : images(spec, 9)) {
    Capture cap;
    const ss::Prediction p = net.run(img.data(), &cap);
    EXPECT_TRUE(agree(ref.run(img.data()), cap, p, spec.ffn.top_k));
  }
}

// Narrow accumulators and membranes, a huge attention scale: every clamp of §4 takes effect.
TEST(IntModeSaturation, SaturatingWidthsMatch) {
  struct Q {
    int wbits, acc, mem, frac;
  };
  ss::intref::SatCounts sat;
  Rates rates;
  int runs = 0;
  for (Q q : {Q{8, 8, 10, 8}, Q{3, 10, 12, 4}, Q{6, 9, 16, 0}})
    for (const char* attn : {"ssa", "emsa"})
      for (const char* ffn : {"mlp", "emsp", "moe"})
        for (int T : {2, 4}) {
          ss::ModelSpec spec = ss::test::small_spec(attn, ffn, T, 72, T == 2 ? 12 : 17);
          spec.quant.weight_bits = q.wbits, spec.quant.acc_bits = q.acc;
          spec.quant.mem_bits = q.mem, spec.quant.mem_frac_bits = q.frac;
          spec.neuron.attn_scale = 40.0;
          spec.neuron.tau = 3.0;
          runs += check_model(spec, 40 + T, rates, &sat);
          if (HasFailure()) return;
        }
  rates.print("saturating widths (" + std::to_string(runs) + " runs)");
  std::printf("[ sat      ] bias %lld threshold %lld acc %lld current %lld attn %lld mem %lld\n",
              (long long)sat.bias, (long long)sat.threshold, (long long)sat.acc,
              (long long)sat.current, (long long)sat.attn, (long long)sat.mem);
  EXPECT_GT(sat.bias, 0);
  EXPECT_GT(sat.threshold, 0);
  EXPECT_GT(sat.acc, 0);
  EXPECT_GT(sat.current, 0);
  EXPECT_GT(sat.attn, 0);
  EXPECT_GT(sat.mem, 0);
}

}  // namespace

// Dynamic head pruning (formats.md §3): for keep ratios giving 1..H-1 of 4 heads (and 3 of 3
// in the custom model with 0.9), the engine's spikes, choices and scores equal the
// reference's, which picks the heads its own way. Pruning must also change something: the
// pruned heads' K, V and attention channels are silent, and some image prunes a head that
// fires in the unpruned run.
TEST(IntModeHeadPruning, EngineMatchesReferenceBitForBit) {
  Rates rates;
  int runs = 0, changed = 0;
  for (double keep : {0.25, 0.5, 0.7, 0.75})
    for (int T : {1, 4})
      for (uint64_t seed : {1u, 2u}) {
        const int hw = seed == 2 ? 17 : 12;  // Q K^T first, then K^T V first
        ss::ModelSpec spec = ss::test::small_spec("ssa", T == 4 ? "moe" : "mlp", T, 72, hw);
        spec.set_head_keep(keep, "test", "attention.head_keep");
        runs += check_model(spec, seed * 100 + T, rates, nullptr);
        if (HasFailure()) return;
        // the pruned network differs from the unpruned one on some image
        ss::ModelSpec full = spec;
        full.attention.head_keep = 1.0;
        const ss::SafeTensors w = weights_for(spec, seed * 100 + T);
        const ss::intref::Reference rp(spec, w), rf(full, w);
        for (const auto& img : images(spec, seed * 100 + T)) {
          const Result a = rp.run(img.data()), b = rf.run(img.data());
          const int H = spec.attention.heads;
          int ran = 0;
          for (uint8_t r : a.heads.at("blocks.0.attn")) ran += r;
          EXPECT_EQ(ran, std::max(1, int(std::ceil(keep * H - 1e-9))));
          if (!same_tensor("k", a.spikes.at("blocks.0.attn.k"), b.spikes.at("blocks.0.attn.k")))
            ++changed;
        }
      }
  EXPECT_GT(changed, 0) << "pruning never removed a firing head";
  std::printf("[ pruning  ] %d runs, %d images where pruning silenced firing K channels\n", runs,
              changed);
}

TEST(IntModeHeadPruning, CustomModelMatches) {
  Rates rates;
  for (double keep : {0.34, 0.9}) {  // 2 and 3 of 3 heads
    ss::ModelSpec spec = custom_spec("ssa", "moe", true, 3, 3);
    spec.set_head_keep(keep, "test", "attention.head_keep");
    check_model(spec, 77, rates, nullptr);
  }
}
