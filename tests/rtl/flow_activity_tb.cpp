// The open flow's attention_core, router_topk, se_array and se_tile points
// (scripts/flow/sweep.py) on a shipped model's real spikes, at the parameters the sweep
// synthesizes: the switching activity of every RTL net, named as the flow names the flattened
// nets, for `scripts/flow/flow.py --activity` (scripts/flow/spikes.py prices the stored layouts
// with them; docs/flow.md, "Power with real spike activity"). se_unit_tb.cpp does the same for
// the se_unit and se_tile_x2 points; both write their files with flow_toggles.h.
//
// Workload: moe-fmnist on Fashion-MNIST test image 0 in the engine's int mode, walked by the
// cycle simulator (configs/arch/small.toml, the tile at the point's size), which hands its
// attention layer (Q, K, V), its router (the input planes) and blocks.0.attn.proj (compiled by
// rtl::se_ops) to this testbench.
// - attention_core_NxN: the core inside hw/attention_unit.v (the tile stream that feeds it in
//   the accelerator: tiles loaded at small.toml's 16 spike bits per cycle, silent channels
//   skipped), in sim::attention_tiles' order; the toggles are the core's (scope u_core). Check:
//   every A.V sum the core puts out equals an independent count of the tile's Q AND K (clipped
//   at 2^8 - 1) times V, channel by channel.
// - router_topk_e2 (E = 2, K = 1, narrowed to ACC_W = 12, MUL_W = 8, SCORE_W = 20): the router
//   layer's input events for experts 0 and 1 (their real weights and bit planes), one update per
//   cycle as small.toml's one router lane; the experts' multipliers and biases scaled by one
//   common factor into 8-bit multipliers (their ratio kept). Check: every choice equals a C++
//   model of the narrowed arithmetic (12-bit accumulators wrap, exact 20-bit product, bias in
//   20 bits, ties to the lower index).
// - se_array_NxN, se_tile_NxN: the projection's passes (up to 16 tokens, one bit plane each),
//   the testbench as pass controller (below); the first 20 000 cycles. Check: every column sum
//   and tag the array puts out equals the tile's weights times the spikes, in order.
// All: the clock toggles 2 per cycle, no bit more than once per cycle.
#include <gtest/gtest.h>
#include <verilated.h>
#include <verilated_vcd_c.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "Vattention_unit_2x2.h"
#include "Vattention_unit_4x4.h"
#include "Vrouter_topk_e2.h"
#include "Vse_array_2x2.h"
#include "Vse_array_3x3.h"
#include "Vse_array_4x4.h"
#include "Vse_array_5x5.h"
#include "Vse_tile_2x2.h"
#include "Vse_tile_2x2_m3.h"
#include "Vse_tile_3x3.h"
#include "arch/arch_spec.h"
#include "common/files.h"
#include "flow_toggles.h"
#include "model_fixture.h"
#include "rtl/layer_quant.h"
#include "rtl/se_program.h"
#include "rtl_bits.h"
#include "sim/schedule.h"
#include "sim/simulate.h"

namespace {

using namespace ss;
using rtl::get_u;
using rtl::put;
using rtl::set_bit;
using rtl_test::check_or_write_toggles;
using rtl_test::macro_inside;
using rtl_test::NotNets;
using rtl_test::src;
using rtl_test::toggle_file;

// A traced model: reset with registers at zero (no artefact toggles), then every cycle dumped.
template <class M>
struct Traced {
  std::unique_ptr<M> m;
  std::unique_ptr<VerilatedVcdC> tr;
  std::string vcd;
  int64_t cycles = 0;
  explicit Traced(const std::string& name) {
    Verilated::randReset(0);
    m = std::make_unique<M>();
    m->clk_i = 0;
    m->rst_ni = 0;
    for (int i = 0; i < 4; ++i) rtl::tick(*m);
    m->rst_ni = 1;
    vcd = std::string(SS_BINARY_DIR) + "/" + name + ".vcd";
    Verilated::traceEverOn(true);
    tr = std::make_unique<VerilatedVcdC>();
    m->trace(tr.get(), 99);
    tr->open(vcd.c_str());
  }
  // the falling edge (inputs of this cycle settle), then the rising edge
  void fall() {
    m->clk_i = 0;
    m->eval();
    tr->dump(uint64_t(2 * cycles));
  }
  void rise() {
    m->clk_i = 1;
    m->eval();
    tr->dump(uint64_t(2 * cycles + 1));
    ++cycles;
  }
};

// ---------------------------------------------------------------------------------------------
// attention_core

template <std::size_t N>
void zero(VlWide<N>& w) {
  for (std::size_t i = 0; i < N; ++i) w[i] = 0;
}

constexpr int kAttnLanes = 2, kScoreBits = 8, kNi = 64, kSbw = 16;  // the unit as verilated

struct AttnLayer {
  std::string name;
  SpikeTensor q, k, v;
  std::vector<int> rows, heads;
  int dh = 0, T = 0, tokens = 0;
};

// moe-fmnist's first attention layer on image 0, and the arch with an n x n attention tile.
struct AttnGrab : sim::WeightLayerObserver {
  std::vector<AttnLayer> layers;
  void on_weight_layer(const sim::LayerDesc&, const Planes&, const std::vector<int>&, int, int,
                       const sim::LayerCost&) override {}
  void on_attention_layer(const sim::LayerDesc& d, const SpikeTensor& q, const SpikeTensor& k,
                          const SpikeTensor& v, const std::vector<int>& rows,
                          const std::vector<int>& heads, const sim::LayerCost&) override {
    layers.push_back({d.name, q, k, v, rows, heads, d.dh, d.T, d.tokens});
  }
};

template <class V>
void attention_activity(int n, const std::string& name) {
  const arch::Arch a = arch::load_arch(
      src("configs/arch/small.toml"),
      {"attention_cores.rows=" + std::to_string(n), "attention_cores.cols=" + std::to_string(n)});
  ASSERT_EQ(a.attention_order, "qk_first");
  ASSERT_EQ(a.attention.time_lanes, kAttnLanes);
  ASSERT_EQ(a.score_bits, kScoreBits);
  rtl_test::ModelFixture f("models/moe-fmnist.toml", a, 1);
  AttnGrab g;
  sim::simulate_sample(f.workload, f.sample(0).spikes, f.ctx, &g);
  ASSERT_FALSE(g.layers.empty());
  const AttnLayer& L = g.layers.front();
  ASSERT_LE(L.dh, kNi);
  const int R = n, C = n, outw = kScoreBits + int(std::ceil(std::log2(double(C + 1))));
  const int smax = (1 << kScoreBits) - 1;
  Traced<V> t(name);
  auto& u = *t.m;
  // A.V results: (channel, ROWS x LANES sums) in the order they leave; expected ones alike
  std::vector<std::vector<int64_t>> got, want;
  auto step = [&] {
    t.fall();
    t.rise();
    if (u.av_valid_o) {
      std::vector<int64_t> rec{int64_t(u.av_ch_o)};
      for (int i = 0; i < R * kAttnLanes; ++i)
        rec.push_back(int64_t(get_u(u.av_sum_o, i * outw, outw)));
      got.push_back(rec);
    }
  };
  int64_t tiles = 0, qk_channels = 0;
  const std::vector<sim::AttentionTile> tl = sim::attention_tiles(int(L.rows.size()), L.tokens, a);
  for (int h : L.heads)
    for (int t0 = 0; t0 < L.T; t0 += kAttnLanes) {
      const int nl = std::min(kAttnLanes, L.T - t0);
      for (const sim::AttentionTile& tile : tl) {
        zero(u.tile_a1_i), zero(u.tile_a2_i), zero(u.tile_b_i);
        auto qb = [&](int c, int r, int l) {
          return L.q.get(t0 + l, L.rows[size_t(tile.r0 + r)], h * L.dh + c);
        };
        auto kb = [&](int c, int m, int l) { return L.k.get(t0 + l, tile.m0 + m, h * L.dh + c); };
        auto vb = [&](int c, int m, int l) { return L.v.get(t0 + l, tile.m0 + m, h * L.dh + c); };
        for (int c = 0; c < L.dh; ++c) {
          for (int r = 0; r < tile.nr; ++r)
            for (int l = 0; l < nl; ++l)
              set_bit(u.tile_a1_i, (c * R + r) * kAttnLanes + l, qb(c, r, l));
          for (int m = 0; m < tile.nm; ++m)
            for (int l = 0; l < nl; ++l) {
              set_bit(u.tile_a2_i, (c * C + m) * kAttnLanes + l, kb(c, m, l));
              set_bit(u.tile_b_i, (c * C + m) * kAttnLanes + l, vb(c, m, l));
            }
        }
        // the independent count: map[r][m][l] = min(2^8 - 1, sum_c Q AND K); then per V channel
        // with a spike, sum_m map x V
        std::vector<int64_t> map(size_t(R * C * kAttnLanes), 0);
        for (int r = 0; r < tile.nr; ++r)
          for (int m = 0; m < tile.nm; ++m)
            for (int l = 0; l < nl; ++l) {
              int64_t s = 0;
              for (int c = 0; c < L.dh; ++c) s += qb(c, r, l) && kb(c, m, l);
              map[size_t((r * C + m) * kAttnLanes + l)] = std::min<int64_t>(s, smax);
            }
        for (int c = 0; c < L.dh; ++c) {
          bool anyq = false, anyk = false, anyv = false;
          for (int r = 0; r < tile.nr; ++r)
            for (int l = 0; l < nl; ++l) anyq |= qb(c, r, l);
          for (int m = 0; m < tile.nm; ++m)
            for (int l = 0; l < nl; ++l) anyk |= kb(c, m, l), anyv |= vb(c, m, l);
          qk_channels += anyq && anyk;
          if (!anyv) continue;
          std::vector<int64_t> rec{c};
          for (int r = 0; r < R; ++r)
            for (int l = 0; l < kAttnLanes; ++l) {
              int64_t s = 0;
              for (int m = 0; m < tile.nm; ++m)
                if (l < nl && vb(c, m, l)) s += map[size_t((r * C + m) * kAttnLanes + l)];
              rec.push_back(s);
            }
          want.push_back(rec);
        }
        u.tile_bits_i = uint32_t((tile.nr + 2 * tile.nm) * L.dh * nl);
        u.tile_valid_i = 1;
        for (;;) {  // offered until the unit takes it
          u.clk_i = 0;
          u.eval();
          const bool take = u.tile_ready_o;
          step();
          if (take) break;
        }
        u.tile_valid_i = 0;
        ++tiles;
      }
    }
  for (int guard = 0; guard < 100000; ++guard) {
    u.clk_i = 0;
    u.eval();
    if (u.idle_o) break;
    step();
  }
  ASSERT_TRUE(u.idle_o);
  t.tr->close();
  ASSERT_EQ(got.size(), want.size()) << name;
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << name << " A.V result " << i;
  double mean = 0;
  const nlohmann::json nets = toggle_file(t.vcd, "TOP.attention_unit.u_core", t.cycles, mean,
                                          NotNets({"hw/attention_core.v"}));
  const nlohmann::json out = {
      {"source", "tests/rtl/flow_activity_tb.cpp FlowActivity.AttentionCore" + std::to_string(n) +
                     "x" + std::to_string(n)},
      {"design", "hw/attention_core.v ROWS=" + std::to_string(n) + " COLS=" + std::to_string(n) +
                     " LANES=2 SCORE_BITS=8 (flow point " + name +
                     "), inside hw/attention_unit.v (NI=64 SBW=16); nets of u_core"},
      {"workload", "moe-fmnist " + L.name +
                       ", Fashion-MNIST test image 0, int mode: every head and time chunk, map "
                       "tiles in sim::attention_tiles order (small.toml with a " +
                       std::to_string(n) + " x " + std::to_string(n) + " attention tile)"},
      {"cycles", t.cycles},
      {"tiles", tiles},
      {"qk_channels", qk_channels},
      {"av_channels", int64_t(got.size())},
      {"unit", "toggles per clock cycle"},
      {"mean", mean},
      {"nets", nets}};
  check_or_write_toggles(name + "_activity.json", out.dump(1) + "\n");
}

TEST(FlowActivity, AttentionCore2x2) {
  attention_activity<Vattention_unit_2x2>(2, "attention_core_2x2");
}
TEST(FlowActivity, AttentionCore4x4) {
  attention_activity<Vattention_unit_4x4>(4, "attention_core_4x4");
}

// ---------------------------------------------------------------------------------------------
// router_topk_e2

// the sweep's router_topk_e2: E = 2, K = 1, one lane, W_W = 8, PLANE_W = 3, ACC_W = 12,
// MUL_W = 8, SCORE_W = 20
constexpr int kRE = 2, kAccW = 12, kMulW = 8, kScoreW = 20, kWW = 8, kPlaneW = 3;

int64_t wrap(int64_t v, int w) { return int64_t(uint64_t(v) << (64 - w)) >> (64 - w); }

struct RouterGrab : sim::WeightLayerObserver {
  const rtl_test::ModelFixture* f = nullptr;
  std::string name;
  Planes in;
  rtl::LayerQuant q;
  std::vector<int32_t> route;  // the engine's choices (top 2 of 4 per token)
  int T = 0, tokens = 0, cin = 0, experts = 0, top_k = 0;
  const sim::SampleSpikes* s = nullptr;
  void on_weight_layer(const sim::LayerDesc&, const Planes&, const std::vector<int>&, int, int,
                       const sim::LayerCost&) override {}
  void on_router_layer(const sim::LayerDesc& d, const Planes& p, const sim::LayerCost&) override {
    if (!name.empty()) return;
    name = d.name, in = p, T = d.T, tokens = d.tokens, cin = d.cin;
    experts = d.experts, top_k = d.top_k;
    q = rtl::quantize_layer(f->spec, f->weights, d);
    route = s->routes.at("blocks." + std::to_string(d.block));
  }
};

TEST(FlowActivity, RouterTopkE2) {
  const std::string name = "router_topk_e2";
  const arch::Arch a = arch::load_arch(src("configs/arch/small.toml"), {});
  ASSERT_EQ(a.router.lanes, 1);
  rtl_test::ModelFixture f("models/moe-fmnist.toml", a, 1);
  const auto smp = f.sample(0);
  RouterGrab g;
  g.f = &f, g.s = &smp.spikes;
  sim::simulate_sample(f.workload, smp.spikes, f.ctx, &g);
  ASSERT_FALSE(g.name.empty());
  ASSERT_GE(g.experts, kRE);
  ASSERT_LE(int(g.in.p.size()), 1 << kPlaneW);
  // experts 0 and 1: multipliers and biases scaled by one factor into MUL_W bits
  const int64_t mmax = std::max(std::llabs(g.q.mul[0]), std::llabs(g.q.mul[1]));
  ASSERT_GT(mmax, 0);
  const double scale = double((1 << (kMulW - 1)) - 1) / double(mmax);
  int64_t mul[kRE], bias[kRE];
  for (int e = 0; e < kRE; ++e) {
    mul[e] = std::llround(double(g.q.mul[size_t(e)]) * scale);
    bias[e] = std::llround(double(g.q.score_bias[size_t(e)]) * scale);
    ASSERT_LT(std::llabs(bias[e]), int64_t(1) << (kScoreW - 1)) << "bias does not fit SCORE_W";
  }
  Traced<Vrouter_topk_e2> t(name);
  auto& r = *t.m;
  for (int e = 0; e < kRE; ++e) {
    put(r.cfg_mul_i, e * kMulW, kMulW, mul[e]);
    put(r.cfg_bias_i, e * kScoreW, kScoreW, bias[e]);
  }
  int64_t updates = 0, wrapped = 0, agree = 0;
  std::vector<int> got, want;
  auto cycle = [&] {
    t.fall();
    t.rise();
    if (r.topk_valid_o) got.push_back(int(r.topk_idx_o & 1));
  };
  for (int n = 0; n < g.tokens; ++n) {
    struct Upd {
      int e, w, b;
    };
    std::vector<Upd> ups;
    int64_t exact[kRE] = {0, 0};
    for (int tt = 0; tt < g.T; ++tt)
      for (int i = 0; i < g.cin; ++i)
        for (int b = 0; b < int(g.in.p.size()); ++b)
          if (g.in.p[size_t(b)].get(tt, n, i))
            for (int e = 0; e < kRE; ++e) {
              ups.push_back({e, g.q.w(i, e), b});
              exact[e] += int64_t(g.q.w(i, e)) * (int64_t(1) << b);
            }
    updates += int64_t(ups.size());
    // the narrowed arithmetic: acc wraps at ACC_W, exact product, + bias in SCORE_W
    int64_t score[kRE];
    for (int e = 0; e < kRE; ++e) {
      const int64_t acc = wrap(exact[e], kAccW);
      wrapped += acc != exact[e];
      score[e] = wrap(acc * mul[e] + bias[e], kScoreW);
    }
    const int choice = score[1] > score[0] ? 1 : 0;
    want.push_back(choice);
    // the engine's first choice among experts 0 and 1 (for the record, not asserted: the
    // narrowed widths are the sweep's, not the model's)
    {
      int eng = -1;
      for (int j = 0; j < g.top_k && eng < 0; ++j) {
        const int c = g.route[size_t(n) * g.top_k + j];
        if (c < kRE) eng = c;
      }
      agree += eng == choice;
    }
    size_t k = 0;
    do {  // one update per cycle (1 lane), token_done with the last (alone if none)
      r.upd_valid_i = k < ups.size();
      if (k < ups.size()) {
        r.upd_expert_i = uint8_t(ups[k].e);
        r.upd_weight_i = uint8_t(ups[k].w);
        r.upd_plane_i = uint8_t(ups[k].b);
        ++k;
      }
      r.token_done_i = k == ups.size();
      ASSERT_TRUE(r.ready_o);
      cycle();
    } while (k < ups.size());
    r.upd_valid_i = 0, r.token_done_i = 0;
    const size_t before = got.size();
    for (int w = 0; got.size() == before && w < 100; ++w) cycle();
    ASSERT_EQ(got.size(), before + 1) << "token " << n << ": no choice";
  }
  t.tr->close();
  ASSERT_EQ(got, want);
  double mean = 0;
  const nlohmann::json nets =
      toggle_file(t.vcd, "TOP.router_topk", t.cycles, mean, NotNets({"hw/router_topk.v"}));
  std::printf(
      "%s: %d tokens, %lld updates, %lld cycles; accumulators wrapped in %lld of %d; "
      "choice = the engine's first among experts 0-1 in %lld tokens\n",
      name.c_str(), g.tokens, (long long)updates, (long long)t.cycles, (long long)wrapped,
      kRE * g.tokens, (long long)agree);
  const nlohmann::json out = {
      {"source", "tests/rtl/flow_activity_tb.cpp FlowActivity.RouterTopkE2"},
      {"design",
       "hw/router_topk.v E=2 K=1 LANES=1 ACC_W=12 MUL_W=8 SCORE_W=20 (flow point " + name + ")"},
      {"workload", "moe-fmnist " + g.name +
                       " input events, Fashion-MNIST test image 0, int mode: per token one update "
                       "per input event and expert 0 / 1 (their weights and bit planes), one a "
                       "cycle; multipliers and biases of experts 0 and 1 scaled by 127 / max |mul| "
                       "into 8 bits"},
      {"mul", {mul[0], mul[1]}},
      {"bias", {bias[0], bias[1]}},
      {"tokens", g.tokens},
      {"updates", updates},
      {"accumulators_wrapped", wrapped},
      {"cycles", t.cycles},
      {"unit", "toggles per clock cycle"},
      {"mean", mean},
      {"nets", nets}};
  check_or_write_toggles(name + "_activity.json", out.dump(1) + "\n");
}

// ---------------------------------------------------------------------------------------------
// se_array_NxN and se_tile_NxN

// the sweep's se_array / se_tile: hw/se_array.v's defaults (small.toml's widths)
constexpr int kSeLanes = 2, kPsumBits = 16, kMetaBits = 8;
constexpr int64_t kSeCycles = 20000;  // the trace's length (the layer's first passes)

// moe-fmnist's blocks.0.attn.proj on image 0 compiled for one N x N SE core (small.toml:
// 16 accumulator entries, so up to 16 tokens per pass, one bit plane each).
struct SeLayer {
  std::vector<rtl::SeOp> ops;
  int tokb = 0;  // bits of one token's plane in op.x
};

SeLayer compile_se(int n) {
  const arch::Arch a =
      arch::load_arch(src("configs/arch/small.toml"),
                      {"se_cores.rows=" + std::to_string(n), "se_cores.cols=" + std::to_string(n)});
  rtl_test::ModelFixture f("models/moe-fmnist.toml", a, 1);
  struct Grab : sim::WeightLayerObserver {
    const rtl_test::ModelFixture* f = nullptr;
    SeLayer out;
    void on_weight_layer(const sim::LayerDesc& d, const Planes& in, const std::vector<int>& toks,
                         int kept, int, const sim::LayerCost&) override {
      if (d.name != "blocks.0.attn.proj") return;
      const rtl::LayerQuant q = rtl::quantize_layer(f->spec, f->weights, d);
      const auto p = rtl::se_core_params(f->arch, f->spec);
      out.tokb = p.tok_bits();
      out.ops = rtl::se_ops(d, sim::weight_schedule(d, int(toks.size()), kept, f->arch), in, toks,
                            q, p, 0);
    }
  } g;
  g.f = &f;
  sim::simulate_sample(f.workload, f.sample(0).spikes, f.ctx, &g);
  return g.out;
}

// The tag a plane carries through the array (se_core's in spirit: marker, bank, token):
// bit 7 the pass's last plane, bit 6 its weight bank, bits 5-0 the token within the pass.
uint64_t se_meta(int j, int nt, int bank) {
  return (uint64_t(j == nt - 1) << 7) | (uint64_t(bank) << 6) | uint64_t(j & 63);
}

// What the array's columns put out, and what they must: per column the (lane sums, tag) of
// every plane in order.
struct SeCheck {
  int rows, cols;
  std::vector<std::vector<int64_t>> want, got;  // [col] lane 0, lane 1, tag, ...
  SeCheck(int r, int c) : rows(r), cols(c), want(size_t(c)), got(size_t(c)) {}
  // plane j of pass `op` entering with tag `meta`
  void expect(const rtl::SeOp& op, int tokb, int j, uint64_t meta) {
    for (int c = 0; c < cols; ++c) {
      for (int l = 0; l < kSeLanes; ++l) {
        int64_t ps = 0;
        for (int r = 0; r < rows; ++r)
          if (l < op.pass.nl && op.x[size_t(j * tokb + r * kSeLanes + l)])
            ps += op.w[size_t(r * cols + c)];
        want[size_t(c)].push_back(wrap(ps, kPsumBits));
      }
      want[size_t(c)].push_back(int64_t(meta));
    }
  }
  template <class M>
  void collect(const M& m) {
    for (int c = 0; c < cols; ++c)
      if ((m.out_valid_o >> c) & 1) {
        for (int l = 0; l < kSeLanes; ++l)
          got[size_t(c)].push_back(
              rtl::get_s(m.out_psum_o, (c * kSeLanes + l) * kPsumBits, kPsumBits));
        got[size_t(c)].push_back(int64_t(get_u(m.out_meta_o, c * kMetaBits, kMetaBits)));
      }
  }
  // the planes that left the array (every column checked)
  int64_t check(const std::string& name) {
    for (int c = 0; c < cols; ++c)
      EXPECT_EQ(got[size_t(c)], want[size_t(c)]) << name << " column " << c;
    return int64_t(got[0].size()) / (kSeLanes + 1);
  }
};

// The planes of a plane-by-plane bit vector: plane j of op, row r, lane l (0 past its lanes).
template <class T>
void put_plane(T& port, int lsb, const rtl::SeOp& op, int tokb, int rows, int j) {
  for (int r = 0; r < rows; ++r)
    for (int l = 0; l < kSeLanes; ++l)
      set_bit(port, lsb + r * kSeLanes + l,
              l < op.pass.nl && op.x[size_t(j * tokb + r * kSeLanes + l)]);
}

nlohmann::json se_record(const std::string& name, const std::string& design,
                         const std::string& drive, int64_t cycles, int64_t passes,
                         int64_t layer_passes, int64_t planes, double mean,
                         const nlohmann::json& nets) {
  return {{"source", "tests/rtl/flow_activity_tb.cpp FlowActivity (" + name + ")"},
          {"design", design + " (flow point " + name + ")"},
          {"workload",
           "moe-fmnist blocks.0.attn.proj, Fashion-MNIST test image 0, int mode, "
           "compiled for one " +
               name.substr(name.size() - 3) +
               " SE core (small.toml: 16 tokens per pass, one bit plane each); " + drive},
          {"cycles", cycles},
          {"passes", passes},
          {"layer_passes", layer_passes},
          {"planes", planes},
          {"unit", "toggles per clock cycle"},
          {"mean", mean},
          {"nets", nets}};
}

// se_array alone: the testbench is se_core's pass controller. A pass's weight tile is written
// into its bank (alternating per pass) the cycle before its planes enter, one plane a cycle; the
// next pass starts max(its planes, ROWS + COLS - 1) cycles later (its bank's previous tile has
// then left the last PE).
template <class V>
void array_activity(int n, const std::string& name) {
  const SeLayer L = compile_se(n);
  ASSERT_FALSE(L.ops.empty());
  const int R = n, C = n;
  Traced<V> t(name);
  auto& m = *t.m;
  SeCheck chk(R, C);
  m.dw_i = 0;
  int64_t passes = 0, cyc = 0;
  int64_t start = 1;  // cycle the next pass's planes start
  size_t next = 0;
  const rtl::SeOp* cur = nullptr;  // the pass whose planes enter
  int64_t cur_start = 0;
  int cur_bank = 0;
  int64_t end = -1;
  while (end < 0 || cyc < end) {
    m.wr_en_i = 0;
    m.in_valid_i = 0;
    if (next < L.ops.size() && cyc == start - 1 && start + L.ops[next].pass.nt <= kSeCycles) {
      const auto& op = L.ops[next];
      EXPECT_EQ(op.planes, 1);
      m.wr_en_i = 1;
      m.wr_bank_i = uint8_t(next & 1);
      for (int k = 0; k < R * C; ++k) put(m.wr_tile_i, k * 8, 8, op.w[size_t(k)]);
      cur = &op, cur_start = start, cur_bank = int(next & 1);
      start += std::max<int64_t>(op.pass.nt, R + C - 1);
      ++next, ++passes;
    } else if (end < 0 && cyc >= start - 1) {
      end = start + R + C + 2;  // the last pass's planes drain
    }
    if (cur && cyc >= cur_start && cyc < cur_start + cur->pass.nt) {
      const int j = int(cyc - cur_start);
      m.in_valid_i = 1;
      m.in_bank_i = uint8_t(cur_bank);
      m.in_x_i = 0;
      put_plane(m.in_x_i, 0, *cur, L.tokb, R, j);
      const uint64_t meta = se_meta(j, cur->pass.nt, cur_bank);
      m.in_meta_i = uint8_t(meta);
      chk.expect(*cur, L.tokb, j, meta);
    }
    t.fall();
    t.rise();
    chk.collect(m);
    ++cyc;
  }
  t.tr->close();
  const int64_t planes = chk.check(name);
  EXPECT_GT(planes, 1000);
  double mean = 0;
  const nlohmann::json nets =
      toggle_file(t.vcd, "TOP.se_array", t.cycles, mean, NotNets({"hw/se_array.v", "hw/se_pe.v"}));
  const nlohmann::json out = se_record(
      name,
      "hw/se_array.v ROWS=" + std::to_string(n) + " COLS=" + std::to_string(n) +
          " LANES=2 WEIGHT_BITS=8 PSUM_BITS=16 META_BITS=8 DW=0",
      "per pass its weight tile written into the idle bank the cycle before its planes enter, "
      "one plane a cycle, the next pass max(planes, rows + cols - 1) cycles later; tag: last "
      "plane, bank, token",
      t.cycles, passes, int64_t(L.ops.size()), planes, mean, nets);
  check_or_write_toggles(name + "_activity.json", out.dump(1) + "\n");
}

TEST(FlowActivity, SeArray2x2) { array_activity<Vse_array_2x2>(2, "se_array_2x2"); }
TEST(FlowActivity, SeArray3x3) { array_activity<Vse_array_3x3>(3, "se_array_3x3"); }
TEST(FlowActivity, SeArray4x4) { array_activity<Vse_array_4x4>(4, "se_array_4x4"); }
TEST(FlowActivity, SeArray5x5) { array_activity<Vse_array_5x5>(5, "se_array_5x5"); }

// se_tile (scripts/flow/designs/se_tile.v: the array fed by its weight buffer, WB_BANKS banks of
// 128 words in all, one tile per aligned read, and a 16-word spike buffer, one plane a word,
// registers or a macro). Its buffers have one port each, so per output tile (a round) the
// testbench writes the round's distinct weight tiles into the weight buffer, then per pass
// writes its planes into the spike buffer (one a cycle; the pass's tile is read into the
// array's idle bank in the first of those cycles) and reads them into the array (one a cycle).
// A tile is read into a bank only ROWS + COLS cycles after that bank's last plane left the
// spike buffer.
template <class V>
void tile_activity(int n, int wb_banks, bool sb_macro, const std::string& name) {
  const SeLayer L = compile_se(n);
  ASSERT_FALSE(L.ops.empty());
  const int R = n, C = n, kWbDepth = 128, kSbDepth = 16;
  Traced<V> t(name);
  auto& m = *t.m;
  SeCheck chk(R, C);
  int64_t passes = 0, cyc = 0;
  bool stop = false;
  auto step = [&] {
    t.fall();
    t.rise();
    chk.collect(m);
    ++cyc;
    m.wb_en_i = 0, m.wb_we_i = 0, m.sb_en_i = 0, m.sb_we_i = 0;
  };
  int64_t last_read[2] = {-100, -100};  // cycle of each bank's last plane read
  size_t i = 0;
  while (i < L.ops.size() && !stop) {
    // a round: the ops of one output tile (every chunk and input tile)
    size_t e = i + 1;
    while (e < L.ops.size() && L.ops[e].pass.out_tile == L.ops[i].pass.out_tile &&
           L.ops[e].pass.tc == L.ops[i].pass.tc)
      ++e;
    std::map<int, int> slot;  // input tile -> weight-buffer slot
    for (size_t k = i; k < e; ++k) {
      const auto& op = L.ops[k];
      if (slot.count(op.pass.in_tile)) continue;
      const int s2 = int(slot.size());
      ASSERT_LT(s2 * wb_banks, kWbDepth);
      slot[op.pass.in_tile] = s2;
      m.wb_en_i = 1, m.wb_we_i = 1, m.wb_addr_i = uint8_t(s2 * wb_banks);
      for (int w = 0; w < R * C; ++w) put(m.wb_wdata_i, w * 8, 8, op.w[size_t(w)]);
      step();
    }
    for (size_t k = i; k < e; ++k) {
      const auto& op = L.ops[k];
      const int bank = int(passes & 1), nt = op.pass.nt;
      ASSERT_LE(nt, kSbDepth);
      EXPECT_EQ(op.planes, 1);
      if (cyc + 2 * nt + R + C + 4 > kSeCycles) {
        stop = true;
        break;
      }
      while (cyc < last_read[bank] + R + C) step();
      for (int j = 0; j < nt; ++j) {  // the planes into the spike buffer
        m.sb_en_i = 1, m.sb_we_i = 1, m.sb_addr_i = uint8_t(j);
        m.sb_wdata_i = 0;
        put_plane(m.sb_wdata_i, 0, op, L.tokb, R, j);
        if (j == 0) {  // the pass's tile into the array's idle bank
          m.wb_en_i = 1, m.wb_we_i = 0;
          m.wb_addr_i = uint8_t(slot.at(op.pass.in_tile) * wb_banks);
          m.wb_bank_i = uint8_t(bank);
        }
        step();
      }
      for (int j = 0; j < nt; ++j) {  // and out, into the array
        m.sb_en_i = 1, m.sb_we_i = 0, m.sb_addr_i = uint8_t(j);
        m.sb_bank_i = uint8_t(bank);
        const uint64_t meta = se_meta(j, nt, bank);
        m.sb_meta_i = uint8_t(meta);
        chk.expect(op, L.tokb, j, meta);
        last_read[bank] = cyc;
        step();
      }
      ++passes;
    }
    i = e;
  }
  for (int k = 0; k < R + C + 4; ++k) step();  // the last planes drain
  t.tr->close();
  const int64_t planes = chk.check(name);
  EXPECT_GT(planes, 1000);
  double mean = 0;
  const nlohmann::json nets =
      toggle_file(t.vcd, "TOP.se_tile", t.cycles, mean,
                  NotNets({"scripts/flow/designs/se_tile.v", "hw/se_array.v", "hw/se_pe.v",
                           "hw/glb.v", "hw/sram_bank.v"}),
                  macro_inside);
  const std::string design =
      "scripts/flow/designs/se_tile.v ROWS=" + std::to_string(n) + " COLS=" + std::to_string(n) +
      " WB_BANKS=" + std::to_string(wb_banks) + " SB_MACRO=" + std::to_string(sb_macro) +
      " SB_DEPTH=16 (buffers behavioural: the flow's macros; their memory arrays left out)";
  const nlohmann::json out = se_record(
      name, design,
      "per output tile its distinct weight tiles written into the weight buffer, then per pass "
      "its planes written into the spike buffer (the tile read into the idle bank meanwhile) "
      "and read into the array, one a cycle; tag: last plane, bank, token",
      t.cycles, passes, int64_t(L.ops.size()), planes, mean, nets);
  check_or_write_toggles(name + "_activity.json", out.dump(1) + "\n");
}

TEST(FlowActivity, SeTile2x2) { tile_activity<Vse_tile_2x2>(2, 1, false, "se_tile_2x2"); }
TEST(FlowActivity, SeTile2x2M3) { tile_activity<Vse_tile_2x2_m3>(2, 2, true, "se_tile_2x2_m3"); }
TEST(FlowActivity, SeTile3x3) { tile_activity<Vse_tile_3x3>(3, 1, false, "se_tile_3x3"); }

}  // namespace
