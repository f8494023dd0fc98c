// Spatio-temporal PE arrays: "st_systolic" (spiking-expert cores: spikes x int8 weights,
// acc_bits accumulators, time_lanes partial sums per PE) and "attention_array" (Q K^T by
// AND-and-count into a stationary score_bits map, then A V accumulates).
#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "phys/component_model.h"

namespace ss::phys {
namespace {

using tech::adder;
using tech::and2;
using tech::mux2;
using tech::register_clock;
using tech::register_write;

// Regular datapath arrays: Rent exponent ~0.5 for gate-array-like regular logic
// (Landman & Russo 1971 as tabulated by Bakoglu 1990), k = 4 terminals, fan-out 3 (Davis 1998).
Block array_block(const BlockRequest& req, const arch::ArraySpec& s, double pe_cell_m2,
                  double pe_bits) {
  const double pes = static_cast<double>(s.count) * s.rows * s.cols;
  Block b = clocked_block(req, BlockKind::logic, pes, pe_cell_m2, pe_bits, kArrayRent);
  b.local_wire_m = std::sqrt(pe_cell_m2 / req.tech.logic.utilization);  // neighbouring PE pitch
  b.instances = s.count;
  return b;
}

const arch::ArraySpec& spec_of(const BlockRequest& req) {
  if (req.name == "se_cores") return req.arch.se;
  if (req.name == "attention_cores") return req.arch.attention;
  throw error_at(req.arch.file, req.name, "impl '{}' models an array, not this block", req.impl);
}

class StSystolic final : public ComponentModel {
 public:
  Block build(const BlockRequest& req) const override {
    const auto& a = req.arch;
    const auto& l = req.tech.logic;
    const auto& s = spec_of(req);
    const int acc = a.acc_bits, w = a.weight_bits, lanes = s.time_lanes;
    // One PE as hw/se_pe.v builds it (every lane of a token's bit plane is added in the same
    // cycle, as the simulator counts it): per lane an acc-wide adder and a mux that passes the
    // partial sum on unchanged when the lane's spike is 0; a weight-bank mux; `lanes` partial-
    // sum registers, `lanes` spike bits and a valid and a bank bit moving with them; two banks
    // of the weight (double buffering: the next tile is written beside the one in use, which is
    // what lets the simulator treat weight streaming as free of stalls, hw/se_array.v).
    // The east column's spike, valid and bank outputs have no consumer: synthesis removes
    // those registers (rows x (lanes + 2) per core), so a PE holds on average:
    const double per_pe = static_cast<double>(s.rows) * s.cols;
    const double streaming_bits = lanes * acc + (lanes + 2) * (s.cols - 1.0) / s.cols;
    const double pe_cell = lanes * (adder(l, acc).area_m2 + mux2(l, acc).area_m2) +
                           mux2(l, w).area_m2 +
                           register_clock(l, 1).area_m2 * (streaming_bits + 2 * w);
    // Per core, outside the PEs: row r's spikes enter r cycles late (a skew register of r
    // stages of lanes + 2 bits), and a valid bit travels rows + cols - 1 stages to the column
    // outputs (hw/se_array.v).
    const double skew_bits = 0.5 * s.rows * (s.rows - 1) * (lanes + 2) + (s.rows + s.cols - 1);
    // The partial sums and spikes move every streaming cycle (a systolic column is a pipeline:
    // a PE whose spike is 0 still passes its input partial sum on), so they clock every active
    // cycle. The weight banks change only while a tile is written: they are clock-gated and
    // their pins are charged per pass (below).
    Block b = array_block(req, s, pe_cell + register_clock(l, 1).area_m2 * skew_bits / per_pe,
                          streaming_bits + skew_bits / per_pe);
    b.gated_clock_bits = static_cast<double>(s.count) * s.rows * s.cols * 2 * w;
    // A pass loads a rows x cols tile into the idle bank: it arrives over `rows` cycles in
    // which one weight register per PE clocks (se_core stages the tile, then writes the bank).
    b.energy_per_event_j["passes"] = static_cast<double>(s.rows) * s.rows * s.cols *
                                     (register_clock(l, w).energy_j +
                                      w * l.dff_clock_pin_cap_f * req.tech.vdd_v * req.tech.vdd_v);
    // acc_ops: add, write the partial sum, move 1 spike bit; the bank mux selects the weight
    // once per token and serves `lanes` time steps.
    b.energy_per_event_j["acc_ops"] = adder(l, acc).energy_j + mux2(l, acc).energy_j +
                                      register_write(l, acc).energy_j +
                                      register_write(l, 1).energy_j + mux2(l, w).energy_j / lanes;
    b.energy_per_event_j["and_ops"] = and2(l, 1).energy_j + 2 * l.fa_energy_j;
    // A zero spike passing a PE: the gated adder and the AND output stay still; only the spike
    // register may toggle (charged at toggle probability 1/2, an upper bound).
    b.energy_per_event_j["ops_skipped"] = register_write(l, 1).energy_j;
    // Register-to-register path inside a PE: clk->Q of the bank bit, bank mux, adder, lane
    // mux, setup (hw/se_pe.v).
    b.logic_path_s = l.dff_clk_q_s + mux2(l, w).delay_s + adder(l, acc).delay_s +
                     mux2(l, acc).delay_s + l.dff_setup_s;
    b.logic_path_stages = 1 + 1 + tech::adder_levels(acc) + 1;
    // Partial sums towards the spike generators: every column emits one word per time lane per
    // streaming cycle (docs/sim.md: each cycle one token's spikes, all lanes, enter the rows).
    b.psum_words_per_busy_cycle = static_cast<double>(s.cols) * lanes;
    b.port_bits = s.count * s.cols * lanes * acc;
    return b;
  }
};

class AttentionArray final : public ComponentModel {
 public:
  Block build(const BlockRequest& req) const override {
    const auto& a = req.arch;
    const auto& l = req.tech.logic;
    const auto& s = spec_of(req);
    const int acc = a.acc_bits, sc = a.score_bits, lanes = s.time_lanes;
    // One PE holds a score_bits attention-map entry (stationary), `lanes` accumulators for
    // A V, the Q/K/V spike bits, an AND, a score-wide adder/counter and a mode mux.
    const double pe_bits = sc + lanes * acc + 2 * lanes;
    const double pe_cell = adder(l, acc).area_m2 + mux2(l, acc).area_m2 + and2(l, lanes).area_m2 +
                           register_clock(l, static_cast<int>(pe_bits)).area_m2;
    Block b = array_block(req, s, pe_cell, pe_bits);
    // and_ops: AND two spikes, increment the count (about two bits toggle per increment).
    b.energy_per_event_j["and_ops"] =
        and2(l, 1).energy_j + 2 * l.fa_energy_j + register_write(l, 2).energy_j;
    b.energy_per_event_j["acc_ops"] =
        adder(l, acc).energy_j + mux2(l, acc).energy_j + register_write(l, acc).energy_j;
    b.energy_per_event_j["ops_skipped"] = register_write(l, 1).energy_j;
    b.logic_path_s = l.dff_clk_q_s + mux2(l, acc).delay_s + adder(l, acc).delay_s + l.dff_setup_s;
    b.logic_path_stages = 1 + 1 + tech::adder_levels(acc);
    // Outputs leave along the map's query side: qk_first holds the N x N map with queries on
    // the rows (A V mode: one word per row and lane per cycle), kv_first holds K^T V and emits
    // per column. "auto" may use either: the wider side bounds it. Only the A V (or Q) mode
    // emits, but the simulator sums both modes' cycles, so busy cycles x this is an upper bound.
    const int out_lines = a.attention_order == "qk_first"   ? s.rows
                          : a.attention_order == "kv_first" ? s.cols
                                                            : std::max(s.rows, s.cols);
    b.psum_words_per_busy_cycle = static_cast<double>(out_lines) * lanes;
    b.port_bits = s.count * out_lines * lanes * acc;
    return b;
  }
};

[[maybe_unused]] const bool kSt =
    register_component_model("st_systolic", [] { return std::make_unique<StSystolic>(); });
[[maybe_unused]] const bool kAtt =
    register_component_model("attention_array", [] { return std::make_unique<AttentionArray>(); });

}  // namespace
}  // namespace ss::phys
