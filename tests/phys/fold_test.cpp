// The gate-level fold style ("3d-fold", issue 14 part 2): every logic block folded over both
// tiers as the open flow's Shrunk-2D layouts are; checked by hand on the fixture architecture.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fixtures.h"
#include "phys/evaluate.h"
#include "phys/flow_carried.h"
#include "phys/wirelength.h"

namespace ss::phys {
namespace {

const std::vector<SiliconResult>& results() {
  static const auto rs =
      evaluate_styles(testing::paper_arch(), testing::paper_activity(),
                      tech::load_technology(testing::tech_path("28nm")), {"2d", "3d-fold"});
  return rs;
}
const SiliconResult& by(const std::string& s) {
  for (const auto& r : results())
    if (r.style == s) return r;
  throw std::runtime_error(s);
}
double energy(const SiliconResult& r, const std::string& component, const std::string& kind) {
  double e = 0;
  for (const auto& x : r.energy)
    if (x.component == component && x.kind == kind) e += x.energy_j;
  return e;
}

TEST(Fold, IsOptIn) {
  const auto d = default_style_names();
  EXPECT_EQ(std::find(d.begin(), d.end(), "3d-fold"), d.end());
}

// Footprint = (half of every logic block + the unfolded SRAM buffers) / (1 - whitespace); the
// other halves fill the top tier; silicon is two such dies.
TEST(Fold, HalfOfEachLogicBlockOnEachTier) {
  const auto& r2 = by("2d");
  const auto& f = by("3d-fold");
  double logic = 0, memory = 0;
  for (const auto& a : r2.area)
    (a.component.rfind("buffers.", 0) == 0 ? memory : logic) += a.area_m2;
  EXPECT_NEAR(f.footprint_m2, (logic / 2 + memory) / 0.85, 1e-9 * f.footprint_m2);
  EXPECT_NEAR(f.silicon_area_m2, 2 * f.footprint_m2, 1e-12);
  EXPECT_NEAR(f.tier_fill.at(arch::Tier::top), logic / 2 / f.footprint_m2, 1e-9);
  EXPECT_TRUE(f.stacked);
  double total = 0;
  for (const auto& a : f.area) total += a.area_m2;
  EXPECT_NEAR(total, logic + memory, 1e-9 * total);  // the area breakdown keeps every block whole
}

// Cut nets: 0.0948 per cell, cells = NAND2 equivalents / 1.621 (flow_carried.h); the fixture has
// no cross-tier links, so these are all the bonds.
TEST(Fold, CutNetsBecomeBonds) {
  const auto t = tech::load_technology(testing::tech_path("28nm"));
  const auto& f = by("3d-fold");
  double logic_cells_m2 = 0;  // cell area of the logic blocks (area x utilization, no macros)
  for (const auto& a : by("2d").area)
    if (a.component.rfind("buffers.", 0) != 0 && a.component != "spike_gen")
      logic_cells_m2 += a.area_m2 * t.logic.utilization;
  // spike_gen holds SRAM accumulators besides its cells: check the others' share as a lower
  // bound and the total against the sum over blocks with the spike generators' cells.
  EXPECT_GT(f.bonds.required,
            kCutNetsPerCell * logic_cells_m2 / t.logic.nand2_area_m2 / kGateEquivalentsPerCell);
  double all_logic_m2 = 0;  // with the accumulators' macros: an upper bound
  for (const auto& a : by("2d").area)
    if (a.component.rfind("buffers.", 0) != 0) all_logic_m2 += a.area_m2 * t.logic.utilization;
  EXPECT_LT(f.bonds.required,
            kCutNetsPerCell * all_logic_m2 / t.logic.nand2_area_m2 / kGateEquivalentsPerCell);
  // Signal sites over the footprint at 5 um pitch, half of them for signals (whole sites).
  EXPECT_EQ(f.bonds.capacity, std::floor(f.footprint_m2 / (5e-6 * 5e-6) * 0.5));
  // Reported where the table shows bonds that do not fit (a fold needs a finer pitch).
  ASSERT_EQ(f.bonds.links.size(), 1u);
  EXPECT_NEAR(f.bonds.outside_overlap_share(),
              std::max(0.0, f.bonds.required - f.bonds.capacity) / f.bonds.required, 1e-12);
}

// The arrays' nets: Davis length over the same cells at a pitch 1/sqrt(2) smaller, plus the cut
// nets' bond capacitance per cell (0.0948 x 0.6 fF). With W = the 2D wire per cell (from the 2D
// run's wire_internal / dynamic-event energy ratio, which is W / (3.47 C0)):
// fold / 2D = (W / sqrt(2) + 0.0948 x 0.6 fF) / W.
TEST(Fold, ArrayNetsShrinkByTheFoldAndCarryTheirBonds) {
  const auto& r2 = by("2d");
  const auto& f = by("3d-fold");
  const double w2 = energy(r2, "se_cores", "wire_internal"),
               wf = energy(f, "se_cores", "wire_internal");
  ASSERT_GT(w2, 0);
  double area = 0;
  for (const auto& a : r2.area)
    if (a.component == "se_cores") area = a.area_m2;
  const auto t = tech::load_technology(testing::tech_path("28nm"));
  const double cells = area * 0.7 / t.logic.nand2_area_m2 / 1.621;  // 4 cores
  const double w = 1.437 * DavisDistribution(cells / 4, {0.5, 4, 3}).average_length() *
                   std::sqrt(area / cells) * 0.2e-9;  // F per cell in 2D
  EXPECT_NEAR(wf / w2, (w * std::sqrt(0.5) + 0.0948 * 0.6e-15) / w, 1e-9);
  // Leaf clock trees: wire x 1/sqrt(2), pins unchanged, so the total falls but by less.
  const double c2 = energy(r2, "clock:se_cores", "clock"),
               cf = energy(f, "clock:se_cores", "clock");
  EXPECT_LT(cf, c2);
  EXPECT_GT(cf / c2, std::sqrt(0.5));
  // Gates, SRAM accesses and the leakage at a given temperature are the same circuit.
  EXPECT_NEAR(energy(f, "buffers.weight", "dynamic"), energy(r2, "buffers.weight", "dynamic"),
              1e-12 * energy(r2, "buffers.weight", "dynamic"));
}

}  // namespace
}  // namespace ss::phys
