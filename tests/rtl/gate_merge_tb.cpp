// SEMM merges (hw/gate_merge.v): EMSA Y = sum_i R_i AND O_i and EMSP G AND B, by hand and on
// random spikes against the engine's loops (layers/emsa.cpp, layers/emsp.cpp) written out here.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>

#include "Vgate_merge.h"
#include "rtl/rtl_bits.h"

namespace {

using ss::rtl::get_u;
using ss::rtl::put;

constexpr int kE = 4, kCH = 16, kYW = 3;  // semm-fmnist: 4 EMSA experts; Y in 0..4 needs 3 bits

struct Merge {
  std::unique_ptr<Vgate_merge> m = std::make_unique<Vgate_merge>();
  Merge() {
    m->rst_ni = 0;
    m->emsa_valid_i = 0;
    m->emsp_valid_i = 0;
    ss::rtl::tick(*m);
    m->rst_ni = 1;
  }
  // o[i] holds expert i's 16 channel bits
  void emsa(unsigned r, const uint16_t o[kE]) {
    m->emsa_valid_i = 1;
    m->emsa_r_i = r;
    m->emsa_o_i = 0;
    for (int i = 0; i < kE; ++i) put(m->emsa_o_i, i * kCH, kCH, o[i]);
  }
  int y(int c) const { return int(get_u(m->emsa_y_o, c * kYW, kYW)); }
};

TEST(GateMerge, HandCase) {
  Merge g;
  // R = experts 0, 2, 3 routed (1 not). Channel 0: O_0..O_3 = 1, 1, 1, 1 -> 3 (expert 1 not
  // routed); channel 1: only O_1 -> 0; channel 2: O_2, O_3 -> 2; channel 15: O_0 -> 1.
  const uint16_t o[kE] = {uint16_t(1u << 0 | 1u << 15), uint16_t(1u << 0 | 1u << 1),
                          uint16_t(1u << 0 | 1u << 2), uint16_t(1u << 0 | 1u << 2)};
  g.emsa(0b1101, o);
  g.m->emsp_valid_i = 1;
  g.m->emsp_g_i = 0b1010'1100;
  g.m->emsp_b_i = 0b0110'0101;
  g.m->eval();
  EXPECT_FALSE(g.m->emsa_valid_o);  // registered
  ss::rtl::tick(*g.m);
  ASSERT_TRUE(g.m->emsa_valid_o);
  EXPECT_EQ(g.y(0), 3);
  EXPECT_EQ(g.y(1), 0);
  EXPECT_EQ(g.y(2), 2);
  EXPECT_EQ(g.y(15), 1);
  for (int c = 3; c < 15; ++c) EXPECT_EQ(g.y(c), 0);
  ASSERT_TRUE(g.m->emsp_valid_o);
  EXPECT_EQ(unsigned(g.m->emsp_gb_o), 0b0010'0100u);
  // all routed, all firing: 4 = E in every channel
  const uint16_t all[kE] = {0xffff, 0xffff, 0xffff, 0xffff};
  g.emsa(0b1111, all);
  ss::rtl::tick(*g.m);
  for (int c = 0; c < kCH; ++c) EXPECT_EQ(g.y(c), 4);
}

TEST(GateMerge, RandomVsEngineLoops) {
  Merge g;
  std::mt19937 rng(7);
  for (int it = 0; it < 20000; ++it) {
    uint16_t o[kE];
    for (auto& w : o) w = uint16_t(rng() & rng());
    const unsigned r = rng() & 0xf;
    const uint16_t G = uint16_t(rng()), B = uint16_t(rng());
    g.emsa(r, o);
    g.m->emsp_valid_i = 1;
    g.m->emsp_g_i = G;
    g.m->emsp_b_i = B;
    ss::rtl::tick(*g.m);
    for (int c = 0; c < kCH; ++c) {
      int want = 0;  // emsa.cpp: y += bit d of (R_i ? O_i : 0), i = 0..E-1
      for (int i = 0; i < kE; ++i) want += (r >> i & 1u) ? (o[i] >> c & 1) : 0;
      ASSERT_EQ(g.y(c), want) << "it " << it << " channel " << c;
    }
    ASSERT_EQ(unsigned(g.m->emsp_gb_o), unsigned(G & B));  // emsp.cpp: g.row &= B.row
  }
}

}  // namespace
