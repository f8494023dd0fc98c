#include "tech/sram.h"

#include <algorithm>
#include <cmath>

namespace ss::tech {

SramMacro sram_macro(const SramTech& s, const LogicTech& logic, const WireClass& local,
                     const WireClass& htree, const Driver& drv, double vdd_v,
                     double capacity_bits, int width_bits, int banks) {
  SramMacro m;
  m.capacity_bits = capacity_bits;
  m.width_bits = width_bits;
  m.banks = std::max(1, banks);
  const double bank_bits = std::max(capacity_bits / m.banks, 1.0);
  // Mat rows grow with the bank until the mat is full, then mats multiply; a bank narrower
  // than a mat row is one short row.
  const double rows = std::min<double>(s.mat_rows, std::ceil(bank_bits / s.mat_cols));
  const double cols = std::min<double>(s.mat_cols, bank_bits);
  const double wordlines = std::ceil(bank_bits / s.mat_cols);
  // Each bank is its own macro (the floorplan places banks separately): its own periphery
  // overhead, its own H-tree. The wire from a bank to its consumer is the floorplan's business.
  const double bank_area_m2 =
      bank_bits * s.bitcell_area_m2 / s.array_efficiency + s.macro_overhead_area_m2;
  m.area_m2 = bank_area_m2 * m.banks;
  const double side_m = std::sqrt(bank_area_m2);
  // Cells are about twice as wide as tall.
  const double cell_w = std::sqrt(2.0 * s.bitcell_area_m2), cell_h = cell_w / 2;

  // --- time ---
  // Decoder: a logical-effort chain of fan-out 4 over all wordlines of a bank, plus the driver.
  m.decode_s = logic.fo4_delay_s * (std::log(std::max(wordlines, 1.0)) / std::log(4.0) + 1.0);
  // Wordline across one mat: local metal loaded along its length by every cell's
  // access-transistor gates, a distributed load that adds to the wire's own capacitance.
  WireClass wl = local;
  wl.c_f_per_m += s.wordline_cap_per_cell_f / cell_w;
  const double wl_driver_ohm = drv.r0_ohm / 8;
  m.wordline_s = unrepeated_delay_s(wl, cols * cell_w, wl_driver_ohm, 0);
  m.bitline_s = rows * s.bitline_cap_per_cell_f * s.sense_swing_v / s.cell_read_current_a;
  m.sense_s = s.sense_delay_fo4 * logic.fo4_delay_s;
  // Address in from the port to the farthest mat and data back: twice the bank macro's side.
  m.htree_s = 2 * wire_delay_s(htree, side_m, drv);
  m.access_time_s = m.decode_s + m.wordline_s + m.bitline_s + m.sense_s + m.htree_s;
  // Precharge: a written bitline (full swing) restored to within 10 % of the supply, ln 10 time
  // constants (Elmore's 0.69 is ln 2) of its distributed RC driven by a device of the wordline
  // driver's size; the next access may start then. The H-tree in and out is wave-pipelined
  // (the next address may enter while data leaves), so it is in the access, not the cycle.
  WireClass bl = local;
  bl.c_f_per_m = s.bitline_cap_per_cell_f / cell_h;  // the per-cell value includes its wire
  m.precharge_s =
      std::log(10.0) / std::log(2.0) * unrepeated_delay_s(bl, rows * cell_h, wl_driver_ohm, 0);
  m.cycle_time_s = m.decode_s + m.wordline_s + m.bitline_s + m.sense_s + m.precharge_s;

  // --- energy of one access of `width` bits ---
  const double v = vdd_v;
  const double width = std::clamp<double>(width_bits, 1.0, bank_bits);
  // The selected row of every mat the word spans: all its columns discharge (a column mux
  // selects width / cols of them), each by the sensing swing, restored by the precharge.
  const double mats = std::ceil(width / cols);
  const double columns = mats * cols;
  const double c_bitline = rows * s.bitline_cap_per_cell_f;
  const double e_column = c_bitline * v * s.sense_swing_v;
  m.bitline_energy_j = columns * e_column;
  // Each wordline fully swung, with its fan-out-4 decoder chain ahead of it (each stage a
  // quarter of the next: 1/4 + 1/16 + ... = 1/3 of the wordline's capacitance again).
  const double c_wordline = cols * (s.wordline_cap_per_cell_f + local.c_f_per_m * cell_w);
  m.wordline_energy_j = mats * c_wordline * (4.0 / 3.0) * v * v;
  m.sense_energy_j = width * s.sense_amp_energy_j;
  // H-tree: every data bit and address bit crosses one bank side (in or out), as the time
  // does; random data and addresses toggle half of them.
  const double address_bits = std::ceil(std::log2(std::max(bank_bits / width, 2.0)));
  m.htree_energy_j = 0.5 * (width + address_bits) * wire_switched_cap_f(htree, side_m, drv) * v * v;
  m.read_energy_j = m.bitline_energy_j + m.wordline_energy_j + m.sense_energy_j + m.htree_energy_j;
  // A write drives its own columns full swing (one bitline of each pair) and half-selects the
  // rest of the row like a read; no sensing.
  m.write_energy_j = (columns - width) * e_column + width * c_bitline * v * v +
                     m.wordline_energy_j + m.htree_energy_j;
  m.read_energy_per_bit_j = m.read_energy_j / width;
  m.write_energy_per_bit_j = m.write_energy_j / width;
  m.leakage_w = capacity_bits * s.leakage_w_per_bit;
  return m;
}

}  // namespace ss::tech
