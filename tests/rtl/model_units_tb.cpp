// The attention core, the routed-MoE router and the SEMM merges on the shipped models' real
// spikes: the first 16 Fashion-MNIST test images through the engine's int mode, each sample
// walked by the cycle simulator on configs/arch/small.toml, which hands every attention layer
// (Q, K, V, the query rows and heads it computed), router (its input) and merge input to this
// testbench. Asserted per layer and image:
// - attention (hw/attention_core.v, tiled as sim::attention_cycle tiles it, then the int-mode
//   attention LIF in hw/spike_gen.v): every output spike equal to the engine's; the channels
//   the core ran equal the simulator's cycles_busy, the LIF steps its membrane_updates and the
//   spikes its spikes_fired;
// - router (hw/router_topk.v): the chosen experts of every token equal the engine's routing;
//   score updates equal the simulator's score_ops; cycles = the simulator's router_busy plus
//   one per all-zero token (docs/rtl_blocks.md);
// - merges (hw/gate_merge.v): EMSA Y and EMSP G AND B of every token and step equal the input
//   the simulator rebuilt for the projection / fc2 (which the SE-core replay runs).
#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "Vattention_core.h"
#include "Vattention_unit.h"
#include "Vgate_merge.h"
#include "Vhead_rank.h"
#include "Vrouter_topk.h"
#include "Vspike_gen.h"
#include "arch/arch_spec.h"
#include "common/safetensors.h"
#include "data/dataset.h"
#include "engine/network.h"
#include "engine/synapse.h"
#include "rtl/layer_quant.h"
#include "rtl/rtl_bits.h"
#include "rtl/se_program.h"
#include "sim/cycle.h"
#include "sim/cycle_model.h"
#include "sim/sample.h"
#include "sim/schedule.h"
#include "sim/simulate.h"
#include "sim/workload.h"
#include "model_fixture.h"

namespace {

using namespace ss;
using rtl::get_s;
using rtl::get_u;
using rtl::put;
using rtl::set_bit;

using rtl_test::src;

// The verilated parameters (tests/rtl/CMakeLists.txt): small.toml's attention core (4 x 4,
// 2 lanes, 8-bit map entries), a 4-lane LIF with 24-bit membranes, the router of moe-fmnist
// (4 experts, top 2) with small.toml's 1 lane, the merges of semm-fmnist (4 experts, 24 channels).
constexpr int kR = 4, kC = 4, kL = 2, kScore = 8, kOutW = kScore + 3;  // clog2(kC + 1) = 3
// the attention unit: head channels of a tile (SEMM's experts have dh 24) and the spike bits
// per cycle reaching it (small.toml's spike buffer: 16-bit words, 1 bank, under the 64-bit bus)
constexpr int kNi = 64, kSbw = 16;
constexpr int kSg = 4, kMemW = 24;
constexpr int kE = 4, kK = 2, kEIdxW = 2, kRouterWW = 8, kPlaneW = 3;
constexpr int kMergeE = 4, kMergeCh = 24, kYW = 3;
// head pruning's ranking (hw/head_rank.v): the shipped pruned models' 4 heads, 1 router lane
constexpr int kHeads = 4;

template <std::size_t N>
void zero(VlWide<N>& w) {
  for (std::size_t i = 0; i < N; ++i) w[i] = 0;
}

template <class M>
std::unique_ptr<M> make_reset() {
  Verilated::randReset(2);
  Verilated::randSeed(1);
  auto m = std::make_unique<M>();
  m->rst_ni = 0;
  rtl::tick(*m);
  m->rst_ni = 1;
  return m;
}

struct Totals {
  int64_t attn_layers = 0, attn_spikes = 0, attn_busy = 0, attn_sim_cycles = 0;
  int64_t attn_stream_rtl = 0, attn_stream_sim = 0;
  std::map<int64_t, int> attn_extra;  // RTL - simulator tile-stream cycles -> layers
  int64_t routed_tokens = 0, router_cycles = 0, zero_tokens = 0;
  int64_t merge_vectors = 0;
  int64_t ranked_layers = 0, rank_cycles = 0, rank_qspikes = 0, heads_run = 0, heads_total = 0;
};

class Units : public sim::WeightLayerObserver {
 public:
  Units(const ModelSpec& m, const SafeTensors& w, const sim::SampleSpikes& s, const arch::Arch& a,
        Totals& tot)
      : m_(m), w_(w), s_(s), a_(a), tot_(tot) {}

  // Merges: the projection (EMSA Y) and fc2 (EMSP G AND B) inputs, as the SE core consumes them.
  void on_weight_layer(const sim::LayerDesc& d, const Planes& in, const std::vector<int>&, int, int,
                       const sim::LayerCost&) override {
    if (!d.inputs.empty() && d.inputs[0].ends_with(":y")) emsa(d, in);
    if (d.inputs.size() == 2 && d.inputs[1].ends_with(".ffn.fc1")) emsp(d, in);
  }

  void on_attention_layer(const sim::LayerDesc& d, const SpikeTensor& q, const SpikeTensor& k,
                          const SpikeTensor& v, const std::vector<int>& rows,
                          const std::vector<int>& heads, const sim::LayerCost& cost) override {
    // Dynamic head pruning (a model with attention.head_keep < 1): hw/head_rank.v counts the
    // layer's Q spikes per head, one per cycle (small.toml's router lane), in (t, token,
    // channel) order, and picks the heads that run; the unit streams only those.
    std::vector<int> run_heads = heads;
    if (d.expert < 0 && s_.heads.count("blocks." + std::to_string(d.block) + ".attn")) {
      ASSERT_EQ(d.heads, kHeads) << d.name;
      auto rk = make_reset<Vhead_rank>();
      const int keep = m_.attention.heads_kept();
      rk->cfg_keep_i = keep;
      int64_t rcyc = 0, qspikes = 0;
      std::vector<int> spk;
      for (int t = 0; t < q.T(); ++t)
        for (int n = 0; n < q.tokens(); ++n)
          for (int c = 0; c < q.channels(); ++c)
            if (q.get(t, n, c)) spk.push_back(c / d.dh);
      qspikes = int64_t(spk.size());
      size_t i = 0;
      do {
        rk->upd_valid_i = i < spk.size();
        rk->upd_head_i = i < spk.size() ? spk[i++] : 0;
        rk->done_i = i == spk.size();
        rtl::tick(*rk), ++rcyc;
      } while (i < spk.size());
      rk->upd_valid_i = 0, rk->done_i = 0;
      for (int g = 0; !rk->keep_valid_o && g < 1000; ++g) rtl::tick(*rk), ++rcyc;
      ASSERT_TRUE(rk->keep_valid_o) << d.name;
      run_heads.clear();
      for (int h = 0; h < kHeads; ++h)
        if ((rk->keep_o >> h) & 1) run_heads.push_back(h);
      EXPECT_EQ(run_heads, heads) << d.name << ": the heads the RTL keeps vs the engine's";
      // the simulator's ranking cost (add_head_ranking, on the router unit): one score event
      // per Q spike and keep (H - 1) compares at router.lanes per cycle; the RTL needs its done
      // cycle even without a Q spike (+1 then)
      EXPECT_EQ(double(qspikes), cost.score_ops) << d.name;
      EXPECT_EQ(double(keep) * (kHeads - 1), cost.compare_ops) << d.name;
      EXPECT_EQ(double(rcyc), cost.router_busy + (qspikes == 0 ? 1 : 0)) << d.name;
      // the pruned heads' outputs never fire in the engine (the RTL does not compute them)
      const SpikeTensor& out = s_.at(d.name);
      int64_t pruned_fired = 0;
      for (int h = 0; h < kHeads; ++h)
        if (!((rk->keep_o >> h) & 1))
          for (int t = 0; t < out.T(); ++t)
            for (int n = 0; n < out.tokens(); ++n)
              for (int c = h * d.dh; c < (h + 1) * d.dh; ++c) pruned_fired += out.get(t, n, c);
      EXPECT_EQ(pruned_fired, 0) << d.name;
      tot_.ranked_layers += 1, tot_.rank_cycles += rcyc, tot_.rank_qspikes += qspikes;
      tot_.heads_run += int64_t(run_heads.size()), tot_.heads_total += kHeads;
    }
    auto unit = make_reset<Vattention_unit>();
    auto lif = make_reset<Vspike_gen>();
    const int T = d.T, N = d.tokens, dh = d.dh, nr = int(rows.size());
    ASSERT_LE(std::max({dh, N, nr}), kNi) << d.name << ": more elements than the unit's NI";
    const int A = m_.quant.acc_bits, F = m_.quant.mem_frac_bits;
    lif->cfg_acc_bits_i = A, lif->cfg_frac_bits_i = F, lif->cfg_attn_i = 1;
    lif->cfg_attn_scale_i = uint32_t(fx::round_half_away(m_.neuron.attn_scale * double(1 << F)));
    lif->cfg_decay_i = fx::decay(m_.neuron.tau);
    const int32_t th = fx::threshold(m_.neuron.attn_threshold, 1.0, F, m_.quant.mem_bits);
    const SpikeTensor& eng = s_.at(d.name);
    // One stream of map tiles through the unit, in attention_cycle's order (head > time chunk >
    // query-row tile > key tile, sim/schedule.h), back to back as one core runs them.
    struct Seg {
      int h, t0, nl;
    };
    std::vector<Seg> segs;
    std::vector<std::vector<int64_t>> cnt;  // per segment: the spike generator's sums
    // per tile: where its phase-B sums go (qk_first: element = channel, out rows = query rows
    // base..; kv_first: element = query row, out rows = V channels base..), how many it sends
    struct Tag {
      size_t seg;
      bool kv;
      int base, n, n_av;
    };
    std::vector<Tag> tags;
    const bool kv = sim::use_kv_first(a_, N, dh);
    int64_t busy = 0, cycles = 0;
    size_t tag = 0;
    int got = 0;  // A.V sums of tile `tag` collected
    auto collect = [&] {
      busy += unit->busy_o;
      if (!unit->av_valid_o) return;
      while (tag < tags.size() && got == tags[tag].n_av) ++tag, got = 0;
      ASSERT_LT(tag, tags.size()) << "an A.V sum nobody expects";
      const Tag& tg = tags[tag];
      const int e = int(unit->av_ch_o);
      for (int r = 0; r < tg.n; ++r) {
        const size_t neuron = tg.kv ? size_t(e) * dh + tg.base + r : size_t(tg.base + r) * dh + e;
        for (int l = 0; l < segs[tg.seg].nl; ++l)
          cnt[tg.seg][neuron * kL + l] +=
              int64_t(get_u(unit->av_sum_o, (r * kL + l) * kOutW, kOutW));
      }
      ++got;
    };
    auto edge = [&] {
      unit->clk_i = 0;
      unit->eval();
      collect();
      unit->clk_i = 1;
      unit->eval();
      ++cycles;
    };
    auto offer = [&](int64_t bits) {  // the tile in the port's a1 / a2 / b
      unit->tile_bits_i = uint32_t(bits);
      unit->tile_valid_i = 1;
      for (;;) {  // offered until the unit takes it
        unit->clk_i = 0;
        unit->eval();
        const bool take = unit->tile_ready_o;
        edge();
        if (take) break;
      }
      unit->tile_valid_i = 0;
    };
    auto clear_tile = [&] { zero(unit->tile_a1_i), zero(unit->tile_a2_i), zero(unit->tile_b_i); };
    const std::vector<sim::AttentionTile> tiles = sim::attention_tiles(nr, N, a_);
    const std::vector<sim::KvTile> kv_tiles = sim::attention_kv_tiles(dh, a_);
    for (int h : run_heads)
      for (int t0 = 0; t0 < T; t0 += kL) {
        const int nl = std::min(kL, T - t0);
        segs.push_back({h, t0, nl});
        cnt.emplace_back(size_t(nr) * dh * kL, 0);
        if (kv) {
          // kv_first (sim/schedule.h attention_kv_tiles): phase A over the key tokens (a1 = V_m
          // on the tile's V channels, a2 = K_m on its K channels), phase B over the query rows
          // (b = Q_j on the K channels); the simulator's bits: (N (Rc + Cd) + rows Rc) lanes
          for (const sim::KvTile& kt : kv_tiles) {
            clear_tile();
            for (int m = 0; m < N; ++m)
              for (int l = 0; l < nl; ++l) {
                for (int c = 0; c < kt.nv; ++c)
                  set_bit(unit->tile_a1_i, (m * kR + c) * kL + l,
                          v.get(t0 + l, m, h * dh + kt.v0 + c));
                for (int r = 0; r < kt.nk; ++r)
                  set_bit(unit->tile_a2_i, (m * kC + r) * kL + l,
                          k.get(t0 + l, m, h * dh + kt.k0 + r));
              }
            int n_b = 0;
            for (int j = 0; j < nr; ++j) {
              bool any = false;
              for (int r = 0; r < kt.nk; ++r)
                for (int l = 0; l < nl; ++l) {
                  const bool b = q.get(t0 + l, rows[size_t(j)], h * dh + kt.k0 + r);
                  set_bit(unit->tile_b_i, (j * kC + r) * kL + l, b), any |= b;
                }
              n_b += any;
            }
            tags.push_back({segs.size() - 1, true, kt.v0, kt.nv, n_b});
            offer((int64_t(N) * (kt.nk + kt.nv) + int64_t(nr) * kt.nk) * nl);
          }
          continue;
        }
        // qk_first (attention_tiles): element = head channel c: a1 = the tile's Q rows, a2 =
        // its K tokens, b = its V tokens; the simulator's bits: (rows + 2 keys) dh lanes
        for (const sim::AttentionTile& tile : tiles) {
          clear_tile();
          int n_av = 0;
          for (int c = 0; c < dh; ++c) {
            bool anyv = false;
            for (int r = 0; r < tile.nr; ++r)
              for (int l = 0; l < nl; ++l)
                set_bit(unit->tile_a1_i, (c * kR + r) * kL + l,
                        q.get(t0 + l, rows[size_t(tile.r0 + r)], h * dh + c));
            for (int mm = 0; mm < tile.nm; ++mm)
              for (int l = 0; l < nl; ++l) {
                set_bit(unit->tile_a2_i, (c * kC + mm) * kL + l,
                        k.get(t0 + l, tile.m0 + mm, h * dh + c));
                const bool b = v.get(t0 + l, tile.m0 + mm, h * dh + c);
                set_bit(unit->tile_b_i, (c * kC + mm) * kL + l, b), anyv |= b;
              }
            n_av += anyv;
          }
          tags.push_back({segs.size() - 1, false, tile.r0, tile.nr, n_av});
          offer(int64_t(tile.nr + 2 * tile.nm) * dh * nl);
        }
      }
    for (int guard = 0; guard < 1'000'000; ++guard) {
      unit->clk_i = 0;
      unit->eval();
      if (unit->idle_o) break;
      edge();
    }
    EXPECT_TRUE(unit->idle_o);
    while (tag < tags.size() && got == tags[tag].n_av) ++tag, got = 0;
    EXPECT_EQ(tag, tags.size()) << d.name << ": A.V sums missing";
    // attention LIF per segment: neurons (row, channel) kSg at a time, lanes in order, V chained
    // across a head's time chunks (the membrane buffer)
    int64_t steps = 0, fired = 0, mismatches = 0;
    std::vector<int64_t> vmem;
    for (size_t sg = 0; sg < segs.size(); ++sg) {
      const auto [h, t0, nl] = segs[sg];
      if (t0 == 0) vmem.assign(size_t(nr) * dh, 0);
      for (int n0 = 0; n0 < nr * dh; n0 += kSg) {
        const int nu = std::min(kSg, nr * dh - n0);
        for (int l = 0; l < nl; ++l) {
          lif->valid_i = (1u << nu) - 1;
          for (int u = 0; u < nu; ++u) {
            const int idx = n0 + u;
            put(lif->acc_i, u * 32, 32, cnt[sg][size_t(idx) * kL + l]);
            put(lif->bias_i, u * 32, 32, 0);
            put(lif->th_i, u * kMemW, kMemW, th);
            put(lif->v_i, u * kMemW, kMemW, vmem[size_t(idx)]);
          }
          rtl::tick(*lif);
          for (int u = 0; u < nu; ++u) {
            const int idx = n0 + u, j = idx / dh, dd = idx % dh;
            EXPECT_TRUE(get_u(lif->valid_o, u, 1));
            vmem[size_t(idx)] = get_s(lif->v_o, u * kMemW, kMemW);
            const bool spk = get_u(lif->spike_o, u, 1);
            fired += spk, ++steps;
            mismatches += spk != eng.get(t0 + l, rows[size_t(j)], h * dh + dd);
          }
        }
        lif->valid_i = 0;
      }
    }
    EXPECT_EQ(mismatches, 0) << d.name;
    EXPECT_EQ(double(busy), cost.busy) << d.name << ": channels run vs cycles_busy";
    EXPECT_EQ(double(steps), cost.membrane_updates) << d.name;
    EXPECT_EQ(double(fired), cost.spikes_fired) << d.name;
    // The tile stream's cycles against the simulator's map-tile time (one attention core: its
    // cycles_busy + cycles_stalled): the first tile's load, then per tile max(its channels, the
    // next tile's load), then the last tile's channels. The unit adds: the cycle from the first
    // tile's load to its first channel, one cycle in the run stage for a tile with no channel
    // (hidden behind the next load unless it is the last tile), the A.V output register.
    // Bound: +1 .. +3; the measured count of each is printed.
    const double sim_tiles = cost.busy + cost.stalled;
    EXPECT_GE(double(cycles), sim_tiles + 1) << d.name;
    EXPECT_LE(double(cycles), sim_tiles + 3)
        << d.name << ": rtl " << cycles << " sim " << sim_tiles;
    tot_.attn_extra[int64_t(cycles - int64_t(sim_tiles))] += 1;
    tot_.attn_layers += 1, tot_.attn_spikes += fired, tot_.attn_busy += busy;
    tot_.attn_sim_cycles += int64_t(cost.cycles);
    tot_.attn_stream_rtl += cycles, tot_.attn_stream_sim += int64_t(sim_tiles);
  }

  void on_router_layer(const sim::LayerDesc& d, const Planes& in,
                       const sim::LayerCost& cost) override {
    ASSERT_EQ(d.experts, kE);
    ASSERT_EQ(d.top_k, kK);
    const rtl::LayerQuant q = rtl::quantize_layer(m_, w_, d);
    auto r = make_reset<Vrouter_topk>();
    for (int e = 0; e < kE; ++e) {
      put(r->cfg_mul_i, e * 32, 32, q.mul[size_t(e)]);
      put(r->cfg_bias_i, e * 64, 64, q.score_bias[size_t(e)]);
    }
    const std::vector<int32_t>& route = s_.routes.at("blocks." + std::to_string(d.block));
    int64_t cycles = 0, updates = 0, zero = 0;
    for (int n = 0; n < d.tokens; ++n) {
      // one update per input event and expert: plane b of x[t][n][i] adds q_ie << b
      struct Upd {
        int e, w, b;
      };
      std::vector<Upd> u;
      for (int t = 0; t < d.T; ++t)
        for (int i = 0; i < d.cin; ++i)
          for (int b = 0; b < int(in.p.size()); ++b)
            if (in.p[size_t(b)].get(t, n, i))
              for (int e = 0; e < kE; ++e) u.push_back({e, q.w(i, e), b});
      updates += int64_t(u.size()), zero += u.empty();
      size_t k = 0;
      do {  // one update per cycle (1 lane), token_done with the last (alone if none)
        r->upd_valid_i = k < u.size();
        if (k < u.size()) {
          r->upd_expert_i = u[k].e;
          r->upd_weight_i = uint8_t(u[k].w);
          r->upd_plane_i = u[k].b;
          ++k;
        }
        r->token_done_i = k == u.size();
        rtl::tick(*r), ++cycles;
      } while (k < u.size());
      r->upd_valid_i = 0, r->token_done_i = 0;
      int wait = 0;
      while (!r->topk_valid_o && ++wait < 100) rtl::tick(*r), ++cycles;
      for (int j = 0; j < kK; ++j)
        EXPECT_EQ(int(get_u(r->topk_idx_o, j * kEIdxW, kEIdxW)), route[size_t(n) * kK + j])
            << d.name << " token " << n << " choice " << j;
    }
    EXPECT_EQ(double(updates), cost.score_ops) << d.name;
    EXPECT_EQ(double(cycles), cost.router_busy + double(zero)) << d.name;
    tot_.routed_tokens += d.tokens, tot_.router_cycles += cycles, tot_.zero_tokens += zero;
  }

 private:
  // Y[t][n][c] = sum_i R_i AND O_i[c] against the projection's input planes.
  void emsa(const sim::LayerDesc& d, const Planes& in) {
    const std::string p = d.inputs[0].substr(0, d.inputs[0].size() - 2);
    const SpikeTensor& r = s_.at(p + ".router");
    ASSERT_EQ(r.channels(), kMergeE);
    auto g = make_reset<Vgate_merge>();
    std::vector<const SpikeTensor*> o;
    for (int i = 0; i < kMergeE; ++i) o.push_back(&s_.at(p + ".o" + std::to_string(i)));
    ASSERT_EQ(o[0]->channels(), kMergeCh);
    int64_t bad = 0;
    for (int t = 0; t < d.T; ++t)
      for (int n = 0; n < d.tokens; ++n) {
        g->emsa_valid_i = 1, g->emsp_valid_i = 0;
        g->emsa_r_i = 0;
        for (int i = 0; i < kMergeE; ++i) {
          set_bit(g->emsa_r_i, i, r.get(t, n, i));
          for (int c = 0; c < kMergeCh; ++c)
            set_bit(g->emsa_o_i, i * kMergeCh + c, o[size_t(i)]->get(t, n, c));
        }
        rtl::tick(*g);
        for (int c = 0; c < kMergeCh; ++c) {
          int y = 0;
          for (size_t b = 0; b < in.p.size(); ++b) y |= int(in.p[b].get(t, n, c)) << b;
          bad += int(get_u(g->emsa_y_o, c * kYW, kYW)) != y;
        }
        ++tot_.merge_vectors;
      }
    EXPECT_EQ(bad, 0) << d.name << ": EMSA merge";
  }
  // G AND B (G: the gate's spikes, B: the second half of fc1) against fc2's input.
  void emsp(const sim::LayerDesc& d, const Planes& in) {
    const SpikeTensor& G = s_.at(d.inputs[0]);
    const SpikeTensor& h1 = s_.at(d.inputs[1]);
    const int C = d.cin;
    auto g = make_reset<Vgate_merge>();
    int64_t bad = 0;
    for (int t = 0; t < d.T; ++t)
      for (int n = 0; n < d.tokens; ++n)
        for (int c0 = 0; c0 < C; c0 += kMergeCh) {
          g->emsa_valid_i = 0, g->emsp_valid_i = 1;
          for (int c = 0; c < kMergeCh; ++c) {
            const bool on = c0 + c < C;
            set_bit(g->emsp_g_i, c, on && G.get(t, n, c0 + c));
            set_bit(g->emsp_b_i, c, on && h1.get(t, n, C + c0 + c));
          }
          rtl::tick(*g);
          for (int c = 0; c < kMergeCh && c0 + c < C; ++c)
            bad += get_u(g->emsp_gb_o, c, 1) != in.p[0].get(t, n, c0 + c);
          ++tot_.merge_vectors;
        }
    EXPECT_EQ(bad, 0) << d.name << ": EMSP merge";
  }

  const ModelSpec& m_;
  const SafeTensors& w_;
  const sim::SampleSpikes& s_;
  const arch::Arch& a_;
  Totals& tot_;
};

// `order`: the attention order (small.toml's qk_first, or kv_first, which no shipped arch uses:
// the same core with the roles of its inputs swapped, a square map of K x V channels)
Totals replay(const std::string& model, size_t images, const std::string& order = "qk_first") {
  arch::Arch a = arch::load_arch(src("configs/arch/small.toml"), {});
  EXPECT_EQ(a.attention_order, "qk_first");
  a.attention_order = order;
  EXPECT_EQ(a.attention.rows, kR);
  EXPECT_EQ(a.attention.cols, kC);
  EXPECT_EQ(a.attention.time_lanes, kL);
  EXPECT_EQ(a.score_bits, kScore);
  EXPECT_EQ(a.router.lanes, 1);
  const rtl_test::ModelFixture f(model, a, images);
  EXPECT_EQ(f.spec.quant.mem_bits, kMemW);
  EXPECT_EQ(rtl::se_core_params(f.arch, f.spec).sbw, kSbw);  // the spike bits per cycle a core gets
  Totals tot;
  for (size_t i = 0; i < images; ++i) {
    const auto [pred, s] = f.sample(i);
    Units u(f.spec, f.weights, s, f.arch, tot);
    sim::simulate_sample(f.workload, s, f.ctx, &u);
  }
  std::printf(
      "%s: %zu images: %lld attention layers bit-exact (%lld spikes), core %lld channel cycles "
      "(the simulator's busy); tile stream with spike loads: RTL %lld vs simulator %lld cycles "
      "(%+.3f %%); the simulator's layer cycles with the LIF and fill: %lld; %lld tokens routed "
      "as the engine (router %lld cycles, %lld all-zero tokens); %lld merge vectors\n",
      model.c_str(), images, (long long)tot.attn_layers, (long long)tot.attn_spikes,
      (long long)tot.attn_busy, (long long)tot.attn_stream_rtl, (long long)tot.attn_stream_sim,
      100.0 * double(tot.attn_stream_rtl - tot.attn_stream_sim) / double(tot.attn_stream_sim),
      (long long)tot.attn_sim_cycles, (long long)tot.routed_tokens, (long long)tot.router_cycles,
      (long long)tot.zero_tokens, (long long)tot.merge_vectors);
  if (tot.ranked_layers)
    std::printf(
        "%s: head pruning: %lld layers ranked in RTL as the engine (%lld of %lld heads run), "
        "%lld Q spikes counted, %lld ranking cycles (the simulator's router_busy)\n",
        model.c_str(), (long long)tot.ranked_layers, (long long)tot.heads_run,
        (long long)tot.heads_total, (long long)tot.rank_qspikes, (long long)tot.rank_cycles);
  for (const auto& [extra, n] : tot.attn_extra)
    std::printf("%s: attention tile stream RTL - simulator = %+lld cycles in %d layers\n",
                model.c_str(), (long long)extra, n);
  return tot;
}

constexpr size_t kImages = 16;

TEST(ModelUnits, SpikformerAttention) {
  const Totals t = replay("models/spikformer-fmnist.toml", kImages);
  EXPECT_GT(t.attn_layers, 0);
  EXPECT_GT(t.attn_spikes, 0);
}
TEST(ModelUnits, MoeAttentionAndRouter) {
  const Totals t = replay("models/moe-fmnist.toml", kImages);
  EXPECT_GT(t.attn_layers, 0);
  EXPECT_GT(t.routed_tokens, 0);
}
// kv_first: every attention layer as K^T V tiles (sim::attention_kv_tiles), bit-exact, channels
// and cycles as in qk_first against the simulator's kv_first costs
TEST(ModelUnits, KvFirstAttention) {
  for (const char* model : {"models/spikformer-fmnist.toml", "models/semm-fmnist.toml"}) {
    const Totals t = replay(model, 4, "kv_first");
    EXPECT_GT(t.attn_layers, 0);
    EXPECT_GT(t.attn_spikes, 0);
  }
}
// Dynamic head pruning (the shipped keep-0.5 models: 2 of 4 heads per image): hw/head_rank.v
// ranks every attention layer's heads on the real Q spikes; the heads it keeps must be the
// engine's, the unit runs only those (bit-exact, cycles as above), and the ranking's cycles
// are the simulator's router_busy for it.
TEST(ModelUnits, PrunedSpikformerAttention) {
  const Totals t = replay("models/spikformer-fmnist-keep50.toml", kImages);
  EXPECT_EQ(t.ranked_layers, t.attn_layers);
  EXPECT_EQ(t.heads_run * 2, t.heads_total);
}
TEST(ModelUnits, PrunedMoeAttention) {
  const Totals t = replay("models/moe-fmnist-keep50.toml", kImages);
  EXPECT_EQ(t.ranked_layers, t.attn_layers);
  EXPECT_EQ(t.heads_run * 2, t.heads_total);
  EXPECT_GT(t.routed_tokens, 0);
}
TEST(ModelUnits, SemmAttentionAndMerges) {
  const Totals t = replay("models/semm-fmnist.toml", kImages);
  EXPECT_GT(t.attn_layers, 0);
  EXPECT_GT(t.merge_vectors, 0);
}

}  // namespace
