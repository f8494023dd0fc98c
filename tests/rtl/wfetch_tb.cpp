// Weight fetch (hw/wfetch.v) at configs/arch/small.toml's sizes: a 4 x 4 array of 8-bit
// weights, 32-bit buffer words, 2 words a request, 4 ops queued. The testbench plays the weight
// buffer and the bus as ss_top builds them: every request granted at once, its words back
// exactly 2 cycles later (one cycle in the banks, one bus stage). Checked: the request
// addresses and lanes, each op's tile unpacked into the array's layout, the ops' order and the
// cycles worked out by hand below.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vwfetch.h"
#include "rtl/rtl_bits.h"

namespace {

using ss::rtl::get_u;
using ss::rtl::put;

constexpr int kRows = 4, kCols = 4, kWb = 8, kGw = 32, kBeat = 2, kLatency = 2;

struct Op {
  uint32_t rec = 0;  // the record (passed through)
  bool wkeep = false;
  int ru = kRows, cu = kCols, addr = 0;
};

// The buffer: word a = a * 0x01010101 + 0x00010203 (each byte distinct per word).
uint32_t word(int a) { return uint32_t(a) * 0x01010101u + 0x00010203u; }

class Bench {
 public:
  Bench() {
    m_->rst_ni = 0;
    m_->op_valid_i = 0;
    m_->core_ready_i = 0;
    m_->bt_valid_i = 0;
    m_->rq_gnt_i = 0;
    ss::rtl::tick(*m_);
    m_->rst_ni = 1;
  }
  std::deque<Op> in;  // ops for the controller side to hand over
  bool take = true;   // the core takes an op whenever one is valid
  struct Taken {
    int cycle;
    uint32_t rec;
    std::vector<uint8_t> tile;  // [r][c]
  };
  std::vector<Taken> out;
  std::vector<std::pair<int, int>> requests;  // (address, lanes)
  std::vector<int> request_cycles;
  int cycle = 0;

  void step() {
    m_->op_valid_i = !in.empty();
    if (!in.empty()) {
      const Op& o = in.front();
      m_->op_rec_i = o.rec;
      m_->op_dep_i = 0;
      m_->op_wkeep_i = o.wkeep;
      m_->op_ru_i = uint16_t(o.ru);
      m_->op_cu_i = uint16_t(o.cu);
      m_->op_waddr_i = uint8_t(o.addr);
    }
    // the words of the request made kLatency cycles ago
    m_->bt_valid_i = 0;
    if (!pipe_.empty() && pipe_.front().first == cycle) {
      const auto [due, addr_lanes] = pipe_.front();
      pipe_.pop_front();
      m_->bt_valid_i = 1;
      uint64_t d = 0;
      for (int j = 0; j < kBeat; ++j)
        if ((addr_lanes.second >> j) & 1) d |= uint64_t(word(addr_lanes.first + j)) << (32 * j);
      m_->bt_data_i = d;
    }
    m_->core_ready_i = take;
    m_->rq_gnt_i = 1;
    m_->clk_i = 0;
    m_->eval();
    if (m_->rq_valid_o) {
      requests.emplace_back(int(m_->rq_addr_o), int(m_->rq_lanes_o));
      request_cycles.push_back(cycle);
      pipe_.emplace_back(cycle + kLatency, requests.back());
    }
    if (m_->core_valid_o && take) {
      Taken t{cycle, m_->core_rec_o, std::vector<uint8_t>(kRows * kCols)};
      for (int i = 0; i < kRows * kCols; ++i)
        t.tile[size_t(i)] = uint8_t(get_u(m_->core_wtile_o, i * kWb, kWb));
      out.push_back(std::move(t));
    }
    const bool pushed = m_->op_valid_i && m_->op_ready_o;
    m_->clk_i = 1;
    m_->eval();
    if (pushed) in.pop_front();
    ++cycle;
  }

 private:
  std::unique_ptr<Vwfetch> m_ = std::make_unique<Vwfetch>();
  std::deque<std::pair<int, std::pair<int, int>>> pipe_;
};

// The tile an op must get: element (r, c) of its packed ru x cu block at byte r cu + c from
// its first word, zero outside the block.
std::vector<uint8_t> expected_tile(const Op& o) {
  std::vector<uint8_t> t(kRows * kCols, 0);
  for (int r = 0; r < o.ru; ++r)
    for (int c = 0; c < o.cu; ++c) {
      const int b = r * o.cu + c;
      t[size_t(r * kCols + c)] = uint8_t(word(o.addr + b / 4) >> (8 * (b % 4)));
    }
  return t;
}

// Two whole tiles (4 x 4 x 8 = 128 bits = 4 words = 2 requests each), the core always ready:
//   cycle 0: op A handed over (pushed at the edge)        cycle 1: op B handed over
//   cycle 1: request A words 10, 11    cycle 2: A 12, 13  (lanes 11 each)
//   cycle 3: request B 40, 41          cycle 4: B 42, 43
//   A's beats arrive in cycles 3 and 4 (2 after their requests), land at those edges:
//   cycle 5: A valid, taken; B's beats in 5 and 6, cycle 7: B taken.
TEST(Wfetch, TwoTilesByHand) {
  Bench b;
  b.in = {{0xA, false, 4, 4, 10}, {0xB, false, 4, 4, 40}};
  for (int i = 0; i < 10; ++i) b.step();
  ASSERT_EQ(b.out.size(), 2u);
  EXPECT_EQ(b.out[0].rec, 0xAu);
  EXPECT_EQ(b.out[0].cycle, 5);
  EXPECT_EQ(b.out[1].rec, 0xBu);
  EXPECT_EQ(b.out[1].cycle, 7);
  const std::vector<std::pair<int, int>> req = {{10, 3}, {12, 3}, {40, 3}, {42, 3}};
  EXPECT_EQ(b.requests, req);
  EXPECT_EQ(b.request_cycles, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(b.out[0].tile, expected_tile({0xA, false, 4, 4, 10}));
  EXPECT_EQ(b.out[1].tile, expected_tile({0xB, false, 4, 4, 40}));
}

// Edge tiles: 3 x 2 = 48 bits = 2 words (one request, lanes 11); 1 x 3 = 24 bits = 1 word
// (lanes 01); an op with wkeep requests nothing and follows its predecessor in order.
//   element (r, c) of the 3 x 2 tile at word 7 + (2 r + c) / 4: (0,0) = byte 0 of word 7,
//   (1,1) = byte 3 of word 7, (2,0) = byte 0 of word 8, (2,1) = byte 1 of word 8.
TEST(Wfetch, EdgeTilesAndKeptWeights) {
  Bench b;
  const Op e1{1, false, 3, 2, 7}, e2{2, false, 1, 3, 20}, k3{3, true, 1, 3, 0};
  b.in = {e1, e2, k3};
  for (int i = 0; i < 12; ++i) b.step();
  ASSERT_EQ(b.out.size(), 3u);
  EXPECT_EQ(b.requests, (std::vector<std::pair<int, int>>{{7, 3}, {20, 1}}));
  EXPECT_EQ(b.out[0].tile, expected_tile(e1));
  EXPECT_EQ(b.out[0].tile[0], uint8_t(word(7)));
  EXPECT_EQ(b.out[0].tile[1 * kCols + 1], uint8_t(word(7) >> 24));
  EXPECT_EQ(b.out[0].tile[2 * kCols + 1], uint8_t(word(8) >> 8));
  EXPECT_EQ(b.out[0].tile[3 * kCols + 0], 0);  // outside the 3 x 2 block
  EXPECT_EQ(b.out[1].tile, expected_tile(e2));
  EXPECT_EQ(b.out[2].rec, 3u);
  EXPECT_GT(b.out[2].cycle, b.out[1].cycle);
}

// A stream of whole tiles with the core always ready: one request a cycle, so after the
// first tile's latency the ops leave every 2 cycles (the buffer's rate: 2 beats a tile), which
// needs the queue of 4 (an entry is held 5 cycles from hand-over to take). A core that stops
// taking fills the queue (4 ops), and the rest wait at the controller.
TEST(Wfetch, StreamsAtTheBufferRateAndHoldsFour) {
  Bench b;
  for (int i = 0; i < 20; ++i) b.in.push_back({uint32_t(i), false, 4, 4, 4 * i});
  for (int i = 0; i < 60; ++i) b.step();
  ASSERT_EQ(b.out.size(), 20u);
  for (size_t i = 1; i < b.out.size(); ++i) {
    EXPECT_EQ(b.out[i].rec, uint32_t(i));
    EXPECT_EQ(b.out[i].cycle - b.out[i - 1].cycle, 2) << i;
  }
  Bench s;
  s.take = false;
  for (int i = 0; i < 6; ++i) s.in.push_back({uint32_t(i), false, 4, 4, 4 * i});
  for (int i = 0; i < 20; ++i) s.step();
  EXPECT_EQ(s.in.size(), 2u);        // 4 queued
  EXPECT_EQ(s.requests.size(), 8u);  // their tiles fetched, 2 requests each
  s.take = true;
  for (int i = 0; i < 20; ++i) s.step();
  ASSERT_EQ(s.out.size(), 6u);
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(s.out[i].tile, expected_tile({uint32_t(i), false, 4, 4, int(4 * i)}));
}

// Random ops (edge tiles, kept weights) against the packed-tile rule, with a core that takes
// at random: every op once, in order, with its tile.
TEST(Wfetch, RandomOps) {
  std::mt19937 rng(7);
  Bench b;
  std::vector<Op> ops;
  for (int i = 0; i < 400; ++i) {
    Op o{uint32_t(i), i > 0 && rng() % 5 == 0, int(1 + rng() % kRows), int(1 + rng() % kCols),
         int(rng() % 200)};
    if (o.wkeep) o.ru = ops.back().ru, o.cu = ops.back().cu;
    ops.push_back(o);
    b.in.push_back(o);
  }
  for (int i = 0; i < 4000 && b.out.size() < ops.size(); ++i) {
    b.take = rng() % 3 != 0;
    b.step();
  }
  ASSERT_EQ(b.out.size(), ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(b.out[i].rec, ops[i].rec);
    if (!ops[i].wkeep) EXPECT_EQ(b.out[i].tile, expected_tile(ops[i])) << i;
  }
}

}  // namespace
