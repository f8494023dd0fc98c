// "topk": routed-MoE router lanes: accumulate a token's expert scores, then a compare-and-
// select pass keeps the top K.
#include <cmath>

#include "phys/component_model.h"

namespace ss::phys {
namespace {

using namespace tech;

class TopK final : public ComponentModel {
 public:
  Block build(const BlockRequest& req) const override {
    const auto& a = req.arch;
    const auto& l = req.tech.logic;
    const int acc = a.acc_bits, sc = a.score_bits;
    const double lanes = a.router.lanes;
    // A lane: score adder + register, comparator + select mux + best-so-far register.
    const double lane_bits = acc + 2 * sc;
    const double lane_cell = adder(l, acc).area_m2 + comparator(l, sc).area_m2 +
                             mux2(l, sc).area_m2 +
                             register_clock(l, static_cast<int>(lane_bits)).area_m2;
    Block b = clocked_block(req, BlockKind::logic, lanes, lane_cell, lane_bits, kLogicRent);
    b.energy_per_event_j["score_ops"] = adder(l, acc).energy_j + register_write(l, acc).energy_j;
    b.energy_per_event_j["compare_ops"] =
        comparator(l, sc).energy_j + mux2(l, sc).energy_j + register_write(l, sc).energy_j;
    b.logic_path_s =
        l.dff_clk_q_s + comparator(l, sc).delay_s + mux2(l, sc).delay_s + l.dff_setup_s;
    b.logic_path_stages = 1 + tech::comparator_levels(sc) + 1;
    b.local_wire_m = std::sqrt(lane_cell / l.utilization);
    b.port_bits = static_cast<int>(lanes);
    return b;
  }
};

[[maybe_unused]] const bool kTopK =
    register_component_model("topk", [] { return std::make_unique<TopK>(); });

}  // namespace
}  // namespace ss::phys
