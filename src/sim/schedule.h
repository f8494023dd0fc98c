// The mapping of a weight layer onto the SE cores as data: the ordered passes (one weight
// tile over one chunk of tokens and time lanes) that the cycle model costs and the RTL program
// compiler encodes, so the two cannot walk different loop nests.
#pragma once
#include <vector>

#include "arch/arch_spec.h"
#include "sim/workload.h"

namespace ss::sim {

// One pass: the rows x cols weight tile (in_tile, out_tile) held stationary while the tokens
// toks[j0 .. j0 + nt) stream through, time steps [t0, t0 + nl).
struct WeightPass {
  int tc = 0, t0 = 0, nl = 1;              // time chunk, its first step, lanes used
  int out_tile = 0, c0 = 0, cu = 1;        // output tile, its first channel, columns used
  int core = 0;                            // SE core that runs it
  int chunk = 0, j0 = 0, nt = 0;           // token chunk: indices into the layer's token list
  int in_tile = 0, r0 = 0, ru = 1;         // input tile: first reduction row, rows used
  bool first_in = false, last_in = false;  // first / last input tile of its chunk
  bool last_chunk = false;                 // last token chunk of its (time chunk, output tile)
};

struct WeightSchedule {
  int t_in = 1;   // time steps integrated (1 for the pixel conv: the image is static)
  int lanes = 1;  // time lanes per weight fetch
  int tcs = 1;    // time chunks
  int out_tiles = 0, in_tiles = 0, rows_total = 0;
  int chunk = 1, n_chunks = 0;     // tokens per chunk (the head: all of them), chunks
  bool spread = true;              // output tiles round-robin over the cores (else one core)
  std::vector<WeightPass> passes;  // hardware order: time chunk > output tile > chunk > input tile
  int core_of(int out_tile, const LayerDesc& d, int cores) const {
    return spread ? out_tile % cores : d.expert % cores;
  }
};

// Passes of weight layer `d` (linear, conv, pixel conv, depthwise gate, head) over `n_tokens`
// tokens and `kept_out` output channels on the architecture's SE cores.
WeightSchedule weight_schedule(const LayerDesc& d, int n_tokens, int kept_out, const arch::Arch& a);

// One map tile of an attention head in qk_first order: query rows [r0, r0 + nr) of the rows
// computed x key tokens [m0, m0 + nm), held in the attention core while the head's Q.K^T and
// then A.V channels stream through.
struct AttentionTile {
  int r0 = 0, nr = 0, m0 = 0, nm = 0;
};
// The map tiles of one head and time chunk over `n_rows` query rows and `n_keys` key tokens, in
// hardware order (query-row tile > key tile). Heads run on core `hi % count` (hi: the index
// among the heads computed), an EMSA expert head on `expert % count`; time chunks of
// attention_cores.time_lanes steps, outermost after the head.
std::vector<AttentionTile> attention_tiles(int n_rows, int n_keys, const arch::Arch& a);

// kv_first: one map tile holds K channels [k0, k0 + nk) x V channels [v0, v0 + nv) of K^T V,
// built over every key token, then read by every query row computed. The tiles of one head and
// time chunk in hardware order (K-channel tile > V-channel tile): the V channels on the map's
// attention_cores.rows (phase B's outputs leave by row), the K channels on its
// attention_cores.cols (phase B's input, Q_j on the K channels, enters by column), as
// hw/attention_unit.v computes it.
struct KvTile {
  int k0 = 0, nk = 0, v0 = 0, nv = 0;
};
std::vector<KvTile> attention_kv_tiles(int dh, const arch::Arch& a);

}  // namespace ss::sim
