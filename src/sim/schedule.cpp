#include "sim/schedule.h"

#include <algorithm>

namespace ss::sim {

WeightSchedule weight_schedule(const LayerDesc& d, int n, int kept_out, const arch::Arch& a) {
  const int R = a.se.rows, C = a.se.cols, P = a.se.count;
  const bool pixel = d.kind == Kind::pixel_conv, dw = d.kind == Kind::dwconv;
  const bool head = d.kind == Kind::head;
  WeightSchedule s;
  s.t_in = pixel ? 1 : d.T;
  s.lanes = pixel ? 1 : a.se.time_lanes;
  s.tcs = (s.t_in + s.lanes - 1) / s.lanes;
  s.out_tiles = (kept_out + C - 1) / C;
  s.rows_total = dw ? 9 : d.cin;
  s.in_tiles = (s.rows_total + R - 1) / R;
  // head: every token adds into the same class accumulators, so all tokens form one chunk
  s.chunk = head ? std::max(1, n) : std::max(1, a.spike_gen.acc_entries / C);
  s.n_chunks = (n + s.chunk - 1) / s.chunk;
  s.spread = d.expert < 0;
  s.passes.reserve(size_t(s.tcs) * s.out_tiles * s.n_chunks * s.in_tiles);
  for (int tc = 0; tc < s.tcs; ++tc) {
    const int t0 = tc * s.lanes, nl = std::min(s.lanes, s.t_in - t0);
    for (int o = 0; o < s.out_tiles; ++o) {
      const int cu = std::min(C, kept_out - o * C), core = s.core_of(o, d, P);
      for (int ch = 0; ch < s.n_chunks; ++ch) {
        const int j0 = ch * s.chunk, nt = std::min(s.chunk, n - j0);
        for (int it = 0; it < s.in_tiles; ++it) {
          WeightPass p;
          p.tc = tc, p.t0 = t0, p.nl = nl;
          p.out_tile = o, p.c0 = o * C, p.cu = cu, p.core = core;
          p.chunk = ch, p.j0 = j0, p.nt = nt;
          p.in_tile = it, p.r0 = it * R, p.ru = std::min(R, s.rows_total - it * R);
          p.first_in = it == 0, p.last_in = it + 1 == s.in_tiles;
          p.last_chunk = ch + 1 == s.n_chunks;
          s.passes.push_back(p);
        }
      }
    }
  }
  return s;
}

std::vector<AttentionTile> attention_tiles(int n_rows, int n_keys, const arch::Arch& a) {
  const int R = a.attention.rows, C = a.attention.cols;
  std::vector<AttentionTile> t;
  for (int r0 = 0; r0 < n_rows; r0 += R)
    for (int m0 = 0; m0 < n_keys; m0 += C)
      t.push_back({r0, std::min(R, n_rows - r0), m0, std::min(C, n_keys - m0)});
  return t;
}

std::vector<KvTile> attention_kv_tiles(int dh, const arch::Arch& a) {
  const int R = a.attention.rows, C = a.attention.cols;
  std::vector<KvTile> t;
  for (int k0 = 0; k0 < dh; k0 += C)
    for (int v0 = 0; v0 < dh; v0 += R)
      t.push_back({k0, std::min(C, dh - k0), v0, std::min(R, dh - v0)});
  return t;
}

}  // namespace ss::sim
