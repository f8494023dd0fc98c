#include "phys/thermal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "common/error.h"
#include "fixtures.h"

namespace ss::phys {
namespace {

const tech::ThermalStack& stack() {
  static const auto t = tech::load_technology(testing::tech_path("28nm"));
  return t.thermal;
}

std::vector<double> uniform(int nx, int ny, double w) {
  return std::vector<double>(nx * ny, w / (nx * ny));
}

// 1D series stack, by hand: sink + spreading + TIM + bulk + half the device layer.
double above_spreader_r(const tech::ThermalStack& s, double a) {
  return s.tim_thickness_m / (s.tim_k_w_per_mk * a) + s.die_thickness_m / (s.si_k_w_per_mk * a) +
         s.device_layer_thickness_m / (2 * s.si_k_w_per_mk * a);
}
double external_r(const tech::ThermalStack& s, double a) {
  return s.sink_resistance_k_per_w +
         1 / (4 * s.spreader_k_w_per_mk * std::sqrt(a / std::numbers::pi));
}

TEST(Thermal, UniformPowerMatchesTheClosedForm1DStack) {
  const auto& s = stack();
  // 1 mm x 1 mm, 1 W: 0.1 + 1.1078 (spreading) + 5 (TIM) + 1.5 (bulk) + 0.01 = 7.7178 K/W.
  const double a = 1e-6;
  EXPECT_NEAR(external_r(s, a) + above_spreader_r(s, a), 7.7178, 1e-3);
  for (auto [nx, ny] : {std::pair{1, 1}, {4, 4}, {7, 3}, {24, 24}}) {
    const auto sol = solve_thermal(s, stack_layers(s, false, 5e-6, 2.5e-6), 1e-3, 1e-3, nx, ny,
                                   {uniform(nx, ny, 1.0)});
    for (double k : sol.tier_kelvin[0])
      EXPECT_NEAR(k - s.ambient_k, 7.7178, 2e-3) << nx << "x" << ny;
  }
}

TEST(Thermal, StackedUniformPowerMatchesTheSeriesPath) {
  const auto& s = stack();
  const double a = 2e-3 * 1e-3, pt = 0.3, pb = 0.7;
  // Bond layer: copper pads of 2.5 um on a 5 um pitch are pi/16 = 19.6 % of the area.
  const double f = std::numbers::pi / 16;
  const double k_bond = f * s.copper_k_w_per_mk + (1 - f) * s.bond_oxide_k_w_per_mk;
  const double top = (pt + pb) * (external_r(s, a) + above_spreader_r(s, a));
  const double between = s.device_layer_thickness_m / (s.si_k_w_per_mk * a) +
                         2 * s.beol_thickness_m / (s.beol_k_w_per_mk * a) +
                         s.bond_thickness_m / (k_bond * a);
  const double bottom = top + pb * between;
  const auto sol = solve_thermal(s, stack_layers(s, true, 5e-6, 2.5e-6), 2e-3, 1e-3, 6, 3,
                                 {uniform(6, 3, pb), uniform(6, 3, pt)});
  for (double k : sol.tier_kelvin[1]) EXPECT_NEAR(k - s.ambient_k, top, 1e-3 * top);
  for (double k : sol.tier_kelvin[0]) EXPECT_NEAR(k - s.ambient_k, bottom, 1e-3 * bottom);
  EXPECT_GT(sol.peak_k - s.ambient_k, top);  // the far die is the hotter one
}

TEST(Thermal, HotspotIsHotterThanTheSameTotalSpreadOut) {
  const auto& s = stack();
  const int n = 16;
  std::vector<double> spot(n * n, 0.0);
  spot[8 * n + 8] = 1.0;
  const auto layers = stack_layers(s, false, 5e-6, 2.5e-6);
  const auto hot = solve_thermal(s, layers, 2e-3, 2e-3, n, n, {spot});
  const auto flat = solve_thermal(s, layers, 2e-3, 2e-3, n, n, {uniform(n, n, 1.0)});
  EXPECT_GT(hot.peak_k, flat.peak_k);
  // Energy balance: the spreader node carries all the heat through the external resistance.
  EXPECT_NEAR(hot.spreader_k - s.ambient_k, 1.0 * external_r(s, 4e-6), 1e-6);
  for (double k : hot.tier_kelvin[0]) EXPECT_TRUE(std::isfinite(k));
}

TEST(Thermal, ZeroPowerIsAmbientAndBadInputIsAnError) {
  const auto& s = stack();
  const auto layers = stack_layers(s, true, 5e-6, 2.5e-6);
  const auto sol = solve_thermal(s, layers, 1e-3, 1e-3, 3, 5, {uniform(3, 5, 0), uniform(3, 5, 0)});
  EXPECT_NEAR(sol.peak_k, s.ambient_k, 1e-12);
  EXPECT_THROW(solve_thermal(s, layers, 1e-3, 1e-3, 0, 5, {}), Error);
  EXPECT_THROW(solve_thermal(s, layers, 1e-3, 1e-3, 2, 2, {{1, 1, 1}}), Error);
  EXPECT_THROW(solve_thermal(s, layers, 1e-3, 1e-3, 1, 1, {{std::nan("")}}), Error);
}

}  // namespace
}  // namespace ss::phys
