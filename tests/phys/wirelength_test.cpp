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
