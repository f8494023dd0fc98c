#include <gtest/gtest.h>

#include <cmath>

#include "tech/bond.h"
#include "tech/logic.h"
#include "tech/scaling.h"
#include "tech/wire.h"
#include "tech_fixture.h"

namespace ss::tech {
namespace {

using testing::tech28;

TEST(Wire, BakogluRepeatedDelayByHand) {
  // 2.5 sqrt(R0 C0 r c) L with R0 C0 = 14 ps / 3.45, r c = 2 ohm/um x 0.2 fF/um: 100.72 ps/mm.
  const auto& t = tech28();
  EXPECT_NEAR(repeated_delay_s(t.wire("intermediate"), 1e-3, t.driver), 100.72e-12, 0.01e-12);
  // Global metal is ten times less resistive: sqrt(10) faster.
  EXPECT_NEAR(repeated_delay_s(t.wire("global"), 1e-3, t.driver), 100.72e-12 / std::sqrt(10.0),
              0.01e-12);
}

TEST(Wire, ElmoreUnrepeatedByHand) {
  // 0.69 Rd (cL + Cl) + 0.38 r c L^2 + 0.69 r L Cl, L = 100 um, Rd = 1 kOhm, Cl = 1 fF,
  // r = 2 ohm/um, c = 0.2 fF/um: 0.69e3 x 21e-15 + 0.38 x 200 x 20e-15 + 0.69 x 200 x 1e-15
  // = 14.49 + 1.52 + 0.138 ps = 16.148 ps.
  WireClass w{"x", 2e6, 0.2e-9};
  EXPECT_NEAR(unrepeated_delay_s(w, 100e-6, 1e3, 1e-15), 16.148e-12, 1e-15);
}

TEST(Wire, DelayIsMonotoneAndRepeatersWinOnLongWires) {
  const auto& t = tech28();
  const auto& w = t.wire("intermediate");
  double last = 0;
  for (double um = 1; um <= 1e4; um *= 1.5) {
    const double d = wire_delay_s(w, um * 1e-6, t.driver);
    EXPECT_GE(d, last);
    last = d;
  }
  EXPECT_LT(wire_delay_s(w, 5e-3, t.driver),
            unrepeated_delay_s(w, 5e-3, t.driver.r0_ohm / 4, 4 * t.driver.c0_f));
}

TEST(Bond, CapacityIsAreaOverPitchSquared) {
  BondTech b;
  b.pitch_m = 5e-6;
  b.signal_fraction = 0.5;
  EXPECT_EQ(bond_capacity(b, 1e-6), 40000);  // 1 mm^2 / 25 um^2
  EXPECT_EQ(signal_bond_capacity(b, 1e-6), 20000);
  b.pitch_m = 1e-6;
  EXPECT_EQ(bond_capacity(b, 1e-6), 1000000);  // 1e6 / pitch_um^2 per mm^2 (brief section 4)
  b.pitch_m = 6.4e-6;
  EXPECT_EQ(bond_capacity(b, 2e-6), std::floor(2e6 / 40.96));
}

TEST(Scaling, ClassicalFactors) {
  const auto s = classical_scaling(45e-9, 0.9, 28e-9, 0.9);
  EXPECT_NEAR(s.energy_factor, 28.0 / 45, 1e-12);
  EXPECT_NEAR(s.area_factor, (28.0 / 45) * (28.0 / 45), 1e-12);
  EXPECT_NEAR(classical_scaling(180e-9, 1.8, 45e-9, 0.9).energy_factor, 0.25 * 0.25, 1e-12);
}

TEST(Logic, AdderScalesWithWidthAndDepth) {
  const auto& l = tech28().logic;
  // 16-bit: 16 FA energies; delay FA sum + 4 prefix stages (AND2).
  EXPECT_NEAR(adder(l, 16).energy_j, 16 * l.fa_energy_j, 1e-24);
  EXPECT_NEAR(adder(l, 16).delay_s, l.fa_sum_delay_s + 4 * l.and2_delay_s, 1e-18);
  EXPECT_GT(adder(l, 32).delay_s, adder(l, 8).delay_s);
  EXPECT_NEAR(register_write(l, 8).energy_j, 8 * 0.5 * l.dff_data_energy_j, 1e-24);
  EXPECT_NEAR(l.leakage_factor(l.leakage_ref_temp_k + 25), 2.0, 1e-12);
}

}  // namespace
}  // namespace ss::tech
