// The SE core's program: the parameters its Verilog is built with (from the architecture and
// the model's int format) and one op per pass of sim::weight_schedule, carrying the pass's
// weight tile, spike tile, biases and thresholds, as hw/se_core.v consumes them.
#pragma once
#include <cstdint>
#include <vector>

#include "arch/arch_spec.h"
#include "engine/model_spec.h"
#include "engine/values.h"
#include "rtl/layer_quant.h"
#include "sim/sample.h"
#include "sim/schedule.h"

namespace ss::rtl {

// Verilog parameters of hw/se_core.v (same names, upper case there).
struct SeCoreParams {
  int rows = 4, cols = 4, lanes = 2;
  int weight_bits = 8;
  int psum_bits = 16;  // one plane's column sum: weight_bits + ceil(log2 rows) + 1
  int acc_w = 32;      // exact accumulators: the int mode saturates only the final sum
  int mem_w = 24;      // membrane: the model's quant.mem_bits
  int bias_w = 32;
  int sg_lanes = 4;
  int chunk = 4;           // tokens per chunk: acc_entries / cols
  int planes = 8;          // widest bit-serial input (8-bit pixels)
  int wbw = 64, sbw = 64;  // weight / spike bits per cycle reaching one core
  int tok_w = 12, ch_w = 12, t_w = 6;
  int dw = 0;  // 1: the depthwise gate's per-PE inputs (the model has an EMSP gate)
  // The weight buffer ss_top's cores read their tiles from (hw/glb.v, through hw/bus.v and
  // hw/wfetch.v): banks, bits per word, words in all, words one request moves (the bus's width
  // in words, at most one per bank; the bus's stages are ss_params.vh's BUS_LATENCY).
  int wg_banks = 2, wg_width = 32, wg_words = 256, wg_beat = 2;
  int wg_addr_w() const;  // bits of a word address
  // The weight fill's rows requested ahead (hw/wfill.v DEPTH): enough to keep the arch's
  // off-chip memory busy (wf_depth_for).
  int wf_depth = 4;
  // spike-tile bits per token (hw/se_core.v TOKB)
  int tok_bits() const {
    return (dw && cols > planes) ? rows * cols * lanes : planes * rows * lanes;
  }
};

// Parameters for architecture `a` running model `m`; throws naming the key for combinations
// the RTL cannot build (e.g. membranes narrower than the model's int mode).
SeCoreParams se_core_params(const arch::Arch& a, const ModelSpec& m);

// hw/wfill.v's DEPTH for the arch's `[offchip]` memory: a row's slot is held from its request
// to the cycle after its write (latency + 2 cycles) while the memory delivers a row every
// ceil(row bits / width) cycles, so that many slots keep it busy, 2 more absorb writes the
// weight fetch delays (it has the banks first); a power of two, at least 4 (and 4 when the
// memory is not described).
int wf_depth_for(const arch::Arch& a);

// One pass, or one piece of a pass, as the core's op port takes it. A pass over more tokens
// than the spike tile holds (the head's one chunk of all tokens) is cut into ops of `chunk`
// tokens; all but the first keep the weights already in the array (wkeep).
struct SeOp {
  sim::WeightPass pass;  // nt, j0 (and first_in / last_in) of this piece
  bool wkeep = false;
  int planes = 1;  // bit planes of the input (the layer's in_bits)
  int steps = 1;   // LIF steps fired per neuron (T for the pixel conv, else nl)
  bool tc_first = true, tc_last = true;
  std::vector<int8_t> w;      // [rows][cols], zero outside ru x cu
  std::vector<uint8_t> x;     // [chunk][tok_bits] bits (0/1): [planes][rows][lanes], or for
                              // the depthwise gate [rows][cols][lanes]
  std::vector<int32_t> bias;  // [cols]
  std::vector<int32_t> th;    // [cols]
};

// The ops of weight layer `d` that core `core` runs, in order: the schedule's passes with the
// layer's input `in` (tokens `toks`) and constants `q`. The head's ops are one chunk per (time
// chunk, output tile): first / last mark its first and last piece. `kept_heads`: with head
// pruning, a K / V layer's kept heads (ascending; the schedule packs their channels): each op's
// o0, weights, biases and thresholds are then the model's channels of those heads.
std::vector<SeOp> se_ops(const sim::LayerDesc& d, const sim::WeightSchedule& s, const Planes& in,
                         const std::vector<int>& toks, const LayerQuant& q, const SeCoreParams& p,
                         int core, const std::vector<int>& kept_heads = {});

// The heads layer `d` computes when the engine pruned its block's heads in sample `s`
// (ascending), or none (all heads, or not a K / V layer).
std::vector<int> pruned_heads(const sim::LayerDesc& d, const sim::SampleSpikes& s);

}  // namespace ss::rtl
