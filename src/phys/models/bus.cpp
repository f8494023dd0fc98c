// "bus": the buffer-to-core interconnect's pipeline registers and endpoint muxes. Its wires
// are not here: their lengths come from the floorplan (src/phys/links.h).
#include <cmath>

#include "phys/component_model.h"

namespace ss::phys {
namespace {

using namespace tech;

constexpr RentParams kLogicRent{0.6, 4, 3};  // Davis, De, Meindl 1998 example values

class Bus final : public ComponentModel {
 public:
  Block build(const BlockRequest& req) const override {
    const auto& a = req.arch;
    const auto& l = req.tech.logic;
    const int w = a.noc.width_bits;
    const int stages = std::max(1, a.noc.latency_cycles);
    const double endpoints = 2.0 + static_cast<double>(a.buffers.size());
    const double bits = static_cast<double>(w) * stages;
    Block b;
    b.name = req.name;
    b.impl = req.impl;
    b.kind = BlockKind::interconnect;
    b.tier = req.tier;
    b.cell_area_m2 =
        register_clock(l, static_cast<int>(bits)).area_m2 + endpoints * mux2(l, w).area_m2;
    b.area_m2 = b.cell_area_m2 / l.utilization;
    b.gates = b.cell_area_m2 / l.nand2_area_m2;
    b.clocked_bits = bits;
    b.rent = kLogicRent;
    b.leakage_ref_w = b.cell_area_m2 * l.leakage_w_per_m2;
    b.energy_per_event_j["clock_bit_cycle"] = l.dff_clock_energy_j;
    b.energy_per_event_j["transfer_bits"] =
        stages * register_write(l, 1).energy_j + mux2(l, 1).energy_j;
    b.logic_path_s = l.dff_clk_q_s + mux2(l, w).delay_s + l.dff_setup_s;
    b.port_bits = w;
    return b;
  }
};

[[maybe_unused]] const bool kBus =
    register_component_model("bus", [] { return std::make_unique<Bus>(); });

}  // namespace
}  // namespace ss::phys
