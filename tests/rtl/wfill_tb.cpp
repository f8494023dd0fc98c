// Weight fill (hw/wfill.v): 2 banks of 32-bit words (a row is 64 bits), a ring of 8 rows, 4 rows
// requested ahead. The testbench plays the off-chip weight memory: every request answered
// exactly 2 cycles later, row r holding the 64-bit value row_value(r). Checked: the requests,
// the rows written (ring row, data, cycle) and the done pulses against timelines worked out by
// hand below, the fetch's priority over the fill, and a random stream of commands.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vwfill.h"
#include "rtl/rtl_bits.h"

namespace {

constexpr int kLatency = 2, kRing = 8, kDepth = 4;

uint64_t row_value(int r) { return 0x0123456700000000ull * uint64_t(r + 1) + uint64_t(r) * 7; }

struct Cmd {
  int src, rows, dst;
};
struct Write {
  int cycle, row;
  uint64_t data;
  bool operator==(const Write&) const = default;
};

class Bench {
 public:
  Bench() {
    m_->rst_ni = 0;
    m_->cmd_valid_i = 0;
    m_->wm_valid_i = 0;
    m_->rd_busy_i = 0;
    ss::rtl::tick(*m_);
    m_->rst_ni = 1;
  }
  std::deque<Cmd> cmds;
  std::vector<bool> busy;  // per cycle: the fetch reads the buffer (beyond its end: no)
  std::vector<std::pair<int, int>> requests;  // (cycle, off-chip row)
  std::vector<Write> writes;
  std::vector<int> done, accepted;  // cycles of done_o, of a command taken
  int cycle = 0, max_held = 0;

  void step() {
    m_->cmd_valid_i = !cmds.empty();
    if (!cmds.empty()) {
      m_->cmd_src_i = uint32_t(cmds.front().src);
      m_->cmd_rows_i = uint16_t(cmds.front().rows);
      m_->cmd_dst_i = uint8_t(cmds.front().dst);
    }
    m_->wm_valid_i = 0;
    if (!pipe_.empty() && pipe_.front().first == cycle) {
      m_->wm_valid_i = 1;
      m_->wm_data_i = row_value(pipe_.front().second);
      pipe_.pop_front();
    }
    m_->rd_busy_i = size_t(cycle) < busy.size() && busy[size_t(cycle)];
    m_->clk_i = 0;
    m_->eval();
    if (m_->done_o) done.push_back(cycle);
    if (m_->cmd_valid_i && m_->cmd_ready_o) accepted.push_back(cycle), cmds.pop_front();
    if (m_->wm_req_o) {
      requests.emplace_back(cycle, int(m_->wm_addr_o));
      pipe_.emplace_back(cycle + kLatency, int(m_->wm_addr_o));
    }
    if (m_->wr_en_o) {
      EXPECT_FALSE(m_->rd_busy_i) << "a fill write in a cycle the fetch reads";
      writes.push_back({cycle, int(m_->wr_row_o), uint64_t(m_->wr_data_o)});
    }
    held_ += m_->wm_req_o;
    held_ -= m_->wr_en_o;
    max_held = std::max(max_held, held_);
    m_->clk_i = 1;
    m_->eval();
    ++cycle;
  }
  bool idle() const { return m_->idle_o && cmds.empty(); }

 private:
  std::unique_ptr<Vwfill> m_ = std::make_unique<Vwfill>();
  std::deque<std::pair<int, int>> pipe_;  // (cycle the row arrives, row)
  int held_ = 0;
};

// Command A (off-chip rows 10..12 to ring rows 6, 7, 0: the ring wraps) offered in cycle 0 and
// B (rows 100, 101 to ring rows 1, 2) in cycle 1, while A runs, so B waits in the queue.
//   cycle 0: A taken.  1, 2, 3: requests 10, 11, 12 (B taken in 1).  3, 4, 5: rows 10, 11, 12
//   arrive and land at the cycle's end, so they are written in 4, 5, 6 to ring rows 6, 7, 0;
//   A's last write in 6, done_o in 7. B moves up at 6's end: requests 100, 101 in 7, 8,
//   arrivals in 9, 10, writes in 10, 11 to ring rows 1, 2, done_o in 12.
TEST(Wfill, TwoCommandsByHand) {
  Bench b;
  b.cmds = {{10, 3, 6}, {100, 2, 1}};
  for (int i = 0; i < 16; ++i) b.step();
  EXPECT_EQ(b.accepted, (std::vector<int>{0, 1}));
  EXPECT_EQ(b.requests,
            (std::vector<std::pair<int, int>>{{1, 10}, {2, 11}, {3, 12}, {7, 100}, {8, 101}}));
  EXPECT_EQ(b.writes, (std::vector<Write>{{4, 6, row_value(10)},
                                          {5, 7, row_value(11)},
                                          {6, 0, row_value(12)},
                                          {10, 1, row_value(100)},
                                          {11, 2, row_value(101)}}));
  EXPECT_EQ(b.done, (std::vector<int>{7, 12}));
  EXPECT_TRUE(b.idle());
}

// The fetch has the buffer in cycles 4 to 9: A's rows land (4 in flight or landed at most: the
// requests of cycles 1 to 4 fill the landing buffer, the fifth waits) and are written from
// cycle 10, one a cycle. A = 6 rows from off-chip row 0 to ring row 0.
//   requests 0..3 in cycles 1..4 (held 4: none in 5..10); writes 10, 11, ...: each frees a
//   place, so request 4 goes out in 11, request 5 in 12; they arrive in 13 and 14 and are
//   written in 14 and 15 (rows 0..3 in 10..13). done_o in 16.
TEST(Wfill, TheFetchHasPriorityAndFourRowsAreHeldAtMost) {
  Bench b;
  b.cmds = {{0, 6, 0}};
  b.busy.assign(10, false);
  for (int c = 4; c < 10; ++c) b.busy[size_t(c)] = true;
  for (int i = 0; i < 20; ++i) b.step();
  EXPECT_EQ(b.requests,
            (std::vector<std::pair<int, int>>{{1, 0}, {2, 1}, {3, 2}, {4, 3}, {11, 4}, {12, 5}}));
  std::vector<Write> want;
  for (int r = 0; r < 4; ++r) want.push_back({10 + r, r, row_value(r)});
  want.push_back({14, 4, row_value(4)});
  want.push_back({15, 5, row_value(5)});
  EXPECT_EQ(b.writes, want);
  EXPECT_EQ(b.done, (std::vector<int>{16}));
  EXPECT_EQ(b.max_held, kDepth);
}

// 200 random commands (1 to 12 rows, any source, any ring row) under a fetch that reads the
// buffer in a random half of the cycles: every row of every command written once, in order, to
// its ring row with its off-chip row's value, a done pulse per command after its last write.
TEST(Wfill, RandomCommandsLandInOrder) {
  std::mt19937 rng(5);
  Bench b;
  std::vector<Cmd> all;
  for (int i = 0; i < 200; ++i) {
    all.push_back({int(rng() % 100000), 1 + int(rng() % 12), int(rng() % kRing)});
    b.cmds.push_back(all.back());
  }
  b.busy.resize(20000);
  for (size_t c = 0; c < b.busy.size(); ++c) b.busy[c] = rng() % 2;
  while (!b.idle() && b.cycle < 20000) b.step();
  for (int i = 0; i < 4; ++i) b.step();
  ASSERT_TRUE(b.idle());
  size_t w = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    for (int r = 0; r < all[i].rows; ++r, ++w) {
      ASSERT_LT(w, b.writes.size());
      EXPECT_EQ(b.writes[w].row, (all[i].dst + r) % kRing) << "command " << i << " row " << r;
      EXPECT_EQ(b.writes[w].data, row_value(all[i].src + r)) << "command " << i << " row " << r;
    }
    ASSERT_LT(i, b.done.size());
    EXPECT_EQ(b.done[i], b.writes[w - 1].cycle + 1) << "command " << i;
  }
  EXPECT_EQ(w, b.writes.size());
  EXPECT_EQ(b.done.size(), all.size());
  EXPECT_LE(b.max_held, kDepth);
}

}  // namespace
