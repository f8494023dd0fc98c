// SRAM macros, CACTI-style. A buffer is `banks` macros; a bank is split into mats of at most
// mat_rows x mat_cols cells. Access time = row decode + wordline + bitline swing + sense +
// H-tree in and out of the bank macro; cycle time = the mat's decode, wordline, bitline and
// sense plus the precharge that restores a written bitline. Energy per access is built from
// the same parts: the bitlines of every column on the selected row (column mux included), the
// wordline, the sense amplifiers and the H-tree's address and data wires; leakage per bit;
// area from the bitcell, the mats' array efficiency and a fixed overhead per bank macro.
#pragma once

#include "tech/logic.h"
#include "tech/wire.h"

namespace ss::tech {

struct SramTech {
  double bitcell_area_m2 = 0;
  double array_efficiency = 0.7;      // cell area / mat area
  double macro_overhead_area_m2 = 0;  // control, I/O, BIST per macro
  int mat_rows = 256, mat_cols = 256;
  double bitline_cap_per_cell_f = 0;   // drain + wire per cell on a bitline
  double wordline_cap_per_cell_f = 0;  // access-transistor gates per cell on a wordline
  double cell_read_current_a = 0;
  double sense_swing_v = 0.1;
  double sense_delay_fo4 = 2;     // sense amplifier + output latch, in FO4
  double sense_amp_energy_j = 0;  // one sense amplifier firing
  double leakage_w_per_bit = 0;   // at the logic reference temperature
};

struct SramMacro {
  double capacity_bits = 0;
  int width_bits = 0;
  int banks = 1;
  double area_m2 = 0;  // all banks
  double access_time_s = 0;
  double decode_s = 0, wordline_s = 0, bitline_s = 0, sense_s = 0, htree_s = 0;
  double precharge_s = 0;
  double cycle_time_s = 0;  // between two accesses of one bank
  // One read of width_bits from one bank, by part (J); per bit = read_energy_j / width_bits.
  double bitline_energy_j = 0, wordline_energy_j = 0, sense_energy_j = 0, htree_energy_j = 0;
  double read_energy_j = 0, write_energy_j = 0;
  double read_energy_per_bit_j = 0;
  double write_energy_per_bit_j = 0;
  double leakage_w = 0;  // at the reference temperature
};

// A buffer of `banks` macros: wordlines and bitlines on `local`, the H-tree on `htree`, its
// drivers `drv`, supply `vdd_v` (Technology::sram picks them for a node).
SramMacro sram_macro(const SramTech& s, const LogicTech& logic, const WireClass& local,
                     const WireClass& htree, const Driver& drv, double vdd_v,
                     double capacity_bits, int width_bits, int banks);

}  // namespace ss::tech
