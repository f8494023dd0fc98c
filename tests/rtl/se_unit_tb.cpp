// The open flow's se_unit design point (scripts/flow/designs/se_unit.v: se_array + per-column
// ping-pong accumulators + LIF lane and membranes; docs/flow.md) on real spikes, at the sizes
// the flow places (2x2, 3x3, 2x2 with 32-bit membranes): the switching activity of every net,
// named as the flow names the flattened nets, for `scripts/flow/flow.py --activity`.
//
// The workload is a compiled layer at the unit's size: moe-fmnist's blocks.0.attn.proj on
// Fashion-MNIST test image 0 (engine int mode), scheduled by sim::weight_schedule and compiled
// by rtl::se_ops for configs/arch/small.toml with se_cores.rows = cols = N and
// spike_gen.acc_entries = N (one token per chunk: the unit's accumulators hold two tokens, one
// per parity, so the passes run token by token, every input tile of a token in a row). The
// unit has no pass controller; the testbench is one: a pass (one token's bit plane of one
// input tile) enters every G = ceil((ROWS + COLS - 1) / 2) cycles, its weight tile written
// into the idle bank the cycle before (the fastest rate at which a bank is rewritten only
// after the pass before last has left the array's last PE), the pass flags (token parity,
// first / last input tile) with it. Inputs hold their last value between passes.
//
// Checks: the unit's output spikes equal a C++ model of se_unit.v's arithmetic on the same
// inputs (so the drive is what the RTL means), the clock toggles 2 per cycle, no bit toggles
// more than once per cycle.
//
// The toggle file (flow_toggles.h, shared with flow_activity_tb.cpp) leaves out what Verilator
// traces that is no net: parameters, `integer` loop variables and, in se_tile_x2, the weight
// buffer's memory array (the flow's macro); listed at zero they pulled the file's mean rate,
// which prices the unnamed nets and the internal power, about 40 % down.
#include <gtest/gtest.h>
#include <verilated.h>
#include <verilated_vcd_c.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "Vse_tile_x2_2x2.h"
#include "Vse_unit_2x2.h"
#include "Vse_unit_2x2_m32.h"
#include "Vse_unit_3x3.h"
#include "arch/arch_spec.h"
#include "common/files.h"
#include "flow_toggles.h"
#include "model_fixture.h"
#include "rtl/layer_quant.h"
#include "rtl/se_program.h"
#include "sim/schedule.h"
#include "sim/simulate.h"

namespace {

using namespace ss;
using rtl_test::check_or_write_toggles;
using rtl_test::macro_inside;
using rtl_test::NotNets;
using rtl_test::src;
using rtl_test::toggle_file;

constexpr int kLanes = 2, kPsumBits = 16, kAccW = 20;  // se_unit.v defaults (the flow's)

template <class I>
void put(I& s, int lsb, int w, uint64_t v) {
  for (int i = 0; i < w; ++i) s = I((s & ~(I(1) << (lsb + i))) | (I((v >> i) & 1) << (lsb + i)));
}
template <std::size_t N>
void put(VlWide<N>& s, int lsb, int w, uint64_t v) {
  for (int i = 0; i < w; ++i) {
    const int b = lsb + i;
    s[b / 32] = (s[b / 32] & ~(1u << (b % 32))) | (uint32_t((v >> i) & 1) << (b % 32));
  }
}

// The layer compiled for an N x N array, one token per chunk.
struct Layer {
  std::vector<rtl::SeOp> ops;
  int frac_bits = 0;
};

Layer compile_layer(int n) {
  const arch::Arch a =
      arch::load_arch(src("configs/arch/small.toml"),
                      {"se_cores.rows=" + std::to_string(n), "se_cores.cols=" + std::to_string(n),
                       "spike_gen.acc_entries=" + std::to_string(n)});
  rtl_test::ModelFixture f("models/moe-fmnist.toml", a, 1);
  const auto s = f.sample(0);
  struct Grab : sim::WeightLayerObserver {
    const rtl_test::ModelFixture* f;
    Layer out;
    void on_weight_layer(const sim::LayerDesc& d, const Planes& in, const std::vector<int>& toks,
                         int kept, int, const sim::LayerCost&) override {
      if (d.name != "blocks.0.attn.proj") return;
      const rtl::LayerQuant q = rtl::quantize_layer(f->spec, f->weights, d);
      out.frac_bits = q.frac_bits;
      out.ops = rtl::se_ops(d, sim::weight_schedule(d, int(toks.size()), kept, f->arch), in, toks,
                            q, rtl::se_core_params(f->arch, f->spec), 0);
    }
  } g;
  g.f = &f;
  sim::simulate_sample(f.workload, s.spikes, f.ctx, &g);
  return g.out;
}

// se_unit.v's arithmetic (the reference for the drive): per column the spikes in output order.
struct UnitModel {
  int rows, cols, mem_w;
  std::vector<std::array<std::array<int64_t, kLanes>, 2>> acc;  // [col][bank][lane]
  std::vector<std::array<int64_t, 2>> mem;                      // [col][bank]
  std::vector<std::vector<int>> spikes;                         // [col] in firing order
  UnitModel(int r, int c, int m)
      : rows(r), cols(c), mem_w(m), acc(size_t(c)), mem(size_t(c)), spikes(size_t(c)) {
    for (auto& a : acc) a = {};
    for (auto& v : mem) v = {0, 0};
  }
  static int64_t wrap(int64_t v, int w) { return int64_t(uint64_t(v) << (64 - w)) >> (64 - w); }
  void pass(const std::vector<int8_t>& w, const std::vector<uint8_t>& x, int bank, bool first,
            bool last, int64_t th) {
    for (int c = 0; c < cols; ++c) {
      for (int l = 0; l < kLanes; ++l) {
        int64_t ps = 0;
        for (int r = 0; r < rows; ++r)
          ps += x[size_t(r * kLanes + l)] ? w[size_t(r * cols + c)] : 0;
        ps = wrap(ps, kPsumBits);
        auto& a = acc[size_t(c)][size_t(bank)][size_t(l)];
        a = wrap((first ? 0 : a) + ps, kAccW);
      }
      if (!last) continue;
      int64_t v = mem[size_t(c)][size_t(bank)];
      for (int l = 0; l < kLanes; ++l) {
        const int64_t h = (acc[size_t(c)][size_t(bank)][size_t(l)] + v) >> 1;  // floor
        const bool s = h >= th;
        spikes[size_t(c)].push_back(s);
        v = s ? 0 : wrap(h, mem_w);
      }
      mem[size_t(c)][size_t(bank)] = v;
    }
  }
};

template <class V>
void activity(int n, int mem_w, const std::string& name, int64_t max_cycles) {
  const Layer layer = compile_layer(n);
  ASSERT_FALSE(layer.ops.empty());
  const int rows = n, cols = n;
  const int gap = (rows + cols - 1 + 1) / 2;  // cycles between passes (weight bank reuse)
  Verilated::randReset(0);                    // registers start at zero: no artefact toggles
  auto m = std::make_unique<V>();
  m->clk_i = 0;
  m->rst_ni = 0;
  auto tick = [&] {
    m->clk_i = 0;
    m->eval();
    m->clk_i = 1;
    m->eval();
  };
  for (int i = 0; i < 4; ++i) tick();
  m->rst_ni = 1;
  const std::string vcd = std::string(SS_BINARY_DIR) + "/" + name + ".vcd";
  Verilated::traceEverOn(true);
  auto tr = std::make_unique<VerilatedVcdC>();
  m->trace(tr.get(), 99);
  tr->open(vcd.c_str());
  UnitModel ref(rows, cols, mem_w);
  std::vector<std::vector<int>> got(static_cast<size_t>(cols));
  // threshold: the layer's (column 0's; the unit has one per layer) in units of the sum,
  // ceil(th / 2^F): H >= that <=> H x 2^F >= th
  const int64_t th_fx = layer.ops.front().th.at(0);
  const int64_t th = -((-th_fx) >> layer.frac_bits);
  m->th_i = 0;
  put(m->th_i, 0, mem_w, uint64_t(th));
  int64_t cycles = 0, passes = 0;
  size_t next = 0;  // op of the next pass
  int tok = 0;      // token parity (alternates per token)
  const int64_t drain = rows + cols + 2 * kLanes + 4;
  int64_t end = -1;
  for (int64_t cyc = 0; end < 0 || cyc < end; ++cyc) {
    const int64_t phase = cyc % gap;
    m->wr_en_i = 0;
    m->in_valid_i = 0;
    const bool issue = phase == 0 && cyc > 0 && next < layer.ops.size() && cyc < max_cycles;
    // the write of the next pass's tile, the cycle before it enters (bank = its parity)
    if (phase == gap - 1 && next < layer.ops.size() && cyc + 1 < max_cycles) {
      const auto& op = layer.ops[next];
      EXPECT_EQ(op.planes, 1);  // a spike layer: one bit plane
      EXPECT_EQ(op.pass.nt, 1);
      m->wr_en_i = 1;
      m->wr_bank_i = uint8_t(next & 1);
      for (int k = 0; k < rows * cols; ++k) put(m->wr_tile_i, k * 8, 8, uint8_t(op.w[size_t(k)]));
    }
    if (issue) {
      const auto& op = layer.ops[next];
      if (op.pass.first_in && next > 0) tok ^= 1;
      m->in_valid_i = 1;
      m->in_bank_i = uint8_t(next & 1);
      m->in_tok_i = uint8_t(tok);
      m->in_first_i = op.pass.first_in;
      m->in_last_i = op.pass.last_in;
      m->in_x_i = 0;
      for (int r = 0; r < rows; ++r)
        for (int l = 0; l < kLanes; ++l)
          if (l < op.pass.nl && op.x[size_t(r * kLanes + l)]) put(m->in_x_i, r * kLanes + l, 1, 1);
      std::vector<uint8_t> x(size_t(rows * kLanes), 0);
      for (int r = 0; r < rows; ++r)
        for (int l = 0; l < op.pass.nl; ++l)
          x[size_t(r * kLanes + l)] = op.x[size_t(r * kLanes + l)];
      ref.pass(op.w, x, tok, op.pass.first_in, op.pass.last_in, th);
      ++next, ++passes;
    }
    if (end < 0 && (next == layer.ops.size() || cyc + 1 >= max_cycles) && !issue && phase == 0 &&
        cyc > 0)
      end = cyc + drain;
    m->clk_i = 0;
    m->eval();
    tr->dump(uint64_t(2 * cyc));
    m->clk_i = 1;
    m->eval();
    tr->dump(uint64_t(2 * cyc + 1));
    for (int c = 0; c < cols; ++c)
      if ((m->out_valid_o >> c) & 1) got[size_t(c)].push_back((m->out_spike_o >> c) & 1);
    cycles = cyc + 1;
  }
  tr->close();
  // the passes issued end on a token boundary only by chance: compare the fired tokens
  int64_t fired = 0, spikes = 0;
  for (int c = 0; c < cols; ++c) {
    ASSERT_EQ(got[size_t(c)], ref.spikes[size_t(c)]) << name << " column " << c;
    fired += int64_t(got[size_t(c)].size());
    spikes += std::count(got[size_t(c)].begin(), got[size_t(c)].end(), 1);
  }
  EXPECT_GT(fired, 0);
  double mean = 0;
  const nlohmann::json nets =
      toggle_file(vcd, "TOP.se_unit", cycles, mean,
                  NotNets({"scripts/flow/designs/se_unit.v", "hw/se_array.v", "hw/se_pe.v"}));
  ASSERT_GT(nets.size(), size_t(rows * cols * 20));
  const nlohmann::json out = {
      {"source", "tests/rtl/se_unit_tb.cpp SeUnit.SwitchingActivityOfRealSpikes*"},
      {"design", "scripts/flow/designs/se_unit.v ROWS=" + std::to_string(rows) +
                     " COLS=" + std::to_string(cols) + " MEM_W=" + std::to_string(mem_w) +
                     " (flow point " + name + ")"},
      {"workload",
       "moe-fmnist blocks.0.attn.proj, Fashion-MNIST test image 0, int mode, compiled for a " +
           std::to_string(n) + " x " + std::to_string(n) +
           " array (small.toml, acc_entries = cols: one token per chunk); a pass every " +
           std::to_string(gap) + " cycles"},
      {"cycles", cycles},
      {"passes", passes},
      {"layer_passes", int64_t(layer.ops.size())},
      {"neuron_steps", fired},
      {"output_spikes", spikes},
      {"threshold", th},
      {"unit", "toggles per clock cycle"},
      {"mean", mean},
      {"nets", nets}};
  check_or_write_toggles(name + "_activity.json", out.dump(1) + "\n");
}

constexpr int64_t kCycles = 20000;

// The flow's se_tile_x2_2x2 (scripts/flow/designs/se_tile_x2.v: one weight buffer of whole
// tiles feeding two 2x2 arrays) on the same layer compiled for two 2x2 SE cores
// (se_cores.count = 2: output tiles alternate between the arrays; small.toml's 16 accumulator
// entries: 8 tokens per pass). The testbench is the pass controller: per round it writes the
// distinct weight tiles of each array's next output tile into the buffer (array 0 at words
// 0-63, array 1 at 64-127), then each pass reads its tile (one read per cycle, array 0 first)
// the cycle before its planes enter, the arrays' double banks alternating per pass. Checks:
// every column sum the arrays put out equals the tile's weights times the spikes; the clock
// and the one-toggle-per-cycle bound as above.
TEST(SeUnit, SwitchingActivityOfRealSpikesTileX2) {
  constexpr int R = 2, C = 2, kArrays = 2, kDepth = 128;
  const arch::Arch a = arch::load_arch(src("configs/arch/small.toml"),
                                       {"se_cores.rows=2", "se_cores.cols=2", "se_cores.count=2"});
  rtl_test::ModelFixture f("models/moe-fmnist.toml", a, 1);
  const auto smp = f.sample(0);
  struct Grab : sim::WeightLayerObserver {
    const rtl_test::ModelFixture* f;
    std::vector<rtl::SeOp> ops[2];
    int tokb = 0;
    void on_weight_layer(const sim::LayerDesc& d, const Planes& in, const std::vector<int>& toks,
                         int kept, int, const sim::LayerCost&) override {
      if (d.name != "blocks.0.attn.proj") return;
      const rtl::LayerQuant q = rtl::quantize_layer(f->spec, f->weights, d);
      const auto p = rtl::se_core_params(f->arch, f->spec);
      tokb = p.tok_bits();
      const auto sch = sim::weight_schedule(d, int(toks.size()), kept, f->arch);
      for (int k = 0; k < 2; ++k) ops[k] = rtl::se_ops(d, sch, in, toks, q, p, k);
    }
  } g;
  g.f = &f;
  sim::simulate_sample(f.workload, smp.spikes, f.ctx, &g);
  ASSERT_FALSE(g.ops[0].empty());
  ASSERT_FALSE(g.ops[1].empty());
  // rounds: per array the ops of one output tile (its passes over every chunk and input tile)
  struct Group {
    size_t begin = 0, end = 0;
  };
  std::vector<Group> groups[2];
  for (int k = 0; k < kArrays; ++k)
    for (size_t i = 0; i < g.ops[k].size(); ++i) {
      const auto& p = g.ops[k][i].pass;
      if (i == 0 || p.out_tile != g.ops[k][i - 1].pass.out_tile || p.tc != g.ops[k][i - 1].pass.tc)
        groups[k].push_back({i, i});
      groups[k].back().end = i + 1;
    }
  Verilated::randReset(0);
  auto m = std::make_unique<Vse_tile_x2_2x2>();
  m->clk_i = 0;
  m->rst_ni = 0;
  auto tick = [&] {
    m->clk_i = 0;
    m->eval();
    m->clk_i = 1;
    m->eval();
  };
  for (int i = 0; i < 4; ++i) tick();
  m->rst_ni = 1;
  const std::string vcd = std::string(SS_BINARY_DIR) + "/se_tile_x2_2x2.vcd";
  Verilated::traceEverOn(true);
  auto tr = std::make_unique<VerilatedVcdC>();
  m->trace(tr.get(), 99);
  tr->open(vcd.c_str());
  auto tile_word = [&](const rtl::SeOp& op, int lsb_unused = 0) {
    (void)lsb_unused;
    return op.w;  // [rows][cols] int8, row-major as the array's wr_tile_i
  };
  auto put_tile = [&](const std::vector<int8_t>& w) {
    for (int k = 0; k < R * C; ++k) put(m->wb_wdata_i, k * 8, 8, uint8_t(w[size_t(k)]));
  };
  std::vector<int64_t> want[kArrays][C], got[kArrays][C];  // per column: lane sums in order
  int64_t cycles = 0, passes = 0, planes = 0;
  size_t round = 0;
  bool done = false;
  int64_t cyc = 0;
  auto step = [&] {
    m->clk_i = 0;
    m->eval();
    tr->dump(uint64_t(2 * cyc));
    m->clk_i = 1;
    m->eval();
    tr->dump(uint64_t(2 * cyc + 1));
    for (int k = 0; k < kArrays; ++k)
      for (int c = 0; c < C; ++c)
        if ((m->out_valid_o >> (k * C + c)) & 1)
          for (int l = 0; l < kLanes; ++l) {
            const int lsb = ((k * C + c) * kLanes + l) * kPsumBits;
            int64_t v = 0;
            for (int b = 0; b < kPsumBits; ++b)
              v |= int64_t((m->out_psum_o[size_t((lsb + b) / 32)] >> ((lsb + b) % 32)) & 1) << b;
            got[k][c].push_back(UnitModel::wrap(v, kPsumBits));
          }
    ++cyc;
  };
  while (!done && cyc < kCycles) {
    if (round >= groups[0].size() && round >= groups[1].size()) break;
    // write phase: the round's distinct tiles (input tile -> word), both arrays
    std::map<int, int> slot[kArrays];
    for (int k = 0; k < kArrays; ++k) {
      if (round >= groups[k].size()) continue;
      for (size_t i = groups[k][round].begin; i < groups[k][round].end; ++i) {
        const auto& op = g.ops[k][i];
        if (slot[k].count(op.pass.in_tile)) continue;
        const int w = k * kDepth / 2 + int(slot[k].size());
        ASSERT_LT(int(slot[k].size()), kDepth / 2);
        slot[k][op.pass.in_tile] = w;
        m->wb_en_i = 1, m->wb_we_i = 1, m->wb_addr_i = uint8_t(w);
        put_tile(tile_word(op));
        m->in_valid_i = 0;
        step();
      }
    }
    m->wb_en_i = 0, m->wb_we_i = 0;
    // stream phase: each array's passes; a pass's tile is read the cycle before its planes
    struct Lane {
      size_t next = 0, end = 0;
      int64_t start = 0;  // cycle its next pass's planes start
      struct Issued {
        const rtl::SeOp* op;
        int64_t start;
        int bank;
      };
      std::vector<Issued> issued;  // passes whose tile was read (planes may still be due)
      int bank = 0;
    } st[kArrays];
    for (int k = 0; k < kArrays; ++k) {
      st[k].next = round < groups[k].size() ? groups[k][round].begin : 0;
      st[k].end = round < groups[k].size() ? groups[k][round].end : 0;
      st[k].start = cyc + 1 + k;
    }
    int64_t last = cyc;
    while ((st[0].next < st[0].end || st[1].next < st[1].end || cyc <= last) && cyc < kCycles) {
      m->wb_en_i = 0;
      m->in_valid_i = 0;
      bool port = false;
      for (int k = 0; k < kArrays; ++k) {
        auto& s2 = st[k];
        // the read for the next pass, the cycle before it starts (the port: one read a cycle)
        if (s2.next < s2.end && cyc == s2.start - 1) {
          if (port) {
            ++s2.start;
          } else {
            const auto& op = g.ops[k][s2.next];
            port = true;
            s2.bank ^= 1;
            m->wb_en_i = 1, m->wb_we_i = 0;
            m->wb_addr_i = uint8_t(slot[k].at(op.pass.in_tile));
            put(m->wb_bank_i, 0, 1, uint64_t(s2.bank));
            put(m->wb_dst_i, 0, 1, uint64_t(k));
            s2.issued.push_back({&op, s2.start, s2.bank});
            EXPECT_EQ(op.planes, 1);
            for (int j = 0; j < op.pass.nt; ++j)
              for (int c = 0; c < C; ++c)
                for (int l = 0; l < kLanes; ++l) {
                  int64_t ps = 0;
                  for (int r = 0; r < R; ++r)
                    if (l < op.pass.nl && op.x[size_t(j * g.tokb + r * kLanes + l)])
                      ps += op.w[size_t(r * C + c)];
                  want[k][c].push_back(UnitModel::wrap(ps, kPsumBits));
                }
            const int64_t d = std::max<int64_t>(op.pass.nt, R + C - 1);
            s2.start += d;
            ++s2.next, ++passes;
          }
        }
        // planes of the current pass
        for (const auto& is : s2.issued)
          if (cyc >= is.start && cyc < is.start + is.op->pass.nt) {
            const int j = int(cyc - is.start);
            put(m->in_valid_i, k, 1, 1);
            put(m->in_bank_i, k, 1, uint64_t(is.bank));
            for (int r = 0; r < R; ++r)
              for (int l = 0; l < kLanes; ++l)
                put(m->in_x_i, k * R * kLanes + r * kLanes + l, 1,
                    l < is.op->pass.nl && is.op->x[size_t(j * g.tokb + r * kLanes + l)]);
            ++planes;
            last = std::max(last, is.start + is.op->pass.nt + R + C + 2);
          }
      }
      step();
    }
    ++round;
  }
  tr->close();
  cycles = cyc;
  for (int k = 0; k < kArrays; ++k)
    for (int c = 0; c < C; ++c) {
      // the outputs of a pass cut off at the trace's end are not compared
      ASSERT_LE(got[k][c].size(), want[k][c].size());
      want[k][c].resize(got[k][c].size());
      ASSERT_EQ(got[k][c], want[k][c]) << "array " << k << " column " << c;
      EXPECT_GT(got[k][c].size(), size_t(100));
    }
  double mean = 0;
  const nlohmann::json nets =
      toggle_file(vcd, "TOP.se_tile_x2", cycles, mean,
                  NotNets({"scripts/flow/designs/se_tile_x2.v", "hw/se_array.v", "hw/se_pe.v",
                           "hw/glb.v", "hw/sram_bank.v"}),
                  macro_inside);  // the buffer's array: the flow's macro, a black box
  const nlohmann::json out = {
      {"source", "tests/rtl/se_unit_tb.cpp SeUnit.SwitchingActivityOfRealSpikesTileX2"},
      {"design", "scripts/flow/designs/se_tile_x2.v ROWS=2 COLS=2 (flow point se_tile_x2_2x2)"},
      {"workload",
       "moe-fmnist blocks.0.attn.proj, Fashion-MNIST test image 0, int mode, compiled for two "
       "2 x 2 SE cores (small.toml, se_cores.count = 2: 8 tokens per pass); per round the "
       "weight tiles of each array's next output tile written into the buffer, then the passes"},
      {"cycles", cycles},
      {"passes", passes},
      {"planes", planes},
      {"unit", "toggles per clock cycle"},
      {"mean", mean},
      {"nets", nets}};
  check_or_write_toggles("se_tile_x2_2x2_activity.json", out.dump(1) + "\n");
}

TEST(SeUnit, SwitchingActivityOfRealSpikes2x2) {
  activity<Vse_unit_2x2>(2, 24, "se_unit_2x2", kCycles);
}
TEST(SeUnit, SwitchingActivityOfRealSpikes3x3) {
  activity<Vse_unit_3x3>(3, 24, "se_unit_3x3", kCycles);
}
TEST(SeUnit, SwitchingActivityOfRealSpikes2x2Mem32) {
  activity<Vse_unit_2x2_m32>(2, 32, "se_unit_2x2_m32", kCycles);
}

}  // namespace
