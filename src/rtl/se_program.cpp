#include "rtl/se_program.h"

#include <algorithm>
#include <bit>

#include "common/error.h"

namespace ss::rtl {

namespace {
[[noreturn]] void unbuildable(const arch::Arch& a, const std::string& key, const std::string& why) {
  throw Error(a.file + ": " + key + ": " + why);
}
int bits_for(int n) { return std::max(1, int(std::bit_width(unsigned(std::max(n, 1))))); }
}  // namespace

SeCoreParams se_core_params(const arch::Arch& a, const ModelSpec& m) {
  SeCoreParams p;
  p.rows = a.se.rows, p.cols = a.se.cols, p.lanes = a.se.time_lanes;
  p.weight_bits = a.weight_bits;
  if (a.weight_bits < m.quant.weight_bits)
    unbuildable(a, "arch.weight_bits",
                std::to_string(a.weight_bits) + " bits hold no " +
                    std::to_string(m.quant.weight_bits) +
                    "-bit weight of the model (quant.weight_bits)");
  if (a.membrane_bits < m.quant.mem_bits)
    unbuildable(a, "arch.membrane_bits",
                std::to_string(a.membrane_bits) + " bits hold no " +
                    std::to_string(m.quant.mem_bits) +
                    "-bit membrane of the model's int mode (quant.mem_bits)");
  if (a.acc_bits < m.quant.acc_bits)
    unbuildable(a, "arch.acc_bits",
                std::to_string(a.acc_bits) +
                    " bits are narrower than the model's int-mode "
                    "accumulator (quant.acc_bits = " +
                    std::to_string(m.quant.acc_bits) + ")");
  p.mem_w = m.quant.mem_bits;
  p.psum_bits = std::max(16, p.weight_bits + bits_for(p.rows) + 1);
  p.sg_lanes = a.spike_gen.lanes_per_core;
  if (a.spike_gen.acc_entries < p.cols)
    unbuildable(a, "spike_gen.acc_entries",
                std::to_string(a.spike_gen.acc_entries) + " accumulators hold no token of a " +
                    std::to_string(p.cols) + "-column tile (need >= se_cores.cols)");
  p.chunk = a.spike_gen.acc_entries / p.cols;
  if (p.chunk > 255)
    unbuildable(a, "spike_gen.acc_entries", "at most 255 tokens per chunk (acc_entries / cols)");
  if (p.lanes > 255 || p.sg_lanes > 1024)
    unbuildable(a, "se_cores.time_lanes", "at most 255 time lanes and 1024 spike-generator lanes");
  // bandwidth one core gets: the buffer's and the bus's narrower, shared by the cores
  const auto& wb = a.buffer("weight");
  const auto& sb = a.buffer("spike");
  p.wbw = std::min(wb.width_bits * wb.banks * wb.ports, a.noc.width_bits) / a.se.count;
  p.sbw = std::min(sb.width_bits * sb.banks * sb.ports, a.noc.width_bits);
  if (p.wbw < 1)
    unbuildable(a, "noc.width", "the bus leaves less than one weight bit per cycle per SE core");
  // the weight buffer as hw/glb.v builds it: single-ported banks, a power of two of them,
  // words striped over them; the bus moves whole words
  if (wb.ports != 1)
    unbuildable(a, "buffers.weight.ports", "the RTL's weight buffer has one port per bank");
  if (!std::has_single_bit(unsigned(wb.banks)))
    unbuildable(a, "buffers.weight.banks",
                std::to_string(wb.banks) + " banks: hw/glb.v needs a power of two");
  const int64_t words = int64_t(wb.size_bits) / wb.width_bits;
  if (words * wb.width_bits != int64_t(wb.size_bits) || words < wb.banks ||
      !std::has_single_bit(uint64_t(words)) || words > (int64_t(1) << 30))
    unbuildable(a, "buffers.weight.size",
                "hw/glb.v needs a power of two of buffers.weight.width words, at least one per "
                "bank and at most 2^30");
  if (a.noc.width_bits < wb.width_bits)
    unbuildable(a, "noc.width",
                std::to_string(a.noc.width_bits) + " bits are narrower than a weight-buffer word (" +
                    std::to_string(wb.width_bits) + " bits): the bus moves whole words");
  p.wg_banks = wb.banks, p.wg_width = wb.width_bits, p.wg_words = int(words);
  p.wg_beat = std::min(wb.banks, a.noc.width_bits / wb.width_bits);
  p.wf_depth = wf_depth_for(a);
  p.tok_w = std::max(12, bits_for(m.tokens()));
  p.dw = m.ffn.type == "emsp";  // the EMSP gate is the only depthwise layer
  return p;
}

int wf_depth_for(const arch::Arch& a) {
  if (!a.offchip.modelled()) return 4;
  const arch::BufferSpec& wb = a.buffer("weight");
  const int64_t per_row = a.offchip.cycles_for(int64_t(wb.width_bits) * wb.banks);
  const int64_t slots = (a.offchip.latency_cycles + 2 + per_row - 1) / per_row + 2;
  // the slots are rows of flip-flops (wfill.v land_q); past 1 024 rows that would be a memory
  // of its own, which the RTL does not build
  if (slots > 1024)
    unbuildable(a, "offchip.latency_cycles",
                "the weight fill would keep " + std::to_string(slots) +
                    " rows in flight to cover it (at most 1024)");
  return int(std::bit_ceil(uint64_t(std::max<int64_t>(4, slots))));
}

int SeCoreParams::wg_addr_w() const { return bits_for(wg_words - 1); }

std::vector<SeOp> se_ops(const sim::LayerDesc& d, const sim::WeightSchedule& s, const Planes& in,
                         const std::vector<int>& toks, const LayerQuant& q, const SeCoreParams& p,
                         int core, const std::vector<int>& kept_heads) {
  // the schedule's output channels are the kept ones, packed: column c of the packed layer is
  // channel kept_heads[c / dh] x dh + c % dh of the model (all when kept_heads is empty)
  auto chan = [&](int c) {
    return kept_heads.empty() ? c : kept_heads[size_t(c / d.dh)] * d.dh + c % d.dh;
  };
  const bool pixel = d.kind == sim::Kind::pixel_conv, dw = d.kind == sim::Kind::dwconv;
  const bool head = d.kind == sim::Kind::head;
  if (dw && !p.dw)
    throw Error("layer " + d.name + ": the depthwise gate needs the core built with DW = 1");
  if (d.in_bits > p.planes)
    throw Error("layer " + d.name + ": " + std::to_string(d.in_bits) + "-bit inputs exceed the " +
                std::to_string(p.planes) + " planes of the core");
  const int tokb = p.tok_bits(), planes = std::min<int>(d.in_bits, int(in.p.size()));
  std::vector<SeOp> ops;
  for (const sim::WeightPass& ps : s.passes) {
    if (ps.core != core) continue;
    if (!head && ps.nt > p.chunk)
      throw Error("layer " + d.name + ": a chunk of " + std::to_string(ps.nt) +
                  " tokens exceeds the core's " + std::to_string(p.chunk));
    const int pieces = std::max(1, (ps.nt + p.chunk - 1) / p.chunk);
    for (int k = 0; k < pieces; ++k) {
      SeOp op;
      op.pass = ps;
      op.pass.j0 = ps.j0 + k * p.chunk;
      op.pass.c0 = chan(ps.c0);
      if (chan(ps.c0 + ps.cu - 1) != op.pass.c0 + ps.cu - 1)
        throw Error("layer " + d.name + ": an output tile spans two kept heads (head size " +
                    std::to_string(d.dh) + " not a multiple of the core's columns)");
      op.pass.nt = std::min(p.chunk, ps.nt - k * p.chunk);
      op.pass.first_in = ps.first_in && k == 0;
      op.pass.last_in = ps.last_in && k + 1 == pieces;
      op.wkeep = k > 0;
      op.planes = d.in_bits;
      op.steps = pixel ? d.T : (head ? 1 : ps.nl);
      op.tc_first = ps.tc == 0, op.tc_last = ps.tc + 1 == s.tcs;
      op.w.assign(size_t(p.rows) * p.cols, 0);
      for (int r = 0; r < ps.ru; ++r)
        for (int c = 0; c < ps.cu; ++c)
          op.w[size_t(r) * p.cols + c] = q.w(ps.r0 + r, op.pass.c0 + c);
      op.x.assign(size_t(p.chunk) * tokb, 0);
      for (int j = 0; j < op.pass.nt; ++j) {
        const int tok = toks[size_t(op.pass.j0 + j)];
        uint8_t* x = &op.x[size_t(j) * tokb];
        for (int r = 0; r < ps.ru; ++r)
          for (int l = 0; l < ps.nl; ++l) {
            if (dw) {  // im2col of the gate input: tap-major, row k x C + channel
              for (int c = 0; c < ps.cu; ++c)
                x[(size_t(r) * p.cols + c) * p.lanes + l] =
                    in.p[0].get(ps.t0 + l, tok, (ps.r0 + r) * d.cout + ps.c0 + c);
            } else {
              for (int b = 0; b < planes; ++b)
                x[(size_t(b) * p.rows + r) * p.lanes + l] =
                    in.p[size_t(b)].get(ps.t0 + l, tok, ps.r0 + r);
            }
          }
      }
      op.bias.assign(size_t(p.cols), 0);
      op.th.assign(size_t(p.cols), 0);
      for (int c = 0; c < ps.cu && !head; ++c) {
        op.bias[size_t(c)] = q.bias_fx[size_t(op.pass.c0 + c)];
        op.th[size_t(c)] = q.th[size_t(op.pass.c0 + c)];
      }
      ops.push_back(std::move(op));
    }
  }
  return ops;
}

std::vector<int> pruned_heads(const sim::LayerDesc& d, const sim::SampleSpikes& s) {
  std::vector<int> out;
  if (!d.head_channels) return out;
  auto it = s.heads.find("blocks." + std::to_string(d.block) + ".attn");
  if (it == s.heads.end()) return out;
  for (size_t h = 0; h < it->second.size(); ++h)
    if (it->second[h]) out.push_back(int(h));
  if (int(out.size()) == d.heads) out.clear();
  return out;
}

}  // namespace ss::rtl
