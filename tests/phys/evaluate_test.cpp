#include "phys/evaluate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <iostream>

#include "common/error.h"
#include "fixtures.h"
#include "phys/component_model.h"
#include "tech/logic.h"

namespace ss::phys {
namespace {

using testing::paper_activity;
using testing::paper_arch;
using testing::tech_path;

const tech::Technology& tech28() {
  static const auto t = tech::load_technology(tech_path("28nm"));
  return t;
}

const std::vector<SiliconResult>& all_styles() {
  static const auto rs = evaluate_styles(paper_arch(), paper_activity(), tech28());
  return rs;
}

const SiliconResult& by_style(const std::string& s) {
  for (const auto& r : all_styles())
    if (r.style == s) return r;
  throw std::runtime_error("no style " + s);
}

TEST(Styles, AssignTiersAsTheBriefDescribes) {
  const auto a = paper_arch();
  EXPECT_EQ(style("2d").tier_of("buffers.weight", a), arch::Tier::bottom);
  EXPECT_EQ(style("3d-mol").tier_of("buffers.weight", a), arch::Tier::top);
  EXPECT_EQ(style("3d-mol").tier_of("se_cores", a), arch::Tier::bottom);
  EXPECT_EQ(style("3d-lol").tier_of("spike_gen", a), arch::Tier::top);
  EXPECT_EQ(style("3d-lol").tier_of("router", a), arch::Tier::top);
  EXPECT_EQ(style("3d-lol").tier_of("se_cores", a), arch::Tier::bottom);
  EXPECT_EQ(style("3d-mol+lol").tier_of("buffers.spike", a), arch::Tier::top);
  EXPECT_EQ(style("3d-mol+lol").tier_of("attention_cores", a), arch::Tier::bottom);
  EXPECT_THROW(style("4d"), Error);
  EXPECT_EQ(default_style_names().front(), "2d");
}

TEST(Evaluate, PrintsComparisonForEveryStyle) {
  const auto& rs = all_styles();
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs.front().style, "2d");
  const auto table = comparison_table(rs);
  std::cout << table;
  if (std::getenv("SS_PHYS_DUMP")) std::cout << to_json(rs).dump(1) << "\n";
  for (const char* s : {"2d", "3d-mol", "3d-lol", "3d-mol+lol", "footprint", "clock",
                        "peak temperature", "memory latency", "(-"})
    EXPECT_NE(table.find(s), std::string::npos) << s;
  for (const auto& r : rs) {
    EXPECT_TRUE(std::isfinite(r.energy_j) && r.energy_j > 0);
    EXPECT_TRUE(std::isfinite(r.peak_temp_k) && r.peak_temp_k > tech28().thermal.ambient_k);
    EXPECT_GT(r.clock_hz, 0);
  }
}

// --- Sanity a physical designer expects -------------------------------------------------

TEST(Sanity, StackedFootprintIsBelowPlanarForTheSameBlocks) {
  const auto& base = by_style("2d");
  for (const char* s : {"3d-mol", "3d-lol", "3d-mol+lol"}) {
    const auto& r = by_style(s);
    EXPECT_LT(r.footprint_m2, base.footprint_m2) << s;
    // Never below half: two tiers at best split the same blocks evenly.
    EXPECT_GE(r.footprint_m2, 0.5 * base.footprint_m2 - 1e-15) << s;
    // Same blocks, same areas.
    double a2 = 0, a3 = 0;
    for (const auto& e : base.area) a2 += e.area_m2;
    for (const auto& e : r.area) a3 += e.area_m2;
    EXPECT_NEAR(a2, a3, 1e-15);
  }
}

TEST(Sanity, MemoryOnLogicShortensBufferLatency) {
  const auto& p = by_style("2d");
  const auto& m = by_style("3d-mol");
  ASSERT_EQ(p.buffers.size(), m.buffers.size());
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    EXPECT_EQ(p.buffers[i].role, m.buffers[i].role);
    EXPECT_DOUBLE_EQ(p.buffers[i].access_s, m.buffers[i].access_s);  // same macro
  }
  for (const auto& b : m.buffers)
    if (b.role == "weight") {
      for (const auto& q : p.buffers) {
        if (q.role == "weight") {
          EXPECT_LT(b.total_s(), q.total_s());
        }
      }
    }
  EXPECT_LT(m.memory_latency_s, p.memory_latency_s);
}

TEST(Sanity, FinerBondPitchNeverHurts) {
  // Pads shrink with the pitch (pad = pitch / 2) and so does their capacitance (~ pad area,
  // 0.6 fF at 5 um): energy and clock never get worse. A coarse pitch that cannot carry the buses is an error, not a silent result.
  const auto a = paper_arch();
  const auto act = paper_activity();
  double last_e = 1e300, last_f = 0, last_m = 1e300;
  // From 5 um down: since the array ports carry every time lane (issue 14, finding 3), this
  // style needs 8964 signal bonds and a 10 um pitch holds 4882 over its 0.98 mm^2.
  for (double pitch_um : {5.0, 2.0, 1.0, 0.5}) {
    auto t = tech28();
    t.bond.pitch_m = pitch_um * 1e-6;
    t.bond.pad_diameter_m = pitch_um * 0.5e-6;
    t.bond.c_f = 0.6e-15 * (pitch_um / 5) * (pitch_um / 5);
    const auto r = evaluate(a, act, t, style("3d-mol+lol"));
    EXPECT_LE(r.energy_j, last_e * (1 + 1e-12)) << pitch_um;
    EXPECT_GE(r.clock_hz, last_f * (1 - 1e-12)) << pitch_um;
    // The floorplan places for timing, and the bond's delay is on the cross-tier paths, so
    // each pitch may get its own arrangement: the memory latency (not in the floorplan's
    // objective) then moves by a bank's placement, measured +0.6 % from 2 to 1 um.
    EXPECT_LE(r.memory_latency_s, last_m * 1.02) << pitch_um;
    last_e = r.energy_j, last_f = r.clock_hz, last_m = r.memory_latency_s;
  }
  auto coarse = tech28();
  coarse.bond.pitch_m = 40e-6;
  coarse.bond.pad_diameter_m = 20e-6;
  try {
    (void)evaluate(a, act, coarse, style("3d-mol+lol"));
    FAIL() << "a 40 um pitch cannot carry the buses";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("bond.pitch"), std::string::npos) << m;
    EXPECT_NE(m.find("3d-mol+lol"), std::string::npos) << m;
  }
}

TEST(Sanity, LargerBufferIsNeverFaster) {
  // The macro's access time never falls with capacity. Its total latency includes the wire to
  // the farthest bank, which the floorplan re-optimizes for every size: that part wobbles by
  // the search's resolution. The tolerance was 0.5 %; since the partial-sum nets carry every
  // time lane (issue 14, finding 3: 4x wider) they dominate the wire-weighted objective, and the
  // farthest weight bank, a secondary term, moves more: 2D total 0.600 ns at 128 KiB, 0.579 ns
  // at 256 KiB (-3.5 %, wire 161 -> 113 ps). The bound is now 5 %.
  const auto act = paper_activity();
  for (const char* s : {"2d", "3d-mol"}) {
    double last_access = 0, last_latency = 0;
    for (double kib : {64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0}) {
      auto a = paper_arch();
      a.buffers["weight"].size_bits = kib * 1024 * 8;
      const auto r = evaluate(a, act, tech28(), style(s));
      for (const auto& b : r.buffers)
        if (b.role == "weight") {
          EXPECT_GE(b.access_s, last_access) << s << " " << kib;
          EXPECT_GE(b.total_s(), last_latency * 0.95) << s << " " << kib;
          last_access = b.access_s, last_latency = std::max(last_latency, b.total_s());
        }
    }
    EXPECT_GT(last_latency, 0);
  }
}

// --- Energy accounting ------------------------------------------------------------------

TEST(Energy, BreakdownSumsToTheTotal) {
  for (const auto& r : all_styles()) {
    double sum = 0, bottom = 0, top = 0;
    std::map<std::string, double> by_kind;
    for (const auto& e : r.energy) {
      EXPECT_GE(e.energy_j, 0) << e.component;
      sum += e.energy_j;
      (e.tier == arch::Tier::top ? top : bottom) += e.energy_j;
      by_kind[e.kind] += e.energy_j;
    }
    EXPECT_NEAR(sum, r.energy_j, 1e-12 * r.energy_j) << r.style;
    EXPECT_NEAR(bottom + top, r.energy_j, 1e-12 * r.energy_j);
    EXPECT_NEAR(r.energy_on(arch::Tier::bottom) + r.energy_on(arch::Tier::top), r.energy_j,
                1e-12 * r.energy_j);
    double kinds = 0;
    for (const auto& [k, v] : by_kind) kinds += v;
    EXPECT_NEAR(kinds, r.energy_j, 1e-12 * r.energy_j);
    if (!r.stacked) {
      EXPECT_EQ(top, 0.0);
    }
    if (r.style == "3d-mol") {
      EXPECT_GT(top, 0.0);  // the buffers' energy is on the top tier
    }
    // Power is energy over run time.
    EXPECT_NEAR(r.power_w * r.latency_s, r.energy_j, 1e-12 * r.energy_j);
  }
}

TEST(Energy, ExpertCoreDynamicEnergyMatchesAHandCount) {
  // Second implementation of the st_systolic energy: per accumulate a 16-bit add, a 16-bit
  // lane mux, a 16-bit partial-sum write, one spike bit, a quarter of the 8-bit bank mux;
  // per skipped op a spike bit; clock pins over each core's busy cycles (the simulator sums
  // 3.5e5 over the 4 cores) of 1024 PEs x 4 x 16 partial sums, the 4 spikes, valid and bank
  // bits of every PE but the east column's (16 x 15 per core: theirs have no consumer), plus
  // each core's skew registers (rows 1..15 delayed r stages of 4 spikes + valid + bank:
  // 120 x 6 bits) and its 31-stage valid line (hw/se_array.v). The two 8-bit weight banks are
  // clock-gated (issue 14, finding 4): they clock only while a tile is loaded, charged per pass,
  // and this fixture counts no passes (Review.WeightRegistersClockOnlyWhileATileShiftsIn checks
  // that part).
  const auto& l = tech28().logic;
  const double w = 0.5 * l.dff_data_energy_j;  // one register bit written
  const double e_acc =
      16 * l.fa_energy_j + 16 * l.mux2_energy_j + 16 * w + w + 8 * l.mux2_energy_j / 4;
  const double e_skip = w;
  const double clock =
      (1024.0 * 64 + 4 * (16 * 15 * 6 + 120 * 6 + 31)) * 3.5e5 / 4 * l.dff_clock_energy_j;
  const double expect = 3.0e8 * e_acc + 1.7e9 * e_skip + clock;
  for (const auto& e : by_style("2d").energy)
    if (e.component == "se_cores" && e.kind == "dynamic") {
      EXPECT_NEAR(e.energy_j, expect, 1e-9 * expect);
    }
}

TEST(Energy, WireEnergyFallsWhenBuffersSitOverTheLogic) {
  EXPECT_LT(by_style("3d-mol").energy_of("wire"), by_style("2d").energy_of("wire"));
  EXPECT_LT(by_style("3d-mol+lol").energy_of("wire"), by_style("2d").energy_of("wire"));
}

// --- Errors and output ------------------------------------------------------------------

TEST(Evaluate, UnknownImplNamesTheBlock) {
  auto a = paper_arch();
  a.se.impl = "quantum_array";
  try {
    (void)evaluate(a, paper_activity(), tech28(), style("2d"));
    FAIL();
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("se_cores.impl"), std::string::npos) << m;
    EXPECT_NE(m.find("st_systolic"), std::string::npos) << m;  // lists what exists
  }
}

TEST(Evaluate, JsonCarriesWhatAReportNeeds) {
  const auto j = to_json(all_styles());
  EXPECT_EQ(j["schema"], "spikestack.silicon/1");
  EXPECT_EQ(j["baseline"], "2d");
  ASSERT_EQ(j["styles"].size(), 4u);
  for (const auto& s : j["styles"]) {
    for (const char* k : {"footprint_mm2", "silicon_area_mm2", "clock_mhz", "fmax_mhz",
                          "latency_us", "energy_uj", "power_mw", "memory_latency_ns",
                          "peak_temperature_k", "area", "energy", "energy_by_tier_pj", "paths",
                          "buffers", "links", "bonds", "thermal", "change_vs_baseline_pct",
                          // issue 14, part 1
                          "power_at_target_clock_mw", "fmax_typical_mhz", "meets_target_clock",
                          "silicon_area_w2w_mm2", "silicon_area_d2w_mm2", "fill_bottom_pct",
                          "fill_top_pct", "bonds_outside_overlap_pct"})
      EXPECT_TRUE(s.contains(k)) << k;
    double sum = 0;
    for (const auto& e : s["energy"]) sum += e["energy_pj"].get<double>();
    EXPECT_NEAR(sum, s["energy_pj"].get<double>(), 1e-9 * sum);
    for (const auto& t : s["thermal"])
      EXPECT_EQ(t["kelvin"].size(), static_cast<size_t>(t["nx"].get<int>() * t["ny"].get<int>()));
    EXPECT_EQ(s["thermal"].size(), s["stacked"].get<bool>() ? 2u : 1u);
  }
  EXPECT_EQ(j["styles"][0]["change_vs_baseline_pct"]["footprint_mm2"], 0.0);
}

TEST(Evaluate, AnyThermalGridSize) {
  for (auto [nx, ny] : {std::pair{1, 1}, {3, 8}, {33, 17}}) {
    EvalOptions o;
    o.grid_nx = nx, o.grid_ny = ny;
    const auto r = evaluate(paper_arch(), paper_activity(), tech28(), style("3d-mol"), o);
    EXPECT_TRUE(std::isfinite(r.peak_temp_k));
    EXPECT_EQ(r.thermal.size(), 2u);
    EXPECT_EQ(r.thermal[0].kelvin.size(), static_cast<size_t>(nx * ny));
  }
}

}  // namespace
}  // namespace ss::phys

namespace ss::phys {
namespace {

TEST(Evaluate, BondKeepOutAddsAreaToBothDies) {
  // F2F bonds land on the top metal (no keep-out); a TSV-like 10 um^2 keep-out per bond adds
  // bonds x 10 um^2 to the footprint and twice that to the silicon.
  auto t = tech28();
  const auto base = evaluate(paper_arch(), paper_activity(), t, style("3d-mol"));
  t.bond.keepout_area_m2 = 10e-12;
  const auto r = evaluate(paper_arch(), paper_activity(), t, style("3d-mol"));
  EXPECT_GT(base.bonds.required, 0);
  EXPECT_NEAR(r.footprint_m2 - base.footprint_m2, base.bonds.required * 10e-12, 1e-15);
  EXPECT_NEAR(r.silicon_area_m2 - base.silicon_area_m2, 2 * base.bonds.required * 10e-12, 1e-15);
}

}  // namespace
}  // namespace ss::phys

namespace ss::phys {
namespace {

TEST(Evaluate, RunAtTargetClockSlowsTheRunNotThePaths) {
  // Running at the target clock is now the default (issue 14, finding 6); fmax is asked for.
  EvalOptions o;
  o.run_at_target_clock = false;
  const auto fast = evaluate(paper_arch(), paper_activity(), tech28(), style("2d"), o);
  const auto slow = evaluate(paper_arch(), paper_activity(), tech28(), style("2d"));
  EXPECT_DOUBLE_EQ(slow.fmax_hz, fast.fmax_hz);
  EXPECT_DOUBLE_EQ(slow.clock_hz, 500e6);  // the fixture's target, below fmax
  EXPECT_NEAR(slow.latency_s, paper_activity().cycles / 500e6, 1e-15);
  EXPECT_LT(slow.power_w, fast.power_w);
  EXPECT_LT(slow.peak_temp_k, fast.peak_temp_k);
  // Same switching energy per inference; leakage integrates over a longer run.
  EXPECT_NEAR(slow.energy_of("dynamic"), fast.energy_of("dynamic"),
              1e-9 * fast.energy_of("dynamic"));
  EXPECT_GT(slow.energy_of("leakage"), fast.energy_of("leakage"));
}

}  // namespace
}  // namespace ss::phys
