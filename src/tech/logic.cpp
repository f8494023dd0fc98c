#include "tech/logic.h"

#include <algorithm>
#include <cmath>

namespace ss::tech {

namespace {
int log2_ceil(int n) { return n <= 1 ? 0 : static_cast<int>(std::ceil(std::log2(n))); }
}  // namespace

Op adder(const LogicTech& t, int bits) {
  return {bits * t.fa_energy_j, t.fa_sum_delay_s + log2_ceil(bits) * t.and2_delay_s,
          bits * t.fa_area_m2};
}

Op comparator(const LogicTech& t, int bits) {
  return {bits * t.fa_energy_j, t.fa_carry_delay_s + log2_ceil(bits) * t.and2_delay_s,
          bits * t.fa_area_m2};
}

Op register_write(const LogicTech& t, int bits) {
  return {bits * 0.5 * t.dff_data_energy_j, t.dff_clk_q_s + t.dff_setup_s, bits * t.dff_area_m2};
}

Op register_clock(const LogicTech& t, int bits) {
  return {bits * t.dff_clock_energy_j, t.dff_clk_q_s, bits * t.dff_area_m2};
}

Op and2(const LogicTech& t, int bits) {
  return {bits * t.and2_energy_j, t.and2_delay_s, bits * t.and2_area_m2};
}

Op mux2(const LogicTech& t, int bits) {
  return {bits * t.mux2_energy_j, t.mux2_delay_s, bits * t.mux2_area_m2};
}

int adder_levels(int bits) { return 1 + log2_ceil(bits); }
int comparator_levels(int bits) { return 1 + log2_ceil(bits); }

}  // namespace ss::tech
