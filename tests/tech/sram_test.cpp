#include "tech/sram.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tech_fixture.h"

namespace ss::tech {
namespace {

using testing::tech28;

SramMacro macro(double bytes, int width = 64, int banks = 1) {
  const auto& t = tech28();
  return sram_macro(t.sram, t.logic, t.wire("local"), t.wire("intermediate"), t.driver, bytes * 8,
                    width, banks);
}

TEST(Sram, EnergyFitMatchesTheCitedPoints) {
  const auto& s = tech28().sram;
  // Least squares in log-log by hand (python): exponent 0.47260, k = 5.2282e-4 pJ.
  EXPECT_NEAR(s.energy_exponent, 0.47260, 1e-4);
  EXPECT_NEAR(s.energy_k_j, 5.2282e-16, 1e-19);
  // Horowitz 2014 points (45 nm, 64-bit) x 28/45, per bit: 0.09722, 0.19444, 0.97222 pJ.
  const double ef = 28.0 / 45.0;
  const double pts[][2] = {
      {8 * 1024 * 8, 10.0 / 64}, {32 * 1024 * 8, 20.0 / 64}, {1024 * 1024 * 8, 100.0 / 64}};
  for (const auto& p : pts)
    EXPECT_NEAR(s.read_energy_per_bit_j(p[0]) / (p[1] * ef * 1e-12), 1.0, 0.03) << p[0];
}

TEST(Sram, AccessTimeMatchesHandDecomposition) {
  // 64 KiB, 64 bits, 1 bank (python, same equations): decode 91.0 ps, wordline 72.0 ps,
  // bitline 81.9 ps, sense 28 ps, H-tree 90.8 ps (repeated, 311.6 um side) = 363.7 ps.
  // Wordline (issue 14, finding 5: the access transistors' gates load it): 256 cells x
  // 0.504 um = 129.0 um of local wire, 1032 ohm and 25.8 fF, plus 256 x 0.15 fF = 38.4 fF of
  // gates spread along it; driver R0 / 8 = 8454 / 8 = 1057 ohm (C0 = 0.48 fF): 0.69 x 1057 x
  // 64.2 fF + 0.38 x 1032 x 64.2 fF = 46.8 + 25.2 = 72.0 ps (175.0 ps with C0 = 0.15 fF, whose
  // R0 was 3.2x larger).
  const auto m = macro(64 * 1024);
  EXPECT_NEAR(m.area_m2 * 1e12, 97120.8, 0.5);
  EXPECT_NEAR(m.decode_s, 91.0e-12, 0.1e-12);
  EXPECT_NEAR(m.wordline_s, 72.00e-12, 0.01e-12);
  EXPECT_NEAR(m.bitline_s, 81.92e-12, 0.01e-12);
  EXPECT_NEAR(m.htree_s, 90.78e-12, 0.1e-12);
  EXPECT_NEAR(m.access_time_s, 363.7e-12, 0.2e-12);
}

TEST(Sram, AccessTimeAndEnergyRiseWithCapacity) {
  double last_t = 0, last_e = 0, last_a = 0;
  for (double kib = 1; kib <= 8192; kib *= 2) {
    const auto m = macro(kib * 1024, 128, 4);
    EXPECT_GE(m.access_time_s, last_t) << kib;
    EXPECT_GE(m.read_energy_per_bit_j, last_e) << kib;
    EXPECT_GT(m.area_m2, last_a) << kib;
    last_t = m.access_time_s, last_e = m.read_energy_per_bit_j, last_a = m.area_m2;
  }
  // Above a few hundred KiB time grows roughly with sqrt(capacity) (the H-tree dominates).
  const double r = macro(4096 * 1024).access_time_s / macro(1024 * 1024).access_time_s;
  EXPECT_GT(r, 1.3);
  EXPECT_LT(r, 2.0);
}

TEST(Sram, BankingSavesEnergyPerBit) {
  EXPECT_LT(macro(1024 * 1024, 64, 8).read_energy_per_bit_j,
            macro(1024 * 1024, 64, 1).read_energy_per_bit_j);
}

}  // namespace
}  // namespace ss::tech
