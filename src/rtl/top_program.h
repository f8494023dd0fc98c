// The program of hw/ss_top.v: one image's SE-core and attention layers as records of the
// controller (hw/ss_ctrl.v), which it fetches through its off-chip read port. One layout, written
// here and decoded there; tests/rtl/ss_top_tb.cpp runs whole inferences from it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "rtl/layer_quant.h"
#include "rtl/se_program.h"
#include "rtl/weight_image.h"
#include "sim/sample.h"
#include "sim/workload.h"

namespace ss::rtl {

// Record types (bits [1:0] of a record).
enum class RecordType : uint32_t { op = 0, layer = 1, end = 2, class_consts = 3 };

// Verilog parameters of ss_top's attention stage (hw/attention_stage.v: ATT_* in ss_top.v).
struct AttParams {
  int rows = 4, cols = 4, lanes = 2, score_bits = 8;
  int ni = 24;      // elements a tile record holds: the model's largest head dimension (and
                    // its tokens if a layer runs kv_first)
  int tokens = 49;  // query rows of a layer at most: the model's tokens
  int dh = 24;      // head channels at most: the model's largest head dimension (the stage's
                    // accumulators and membranes; ni >= tokens adds kv_first's entries)
};
// The attention stage for architecture `a` running model `m`.
AttParams att_params(const arch::Arch& a, const ModelSpec& m);

// Verilog parameters of ss_top's router stage (hw/router_stage.v: RT_* in ss_top.v). A token
// record holds pl_p x t_p x cin_p input bits (powers of 2 of the router's in_bits, T, dim).
struct RouterParams {
  int e = 4, k = 2;  // experts, chosen per token
  int cin_p = 64, t_p = 4, pl_p = 2;
  int wrows = 16;  // weight rows per weight record
};
// The router stage for architecture `a` running model `m` (a model without an MoE router gets
// the default one: the chip's record layout does not change with it).
RouterParams router_params(const ModelSpec& m);

// One map tile of an attention layer as the attention stage takes it (qk_first: element = head
// channel; a1 = the tile's Q rows, a2 = its K tokens, b = its V tokens, per channel; kv_first:
// phase-A element = key token, a1 = its V channels of the tile, a2 = its K channels; phase-B
// element = query row, b = its K channels).
struct AttTile {
  bool kv = false;                           // kv_first (rt: the V-channel tile)
  int bits = 0;                              // bits the bus moves for it (the simulator's count)
  int rt = 0;                                // query-row tile: the layer's rows rt x rows ..
  bool seg_first = false, seg_last = false;  // first / last tile of a (head, time chunk)
  bool tc_first = false;                     // the head's first time chunk (membranes start at 0)
  int nl = 1, nrows = 0, dh = 0, t0 = 0, c0 = 0;  // the segment's lanes, rows, head channels,
                                                  // first step, first output channel
  std::vector<uint8_t> a1, a2, b;  // bits: [ni][rows][lanes], [ni][cols][lanes] (0/1)
};

// One token of the MoE router: its input bits, [pl_p][t_p][cin_p] (0/1).
struct RouterToken {
  int index = 0;
  std::vector<uint8_t> bits;
};

// One SE-core, attention or router layer as the controller runs it.
struct TopLayer {
  bool attention = false;  // an attention layer: `tiles`, run by the attention stage
  bool router = false;     // the MoE router: `rt_*`, run by the router stage
  int id = 0;              // the layer's index in the workload (ss_top's layer_o while it runs)
  std::string name;        // the workload's layer name (its weight tiles' key in WeightImage)
  int acc_bits = 16, frac_bits = 8, decay = 32768;
  bool dw = false, head = false;
  std::vector<SeOp> ops;
  std::vector<int64_t> class_mul, class_bias;  // the head only: the scorer's constants
  // A layer of a concurrent group (an MoE / SEMM expert: sim::LayerDesc::group >= 0) runs on one
  // core; consecutive layers of one group form one barrier region (top_program)
  int group = -1, core = -1;
  // the cores sharing the weight / spike buffers while it runs (the simulator's concurrency;
  // the spike share is 1 for a layer whose tiles are broadcast to every core)
  int wshare = 1, sshare = 1;
  // attention: the map tiles in the simulator's order and the attention LIF's constants
  std::vector<AttTile> tiles;
  int attn_scale = 0, attn_th = 0;
  // the router: weights [cin][experts], the experts' score constants, every token's input
  std::vector<int8_t> rt_w;
  std::vector<int64_t> rt_mul, rt_bias;
  int rt_cin = 0;
  std::vector<RouterToken> rt_tokens;
};

// The ops of every core of one layer as the program lists them: merged by each core's
// estimated time (per op the longest of its compute, weight load and spike load; the earliest
// core's next op first, each core's own order kept), so that the controller's in-order
// dispatch hands an op to the core that frees up first. `dw`: the depthwise gate's ops (a
// token's spike bits are rows x columns x lanes).
std::vector<SeOp> interleave_cores(std::vector<std::vector<SeOp>> per_core, const SeCoreParams& p,
                                   bool dw);

// Layer `id` of the program: weight layer `d` with its constants `q` and its ops (each names
// its core: pass.core, sim::weight_schedule's mapping); `concurrency`: the cores the simulator
// shares the buffers' bandwidth among (sim::WeightLayerObserver's argument).
TopLayer top_layer(int id, const sim::LayerDesc& d, const LayerQuant& q, int decay,
                   std::vector<SeOp> ops, int concurrency = 1);

// Attention layer `id`: layer `d` of the workload (q, k, v: its inputs; rows, heads: the query
// rows and heads computed, as sim::attention_cycle takes them) as map tiles in the simulator's
// order (sim::attention_tiles: head > time chunk > query-row tile > key tile; kv_first,
// sim::use_kv_first: sim::attention_kv_tiles, head > time chunk > K-channel tile > V-channel
// tile). Throws for what the stage cannot run (attention_unfit).
// Why the attention stage cannot run layer `d` on this chip (a head wider than ni or narrower
// than the LIF lanes, too many query rows; kv_first: map entries that would saturate, more
// tokens or query rows than ni, more K-channel tiles than the stage's counts add up), or empty
// if it can.
std::string attention_unfit(const sim::LayerDesc& d, int rows, const arch::Arch& a,
                            const SeCoreParams& p, const AttParams& att);

TopLayer attention_layer(int id, const sim::LayerDesc& d, const SpikeTensor& q,
                         const SpikeTensor& k, const SpikeTensor& v, const std::vector<int>& rows,
                         const std::vector<int>& heads, const ModelSpec& m, const arch::Arch& a,
                         const SeCoreParams& p, const AttParams& att);

// The MoE router layer `id`: router layer `d` with its input `in` (planes of the residual
// stream) and constants `q` (rtl::quantize_layer): weight records, a constants record and one
// token record per token, in token order (sim::router_cycle's count: every set input bit
// scores every expert). Throws if the input does not fit the stage's token record.
TopLayer router_layer(int id, const sim::LayerDesc& d, const Planes& in, const LayerQuant& q,
                      const RouterParams& rt);

// Bits of one record for cores built with `p`, the attention stage `att` and the router stage
// `rt` (hw/ss_ctrl.v REC_W: a multiple of 32).
int record_bits(const SeCoreParams& p, const AttParams& att, const RouterParams& rt);

// The program: per layer a layer record, the head's class records, its ops; then an end
// record. Consecutive layers of one group (TopLayer::group) form one barrier region, as the
// simulator runs them (each core its own layers one after the other, the group done when the
// busiest core is): a layer record for the region (the first layer's), then the ops of all its
// layers merged by each core's estimated time as interleave_cores merges them, with a
// core-only layer record before each core's first op of each of its layers (that core's
// configuration and id change when it alone has drained). An attention layer is a layer record
// and its tile records; in a run of consecutive grouped layers (SEMM: each expert's query
// projection, then its attention) the SE-core layers come first, the attention layers after
// them, as sim::total_cycles overlaps the groups. Each record is record_bits(p, att) / 32
// words, bit 0 first. An SE op names its weight tile by its word address in `weights` (the
// weight buffer's contents; an op that keeps the weights before names 0). Throws if a field
// does not fit its width (a layer id above 65535, a scorer multiplier beyond 24 bits).
//
// `streamed` (the model's weights exceed the weight buffer, sim::weights_fit): the layers with
// weight tiles follow each other around the buffer as a ring, each from the row after the one
// before (program-relative rows: the chip adds the ring base, which the end record advances by
// this program's rows, so the next program's first layers follow). Each such layer's record
// (a core-only one in a region) waits for its fill; the first two layers' fills are the
// program before's (or the load before the first run: the image's first rows), and this
// program fills the ones after them and then the next program's first two (the model's first
// two layers, which every image runs). A fill record is released by the earliest layer record
// whose barrier (or core barrier) guarantees that the layers it overwrites have drained, and
// placed before the next layer record that would not wait for that barrier anyway; a fill of
// the next program whose rows the last layers hold is released when everything has drained.
// Throws naming buffers.weight.size when a layer's fill could start only once the layer itself
// starts (the ring holds too little beside the layers it runs after), or when the first two
// layers are not the model's first two without experts.
std::vector<std::vector<uint32_t>> top_program(const std::vector<TopLayer>& layers,
                                               const SeCoreParams& p, const AttParams& att,
                                               const RouterParams& rt, const WeightImage& weights,
                                               bool streamed = false);

// The program as text for the off-chip memory model: one record per line, hex, most
// significant digit first (Verilog $readmemh).
std::string program_hex(const std::vector<std::vector<uint32_t>>& program);

// ss_chip.v: ss_top with this architecture's and model's parameters (`cores` SE cores,
// `classes` of the head),
// the generated top level `spikestack rtl` writes beside ss_params.vh.
std::string chip_verilog(const SeCoreParams& p, const AttParams& att, const RouterParams& rt,
                         int cores, int classes, const std::string& from);

}  // namespace ss::rtl
