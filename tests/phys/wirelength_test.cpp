#include "phys/wirelength.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ss::phys {
namespace {

TEST(Davis, ClosedFormGammaIntegratesToTheTotalWireCount) {
  // Total interconnect count alpha k N (1 - N^(p-1)) (Davis et al. 1998); by hand for
  // N = 1e4, p = 0.6, k = 4, f.o. = 3: 0.75 x 4 x 1e4 x (1 - 1e4^-0.4) = 29246.43.
  DavisDistribution d(1e4, {0.6, 4, 3});
  EXPECT_NEAR(d.total_count(), 29246.43, 0.01);
  EXPECT_NEAR(d.integrated_count() / d.total_count(), 1.0, 1e-6);
  for (double n : {1e3, 1e5, 1e6})
    for (double p : {0.45, 0.6, 0.75}) {
      DavisDistribution x(n, {p, 4, 3});
      EXPECT_NEAR(x.integrated_count() / x.total_count(), 1.0, 1e-5) << n << " " << p;
    }
}

TEST(Davis, SingularExponentIsNormalizedNumerically) {
  DavisDistribution d(5e4, {0.5, 4, 3});
  EXPECT_NEAR(d.integrated_count() / d.total_count(), 1.0, 1e-9);
  // Continuous with its neighbours.
  EXPECT_NEAR(d.average_length() / DavisDistribution(5e4, {0.5005, 4, 3}).average_length(), 1.0,
              2e-3);
}

TEST(Davis, TotalLengthIsTheFirstMoment) {
  // Second implementation: midpoint sum of l i(l) on a fine linear grid.
  DavisDistribution d(1e4, {0.6, 4, 3});
  double sum = 0;
  const double h = 1e-3;
  for (double l = 1 + h / 2; l < 200; l += h) sum += l * d.density(l) * h;
  EXPECT_NEAR(sum / d.total_length(), 1.0, 1e-4);
}

TEST(Davis, RicherInterconnectMeansLongerWires) {
  // Higher Rent exponent: more long wires (Donath); more gates: longer average too for p > 0.5.
  EXPECT_GT(DavisDistribution(1e5, {0.75, 4, 3}).average_length(),
            DavisDistribution(1e5, {0.6, 4, 3}).average_length());
  EXPECT_GT(DavisDistribution(1e6, {0.7, 4, 3}).average_length(),
            DavisDistribution(1e4, {0.7, 4, 3}).average_length());
  EXPECT_EQ(DavisDistribution(1e4, {0.6, 4, 3}).density(0.5), 0.0);
  EXPECT_EQ(DavisDistribution(1e4, {0.6, 4, 3}).density(200.0), 0.0);
}

}  // namespace
}  // namespace ss::phys

#include "fixtures.h"
#include "phys/energy.h"

namespace ss::phys {
namespace {

// The intra-block wire at 28 nm with what the open flow measured (src/phys/flow_carried.h) and
// the node's own prices: a block of 10 000 cells (16 210 NAND2 equivalents at 1.621 per cell),
// Rent p = 0.5, placed at utilization 0.7: routed length per net 1.437 x the Davis mean x the
// placed pitch sqrt(A / 0.7 / 10 000), at c_local 0.2 fF/um, over 3.47 C0 = 3.47 x 0.48 fF.
TEST(Davis, InternalWireIsTheFlowsNetsRepricedAtTheNode) {
  const auto t = tech::load_technology(testing::tech_path("28nm"));
  Block b;
  b.gates = 16210;
  b.cell_area_m2 = b.gates * t.logic.nand2_area_m2;
  b.rent = {0.5, 4, 3};
  const double pitch = std::sqrt(b.cell_area_m2 / 0.7 / 1e4);
  const double wire_f = 1.437 * DavisDistribution(1e4, b.rent).average_length() * pitch * 0.2e-9;
  EXPECT_NEAR(internal_wire_ratio(b, t), wire_f / (3.47 * 0.48e-15), 1e-9);
}

}  // namespace
}  // namespace ss::phys
