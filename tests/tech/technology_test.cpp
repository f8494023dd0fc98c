#include "tech/technology.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "tech_fixture.h"

namespace ss::tech {
namespace {

using testing::edited28;
using testing::tech28;
using testing::tech_path;

TEST(Technology, Loads28nmWithScaledHorowitzNumbers) {
  const auto& t = tech28();
  EXPECT_EQ(t.name, "28nm-class");
  EXPECT_NEAR(t.vdd_v, 0.9, 1e-12);
  // Classical 45 -> 28 nm at 0.9 V: E x 28/45 = 0.6222, A x (28/45)^2 = 0.3872.
  EXPECT_NEAR(t.scaling.energy_factor, 0.62222, 1e-4);
  EXPECT_NEAR(t.scaling.area_factor, 0.38716, 1e-4);
  EXPECT_NEAR(t.logic.fa_energy_j, 3.1e-15 * 0.62222, 1e-19);  // 1.929 fJ
  EXPECT_NEAR(t.logic.fa_area_m2, 4.28e-12 * 0.38716, 1e-16);  // 1.657 um^2
  // Delays in FO4 of this node: FA sum 2.23 x 14 ps = 31.2 ps.
  EXPECT_NEAR(t.logic.fa_sum_delay_s, 31.22e-12, 1e-15);
  // C0 = 0.48 fF (28nm.toml [driver]: the FA anchor x osu018's INVX1 / FAX1 ratio), R0 = FO4 /
  // (0.69 x 5 x C0) = 14 ps / (3.45 x 0.48 fF) = 8.454 kOhm.
  EXPECT_NEAR(t.driver.c0_f, 0.48e-15, 1e-21);
  EXPECT_NEAR(t.driver.r0_ohm, 8454.1, 1.0);
  EXPECT_NEAR(t.wire("global").r_ohm_per_m, 0.2e6, 1e-6);
  EXPECT_NEAR(t.bond.c_f, 0.6e-15, 1e-21);
  EXPECT_NEAR(t.thermal.tim_k_w_per_mk, 4.0, 1e-12);
}

TEST(Technology, LoadsOsu018FromTheLibertyNumbers) {
  const auto t = load_technology(tech_path("osu018"));
  EXPECT_NEAR(t.scaling.energy_factor, 1.0, 1e-12);  // native numbers
  EXPECT_NEAR(t.logic.fa_energy_j, 0.1497e-12, 1e-18);
  EXPECT_NEAR(t.logic.fa_area_m2, 120e-12, 1e-18);
  EXPECT_NEAR(t.logic.fo4_delay_s, 123e-12, 1e-15);
  // lef metal1: 0.08 ohm/sq / 0.3 um = 0.2667 ohm/um.
  EXPECT_NEAR(t.wire("local").r_ohm_per_m, 0.267e6, 1e-3);
  // The 28 nm node is faster and cheaper per operation than 0.18 um.
  EXPECT_LT(tech28().logic.fo4_delay_s, t.logic.fo4_delay_s);
  EXPECT_LT(tech28().logic.fa_energy_j, t.logic.fa_energy_j);
}

// A bad file fails with one ss::Error naming the file and the dotted key.
void expect_error(const std::string& text, const std::string& key, const std::string& what) {
  try {
    parse_technology(text, "bad.toml");
    FAIL() << "expected an error for " << key;
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("bad.toml"), std::string::npos) << m;
    EXPECT_NE(m.find(key), std::string::npos) << m;
    EXPECT_NE(m.find(what), std::string::npos) << m;
  }
}

TEST(Technology, WrongUnitNamesFileAndKey) {
  expect_error(edited28(R"(resistance = "3 ohm")", R"(resistance = "3 fF")"), "bond.resistance",
               "expected a resistance");
}

TEST(Technology, MissingFieldNamesFileAndKey) {
  expect_error(edited28(R"(fo4_delay = "14 ps")", ""), "logic.fo4_delay", "missing");
}

TEST(Technology, NegativeValueNamesFileAndKey) {
  expect_error(edited28(R"(capacitance = "0.6 fF")", R"(capacitance = "-0.6 fF")"),
               "bond.capacitance", "out of range");
}

TEST(Technology, BareNumberWhereAUnitIsNeededIsAnError) {
  expect_error(edited28(R"(vdd = "0.9 V")", "vdd = 0.9"), "vdd", "with its unit");
}

TEST(Technology, TypoedKeyIsAnError) {
  expect_error(edited28(R"(mat_rows = 256)", "mat_row = 256"), "sram.mat_row", "unknown key");
}

TEST(Technology, MissingWireClassNamesFile) {
  try {
    (void)tech28().wire("optical");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("wires.optical"), std::string::npos);
  }
}

}  // namespace
}  // namespace ss::tech
