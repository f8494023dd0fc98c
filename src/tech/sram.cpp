#include "tech/sram.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace ss::tech {

double SramTech::read_energy_per_bit_j(double bank_bits) const {
  return energy_k_j * std::pow(std::max(bank_bits, 1.0), energy_exponent);
}

void fit_sram_energy(SramTech& s, const std::string& file) {
  const auto& p = s.energy_points;
  if (p.size() < 2) throw error_at(file, "sram.energy_points", "need at least two points to fit");
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& q : p) {
    const double x = std::log(q.capacity_bits), y = std::log(q.energy_per_bit_j);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double n = static_cast<double>(p.size());
  const double den = n * sxx - sx * sx;
  if (den <= 0) throw error_at(file, "sram.energy_points", "capacities must differ");
  s.energy_exponent = (n * sxy - sx * sy) / den;
  s.energy_k_j = std::exp((sy - s.energy_exponent * sx) / n);
  if (s.energy_exponent < 0)
    throw error_at(file, "sram.energy_points",
                   "energy must not fall with capacity (fitted exponent {:.3f})",
                   s.energy_exponent);
}

SramMacro sram_macro(const SramTech& s, const LogicTech& logic, const WireClass& local,
                     const WireClass& htree, const Driver& drv, double capacity_bits,
                     int width_bits, int banks) {
  SramMacro m;
  m.capacity_bits = capacity_bits;
  m.width_bits = width_bits;
  m.banks = std::max(1, banks);
  const double bank_bits = std::max(capacity_bits / m.banks, 1.0);
  // Mat rows grow with the bank until the mat is full, then mats multiply.
  const double rows = std::min<double>(s.mat_rows, std::ceil(bank_bits / s.mat_cols));
  const double wordlines = std::ceil(bank_bits / s.mat_cols);
  // Each bank is its own macro (the floorplan places banks separately): its own periphery
  // overhead, its own H-tree. The wire from a bank to its consumer is the floorplan's business.
  const double bank_area_m2 =
      bank_bits * s.bitcell_area_m2 / s.array_efficiency + s.macro_overhead_area_m2;
  m.area_m2 = bank_area_m2 * m.banks;
  const double side_m = std::sqrt(bank_area_m2);
  // Decoder: a logical-effort chain of fan-out 4 over all wordlines of a bank, plus the driver.
  m.decode_s = logic.fo4_delay_s * (std::log(std::max(wordlines, 1.0)) / std::log(4.0) + 1.0);
  // Wordline across one mat (cells are about twice as wide as tall): local metal loaded along
  // its length by every cell's access-transistor gates, a distributed load that adds to the
  // wire's own capacitance per length.
  const double cell_w = std::sqrt(2.0 * s.bitcell_area_m2);
  WireClass wl = local;
  wl.c_f_per_m += s.wordline_cap_per_cell_f / cell_w;
  m.wordline_s = unrepeated_delay_s(wl, s.mat_cols * cell_w, drv.r0_ohm / 8, 0);
  m.bitline_s = rows * s.bitline_cap_per_cell_f * s.sense_swing_v / s.cell_read_current_a;
  m.sense_s = s.sense_delay_fo4 * logic.fo4_delay_s;
  // Address in from the port to the farthest mat and data back: twice the bank macro's side.
  m.htree_s = 2 * wire_delay_s(htree, side_m, drv);
  m.access_time_s = m.decode_s + m.wordline_s + m.bitline_s + m.sense_s + m.htree_s;
  m.read_energy_per_bit_j = s.read_energy_per_bit_j(bank_bits);
  m.write_energy_per_bit_j = m.read_energy_per_bit_j * s.write_energy_ratio;
  m.leakage_w = capacity_bits * s.leakage_w_per_bit;
  return m;
}

}  // namespace ss::tech
