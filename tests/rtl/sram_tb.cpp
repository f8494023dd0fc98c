// SRAM bank and global buffer (hw/sram_bank.v, hw/glb.v): synchronous read timing, write/read
// patterns, and the striping of word a to bank a % BANKS (bank strobes), at 1, 2 and 8 banks.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "Vglb.h"
#include "Vglb_b1.h"
#include "Vglb_b8.h"
#include "Vsram_bank.h"
#include "rtl/rtl_bits.h"

namespace {

using ss::rtl::get_u;
using ss::rtl::put;
using ss::rtl::tick;

// configs/arch/small.toml membrane buffer: 256 B of 16-bit words = 128 words
constexpr int kBankW = 16, kBankDepth = 128;

TEST(SramBank, StartsWithRandomContents) {
  // rtl_bits.h makes every model start from random bits, so nothing here may rely on zeros
  auto m = std::make_unique<Vsram_bank>();
  m->en_i = 1;
  m->we_i = 0;
  int nonzero = 0;
  for (int a = 0; a < kBankDepth; ++a) {
    m->addr_i = a;
    tick(*m);
    nonzero += m->rdata_o != 0;
  }
  EXPECT_GT(nonzero, kBankDepth / 2);
}

TEST(SramBank, SynchronousReadAndHold) {
  auto m = std::make_unique<Vsram_bank>();
  m->en_i = 1;
  m->we_i = 1;
  for (int a = 0; a < kBankDepth; ++a) {  // word a holds a * 517 (mod 2^16)
    m->addr_i = a;
    m->wdata_i = uint16_t(a * 517);
    tick(*m);
  }
  m->we_i = 0;
  m->addr_i = 5;
  tick(*m);
  EXPECT_EQ(m->rdata_o, uint16_t(5 * 517));  // the cycle after en
  m->addr_i = 6;
  m->eval();
  EXPECT_EQ(m->rdata_o, uint16_t(5 * 517));  // not combinational from the address
  m->en_i = 0;
  tick(*m);
  EXPECT_EQ(m->rdata_o, uint16_t(5 * 517));  // held without en
  m->en_i = 1;
  m->we_i = 1;
  m->addr_i = 9;
  m->wdata_i = 0xbeef;
  tick(*m);
  EXPECT_EQ(m->rdata_o, uint16_t(5 * 517));  // a write does not disturb the read data
  m->we_i = 0;
  for (int a = 0; a < kBankDepth; ++a) {  // back-to-back reads, one word per cycle
    m->addr_i = a;
    tick(*m);
    EXPECT_EQ(m->rdata_o, a == 9 ? 0xbeef : uint16_t(a * 517)) << "word " << a;
  }
}

template <class M, int kBanks, int kWidth, int kDepth>
class Glb {
 public:
  Glb() {
    m_->en_i = 0;
    m_->eval();
  }
  // Issues one burst; returns the banks it touched (bank_en_o, before the edge).
  unsigned access(bool we, int addr, unsigned lanes, const std::vector<uint64_t>& data = {}) {
    m_->en_i = 1;
    m_->we_i = we;
    m_->addr_i = addr;
    m_->lane_en_i = lanes;
    for (int j = 0; j < kBanks; ++j)
      put(m_->wdata_i, j * kWidth, kWidth, j < int(data.size()) ? int64_t(data[j]) : 0);
    m_->eval();
    const unsigned banks = unsigned(get_u(m_->bank_en_o, 0, kBanks));
    tick(*m_);
    m_->en_i = 0;
    return banks;
  }
  uint64_t lane(int j) const { return get_u(m_->rdata_o, j * kWidth, kWidth); }
  M& model() { return *m_; }

 private:
  std::unique_ptr<M> m_ = std::make_unique<M>();
};

uint64_t mask(int w) { return w >= 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1; }

template <class M, int kBanks, int kWidth, int kDepth>
void striping_and_random(uint32_t seed) {
  Glb<M, kBanks, kWidth, kDepth> g;
  const unsigned all = (1u << kBanks) - 1;
  // Striping: a single word a touches only bank a % BANKS.
  for (int a = 0; a < kDepth; ++a)
    EXPECT_EQ(g.access(true, a, 1u, {uint64_t(a)}), 1u << (a % kBanks)) << "word " << a;
  // A full burst at any alignment touches every bank exactly once: BANKS words per cycle.
  for (int a = 0; a + kBanks <= kDepth; a += 3) EXPECT_EQ(g.access(false, a, all), all);
  // Every word written singly reads back in any lane of an unaligned burst.
  for (int a = 0; a + kBanks <= kDepth; ++a) {
    g.access(false, a, all);
    for (int j = 0; j < kBanks; ++j) EXPECT_EQ(g.lane(j), uint64_t(a + j)) << a << "+" << j;
  }
  // Random bursts against a word map; reads issued back to back, one per cycle.
  std::mt19937_64 rng(seed);
  std::map<int, uint64_t> ref;
  for (int a = 0; a < kDepth; ++a) ref[a] = uint64_t(a);
  for (int it = 0; it < 20000; ++it) {
    const int addr = int(rng() % (kDepth - kBanks + 1));
    const unsigned lanes = unsigned(rng()) & all;
    const bool we = rng() % 2;
    std::vector<uint64_t> data(kBanks);
    for (auto& d : data) d = rng() & mask(kWidth);
    const unsigned banks = g.access(we, addr, lanes, data);
    unsigned want = 0;
    for (int j = 0; j < kBanks; ++j)
      if (lanes >> j & 1u) want |= 1u << ((addr + j) % kBanks);
    ASSERT_EQ(banks, want) << "addr " << addr << " lanes " << lanes;
    for (int j = 0; j < kBanks; ++j) {
      if (!(lanes >> j & 1u)) continue;
      if (we)
        ref[addr + j] = data[j];
      else
        ASSERT_EQ(g.lane(j), ref[addr + j]) << "addr " << addr << " lane " << j;
    }
  }
}

// small.toml's weight-buffer words and banks (32 bits, 2 banks; 256 of its 65 536 words, the
// striping being the same at any depth), its spike buffer (1 KiB of 16-bit words in 1 bank,
// 512 words); and 8 banks of 64 bits.
TEST(Glb, TwoBanksSmallWeightBuffer) { striping_and_random<Vglb, 2, 32, 256>(1); }
TEST(Glb, OneBankSmallSpikeBuffer) { striping_and_random<Vglb_b1, 1, 16, 512>(2); }
TEST(Glb, EightBanks) { striping_and_random<Vglb_b8, 8, 64, 128>(3); }

TEST(Glb, StreamingReadsOneBurstPerCycle) {
  Glb<Vglb_b8, 8, 64, 128> g;
  for (int a = 0; a < 128; a += 8) {
    std::vector<uint64_t> d(8);
    for (int j = 0; j < 8; ++j) d[j] = uint64_t(a + j) * 0x0101010101ull;
    g.access(true, a, 0xff, d);
  }
  auto& m = g.model();
  // reads at addresses 5, 13, 21, ... issued on consecutive edges; each burst's data is on
  // rdata_o right after its edge, while the next burst is being presented
  m.en_i = 1;
  m.we_i = 0;
  m.lane_en_i = 0xff;
  for (int a = 5; a + 8 <= 128; a += 8) {
    m.addr_i = a;
    tick(m);
    for (int j = 0; j < 8; ++j)
      EXPECT_EQ(get_u(m.rdata_o, j * 64, 64), uint64_t(a + j) * 0x0101010101ull);
  }
}

}  // namespace
