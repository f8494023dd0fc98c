// "lif": fused membrane update + fire + hard reset lanes behind every array (SpikingJelly
// multi-step LIF with tau = 2: H = (V + X) / 2 is one add and a shift; fire is a compare
// against V_th; reset is a mux to zero).
#include <algorithm>
#include <cmath>

#include "phys/component_model.h"

namespace ss::phys {
namespace {

using namespace tech;

// Random control logic: Rent p = 0.6, k = 4, fan-out 3 (Davis, De, Meindl 1998 example values).
class Lif final : public ComponentModel {
 public:
  Block build(const BlockRequest& req) const override {
    const auto& a = req.arch;
    const auto& l = req.tech.logic;
    const int m = a.membrane_bits;
    const double lanes =
        static_cast<double>(a.spike_gen.lanes_per_core) * (a.se.count + a.attention.count);
    // A lane: adder (charge), comparator (fire), mux (reset), input partial-sum register and
    // membrane register, one spike bit.
    const double lane_bits = a.acc_bits + m + 1;
    const double lane_cell = adder(l, m).area_m2 + comparator(l, m).area_m2 + mux2(l, m).area_m2 +
                             register_clock(l, static_cast<int>(lane_bits)).area_m2;
    Block b = clocked_block(req, BlockKind::logic, lanes, lane_cell, lane_bits, kLogicRent);
    b.energy_per_event_j["membrane_updates"] = adder(l, m).energy_j + comparator(l, m).energy_j +
                                               mux2(l, m).energy_j + register_write(l, m).energy_j +
                                               register_write(l, a.acc_bits).energy_j;
    b.energy_per_event_j["spikes_fired"] = register_write(l, 1).energy_j * 2;
    // Partial sum arrives in a register; charge, compare and reset-mux in one cycle.
    b.logic_path_s = l.dff_clk_q_s + adder(l, m).delay_s + comparator(l, m).delay_s +
                     mux2(l, m).delay_s + l.dff_setup_s;
    b.logic_path_stages = 1 + tech::adder_levels(m) + tech::comparator_levels(m) + 1;
    b.local_wire_m = std::sqrt(lane_cell / l.utilization);
    b.port_bits = static_cast<int>(lanes);
    b.instances = a.se.count + a.attention.count;  // one lane group per core
    add_accumulators(req, b);
    return b;
  }

 private:
  // Each core's partial-sum store: acc_entries (token, neuron) entries x time_lanes x acc_bits
  // (docs/sim.md: partial sums across input tiles stay here). Every streaming cycle the array
  // delivers psum_words_per_busy_cycle words that are read, added and written back, so the
  // store must read and write a full array port (cols x lanes x acc_bits) each cycle. Built as
  // SRAM macros (src/tech/sram.h) one mat wide (sram.mat_cols bits): ceil(port / mat_cols)
  // macros give the port, and twice that many, split by token parity, let the read of the next
  // token and the write of the current one hit different macros in the same cycle with
  // single-port cells. At paper.toml sizes a flip-flop register file would be ~7x the area
  // (1.32 vs 0.18 um^2 per bit: dff_area vs bitcell / array_efficiency).
  static void add_accumulators(const BlockRequest& req, Block& b) {
    const auto& a = req.arch;
    const auto& t = req.tech;
    const int entries = a.spike_gen.acc_entries;
    double slowest = -1;
    auto add = [&](const std::string& array, const arch::ArraySpec& s, int out_lines) {
      if (s.count <= 0 || entries <= 0) return;
      const double bits = static_cast<double>(entries) * s.time_lanes * a.acc_bits;
      const int port = out_lines * s.time_lanes * a.acc_bits;
      const int banks = 2 * std::max(1, (port + t.sram.mat_cols - 1) / t.sram.mat_cols);
      const auto m = t.sram_macro(bits, t.sram.mat_cols, banks);
      b.area_m2 += s.count * m.area_m2;
      b.leakage_ref_w += s.count * m.leakage_w;
      b.accumulator_area_m2 += s.count * m.area_m2;
      // Read-modify-write of one acc_bits word: read and write back (the macro), add (logic).
      b.macro_energy_per_event_j["psum_words:" + array] =
          a.acc_bits * (m.read_energy_per_bit_j + m.write_energy_per_bit_j);
      b.energy_per_event_j["psum_words:" + array] = adder(t.logic, a.acc_bits).energy_j;
      if (m.access_time_s > slowest) slowest = m.access_time_s, b.accumulator = m;
    };
    add("se_cores", a.se, a.se.cols);
    const int att_lines = a.attention_order == "qk_first" ? a.attention.rows
                          : a.attention_order == "kv_first"
                              ? a.attention.cols
                              : std::max(a.attention.rows, a.attention.cols);
    add("attention_cores", a.attention, att_lines);
  }
};

[[maybe_unused]] const bool kLif =
    register_component_model("lif", [] { return std::make_unique<Lif>(); });

}  // namespace
}  // namespace ss::phys
