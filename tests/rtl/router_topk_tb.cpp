// Routed-MoE router (hw/router_topk.v): hand-worked scores and choices (ties to the lower
// index), then random tokens fed as bit-serial input events against a C++ reference that
// scores and sorts as the engine's MoE route() does; cycles = ceil(score ops / LANES) +
// ceil(compare ops / LANES) per token, the simulator's topk model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "Vrouter_topk.h"
#include "Vrouter_topk_head.h"
#include "Vrouter_topk_odd.h"
#include "Vrouter_topk_paper.h"
#include "rtl/rtl_bits.h"

namespace {

using ss::rtl::get_u;
using ss::rtl::put;

constexpr int kWW = 8, kPlaneW = 3, kMulW = 32, kScoreW = 64;

// One token of router input: x[t][i] (residual bytes), with the router constants.
struct Token {
  int T, D;
  std::vector<int> x;  // [t * D + i]
};
struct Router {
  int E, K;
  std::vector<int> q;  // [i * E + e], int8
  std::vector<int64_t> mul, bias;
};

// The engine's route(): acc_e = sum_t sum_i x q_ie; score = double(acc * mul + bias);
// stable sort descending; first K.
std::vector<int> reference(const Router& r, const Token& tok) {
  std::vector<int64_t> acc(r.E, 0);
  for (int t = 0; t < tok.T; ++t)
    for (int i = 0; i < tok.D; ++i)
      for (int e = 0; e < r.E; ++e) acc[e] += int64_t(tok.x[t * tok.D + i]) * r.q[i * r.E + e];
  std::vector<double> score(r.E);
  for (int e = 0; e < r.E; ++e) score[e] = double(acc[e] * r.mul[e] + r.bias[e]);
  std::vector<int> idx(r.E);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return score[a] > score[b]; });
  idx.resize(r.K);
  return idx;
}

template <class M, int kE, int kK, int kLanes>
class Bench {
 public:
  static constexpr int kEIdxW = kE > 1 ? 32 - __builtin_clz(unsigned(kE - 1)) : 1;
  explicit Bench(const Router& r) : r_(r) {
    for (int e = 0; e < kE; ++e) {
      put(m_->cfg_mul_i, e * kMulW, kMulW, r.mul[e]);
      put(m_->cfg_bias_i, e * kScoreW, kScoreW, r.bias[e]);
    }
    m_->rst_ni = 0;
    clear_inputs();
    ss::rtl::tick(*m_);
    m_->rst_ni = 1;
  }
  // Feeds one token as bit-serial events (plane b of x[t][i], one update per expert), LANES
  // updates per cycle, token_done with the last ones; then waits for the result without
  // overlapping the next token (as the simulator counts). Returns the choices; adds cycles.
  std::vector<int> run(const Token& tok, int64_t& cycles, int64_t& score_ops) {
    struct Upd {
      int e, w, b;
    };
    std::vector<Upd> u;
    for (int t = 0; t < tok.T; ++t)
      for (int i = 0; i < tok.D; ++i)
        for (int b = 0; b < 8; ++b)
          if (tok.x[t * tok.D + i] >> b & 1)
            for (int e = 0; e < kE; ++e) u.push_back({e, r_.q[i * kE + e], b});
    score_ops += int64_t(u.size());
    size_t k = 0;
    do {
      clear_inputs();
      for (int l = 0; l < kLanes && k < u.size(); ++l, ++k) {
        m_->upd_valid_i |= 1ull << l;
        put(m_->upd_expert_i, l * kEIdxW, kEIdxW, u[k].e);
        put(m_->upd_weight_i, l * kWW, kWW, u[k].w);
        put(m_->upd_plane_i, l * kPlaneW, kPlaneW, u[k].b);
      }
      m_->token_done_i = k == u.size();
      m_->eval();
      EXPECT_TRUE(m_->ready_o);
      edge(cycles);
    } while (k < u.size());
    clear_inputs();
    int wait = 0;
    while (!m_->topk_valid_o) {
      EXPECT_FALSE(m_->ready_o);
      edge(cycles);
      if (++wait > 1000) {
        ADD_FAILURE() << "no result";
        break;
      }
    }
    std::vector<int> out(kK);
    for (int j = 0; j < kK; ++j) out[j] = int(get_u(m_->topk_idx_o, j * kEIdxW, kEIdxW));
    m_->eval();
    EXPECT_TRUE(m_->ready_o);
    return out;
  }
  M& model() { return *m_; }

 private:
  void clear_inputs() {
    m_->upd_valid_i = 0;
    m_->token_done_i = 0;
  }
  void edge(int64_t& cycles) {
    ss::rtl::tick(*m_);
    ++cycles;
  }
  Router r_;
  std::unique_ptr<M> m_ = std::make_unique<M>();
};

Router random_router(std::mt19937& rng, int E, int K, int D, int T) {
  Router r{E, K, std::vector<int>(size_t(D) * E), std::vector<int64_t>(E), std::vector<int64_t>(E)};
  for (auto& w : r.q) w = int(rng() % 255) - 127;
  for (int e = 0; e < E; ++e) {
    // llround(s / T * 2^24) with s = max|W'| / 127 of a few tenths; llround(b * 2^24)
    r.mul[e] = int64_t(rng() % (1 << 22)) + 1;
    r.bias[e] = int64_t(rng() % (1 << 26)) - (1 << 25);
  }
  if (E >= 3) {  // experts 1 and 2 identical: every score ties, the lower index goes first
    for (int i = 0; i < D; ++i) r.q[i * E + 2] = r.q[i * E + 1];
    r.mul[2] = r.mul[1], r.bias[2] = r.bias[1];
  }
  return r;
}

TEST(RouterTopK, HandCase) {
  // E 4, K 2, 1 lane. x: one token, T 1, D 2, x = [3, 1]; q rows: i0 = [1, -2, 5, 5],
  // i1 = [4, 0, -1, -1] -> acc = 3 q_i0 + q_i1 = [7, -6, 14, 14]; mul = [2, 1, 1, 1],
  // bias = [0, 100, 1, 1] -> score = [14, 94, 15, 15]: best 1 (94), then 2 (15, tie with 3:
  // the lower index). Events: x0 = 3 = planes 0, 1; x1 = 1 = plane 0: 3 events x 4 experts =
  // 12 updates = 12 cycles at 1 lane; compares 2 x 3 = 6 cycles; 18 in all.
  Router r{4, 2, {1, -2, 5, 5, 4, 0, -1, -1}, {2, 1, 1, 1}, {0, 100, 1, 1}};
  Bench<Vrouter_topk, 4, 2, 1> b(r);
  int64_t cycles = 0, ops = 0;
  const auto got = b.run({1, 2, {3, 1}}, cycles, ops);
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
  EXPECT_EQ(ops, 12);
  EXPECT_EQ(cycles, 12 + 6);
  // Negative scores and a 64-bit bias: bias 2^40 on expert 3 wins; then expert 0
  // (score 14 - 2^33 vs -6 - 2^34 and 14 - 2^34).
  Router r2{4,
            2,
            {1, -2, 5, 5, 4, 0, -1, -1},
            {2, 1, 1, 1},
            {-(int64_t(1) << 33), -(int64_t(1) << 34), -(int64_t(1) << 34), int64_t(1) << 40}};
  Bench<Vrouter_topk, 4, 2, 1> b2(r2);
  EXPECT_EQ(b2.run({1, 2, {3, 1}}, cycles, ops), (std::vector<int>{3, 0}));
}

template <class M, int kE, int kK, int kLanes>
void random_tokens(int tokens, uint32_t seed) {
  std::mt19937 rng(seed);
  const int D = 64, T = 4;  // moe-fmnist: dim 64, 4 time steps, residual bytes up to ~6
  const Router r = random_router(rng, kE, kK, D, T);
  Bench<M, kE, kK, kLanes> b(r);
  int64_t ties = 0;
  for (int n = 0; n < tokens; ++n) {
    Token tok{T, D, std::vector<int>(size_t(T) * D)};
    const int top = n % 4 == 0 ? 255 : 7;  // now and then the full byte range
    for (auto& x : tok.x) x = rng() % 3 == 0 ? int(rng() % (top + 1)) : 0;
    if (n % 17 == 0) std::fill(tok.x.begin(), tok.x.end(), 0);  // all ties: 0, 1, 2, ...
    int64_t cycles = 0, ops = 0;
    const auto got = b.run(tok, cycles, ops);
    const auto want = reference(r, tok);
    ASSERT_EQ(got, want) << "token " << n;
    const int64_t cmp = int64_t(kK) * (kE - 1);
    // Per token. The simulator rounds the layer's totals instead (ceil(sum ops / LANES)), and
    // an all-zero token costs it no score cycle while the RTL spends one on token_done: the
    // RTL is at most one cycle per token per phase slower (docs/rtl_blocks.md).
    const int64_t sim =
        std::max<int64_t>((ops + kLanes - 1) / kLanes, 1) + (cmp + kLanes - 1) / kLanes;
    ASSERT_EQ(cycles, sim) << "token " << n;
    ties +=
        std::count(want.begin(), want.end(), 2) > 0 && std::count(want.begin(), want.end(), 1) > 0;
  }
  if (kE >= 3) {
    EXPECT_GT(ties, 0);  // the tie between experts 1 and 2 was exercised
  }
}

// small.toml: 1 lane; paper.toml: 64 lanes (16 events x 4 experts per cycle); an odd one.
TEST(RouterTopK, RandomSmall) { random_tokens<Vrouter_topk, 4, 2, 1>(300, 1); }
TEST(RouterTopK, RandomPaper) { random_tokens<Vrouter_topk_paper, 4, 2, 64>(600, 2); }
TEST(RouterTopK, RandomOdd) { random_tokens<Vrouter_topk_odd, 5, 3, 3>(400, 3); }

TEST(RouterTopK, NextTokenOverlapsSelection) {
  // Updates of token 2 may flow while token 1 is being selected; only token_done waits.
  Router r{4, 2, {1, -2, 5, 5, 4, 0, -1, -1}, {2, 1, 1, 1}, {0, 100, 1, 1}};
  Bench<Vrouter_topk, 4, 2, 1> b(r);
  auto& m = b.model();
  auto upd = [&](int e, int w, int p) {
    m.upd_valid_i = 1;
    m.upd_expert_i = e;
    m.upd_weight_i = uint8_t(w);
    m.upd_plane_i = p;
  };
  // token 1: acc = [0, 0, 0, 0] + one event: expert 0 += 1 -> scores [2, 100, 1, 1] -> 1, 0
  upd(0, 1, 0);
  m.token_done_i = 1;
  ss::rtl::tick(m);
  m.token_done_i = 0;
  // token 2, during token 1's 6 compare cycles: expert 2 += 8 << 4 = 128 -> score 129
  upd(2, 8, 4);
  ss::rtl::tick(m);
  m.upd_valid_i = 0;
  int c = 0;
  while (!m.topk_valid_o && c < 20) ss::rtl::tick(m), ++c;
  EXPECT_EQ(c, 5);  // 6 compare cycles in all, one of them above
  EXPECT_EQ(get_u(m.topk_idx_o, 0, 2), 1u);
  EXPECT_EQ(get_u(m.topk_idx_o, 2, 2), 0u);
  m.token_done_i = 1;
  m.eval();
  EXPECT_TRUE(m.ready_o);
  ss::rtl::tick(m);
  m.token_done_i = 0;
  while (!m.topk_valid_o) ss::rtl::tick(m);
  EXPECT_EQ(get_u(m.topk_idx_o, 0, 2), 2u);  // 129
  EXPECT_EQ(get_u(m.topk_idx_o, 2, 2), 1u);  // 100
}

}  // namespace

namespace {
// The same block as the classification head's scorer (E = classes, K = 1, token_done once
// after every token and step): prediction = the first argmax of double(acc * mul + b) / 2^24
// (engine/network.cpp), acc_c = sum_{t,n,i} x q_ic.
TEST(RouterTopK, AsClassificationHead) {
  constexpr int kClasses = 10, kLanes = 4, D = 64, T = 4, N = 49;
  std::mt19937 rng(11);
  for (int img = 0; img < 40; ++img) {
    Router r = random_router(rng, kClasses, 1, D, T);
    if (img % 4 == 0) {  // ties: classes 3 and 7 identical to class 5
      for (int i = 0; i < D; ++i)
        r.q[i * kClasses + 3] = r.q[i * kClasses + 7] = r.q[i * kClasses + 5];
      r.mul[3] = r.mul[7] = r.mul[5], r.bias[3] = r.bias[7] = r.bias[5];
    }
    Bench<Vrouter_topk_head, kClasses, 1, kLanes> b(r);
    auto& m = b.model();
    std::vector<int64_t> acc(kClasses, 0);
    // all T x N rows of the final residual stream as bit-serial events, one class per lane
    std::vector<int> lane_e, lane_w, lane_b;
    for (int row = 0; row < T * N; ++row)
      for (int i = 0; i < D; ++i) {
        const int x = rng() % 4 == 0 ? int(rng() % 7) : 0;
        for (int bit = 0; bit < 3; ++bit)
          if (x >> bit & 1)
            for (int c = 0; c < kClasses; ++c) {
              lane_e.push_back(c), lane_w.push_back(r.q[i * kClasses + c]), lane_b.push_back(bit);
              acc[c] += int64_t(r.q[i * kClasses + c]) << bit;
            }
      }
    for (size_t k = 0; k < lane_e.size();) {
      m.upd_valid_i = 0;
      for (int l = 0; l < kLanes && k < lane_e.size(); ++l, ++k) {
        m.upd_valid_i |= 1u << l;
        put(m.upd_expert_i, l * 4, 4, lane_e[k]);
        put(m.upd_weight_i, l * kWW, kWW, lane_w[k]);
        put(m.upd_plane_i, l * kPlaneW, kPlaneW, lane_b[k]);
      }
      m.token_done_i = k == lane_e.size();
      ss::rtl::tick(m);
    }
    m.upd_valid_i = 0;
    m.token_done_i = 0;
    while (!m.topk_valid_o) ss::rtl::tick(m);
    int label = -1;
    std::vector<double> score(kClasses);
    for (int c = 0; c < kClasses; ++c) {
      score[c] = double(acc[c] * r.mul[c] + r.bias[c]) / double(1 << 24);
      if (label < 0 || score[c] > score[label]) label = c;
    }
    EXPECT_EQ(int(m.topk_idx_o), label) << "image " << img;
  }
}
}  // namespace
