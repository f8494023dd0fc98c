// SRAM macros, CACTI-style. A buffer is `banks` macros; a bank is split into mats of at most
// mat_rows x mat_cols cells; access time = row decode + wordline + bitline swing + sense +
// H-tree in and out of the bank macro; energy per bit is a power law in bank capacity fitted
// to cited points; leakage per bit; area from the bitcell, the mats' array efficiency and a
// fixed overhead per bank macro.
#pragma once
#include <vector>

#include "tech/logic.h"
#include "tech/wire.h"

namespace ss::tech {

struct SramEnergyPoint {
  double capacity_bits = 0;
  double energy_per_bit_j = 0;  // per bit of a read access, already scaled to this node
};

struct SramTech {
  double bitcell_area_m2 = 0;
  double array_efficiency = 0.7;      // cell area / mat area
  double macro_overhead_area_m2 = 0;  // control, I/O, BIST per macro
  int mat_rows = 256, mat_cols = 256;
  double bitline_cap_per_cell_f = 0;   // drain + wire per cell on a bitline
  double wordline_cap_per_cell_f = 0;  // access-transistor gates per cell on a wordline
  double cell_read_current_a = 0;
  double sense_swing_v = 0.1;
  double sense_delay_fo4 = 2;                  // sense amplifier + output latch, in FO4
  double write_energy_ratio = 1;               // write / read energy per bit
  double leakage_w_per_bit = 0;                // at the logic reference temperature
  std::vector<SramEnergyPoint> energy_points;  // what the power law is fitted to
  // E_bit(C) = energy_k_j * (C / 1 bit)^energy_exponent, fitted in log-log space.
  double energy_k_j = 0;
  double energy_exponent = 0.5;

  double read_energy_per_bit_j(double bank_bits) const;
};

// Least-squares fit of log E = log k + g log C to the points; throws ss::Error if fewer than two.
void fit_sram_energy(SramTech& s, const std::string& file);

struct SramMacro {
  double capacity_bits = 0;
  int width_bits = 0;
  int banks = 1;
  double area_m2 = 0;  // all banks
  double access_time_s = 0;
  double decode_s = 0, wordline_s = 0, bitline_s = 0, sense_s = 0, htree_s = 0;
  double read_energy_per_bit_j = 0;
  double write_energy_per_bit_j = 0;
  double leakage_w = 0;  // at the reference temperature
};

SramMacro sram_macro(const SramTech& s, const LogicTech& logic, const WireClass& local,
                     const WireClass& htree, const Driver& drv, double capacity_bits,
                     int width_bits, int banks);

}  // namespace ss::tech
