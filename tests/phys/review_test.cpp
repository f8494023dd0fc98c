// Issue 14, part 1: each review finding of the physical model, checked against numbers computed
// by hand here (docs/physical.md, "Review findings", lists them with their fixes).
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "fixtures.h"
#include "phys/component_model.h"
#include "phys/evaluate.h"

namespace ss::phys {
namespace {

using testing::paper_activity;
using testing::paper_arch;
using testing::tech_path;

const tech::Technology& tech28() {
  static const auto t = tech::load_technology(tech_path("28nm"));
  return t;
}

const SiliconResult& eval(const std::string& style_name) {
  static std::map<std::string, SiliconResult> cache;
  auto it = cache.find(style_name);
  if (it == cache.end())
    it = cache
             .emplace(style_name,
                      evaluate(paper_arch(), paper_activity(), tech28(), style(style_name)))
             .first;
  return it->second;
}

const Link& link(const SiliconResult& r, const std::string& from, const std::string& to) {
  for (const auto& l : r.links)
    if (l.from == from && l.to == to) return l;
  throw std::runtime_error("no link " + from + "->" + to);
}

Block build(const std::string& name, const std::string& impl, arch::Tier tier,
            const arch::Arch& a = paper_arch()) {
  return component_model(impl, a.file, name).build({a, tech28(), name, impl, tier});
}

// Hand-fitted power law of the 28 nm SRAM energy (tests/tech/sram_test.cpp: least squares in
// log-log over Horowitz's three points x 28/45): k = 5.2282e-16 J, g = 0.47260.

// 1. Partial sums cross to the spike generators once per input-tile pass: every streaming
// cycle each of a core's `cols` columns emits one acc_bits word per time lane.
TEST(Review, PartialSumsCrossOncePerInputTilePass) {
  const auto& r = eval("2d");
  // Fixture: SE 3.5e5 busy core-cycles x 16 columns x 4 lanes x 16 bits = 3.584e8 bits.
  EXPECT_NEAR(link(r, "se_cores", "spike_gen").bits, 3.5e5 * 16 * 4 * 16, 1);
  // Attention (qk_first: one word per map row and lane in A V mode; the busy cycles of both
  // modes bound it): 1.2e5 x 16 x 4 x 16 = 1.2288e8 bits.
  EXPECT_NEAR(link(r, "attention_cores", "spike_gen").bits, 1.2e5 * 16 * 4 * 16, 1);
  // The old count, one word per membrane update (4.7e6 x SE share 2.0e9 / 2.17e9 x 16 =
  // 6.93e7 bits), was 5.2x too low for this fixture.
  EXPECT_GT(link(r, "se_cores", "spike_gen").bits, 5 * 4.7e6 * (2.0e9 / 2.17e9) * 16);

  // A simulator that counts the words itself is believed.
  auto act = paper_activity();
  for (auto& c : act.root.children)
    if (c.name == "se_cores") c.counters["psum_words"] = 1e6;
  const auto mine = evaluate(paper_arch(), act, tech28(), style("2d"));
  EXPECT_NEAR(link(mine, "se_cores", "spike_gen").bits, 1e6 * 16, 1e-6);
}

// 2. The accumulators: acc_entries x lanes x acc_bits per core, SRAM macros on the spike
// generators' tier, with area, read-modify-write energy and leakage.
TEST(Review, AccumulatorsAreSramOnTheSpikeGeneratorsTier) {
  const auto b = build("spike_gen", "lif", arch::Tier::top);
  // Per core: 1024 entries x 4 lanes x 16 bits = 65536 bits. Port: 16 columns (SE) or 16 map
  // rows (attention, qk_first) x 4 lanes x 16 bits = 1024 bits = 4 macros of 256 bits, x 2 for
  // the token-parity ping-pong = 8 macros of 8192 bits. Macro: 8192 x 0.127 um^2 / 0.7 + 2000
  // um^2 = 3486.3 um^2; 8 cores x 8 macros = 223 120 um^2.
  const double macro_um2 = 8192 * 0.127 / 0.7 + 2000;
  EXPECT_NEAR(b.accumulator_area_m2 * 1e12, 64 * macro_um2, 0.5);
  // Lanes (cells / utilization) + macros.
  EXPECT_NEAR(b.area_m2, b.cell_area_m2 / tech28().logic.utilization + b.accumulator_area_m2,
              1e-18);
  // Leakage: the lanes' cells + 8 x 65536 bits x 27 pW.
  EXPECT_NEAR(b.leakage_ref_w - b.cell_area_m2 * tech28().logic.leakage_w_per_m2,
              8 * 65536 * 27e-12, 1e-12);
  // Read-modify-write of a word: 16 bits read + 16 written (the macro, not scaled by the lanes'
  // gate-level wiring), one 16-bit add (logic). The 8192-bit macro, 256-bit words
  // (tests/tech/sram_by_hand.py, macro(8192, 256)): 32 rows; read 58.98 fJ of bitlines + 69.34
  // wordline + 486.4 sense + 3338.4 H-tree (59.0 um side) = 3953.1 fJ, 15.442 fJ/bit; write
  // 4071.3 fJ, 15.904 fJ/bit; x 16 = 501.53 fJ.
  const double e_macro = 501.527e-15, e_add = 16 * tech28().logic.fa_energy_j;
  const double e = e_macro + e_add;
  for (const char* k : {"psum_words:se_cores", "psum_words:attention_cores"}) {
    EXPECT_NEAR(b.macro_energy_per_event_j.at(k), e_macro, 1e-3 * e_macro);
    EXPECT_NEAR(b.energy_per_event_j.at(k), e_add, 1e-12 * e_add);
  }

  // In the evaluation, the spike generators' dynamic energy carries one RMW per partial sum.
  const auto& r = eval("3d-lol");
  double sg = 0;
  for (const auto& x : r.energy)
    if (x.component == "spike_gen" && x.kind == "dynamic") sg += x.energy_j;
  const double words = 3.5e5 * 64 + 1.2e5 * 64;
  EXPECT_GT(sg, words * e);
  for (const auto& a : r.area)
    if (a.component == "spike_gen") {
      EXPECT_EQ(a.tier, arch::Tier::top);  // accumulators sit with their spike generators
      EXPECT_GE(a.area_m2, 64 * macro_um2 * 1e-12);
    }
}

// 3. Array ports carry every time lane; each cross-tier link's bonds are checked against the
// overlap of the two blocks it joins.
TEST(Review, ArrayPortsCarryEveryLane) {
  // 4 cores x 16 columns x 4 lanes x 16 bits.
  EXPECT_EQ(build("se_cores", "st_systolic", arch::Tier::bottom).port_bits, 4 * 16 * 4 * 16);
  EXPECT_EQ(build("attention_cores", "attention_array", arch::Tier::bottom).port_bits,
            4 * 16 * 4 * 16);
}

TEST(Review, BondsAreCheckedWhereTheyLand) {
  Floorplan fp;
  fp.stacked = true;
  fp.footprint_m2 = 1e-6;  // 1 mm^2: 40 000 sites, 20 000 signal bonds, never the limit here
  fp.tiers = {{"a", arch::Tier::bottom}, {"b", arch::Tier::top}};
  // Two 100 x 100 um pieces each; pair 0 overlaps 50 x 100 um, pair 1 20 x 100 um.
  fp.parts["a"] = {{0, 0, 100e-6, 100e-6}, {200e-6, 0, 100e-6, 100e-6}};
  fp.parts["b"] = {{50e-6, 0, 100e-6, 100e-6}, {280e-6, 0, 100e-6, 100e-6}};
  Link bus;
  bus.from = "a", bus.to = "b", bus.width_bits = 300, bus.cross_tier = true;
  Link fused = bus;
  fused.offset = 0;
  auto bt = tech28().bond;  // 5 um pitch, half the sites for signals
  const auto r = check_bonds({bus}, fp, bt, "test", "t.toml");
  ASSERT_EQ(r.links.size(), 1u);
  // Bus: all piece pairs: a0-b0 5000 um^2, a1-b1 2000 um^2, a0-b1 (0-100 vs 280-380) and a1-b0
  // (200-300 vs 50-150) do not meet: 7000 um^2 / 25 um^2 = 280 sites, 140 signal bonds; 300
  // needed, 160 outside.
  EXPECT_NEAR(r.links[0].overlap_m2 * 1e12, 7000, 1e-6);
  EXPECT_DOUBLE_EQ(r.links[0].capacity, 140);
  EXPECT_DOUBLE_EQ(r.links[0].outside, 160);
  EXPECT_FALSE(r.links[0].fits());
  EXPECT_NEAR(r.outside_overlap_share(), 160.0 / 300, 1e-12);
  // Fused: 150 bonds per pair; pair 0 holds 100 (50 outside), pair 1 40 (110 outside).
  const auto f = check_bonds({fused}, fp, bt, "test", "t.toml");
  EXPECT_DOUBLE_EQ(f.links[0].required, 300);
  EXPECT_DOUBLE_EQ(f.links[0].capacity, 140);
  EXPECT_DOUBLE_EQ(f.links[0].outside, 160);
  // Wider overlap, everything fits.
  fp.parts["b"] = fp.parts["a"];
  EXPECT_TRUE(check_bonds({fused}, fp, bt, "test", "t.toml").links[0].fits());
  fp.parts["b"] = {{50e-6, 0, 100e-6, 100e-6}, {280e-6, 0, 100e-6, 100e-6}};
  // The whole interface still has to fit the footprint: 0.01 mm^2 holds 200 signal bonds.
  fp.footprint_m2 = 1e-8;
  EXPECT_THROW(check_bonds({bus}, fp, bt, "test", "t.toml"), Error);
}

// 4. Clock pins: charged per flip-flop and active cycle; the PE weight register is
// clock-gated and clocks only while a tile shifts in.
TEST(Review, WeightRegistersClockOnlyWhileATileShiftsIn) {
  auto act = paper_activity();
  for (auto& c : act.root.children)
    if (c.name == "se_cores") c.counters["passes"] = 1000;
  const auto with = evaluate(paper_arch(), act, tech28(), style("2d"));
  const auto& l = tech28().logic;
  auto dyn = [](const SiliconResult& r) {
    for (const auto& e : r.energy)
      if (e.component == "se_cores" && e.kind == "dynamic") return e.energy_j;
    return 0.0;
  };
  // 1000 passes x 16 shift cycles x 256 PEs x 8 weight bits x (the flip-flop's internal clock
  // energy + its clock pin, 1.44 fF x 0.9^2 V^2).
  const double per_bit = l.dff_clock_energy_j + 1.44e-15 * 0.81;
  EXPECT_NEAR(dyn(with) - dyn(eval("2d")), 1000.0 * 16 * 256 * 8 * per_bit, 1e-6 * dyn(eval("2d")));
}

// 4. The clock pins' capacitance is charged (the liberty's internal clock energy leaves it to
// the clock net): the expert cores' leaf tree is its Steiner wire over all sinks plus the
// ungated pins, x V^2, over each core's busy cycles. Ungated: 1024 PEs x 64 partial-sum bits
// + 4 cores x (16 x 15 PEs' 6 spike/valid/bank bits + 120 x 6 skew + 31 valid) bits
// (Energy.ExpertCoreDynamicEnergyMatchesAHandCount); gated: 1024 x 2 weight banks x 8 bits.
TEST(Review, ClockPinsLoadTheLeafTree) {
  const auto& r = eval("2d");
  double area = 0, clock = 0;
  for (const auto& a : r.area)
    if (a.component == "se_cores") area = a.area_m2;
  for (const auto& e : r.energy)
    if (e.component == "clock:se_cores") clock = e.energy_j;
  // Steiner length 0.7124 sqrt(N A) x 1.383 (the clock tree's detours on our flow,
  // flow_carried.h); repeated intermediate wire: 0.2 fF/um x (1 + 2 sqrt(0.4/0.7)).
  const double ungated = 1024.0 * 64 + 4 * (16 * 15 * 6 + 120 * 6 + 31), gated = 1024.0 * 16;
  const double wire_f = 0.2e-15 / 1e-6 * 1.383 * 0.7124 * std::sqrt((ungated + gated) * area) *
                        (1 + 2 * std::sqrt(0.4 / 0.7));
  const double pins_f = ungated * 1.44e-15;
  EXPECT_NEAR(clock, (wire_f + pins_f) * 0.81 * 3.5e5 / 4, 1e-9 * clock);
}

// 6. The clock a designer signs off, and power at the architecture's target clock.
TEST(Review, SignedOffClockAndPowerAtTarget) {
  const auto& r = eval("2d");
  double worst = 0;
  for (const auto& p : r.paths) worst = std::max(worst, p.total_s());
  // 28nm.toml: slow-corner derate 1.28, clock uncertainty 50 ps.
  EXPECT_NEAR(r.fmax_hz, 1 / (1.28 * worst + 50e-12), 1e-6 * r.fmax_hz);
  EXPECT_NEAR(r.fmax_typical_hz, 1 / worst, 1e-6 * r.fmax_typical_hz);
  // The run is at the fixture's 500 MHz target, which the signed-off paths allow.
  ASSERT_TRUE(r.meets_target_clock);
  EXPECT_DOUBLE_EQ(r.clock_hz, 500e6);
  EXPECT_DOUBLE_EQ(r.power_at_target_clock_w, r.power_w);
  // Run at fmax instead: power at the target is switching energy x 500 MHz / cycles + leakage.
  EvalOptions o;
  o.run_at_target_clock = false;
  const auto fast = evaluate(paper_arch(), paper_activity(), tech28(), style("2d"), o);
  EXPECT_DOUBLE_EQ(fast.clock_hz, fast.fmax_hz);
  EXPECT_NEAR(fast.power_at_target_clock_w,
              (fast.energy_j - fast.energy_of("leakage")) * 500e6 / 400e3 + fast.leakage_w,
              1e-12 * fast.power_w);
}

// 7. Footprint, silicon for wafer-to-wafer and die-to-wafer bonding, and the fill of each tier.
TEST(Review, SiliconPerBondingFlowAndTierFill) {
  const auto& p = eval("2d");
  EXPECT_DOUBLE_EQ(p.silicon_area_w2w_m2, p.footprint_m2);
  EXPECT_DOUBLE_EQ(p.silicon_area_d2w_m2, p.footprint_m2);
  EXPECT_NEAR(p.tier_fill.at(arch::Tier::bottom), 0.85, 1e-12);  // 1 - whitespace
  for (const char* s : {"3d-mol", "3d-lol", "3d-mol+lol"}) {
    const auto& r = eval(s);
    double top = 0, bottom = 0;
    for (const auto& a : r.area) (a.tier == arch::Tier::top ? top : bottom) += a.area_m2;
    EXPECT_NEAR(r.silicon_area_w2w_m2, 2 * r.footprint_m2, 1e-18) << s;
    EXPECT_NEAR(r.silicon_area_d2w_m2, r.footprint_m2 + top / 0.85, 1e-18) << s;
    EXPECT_NEAR(r.tier_fill.at(arch::Tier::top), top / r.footprint_m2, 1e-12) << s;
    EXPECT_NEAR(r.tier_fill.at(arch::Tier::bottom), bottom / r.footprint_m2, 1e-12) << s;
    // The fuller tier sets the footprint.
    EXPECT_NEAR(std::max(top, bottom) / r.footprint_m2, 0.85, 1e-12) << s;
  }
}

// 8. Logic-on-logic as the seed partitions it: spike generators with their membranes and
// accumulators on top, over their arrays; the partial sums cross the bonds.
TEST(Review, LogicOnLogicSendsThePartialSumsThroughBonds) {
  const auto& r = eval("3d-lol");
  const auto& se = link(r, "se_cores", "spike_gen");
  EXPECT_TRUE(se.cross_tier);
  EXPECT_NEAR(se.bits, 3.5e5 * 16 * 4 * 16, 1);
  // Bonds: both arrays' ports (4096 + 4096), the router's 4 lanes to the expert cores, the
  // spike generators' output spikes to the spike buffer (min(64 x 2 banks, 16 x 8 lanes) = 128)
  // and the membrane buffer's port both ways (64 x 2 banks each way).
  EXPECT_DOUBLE_EQ(r.bonds.required, 4096 + 4096 + 4 + 128 + 128 + 128);
  bool found = false;
  for (const auto& b : r.bonds.links)
    if (b.link == "se_cores->spike_gen") {
      found = true;
      EXPECT_DOUBLE_EQ(b.required, 4096);
    }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ss::phys
