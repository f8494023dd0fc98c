// The program of hw/ss_top.v: one image's SE-core layers as records of the controller
// (hw/ss_ctrl.v), which it fetches through its off-chip read port. One layout, written here and
// decoded there; tests/rtl/ss_top_tb.cpp runs whole inferences from it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "rtl/layer_quant.h"
#include "rtl/se_program.h"
#include "sim/workload.h"

namespace ss::rtl {

// Record types (bits [1:0] of a record).
enum class RecordType : uint32_t { op = 0, layer = 1, end = 2, class_consts = 3 };

// One SE-core layer as the controller runs it.
struct TopLayer {
  int id = 0;  // the layer's index in the workload (ss_top's layer_o while it runs)
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
};

// The ops of every core of one layer as the program lists them: merged by each core's
// estimated time (per op the longest of its compute, weight load and spike load; the earliest
// core's next op first, each core's own order kept), so that the controller's in-order
// dispatch hands an op to the core that frees up first. `dw`: the depthwise gate's ops (a
// token's spike bits are rows x columns x lanes).
std::vector<SeOp> interleave_cores(std::vector<std::vector<SeOp>> per_core,
                                   const SeCoreParams& p, bool dw);

// Layer `id` of the program: weight layer `d` with its constants `q` and its ops (each names
// its core: pass.core, sim::weight_schedule's mapping); `concurrency`: the cores the simulator
// shares the buffers' bandwidth among (sim::WeightLayerObserver's argument).
TopLayer top_layer(int id, const sim::LayerDesc& d, const LayerQuant& q, int decay,
                   std::vector<SeOp> ops, int concurrency = 1);

// Bits of one record for a core built with `p` (hw/ss_ctrl.v REC_W: a multiple of 32).
int record_bits(const SeCoreParams& p);

// The program: per layer a layer record, the head's class records, its ops; then an end
// record. Consecutive layers of one group (TopLayer::group) form one barrier region, as the
// simulator runs them (each core its own layers one after the other, the group done when the
// busiest core is): a layer record for the region (the first layer's), then the ops of all its
// layers merged by each core's estimated time as interleave_cores merges them, with a
// core-only layer record before each core's first op of each of its layers (that core's
// configuration and id change when it alone has drained). Each record is record_bits(p) / 32 words, bit 0 first. Throws if a field does not
// fit its width (a layer id above 65535, a scorer multiplier beyond 24 bits).
std::vector<std::vector<uint32_t>> top_program(const std::vector<TopLayer>& layers,
                                               const SeCoreParams& p);

// The program as text for the off-chip memory model: one record per line, hex, most
// significant digit first (Verilog $readmemh).
std::string program_hex(const std::vector<std::vector<uint32_t>>& program);

// ss_chip.v: ss_top with this architecture's and model's parameters (`cores` SE cores,
// `classes` of the head),
// the generated top level `spikestack rtl` writes beside ss_params.vh.
std::string chip_verilog(const SeCoreParams& p, int cores, int classes, const std::string& from);

}  // namespace ss::rtl
