// Attention core (hw/attention_core.v), qk_first: hand cases, saturation, and whole heads
// tiled as the cycle simulator tiles them, against a plain C++ (Q K^T) V count per lane; the
// cycles spent equal the simulator's qk + av channel counts per map tile.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vattention_core.h"
#include "Vattention_core_sat.h"
#include "Vattention_core_wide.h"
#include "engine/model_spec.h"
#include "rtl/rtl_bits.h"

namespace {

using ss::rtl::get_u;
using ss::rtl::put;
using ss::rtl::set_bit;

// Spikes of one head: s[(n * dh + c) * T + t]
struct Head {
  int N, dh, T;
  std::vector<uint8_t> s;
  uint8_t at(int n, int c, int t) const { return s[(size_t(n) * dh + c) * T + t]; }
};

Head random_head(std::mt19937& rng, int N, int dh, int T, double p, double dead_token) {
  Head h{N, dh, T, std::vector<uint8_t>(size_t(N) * dh * T)};
  std::bernoulli_distribution fire(p), dead(dead_token);
  for (int n = 0; n < N; ++n) {
    const bool d = dead(rng);
    for (int c = 0; c < dh; ++c)
      for (int t = 0; t < T; ++t) h.s[(size_t(n) * dh + c) * T + t] = !d && fire(rng);
  }
  return h;
}

// count[n][d][t] = sum_m (sum_c Q[n][c][t] K[m][c][t]) V[m][d][t], exact.
std::vector<int64_t> reference(const Head& q, const Head& k, const Head& v) {
  std::vector<int64_t> out(size_t(q.N) * v.dh * q.T, 0);
  for (int t = 0; t < q.T; ++t)
    for (int n = 0; n < q.N; ++n)
      for (int m = 0; m < k.N; ++m) {
        int64_t s = 0;
        for (int c = 0; c < q.dh; ++c) s += q.at(n, c, t) & k.at(m, c, t);
        for (int d = 0; d < v.dh; ++d) out[(size_t(n) * v.dh + d) * q.T + t] += s * v.at(m, d, t);
      }
  return out;
}

template <class M, int kR, int kC, int kL, int kS>
class Core {
 public:
  static constexpr int kOutW = kS + (kC + 1 > 1 ? 32 - __builtin_clz(unsigned(kC)) : 0);
  Core() {
    m_->rst_ni = 0;
    idle();
    ss::rtl::tick(*m_);
    m_->rst_ni = 1;
  }
  void idle() {
    m_->clear_i = 0;
    m_->qk_valid_i = 0;
    m_->av_valid_i = 0;
  }
  void qk(const std::vector<int>& q, const std::vector<int>& k, bool clear) {  // bit lists
    idle();
    m_->clear_i = clear;
    m_->qk_valid_i = 1;
    m_->q_i = 0;
    m_->k_i = 0;
    for (int i = 0; i < kR * kL; ++i) set_bit(m_->q_i, i, q[i]);
    for (int i = 0; i < kC * kL; ++i) set_bit(m_->k_i, i, k[i]);
    edge();
  }
  void av(const std::vector<int>& v, bool clear) {
    idle();
    m_->clear_i = clear;
    m_->av_valid_i = 1;
    m_->v_i = 0;
    for (int i = 0; i < kC * kL; ++i) set_bit(m_->v_i, i, v[i]);
    edge();
  }
  void nop() {
    idle();
    edge();
  }
  // A.V result of the channel issued in the previous cycle: sum[r * kL + l]
  bool out_valid() const { return m_->av_valid_o; }
  int64_t sum(int r, int l) const {
    return int64_t(get_u(m_->av_sum_o, (r * kL + l) * kOutW, kOutW));
  }
  int64_t cycles() const { return cycles_; }

 private:
  void edge() {
    ss::rtl::tick(*m_);
    ++cycles_;
  }
  std::unique_ptr<M> m_ = std::make_unique<M>();
  int64_t cycles_ = 0;
};

TEST(AttentionCore, HandCase) {
  Core<Vattention_core, 4, 4, 2, 8> a;  // configs/arch/small.toml: 4 x 4, 2 lanes, 8 bits
  auto qbits = [](int r, int l) {
    std::vector<int> b(8, 0);
    b[r * 2 + l] = 1;
    return b;
  };
  const std::vector<int> none(8, 0);
  // channel 0: q row 0 lane 0 only; channels 1, 2: q row 0 and k col 1, lane 0; channel 3:
  // k col 1 only -> map[0][1][0] = 2, every other entry 0
  a.qk(qbits(0, 0), none, true);
  a.qk(qbits(0, 0), qbits(1, 0), false);
  a.qk(qbits(0, 0), qbits(1, 0), false);
  a.qk(none, qbits(1, 0), false);
  // V channel with key tokens 0 and 1 at lane 0: row 0 gets map[0][0][0] + map[0][1][0] = 2
  std::vector<int> v(8, 0);
  v[0 * 2 + 0] = 1, v[1 * 2 + 0] = 1;
  a.av(v, false);
  ASSERT_TRUE(a.out_valid());
  EXPECT_EQ(a.sum(0, 0), 2);
  EXPECT_EQ(a.sum(0, 1), 0);  // lane 1 had no Q.K match
  for (int r = 1; r < 4; ++r) EXPECT_EQ(a.sum(r, 0), 0);
  // the same V channel at lane 1 only: nothing
  std::vector<int> v1(8, 0);
  v1[1 * 2 + 1] = 1;
  a.av(v1, false);
  EXPECT_EQ(a.sum(0, 1), 0);
  // clear with an A.V channel reads zeros; a following Q.K^T channel starts the new tile
  a.av(v, true);
  EXPECT_EQ(a.sum(0, 0), 0);
  a.qk(qbits(2, 1), qbits(3, 1), false);  // map[2][3][1] = 1
  std::vector<int> v3(8, 0);
  v3[3 * 2 + 1] = 1;
  a.av(v3, false);
  EXPECT_EQ(a.sum(2, 1), 1);
  EXPECT_EQ(a.sum(0, 0), 0);
  a.nop();
  EXPECT_FALSE(a.out_valid());
}

TEST(AttentionCore, SaturatesInsteadOfWrapping) {
  Core<Vattention_core_sat, 2, 2, 1, 3> a;  // 3-bit entries: at most 7
  const std::vector<int> ones(2, 1);
  for (int ch = 0; ch < 9; ++ch) a.qk(ones, ones, ch == 0);  // 9 matches -> 7, not 1
  a.av(ones, false);
  EXPECT_EQ(a.sum(0, 0), 14);  // 7 + 7
  EXPECT_EQ(a.sum(1, 0), 14);
}

// One head, tiled as sim/cycle_model.cpp attention_cycle (qk_first): row tiles of R query
// tokens x column tiles of C key tokens; per tile the Q.K^T channels where some Q row and some
// K column fire (any lane), then the V channels where some key token fires; partial sums of
// column tiles accumulate outside the core (the spike generator). Returns the cycles used.
template <class M, int kR, int kC, int kL, int kS>
int64_t run_head(const Head& q, const Head& k, const Head& v, std::vector<int64_t>& out,
                 int64_t& sim_cycles) {
  Core<M, kR, kC, kL, kS> a;
  const int N = q.N, dh = q.dh;
  out.assign(size_t(N) * dh * q.T, 0);
  sim_cycles = 0;
  std::deque<std::pair<int, int>> pending;  // (row tile start, channel) of issued A.V
  auto collect = [&] {
    if (!a.out_valid()) return;
    ASSERT_FALSE(pending.empty());
    const auto [r0, d] = pending.front();
    pending.pop_front();
    for (int r = 0; r < kR && r0 + r < N; ++r)
      for (int l = 0; l < kL; ++l) out[(size_t(r0 + r) * dh + d) * q.T + l] += a.sum(r, l);
  };
  for (int t0 = 0; t0 < q.T; t0 += kL) {
    EXPECT_EQ(t0, 0) << "one time chunk per head in this bench";
    for (int r0 = 0; r0 < N; r0 += kR)
      for (int m0 = 0; m0 < k.N; m0 += kC) {
        bool clear = true;
        int64_t qk = 0, av = 0;
        for (int c = 0; c < dh; ++c) {
          std::vector<int> qb(kR * kL, 0), kb(kC * kL, 0);
          bool anyq = false, anyk = false;
          for (int r = 0; r < kR && r0 + r < N; ++r)
            for (int l = 0; l < kL; ++l) anyq |= (qb[r * kL + l] = q.at(r0 + r, c, l));
          for (int m = 0; m < kC && m0 + m < k.N; ++m)
            for (int l = 0; l < kL; ++l) anyk |= (kb[m * kL + l] = k.at(m0 + m, c, l));
          if (!(anyq && anyk)) continue;  // skipped channel: no cycle
          a.qk(qb, kb, clear);
          clear = false, ++qk;
          collect();
        }
        for (int d = 0; d < v.dh; ++d) {
          std::vector<int> vb(kC * kL, 0);
          bool anyv = false;
          for (int m = 0; m < kC && m0 + m < k.N; ++m)
            for (int l = 0; l < kL; ++l) anyv |= (vb[m * kL + l] = v.at(m0 + m, d, l));
          if (!anyv) continue;
          pending.push_back({r0, d});
          a.av(vb, clear);
          clear = false, ++av;
          collect();
        }
        sim_cycles += qk + av;  // attention_array mode_cycles(qk) + mode_cycles(av)
      }
  }
  a.nop();  // the last A.V result leaves the output register
  collect();
  EXPECT_TRUE(pending.empty());
  return a.cycles();
}

template <class M, int kR, int kC, int kL, int kS>
void random_heads(int N, int dh, int heads, uint32_t seed) {
  std::mt19937 rng(seed);
  for (int h = 0; h < heads; ++h) {
    const double p = 0.05 + 0.5 * double(h % 5) / 4;  // from sparse to dense
    const Head q = random_head(rng, N, dh, kL, p, 0.2), k = random_head(rng, N, dh, kL, p, 0.2),
               v = random_head(rng, N, dh, kL, p, 0.2);
    std::vector<int64_t> out;
    int64_t sim = 0;
    const int64_t cycles = run_head<M, kR, kC, kL, kS>(q, k, v, out, sim);
    EXPECT_EQ(out, reference(q, k, v)) << "head " << h;
    EXPECT_EQ(cycles, sim + 1) << "one channel per cycle, back to back, plus the output register";
  }
}

// small.toml core on EMSA-sized heads (dh 24) of 10 tokens (partial tiles), and a wider core
// with 4 lanes on Spikformer-sized heads (dh 16) of 20 tokens.
TEST(AttentionCore, RandomHeadsSmall) { random_heads<Vattention_core, 4, 4, 2, 8>(10, 24, 40, 1); }
TEST(AttentionCore, RandomHeadsWide) {
  random_heads<Vattention_core_wide, 8, 8, 4, 12>(20, 16, 20, 2);
}

// A map entry counts at most dh matches per lane (one per channel; the lanes are separate time
// steps), so SCORE_BITS is exact when dh <= 2^SCORE_BITS - 1. Holds for every shipped model on
// both shipped archs.
TEST(AttentionCore, ShippedShapesNeverSaturate) {
  for (const char* arch : {"configs/arch/small.toml", "configs/arch/paper.toml"}) {
    const auto t = toml::parse_file(std::string(SS_SOURCE_DIR) + "/" + arch);
    const int64_t score_bits = t["arch"]["score_bits"].value_or(int64_t(0));
    ASSERT_GT(score_bits, 0) << arch;
    for (const char* model :
         {"models/spikformer-fmnist.toml", "models/moe-fmnist.toml", "models/semm-fmnist.toml"}) {
      const auto s = ss::ModelSpec::load(std::string(SS_SOURCE_DIR) + "/" + model);
      const int dh =
          s.attention.type == "emsa" ? s.attention.expert_dim : s.dim / s.attention.heads;
      EXPECT_LE(dh, (int64_t(1) << score_bits) - 1) << arch << " " << model;
    }
  }
}

}  // namespace
