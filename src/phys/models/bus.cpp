// "bus": the buffer-to-core interconnect's pipeline registers and endpoint muxes. Its wires
// are not here: their lengths come from the floorplan (src/phys/links.h).
#include <cmath>

#include "phys/component_model.h"

namespace ss::phys {
namespace {

using namespace tech;

class Bus final : public ComponentModel {
 public:
  Block build(const BlockRequest& req) const override {
    const auto& a = req.arch;
    const auto& l = req.tech.logic;
    const int w = a.noc.width_bits;
    const int stages = std::max(1, a.noc.latency_cycles);
    const double endpoints = 2.0 + static_cast<double>(a.buffers.size());
    const double bits = static_cast<double>(w) * stages;
    const double cell =
        register_clock(l, static_cast<int>(bits)).area_m2 + endpoints * mux2(l, w).area_m2;
    Block b = clocked_block(req, BlockKind::interconnect, 1, cell, bits, kLogicRent);
    b.energy_per_event_j["transfer_bits"] =
        stages * register_write(l, 1).energy_j + mux2(l, 1).energy_j;
    b.logic_path_s = l.dff_clk_q_s + mux2(l, w).delay_s + l.dff_setup_s;
    b.logic_path_stages = 2;  // Q, the endpoint mux
    b.port_bits = w;
    return b;
  }
};

[[maybe_unused]] const bool kBus =
    register_component_model("bus", [] { return std::make_unique<Bus>(); });

}  // namespace
}  // namespace ss::phys
