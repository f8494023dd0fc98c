// "lif": fused membrane update + fire + hard reset lanes behind every array (SpikingJelly
// multi-step LIF with tau = 2: H = (V + X) / 2 is one add and a shift; fire is a compare
// against V_th; reset is a mux to zero).
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
    b.local_wire_m = std::sqrt(lane_cell / l.utilization);
    b.port_bits = static_cast<int>(lanes);
    b.instances = a.se.count + a.attention.count;  // one lane group per core
    return b;
  }
};

[[maybe_unused]] const bool kLif =
    register_component_model("lif", [] { return std::make_unique<Lif>(); });

}  // namespace
}  // namespace ss::phys
