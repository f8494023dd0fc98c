// Dynamic head pruning's ranking (hw/head_rank.v): hand-worked images (the working in the
// comments, ties included), back-to-back images, then random Q spike tensors against the
// engine's own ranking (ss::rank_heads, a stable sort by descending count). Cycles: ceil(Q
// spikes / LANES) count cycles (the last with done_i; an image without Q spikes still needs
// its done cycle) + ceil(keep (H - 1) / LANES) compare cycles, the simulator's add_head_ranking.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "Vhead_rank.h"
#include "Vhead_rank_odd.h"
#include "engine/attention_core.h"
#include "engine/spikes.h"
#include "rtl/rtl_bits.h"

namespace {

using ss::rtl::put;

template <class M>
struct Bench {
  explicit Bench(int H, int lanes) : H(H), L(lanes), hw(32 - __builtin_clz(unsigned(H - 1))) {
    m->rst_ni = 0;
    m->done_i = 0;
    m->upd_valid_i = 0;
    ss::rtl::tick(*m);
    m->rst_ni = 1;
  }
  // One image: `spikes` lists the head of every Q spike, in arrival order; returns the kept
  // mask and counts the cycles from the first count cycle to the mask.
  uint32_t run(const std::vector<int>& spikes, int keep, int64_t& cycles) {
    m->cfg_keep_i = keep;
    cycles = 0;
    EXPECT_TRUE(m->ready_o);
    size_t k = 0;
    do {  // L spikes per cycle, done_i with the last (alone if there is none)
      m->upd_valid_i = 0;
      m->upd_head_i = 0;
      for (int l = 0; l < L && k < spikes.size(); ++l, ++k) {
        m->upd_valid_i |= 1u << l;
        put(m->upd_head_i, l * hw, hw, spikes[k]);
      }
      m->done_i = k == spikes.size();
      ss::rtl::tick(*m), ++cycles;
    } while (k < spikes.size());
    m->upd_valid_i = 0, m->done_i = 0;
    for (int guard = 0; !m->keep_valid_o && guard < 1000; ++guard) ss::rtl::tick(*m), ++cycles;
    EXPECT_TRUE(m->keep_valid_o);
    return uint32_t(m->keep_o);
  }
  // `n[h]` spikes of head h, interleaved round-robin (the order does not matter to a counter)
  static std::vector<int> spikes_of(const std::vector<int>& n) {
    std::vector<int> s, left = n;
    for (bool any = true; any;) {
      any = false;
      for (size_t h = 0; h < left.size(); ++h)
        if (left[h] > 0) s.push_back(int(h)), --left[h], any = true;
    }
    return s;
  }
  int64_t expected_cycles(int64_t spikes, int keep) const {
    return std::max<int64_t>(1, (spikes + L - 1) / L) + (int64_t(keep) * (H - 1) + L - 1) / L;
  }
  int H, L, hw;
  std::unique_ptr<M> m = std::make_unique<M>();
};

// H = 4, 1 lane (small.toml's router lanes). Each pass starts from head 0 (or the first head
// not chosen) and compares heads 1..3 in order; a candidate replaces the best only if its count
// is strictly greater, so equal counts keep the lower index.
TEST(HeadRank, HandWorked) {
  Bench<Vhead_rank> b(4, 1);
  int64_t cyc = 0;
  // counts [3, 5, 5, 1], keep 2:
  //   pass 1: best h0 (3); h1 5 > 3 -> h1; h2 5 > 5? no (tie, h1 stays); h3 1 -> h1 chosen
  //   pass 2: best h0 (3); h1 chosen, skipped; h2 5 > 3 -> h2; h3 1 -> h2 chosen
  //   mask 0b0110; cycles: 14 spikes + 2 x 3 compares = 20
  EXPECT_EQ(b.run(b.spikes_of({3, 5, 5, 1}), 2, cyc), 0b0110u);
  EXPECT_EQ(cyc, 20);
  // all counts 0 (no Q spike), keep 2: every compare is a tie -> h0, then h1: 0b0011;
  // cycles: the done cycle alone + 6 compares = 7 (the simulator charges 6: no score event)
  EXPECT_EQ(b.run({}, 2, cyc), 0b0011u);
  EXPECT_EQ(cyc, 7);
  // counts [2, 2, 2, 2], keep 1: all tie -> h0; 8 + 3 = 11 cycles
  EXPECT_EQ(b.run(b.spikes_of({2, 2, 2, 2}), 1, cyc), 0b0001u);
  EXPECT_EQ(cyc, 11);
  // counts [0, 0, 0, 7], keep 1: h3 > h0 at the last compare -> 0b1000; 7 + 3 = 10 cycles
  EXPECT_EQ(b.run(b.spikes_of({0, 0, 0, 7}), 1, cyc), 0b1000u);
  EXPECT_EQ(cyc, 10);
  // counts [1, 4, 4, 4], keep 3: pass 1 h1 (ties with h2, h3 stay at h1); pass 2 h2 (h3 ties);
  // pass 3: best h0 (1), h3 4 > 1 -> h3: mask 0b1110; 13 + 9 = 22 cycles
  EXPECT_EQ(b.run(b.spikes_of({1, 4, 4, 4}), 3, cyc), 0b1110u);
  EXPECT_EQ(cyc, 22);
  // keep 4 (= H): every head; 4 passes of 3 compares: 2 + 12 = 14 cycles
  EXPECT_EQ(b.run(b.spikes_of({0, 2, 0, 0}), 4, cyc), 0b1111u);
  EXPECT_EQ(cyc, 14);
  // counts [6, 0, 0, 5], keep 2 after an image: the counters start from zero again ->
  // h0 then h3: 0b1001 (11 + 6 = 17 cycles)
  EXPECT_EQ(b.run(b.spikes_of({6, 0, 0, 5}), 2, cyc), 0b1001u);
  EXPECT_EQ(cyc, 17);
}

// H = 5, 3 lanes: several lanes name the same head in one cycle, compares chain across
// passes within a cycle. Random Q spike tensors (T x N x H dh) against ss::rank_heads.
TEST(HeadRank, RandomAgainstEngine) {
  constexpr int H = 5, dh = 3, T = 4, N = 7;
  Bench<Vhead_rank_odd> b(H, 3);
  std::mt19937 rng(7);
  for (int it = 0; it < 300; ++it) {
    ss::SpikeTensor q(T, N, H * dh);
    // per head a firing rate (equal rates make ties likely with few spikes)
    std::vector<double> rate(H);
    for (double& r : rate) r = double(rng() % 4) / 8.0;
    std::vector<int> spikes;
    for (int t = 0; t < T; ++t)
      for (int n = 0; n < N; ++n)
        for (int c = 0; c < H * dh; ++c)
          if (double(rng() % 1000) / 1000.0 < rate[size_t(c / dh)]) {
            q.set(t, n, c, true);
            spikes.push_back(c / dh);
          }
    const int keep = 1 + int(rng() % H);
    const std::vector<uint8_t> ran = ss::rank_heads(q, H, keep);
    uint32_t want = 0;
    for (int h = 0; h < H; ++h) want |= uint32_t(ran[size_t(h)]) << h;
    int64_t cyc = 0;
    EXPECT_EQ(b.run(spikes, keep, cyc), want) << "image " << it << " keep " << keep;
    EXPECT_EQ(cyc, b.expected_cycles(int64_t(spikes.size()), keep)) << "image " << it;
  }
}

}  // namespace
