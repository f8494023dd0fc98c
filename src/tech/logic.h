// Standard-cell logic per operation: energy, delay and area of the datapath pieces the PE
// arrays, LIF units and routers are built from (adders by width, AND, compare, registers,
// multiplexers), plus leakage per area with its temperature dependence.
#pragma once
#include <cmath>

namespace ss::tech {

struct LogicTech {
  double fo4_delay_s = 0;  // fan-out-of-4 inverter delay
  // Energy per operation per bit (random data), delay, area per bit.
  double fa_energy_j = 0, fa_area_m2 = 0, fa_sum_delay_s = 0, fa_carry_delay_s = 0;
  double and2_energy_j = 0, and2_area_m2 = 0, and2_delay_s = 0;
  double mux2_energy_j = 0, mux2_area_m2 = 0, mux2_delay_s = 0;
  double dff_clock_energy_j = 0;  // per clock cycle per bit: the cell's internal clock energy
  // Clock-pin input capacitance of a flip-flop: the clock net charges it every cycle (a
  // liberty's internal energy leaves it to the driving net), C V^2 per cycle.
  double dff_clock_pin_cap_f = 0;
  double dff_data_energy_j = 0;  // per data toggle per bit
  double dff_area_m2 = 0, dff_clk_q_s = 0, dff_setup_s = 0;
  double nand2_area_m2 = 0;  // one gate equivalent (Rent's-rule gate count)
  // Leakage per unit of placed logic area at the reference temperature, and the temperature
  // rise that doubles it.
  double leakage_w_per_m2 = 0;
  double leakage_ref_temp_k = 298.15;
  double leakage_doubling_k = 25;
  double utilization = 0.7;  // placed cell area / block area
  // Sign-off: register-to-register paths are computed at the typical corner; the achievable
  // clock a designer signs off derates them to the slow corner and adds the clock uncertainty
  // (skew + jitter) budget: T = derate x path + uncertainty.
  double slow_corner_delay_derate = 1;
  double clock_uncertainty_s = 0;

  double leakage_factor(double temp_k) const {
    return std::exp2((temp_k - leakage_ref_temp_k) / leakage_doubling_k);
  }
};

struct Op {
  double energy_j = 0;
  double delay_s = 0;
  double area_m2 = 0;  // cell area (before utilization)
};

// n-bit adder as synthesized under timing pressure: a parallel-prefix carry tree,
// delay = FA sum + ceil(log2 n) prefix (AND-OR) stages; energy and area ~ n full adders.
Op adder(const LogicTech& t, int bits);
// n-bit magnitude comparator: a subtractor's carry logic (no sum outputs), area and energy ~ n
// full adders; delay a log-depth tree, one carry stage + ceil(log2 n) AND-OR stages, as abc
// builds the LIF compare of the flow's se_unit (docs/validation.md: 6 levels for 24 bits).
Op comparator(const LogicTech& t, int bits);
// Logic levels (gates that drive a net) of those: the bit-level stage + ceil(log2 n).
int adder_levels(int bits);
int comparator_levels(int bits);
// Data energy of writing n flip-flops (each bit toggles with probability 1/2); the clock pin
// energy is charged per clocked cycle (register_clock), not per write. Delay = clk->Q + setup.
Op register_write(const LogicTech& t, int bits);
// Clock-pin energy of n flip-flops for one clock cycle; area of n flip-flops.
Op register_clock(const LogicTech& t, int bits);
Op and2(const LogicTech& t, int bits);
Op mux2(const LogicTech& t, int bits);

}  // namespace ss::tech
