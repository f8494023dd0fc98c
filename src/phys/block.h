// The physical view of one architecture block (an array, the spike generators, the router, a
// buffer, the interconnect): area, per-event energies keyed by the simulator's counter names,
// clocked bits, leakage, its own critical path and its wiring statistics.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "arch/arch_spec.h"
#include "phys/wirelength.h"
#include "tech/sram.h"

namespace ss::phys {

enum class BlockKind { logic, memory, interconnect };

struct Block {
  std::string
      name;  // "se_cores", "attention_cores", "spike_gen", "router", "noc", "buffers.<role>"
  std::string impl;  // the arch's impl name that chose the model
  BlockKind kind = BlockKind::logic;
  arch::Tier tier = arch::Tier::bottom;
  double cell_area_m2 = 0;  // standard cells (logic) or the macro (memory)
  double area_m2 = 0;       // block area: cells / utilization, or the macro
  double gates = 0;         // NAND2 equivalents (for the wire-length distribution)
  double clocked_bits = 0;  // flip-flops (clock-tree sinks and clock-pin energy)
  RentParams rent;          // wiring statistics of this kind of block
  std::map<std::string, double> energy_per_event_j;  // activity counter -> energy per count
  // Energy per count of macros inside a logic block (e.g. the spike generators' accumulator
  // SRAM): dynamic like the rest, but not scaled by the block's gate-level internal wiring.
  std::map<std::string, double> macro_energy_per_event_j;
  double leakage_ref_w = 0;  // at the technology's leakage reference temperature
  double logic_path_s = 0;   // gate delay of the block's own register-to-register path
  double local_wire_m = 0;   // planar wire inside that path (e.g. PE-to-PE pitch)
  // Stages of that path that drive a net inside the block (clk->Q, each mux, each adder and
  // comparator level): each drives the wire of a path net of the block (timing.cpp).
  int logic_path_stages = 0;
  int port_bits = 0;         // bits per cycle leaving the block towards its consumers
  int instances = 1;         // identical copies whose busy cycles the simulator sums (cores)
  std::optional<tech::SramMacro> sram;  // memories only
  // Arrays: partial-sum words (acc_bits each) leaving the array towards its spike generator
  // per busy core-cycle (a systolic column emits one word per time lane every cycle it streams).
  double psum_words_per_busy_cycle = 0;
  // Flip-flops that are clock-tree sinks but clock-gated: their pin energy is charged through
  // events (e.g. a PE's weight register, loaded once per pass), not every active cycle.
  double gated_clock_bits = 0;
  // Spike generators: the partial-sum accumulator stores (SRAM macros, part of area_m2, not of
  // cell_area_m2); `accumulator` is the slowest core's store (timing).
  std::optional<tech::SramMacro> accumulator;
  double accumulator_area_m2 = 0;
  // Folded over both tiers (Style::folds): area_m2 and cell_area_m2 are one tier's half; each
  // cut net is a bond whose capacitance its net carries (per cell, averaged).
  bool folded = false;
  double fold_bond_cap_per_cell_f = 0;
};

}  // namespace ss::phys
