#include "phys/floorplan.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace ss::phys {
namespace {

Block blk(const std::string& n, double mm2, arch::Tier t = arch::Tier::bottom) {
  Block b;
  b.name = n;
  b.area_m2 = mm2 * 1e-6;
  b.tier = t;
  return b;
}

void expect_disjoint_inside(const Floorplan& fp, arch::Tier tier) {
  std::vector<Rect> rs;
  for (const auto& [n, parts] : fp.parts)
    if (fp.tiers.at(n) == tier) rs.insert(rs.end(), parts.begin(), parts.end());
  for (size_t i = 0; i < rs.size(); ++i) {
    EXPECT_GE(rs[i].x, -1e-12);
    EXPECT_GE(rs[i].y, -1e-12);
    EXPECT_LE(rs[i].x + rs[i].w, fp.outline_w_m + 1e-12);
    EXPECT_LE(rs[i].y + rs[i].h, fp.outline_h_m + 1e-12);
    for (size_t j = i + 1; j < rs.size(); ++j) {
      const double ox = std::min(rs[i].x + rs[i].w, rs[j].x + rs[j].w) - std::max(rs[i].x, rs[j].x);
      const double oy = std::min(rs[i].y + rs[i].h, rs[j].y + rs[j].h) - std::max(rs[i].y, rs[j].y);
      EXPECT_FALSE(ox > 1e-12 && oy > 1e-12) << i << " overlaps " << j;
    }
  }
}

TEST(Floorplan, PlanarFootprintIsBlockAreaPlusWhitespace) {
  const auto fp = make_floorplan(
      {blk("se_cores", 0.4), blk("buffers.weight", 0.5), blk("spike_gen", 0.1)}, 0.2);
  EXPECT_FALSE(fp.stacked);
  EXPECT_NEAR(fp.footprint_m2, 1.0e-6 / 0.8, 1e-15);  // 1.25 mm^2
  EXPECT_NEAR(fp.silicon_area_m2, fp.footprint_m2, 1e-18);
  expect_disjoint_inside(fp, arch::Tier::bottom);
  // Regions share the whitespace in proportion to area.
  EXPECT_NEAR(fp.parts.at("buffers.weight")[0].area(), 0.5e-6 / 0.8, 1e-15);
}

TEST(Floorplan, StackedFootprintIsTheFullerTier) {
  const std::vector<Block> b = {blk("se_cores", 0.4), blk("spike_gen", 0.1),
                                blk("buffers.weight", 0.6, arch::Tier::top)};
  const auto fp = make_floorplan(b, 0.2, {{"buffers.weight", "se_cores", 1.0}});
  EXPECT_TRUE(fp.stacked);
  EXPECT_NEAR(fp.footprint_m2, 0.6e-6 / 0.8, 1e-15);
  EXPECT_NEAR(fp.silicon_area_m2, 2 * fp.footprint_m2, 1e-18);
  expect_disjoint_inside(fp, arch::Tier::bottom);
  expect_disjoint_inside(fp, arch::Tier::top);
  EXPECT_TRUE(fp.cross_tier("se_cores", "buffers.weight"));
  EXPECT_GT(fp.overlap_m2("se_cores", "buffers.weight"), 0);
}

TEST(Floorplan, EmptierTierFollowsItsPartners) {
  // The spike generators on the top tier land over the expert cores they serve, not over the
  // weight buffer at the other end of the die.
  const std::vector<Block> b = {blk("buffers.weight", 0.5), blk("se_cores", 0.5),
                                blk("spike_gen", 0.05, arch::Tier::top)};
  const auto fp = make_floorplan(b, 0.1, {{"se_cores", "spike_gen", 1.0}});
  EXPECT_LT(fp.lateral_distance_m("spike_gen", "se_cores"),
            fp.lateral_distance_m("spike_gen", "buffers.weight"));
}

TEST(Floorplan, TimingFirstThenWire) {
  // Four equal blocks on one tier make a 2 x 2 grid of cells of side s (outline 2 s): a cell has
  // two neighbours at s (centroid to centroid) and one at 2 s across the diagonal. The hub h
  // has two heavy buses (a, b: 100 wires each) and a light one (c: 1 wire). By wire alone c
  // goes across the diagonal; when c's bus is on a timed path, the designer's first goal puts
  // it next to h (one heavy bus goes across instead) and the period is that path's rest plus
  // the wire of length s.
  const std::vector<Block> b = {blk("h", 1), blk("a", 1), blk("b", 1), blk("c", 1)};
  std::vector<Affinity> af = {{"h", "a", 100}, {"h", "b", 100}, {"h", "c", 1}};
  const double s = 1e-3;  // 4 mm^2 at whitespace 0: cells of 1 mm
  const auto wire_only = make_floorplan(b, 0, af);
  EXPECT_NEAR(wire_only.lateral_distance_m("h", "c"), 2 * s, 1e-12);
  EXPECT_NEAR(wire_only.weighted_length, 100 * s + 100 * s + 1 * 2 * s, 1e-12);
  EXPECT_EQ(wire_only.period_s, 0);

  af[2].path_rest_s = 100e-12;
  FloorplanOptions o;
  tech::WireClass w{"intermediate", 1e5, 2e-10};  // 0.1 ohm/um, 0.2 fF/um
  o.timing = FloorplanTiming{w, tech::Driver{5e3, 1e-15}, tech::BondTech{}, 50e-12};
  const auto timed = make_floorplan(b, 0, af, o);
  EXPECT_NEAR(timed.lateral_distance_m("h", "c"), s, 1e-12);
  EXPECT_NEAR(timed.weighted_length, 100 * s + 100 * 2 * s + 1 * s, 1e-12);
  // The 1 mm wire, repeated (Bakoglu): 2.5 sqrt(R0 C0 r c) L + 0.69 R0 C0 x 5 = 2.5 x
  // sqrt(5e3 x 1e-15 x 1e5 x 2e-10) x 1e-3 + 0.69 x 5e-12 x 5 = 25 + 17.25 = 42.25 ps, faster
  // than unrepeated (0.69 x 1250 x 204 fF + 0.38 x 2e-11 + 0.69 x 100 x 4 fF = 183.8 ps).
  EXPECT_NEAR(timed.period_s, 100e-12 + 42.25e-12, 1e-18);
  // A floor above every bus path leaves the arrangement to the wire.
  o.timing->floor_s = 1e-6;
  const auto slack = make_floorplan(b, 0, af, o);
  EXPECT_NEAR(slack.lateral_distance_m("h", "c"), 2 * s, 1e-12);
  EXPECT_EQ(slack.period_s, 1e-6);
}

TEST(Floorplan, RejectsEmptyOrAreaLessBlocks) {
  EXPECT_THROW(make_floorplan({}, 0.1), Error);
  EXPECT_THROW(make_floorplan({blk("x", 0)}, 0.1), Error);
  EXPECT_THROW(make_floorplan({blk("x", 1)}, 1.0), Error);
}

TEST(Floorplan, FusedPairsSpanTheGapAndHalfTheReceiver) {
  // Issue 14 (findings 1 and 8): a core's partial sums leave along its edge into its own lane
  // group. Core 0 (0..200 x 0..100 um) with lane group 0 abutting above (0..100 x 100..200):
  // gap 0 + half of the 100 um side = 50 um (centroid to centroid would be 50 + 50 = 100 um).
  // Core 1 (300..400 x 0..100) with lane group 1 300 um away in x and 40 um in y
  // (700..740 x 140..180): gap 300 + 40 = 340 um, + half the 40 um side = 360 um.
  Floorplan fp;
  fp.parts["core"] = {{0, 0, 200e-6, 100e-6}, {300e-6, 0, 100e-6, 100e-6}};
  fp.parts["lanes"] = {{0, 100e-6, 100e-6, 100e-6}, {700e-6, 140e-6, 40e-6, 40e-6}};
  fp.tiers = {{"core", arch::Tier::bottom}, {"lanes", arch::Tier::bottom}};
  EXPECT_NEAR(fp.lateral_distance_m("core", "lanes", 0), (50e-6 + 360e-6) / 2, 1e-12);
  EXPECT_NEAR(fp.max_lateral_distance_m("core", "lanes", 0), 360e-6, 1e-12);
  // A lane group stacked over its core (another tier): no gap, half its side.
  fp.parts["lanes"] = {{20e-6, 10e-6, 60e-6, 60e-6}, {300e-6, 0, 100e-6, 100e-6}};
  fp.tiers["lanes"] = arch::Tier::top;
  EXPECT_NEAR(fp.lateral_distance_m("core", "lanes", 0), (30e-6 + 50e-6) / 2, 1e-12);
  // A bus (no offset) stays centroid to centroid: the farthest pair is core 1 (350, 50) to lane
  // group 0 (50, 40): 300 + 10 = 310 um.
  EXPECT_NEAR(fp.max_lateral_distance_m("core", "lanes"), 310e-6, 1e-12);
}

}  // namespace
}  // namespace ss::phys
