#include "sim/cycle_model.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "sim/schedule.h"

namespace ss::sim {

bool use_kv_first(const arch::Arch& a, int tokens, int dh) {
  if (a.attention_order == "kv_first") return true;
  if (a.attention_order == "auto") return dh < tokens;
  return false;
}

namespace {

inline uint64_t range_mask(int w, int c0, int len) {
  const int lo = c0 - w * 64, hi = c0 + len - w * 64;
  uint64_t m = ~uint64_t(0);
  if (lo > 0) m &= ~uint64_t(0) << lo;
  if (hi < 64) m &= (uint64_t(1) << hi) - 1;
  return m;
}

struct TileCount {
  int64_t events = 0, nonzero = 0;
};

// Events (set bits over all planes) and non-zero elements of token n, lanes [t0, t0 + nl),
// channels [c0, c0 + len).
TileCount tile_count(const Planes& in, int n, int t0, int nl, int c0, int len) {
  TileCount r;
  const int w0 = c0 >> 6, w1 = (c0 + len - 1) >> 6;
  for (int t = t0; t < t0 + nl; ++t)
    for (int w = w0; w <= w1; ++w) {
      const uint64_t m = range_mask(w, c0, len);
      uint64_t o = 0;
      for (const auto& p : in.p) {
        const uint64_t v = p.row(t, n)[w] & m;
        r.events += std::popcount(v);
        o |= v;
      }
      r.nonzero += std::popcount(o);
    }
  return r;
}

// Timing of one core over a layer: passes back to back; the spike generator of a chunk runs
// while the next chunk streams; the last chunk's spike generation is the drain.
//
// Weight layers (`chained`): the chunks fire in order, each once its last pass has ended and
// the chunk before has fired, and a chunk's partial sums hold one of the spike generator's
// `acc_banks` accumulator banks from its first pass until it has fired, so the first pass of
// chunk k + banks starts no earlier than the end of chunk k's firing (docs/sim.md, timing).
// Firing is kept on the passes' clock, shifted by the array's latency: chunk k's LIF starts at
// max(E_k, F_{k-1}) with E_k the end of its last pass's issue (the pass's issue start + its
// compute; a load-bound slot ends later), and ends at F_k = that + its
// cycles + the LIF's per-chunk overhead; on the hardware's clock everything of the LIF happens
// `acc_lat` cycles later (the last vector's way through the skewed array), so chunk k + banks
// issues no earlier than F_k + acc_lat.
// Attention layers keep the unbounded overlap: `max(time, sg - last) + last`.
struct CoreTime {
  double time = 0, busy = 0, sg = 0, last_sg = 0;
  bool used = false;
  // start and compute of the last passes, by weight bank (pass k uses bank k % banks)
  std::vector<std::pair<double, double>> bank;
  int passes = 0;
  double tile_compute = -1;  // attention: compute of the tile in flight (-1: none yet)
  // weight layers: chunks fire in order behind a bounded queue of accumulator banks
  bool chained = false;
  double fire = 0, fire_before = 0;  // end of the last chunk's firing, of the one before it
  std::vector<double> acc;           // by accumulator bank: end of its chunk's firing
  int chunks = 0;
  double cycles(double fill) const {
    if (!used) return 0.0;
    if (chained) return std::max(time, fire_before) + last_sg + fill;
    return std::max(time, sg - last_sg) + last_sg + fill;
  }
};

void finish(LayerCost& cost, const std::vector<CoreTime>& cores, double fill, int unit_cores,
            bool spread) {
  double layer = 0, last = 0;
  for (const auto& k : cores) {
    cost.busy += k.busy;
    cost.sg_busy += k.sg;
    if (k.cycles(fill) > layer) layer = k.cycles(fill), last = k.last_sg;
  }
  cost.cycles = layer;
  cost.fill_cycles = layer > 0 ? fill + last : 0;
  cost.idle = std::max(0.0, (spread ? unit_cores : 1) * layer - cost.busy - cost.stalled);
}

void stall(LayerCost& cost, double compute, double wl, double sl) {
  const double t = std::max({compute, wl, sl});
  if (t <= compute) return;
  cost.stalled += t - compute;
  cost.buf_stalled[wl >= sl ? kWeight : kSpike] += t - compute;
}

void spike_read(LayerCost& cost, const SimContext& c, double bits) {
  cost.read_bits[kSpike] += bits;
  cost.reads[kSpike] += c.comps.spike->accesses(bits);
  cost.noc_bits += bits;
  cost.noc_transfers += c.comps.noc->transfers(bits);
}
void spike_write(LayerCost& cost, const SimContext& c, double bits) {
  cost.write_bits[kSpike] += bits;
  cost.writes[kSpike] += c.comps.spike->accesses(bits);
  cost.noc_bits += bits;
  cost.noc_transfers += c.comps.noc->transfers(bits);
}

// The shared output side of a weight-layer chunk: spike generation, output (or residual
// read-modify-write) traffic, membrane spills between time chunks.
double chunk_outputs(LayerCost& cost, const LayerDesc& d, const SimContext& c, CoreTime& core,
                     double nt, double cu, double nl, int tc, int tcs) {
  const bool pixel = d.kind == Kind::pixel_conv;
  const double steps = pixel ? d.T : nl;
  const double upd = nt * cu * steps;
  const double sgc = c.comps.spike_gen->cycles(upd);
  core.sg += sgc, core.last_sg = sgc;
  cost.membrane_updates += upd;
  const double obits = upd * d.out_bits;
  spike_write(cost, c, obits);
  if (d.to_residual) spike_read(cost, c, obits);
  const double mbits = nt * cu * c.arch.membrane_bits;
  if (tc + 1 < tcs) {
    cost.write_bits[kMembrane] += mbits;
    cost.writes[kMembrane] += c.comps.membrane->accesses(mbits);
  }
  if (tc > 0) {
    cost.read_bits[kMembrane] += mbits;
    cost.reads[kMembrane] += c.comps.membrane->accesses(mbits);
  }
  return sgc;
}

// The classification head's output side: its class accumulators collect every token and step
// (no membrane update, no firing); between time chunks they leave for the membrane buffer like
// membranes; after the last one the spike generator applies scale and bias once per class and
// the scores (acc_bits each) are written out.
double head_outputs(LayerCost& cost, const SimContext& c, CoreTime& core, double cu, int tc,
                    int tcs) {
  const double mbits = cu * c.arch.membrane_bits;
  if (tc + 1 < tcs) {
    cost.write_bits[kMembrane] += mbits;
    cost.writes[kMembrane] += c.comps.membrane->accesses(mbits);
  }
  if (tc > 0) {
    cost.read_bits[kMembrane] += mbits;
    cost.reads[kMembrane] += c.comps.membrane->accesses(mbits);
  }
  if (tc + 1 < tcs) return 0;
  const double sgc = c.comps.spike_gen->cycles(cu);
  core.sg += sgc, core.last_sg = sgc;
  cost.membrane_updates += cu;
  spike_write(cost, c, cu * c.arch.acc_bits);
  return sgc;
}

// A weight layer's chunk has issued its last pass (`ready`, E): it fires once the chunk before
// has fired (F = max(E, F_prev) + LIF cycles + overhead) and frees its accumulator bank then.
void chunk_fired(CoreTime& core, double ready, double lif, double overhead) {
  core.fire_before = core.fire;
  core.fire = std::max(ready, core.fire) + lif + overhead;
  core.acc[size_t(core.chunks % int(core.acc.size()))] = core.fire;
  ++core.chunks;
}

}  // namespace

LayerCost linear_cycle(const LayerDesc& d, const Planes& in, const std::vector<int>& toks,
                       int kept_out, int concurrency, const SimContext& c, LayerStats& st) {
  const auto& A = c.arch;
  const int R = A.se.rows, P = A.se.count, wb = A.weight_bits;
  const bool pixel = d.kind == Kind::pixel_conv, dw = d.kind == Kind::dwconv;
  const bool head = d.kind == Kind::head;
  const int n = int(toks.size());
  const WeightSchedule s = weight_schedule(d, n, kept_out, A);
  const int Tin = s.t_in, L = s.lanes, tcs = s.tcs, in_tiles = s.in_tiles;
  const int rows_total = s.rows_total;
  const bool spread = s.spread;
  concurrency = std::max(1, concurrency);
  const double wbw = std::min(c.comps.weight->bits_per_cycle(), c.comps.noc->bits_per_cycle()) / concurrency;
  const double sbw = std::min(c.comps.spike->bits_per_cycle(), c.comps.noc->bits_per_cycle()) /
                     (spread ? 1 : concurrency);
  LayerCost cost;
  std::vector<CoreTime> cores(P);
  for (auto& k : cores) {
    k.bank.assign(size_t(c.comps.se->weight_banks()), {0.0, 0.0});
    k.chained = true;
    k.acc.assign(size_t(std::max(1, c.comps.spike_gen->acc_banks())), 0.0);
  }
  // hardware clock minus the firing's clock (CoreTime): the last vector's way to the last
  // column's accumulators, rows + cols - 1 (fitted on the RTL: the one-LIF-lane core's pixel
  // conv within 9 cycles of 58 077 and 65 913, where + 1 and - 3 miss by 95-255; docs/rtl.md)
  const double acc_lat = c.comps.se->fill_cycles() - 1;
  // per (time chunk, input tile, token) counts; dense layers reuse them for every output tile
  std::vector<TileCount> cnt;
  if (!dw) {
    cnt.resize(size_t(tcs) * in_tiles * std::max(n, 1));
    for (int tc = 0; tc < tcs; ++tc)
      for (int it = 0; it < in_tiles; ++it)
        for (int j = 0; j < n; ++j) {
          const int t0 = tc * L, nl = std::min(L, Tin - t0), Ru = std::min(R, rows_total - it * R);
          TileCount tcnt = tile_count(in, toks[j], t0, nl, it * R, Ru);
          cnt[(size_t(tc) * in_tiles + it) * n + j] = tcnt;
          st.in_events += double(tcnt.events), st.in_nonzero += double(tcnt.nonzero);
        }
  }
  for (int j = 0; j < n; ++j)
    st.silent_tokens += tile_count(in, toks[j], 0, Tin, 0, in.channels()).nonzero == 0;
  const int Ctot = d.cout;  // dwconv: channels of the gate input
  for (const WeightPass& p : s.passes) {
    CoreTime& core = cores[p.core];
    core.used = true;
    const int Ru = p.ru, Cu = p.cu, nl = p.nl, t0 = p.t0;
    const int elems = dw ? Ru * Cu : Ru;
    double active = 0, ev = 0, nz = 0;
    for (int j = p.j0; j < p.j0 + p.nt; ++j) {
      TileCount tcnt;
      if (dw) {
        for (int k = p.r0; k < p.r0 + Ru; ++k) {
          TileCount x = tile_count(in, toks[j], t0, nl, k * Ctot + p.c0, Cu);
          tcnt.events += x.events, tcnt.nonzero += x.nonzero;
        }
        st.in_events += double(tcnt.events), st.in_nonzero += double(tcnt.nonzero);
      } else {
        tcnt = cnt[(size_t(p.tc) * in_tiles + p.in_tile) * n + j];
      }
      active += tcnt.nonzero > 0;
      ev += double(tcnt.events), nz += double(tcnt.nonzero);
    }
    const double compute = c.comps.se->pass_cycles(active, d.in_bits);
    const double wbits = double(Ru) * Cu * wb;
    const double sbits = double(p.nt) * d.in_bits * elems * nl;
    const double wl = std::ceil(wbits / wbw), sl = std::ceil(sbits / sbw);
    // weight-bank reuse: this pass's bank held the tile of pass k - banks until its last
    // vector reached the last PE (docs/sim.md, timing)
    const int banks = int(core.bank.size());
    auto& prev = core.bank[size_t(core.passes % banks)];
    if (core.passes >= banks && prev.second > 0) {
      const double gap = prev.first + prev.second + c.comps.se->bank_reuse_cycles() - core.time;
      if (gap > 0) core.time += gap, cost.stalled += gap;
    }
    // accumulator banks: a chunk's first pass issues no earlier than the chunk `acc_banks`
    // before it, whose bank it takes, has fired; its tiles load meanwhile (docs/sim.md, timing)
    double issue = core.time;
    if (core.chained && p.first_in && core.chunks >= int(core.acc.size()))
      issue = std::max(issue, core.acc[size_t(core.chunks % int(core.acc.size()))] + acc_lat);
    const double slot = std::max({compute, wl, sl});
    const double end = std::max(core.time + slot, issue + compute);
    cost.stalled += end - (core.time + slot);
    prev = {issue, compute};
    ++core.passes;
    core.time = end;
    core.busy += compute;
    stall(cost, compute, wl, sl);
    const double fan = dw ? 1 : Cu;
    cost.acc_ops += ev * fan;
    cost.synaptic_ops += (pixel ? nz : ev) * fan;
    cost.read_bits[kWeight] += wbits;
    cost.reads[kWeight] += c.comps.weight->accesses(wbits);
    cost.noc_bits += wbits;
    cost.noc_transfers += c.comps.noc->transfers(wbits);
    if (!spread || p.out_tile % P == 0) spike_read(cost, c, sbits);  // broadcast to the round
    cost.passes += 1;
    if (p.last_in) {
      // the LIF's own cycles per chunk beyond its neuron-steps: a start cycle, and after the
      // first time chunk a membrane read before the first step (hw/se_core.v)
      const double overhead = 1 + (p.tc > 0 ? 1 : 0);
      if (!head) {
        const double lif = chunk_outputs(cost, d, c, core, p.nt, Cu, nl, p.tc, tcs);
        chunk_fired(core, issue + compute, lif, overhead);
      } else {
        // the head's chunk (all tokens) fires in every time chunk: its class sums leave for
        // the membrane buffer (or, in the last, are scaled), one step per class
        head_outputs(cost, c, core, Cu, p.tc, tcs);
        chunk_fired(core, issue + compute, c.comps.spike_gen->cycles(Cu), overhead);
      }
    }
  }
  const double per_tok = double(Tin) * (dw ? 9.0 * d.cout : double(d.cin) * d.cout) * d.in_bits;
  cost.ops_skipped = per_tok * d.tokens - cost.acc_ops;
  if (d.routed) cost.ops_unrouted = per_tok * (d.tokens - n);
  if (d.gate >= 0) cost.ops_gated = per_tok * (d.tokens - n);
  cost.ops_pruned = per_tok * n * double(d.cout - kept_out) / d.cout;
  cost.tokens_active = n;
  st.tokens_active += n;
  finish(cost, cores, c.comps.se->fill_cycles() + c.comps.noc->latency_cycles(), P, spread);
  return cost;
}

namespace {
// Head channels [c0, c0 + len) of row (t, n), OR-ed over lanes, as words relative to c0;
// returns the spike count (not OR-ed).
int64_t head_bits(const SpikeTensor& s, int n, int t0, int nl, int c0, int len, uint64_t* out) {
  const int words = (len + 63) / 64;
  std::fill(out, out + words, 0);
  int64_t count = 0;
  for (int t = t0; t < t0 + nl; ++t) {
    const uint64_t* r = s.row(t, n);
    for (int j = 0; j < words; ++j) {
      const int c = c0 + j * 64, w = c >> 6, sh = c & 63, take = std::min(64, len - j * 64);
      uint64_t v = r[w] >> sh;
      if (sh && w + 1 < int(s.stride())) v |= r[w + 1] << (64 - sh);
      if (take < 64) v &= (uint64_t(1) << take) - 1;
      count += std::popcount(v);
      out[j] |= v;
    }
  }
  return count;
}
int64_t pop_range(const uint64_t* src, int c0, int len) {
  int64_t p = 0;
  for (int w = c0 >> 6; w <= (c0 + len - 1) >> 6; ++w) p += std::popcount(src[w] & range_mask(w, c0, len));
  return p;
}
}  // namespace

LayerCost attention_cycle(const LayerDesc& d, const SpikeTensor& q, const SpikeTensor& k,
                          const SpikeTensor& v, const std::vector<int>& rows,
                          const std::vector<int>& heads, int concurrency, const SimContext& c,
                          LayerStats& st) {
  const auto& A = c.arch;
  const int P = A.attention.count;
  const int L = A.attention.time_lanes, T = d.T, N = d.tokens, dh = d.dh;
  const int tcs = (T + L - 1) / L, W = (dh + 63) / 64, nr = int(rows.size());
  const bool kv = use_kv_first(A, N, dh);
  const bool spread = d.expert < 0;
  concurrency = std::max(1, concurrency);
  const double sbw = std::min(c.comps.spike->bits_per_cycle(), c.comps.noc->bits_per_cycle()) / concurrency;
  LayerCost cost;
  std::vector<CoreTime> cores(P);
  std::vector<uint64_t> qb(size_t(std::max(nr, 1)) * W), kb(size_t(N) * W), vb(size_t(N) * W);
  std::vector<int64_t> qn(std::max(nr, 1)), kn(N), vn(N);
  std::vector<uint64_t> acc1(W), acc2(W);
  double qs = 0;  // Q spikes of the current query-row tile
  const std::vector<AttentionTile> qk_tiles = attention_tiles(nr, N, A);
  for (size_t hi = 0; hi < heads.size(); ++hi) {
    const int h = heads[hi], c0 = h * dh;
    CoreTime& core = cores[spread ? int(hi) % P : d.expert % P];
    core.used = true;
    for (int tc = 0; tc < tcs; ++tc) {
      const int t0 = tc * L, nl = std::min(L, T - t0);
      for (int j = 0; j < nr; ++j) qn[j] = head_bits(q, rows[j], t0, nl, c0, dh, &qb[size_t(j) * W]);
      for (int m = 0; m < N; ++m) {
        kn[m] = head_bits(k, m, t0, nl, c0, dh, &kb[size_t(m) * W]);
        vn[m] = head_bits(v, m, t0, nl, c0, dh, &vb[size_t(m) * W]);
      }
      for (int j = 0; j < nr; ++j) st.q_rate += double(qn[j]);
      {  // channels of this head that never fire in this time chunk
        std::vector<uint64_t> oq(W, 0), ok(W, 0), ov(W, 0);
        for (int j = 0; j < nr; ++j)
          for (int x = 0; x < W; ++x) oq[x] |= qb[size_t(j) * W + x];
        for (int m = 0; m < N; ++m)
          for (int x = 0; x < W; ++x) ok[x] |= kb[size_t(m) * W + x], ov[x] |= vb[size_t(m) * W + x];
        double lq = 0, lk = 0, lv = 0;
        for (int x = 0; x < W; ++x) lq += std::popcount(oq[x]), lk += std::popcount(ok[x]), lv += std::popcount(ov[x]);
        const double share = double(nl) / T;  // weight of this time chunk
        st.q_dead += share * (dh - lq), st.k_dead += share * (dh - lk), st.v_dead += share * (dh - lv);
      }
      for (int m = 0; m < N; ++m) st.k_rate += double(kn[m]), st.v_rate += double(vn[m]);
      // one map tile, double-buffered: its spikes stream in from the spike buffer while the
      // tile before computes; a core's first tile loads before anything runs (its Q, K and V
      // are the outputs of the layers just before). The last tile's compute is added at the end.
      auto map_tile = [&](double compute, double sbits, double and_ops, double acc_ops) {
        const double sl = std::ceil(sbits / sbw);
        const double before = std::max(core.tile_compute, 0.0);
        core.time += std::max(before, sl);
        stall(cost, before, 0, sl);
        core.tile_compute = compute;
        core.busy += compute;
        cost.and_ops += and_ops;
        cost.acc_ops += acc_ops;
        spike_read(cost, c, sbits);
        cost.passes += 1;
      };
      if (!kv) {
        for (const AttentionTile& tile : qk_tiles) {  // sim/schedule.h: the RTL's tile order
          const int r0 = tile.r0, Rn = tile.nr, m0 = tile.m0, Cm = tile.nm;
          if (m0 == 0) {  // a new query-row tile: its rows' OR over the head's channels
            std::fill(acc1.begin(), acc1.end(), 0);
            qs = 0;
            for (int j = r0; j < r0 + Rn; ++j) {
              for (int w = 0; w < W; ++w) acc1[w] |= qb[size_t(j) * W + w];
              qs += double(qn[j]);
            }
          }
          {
            std::vector<uint64_t> kor(W, 0), vor(W, 0);
            double vs = 0;
            for (int m = m0; m < m0 + Cm; ++m) {
              for (int w = 0; w < W; ++w) kor[w] |= kb[size_t(m) * W + w], vor[w] |= vb[size_t(m) * W + w];
              vs += double(vn[m]);
            }
            double qk = 0, av = 0;
            for (int w = 0; w < W; ++w) qk += std::popcount(acc1[w] & kor[w]), av += std::popcount(vor[w]);
            map_tile(c.comps.attention->mode_cycles(qk) + c.comps.attention->mode_cycles(av),
                     double(Rn + 2 * Cm) * dh * nl, qs * Cm, vs * Rn);
          }
        }
      } else {
        for (const KvTile& kt : attention_kv_tiles(dh, A)) {  // sim/schedule.h: the RTL's order
          const int r0 = kt.k0, Rc = kt.nk, d0 = kt.v0, Cd = kt.nv;
          {
            double kvact = 0, qact = 0;
            for (int m = 0; m < N; ++m)
              if (pop_range(&kb[size_t(m) * W], r0, Rc) && pop_range(&vb[size_t(m) * W], d0, Cd)) kvact += 1;
            for (int j = 0; j < nr; ++j) qact += pop_range(&qb[size_t(j) * W], r0, Rc) > 0;
            // exact event counts need per-lane popcounts: recompute from the tensors
            double kev = 0, qev = 0;
            for (int m = 0; m < N; ++m)
              for (int t = t0; t < t0 + nl; ++t) kev += double(pop_range(k.row(t, m), c0 + r0, Rc));
            for (int j = 0; j < nr; ++j)
              for (int t = t0; t < t0 + nl; ++t) qev += double(pop_range(q.row(t, rows[j]), c0 + r0, Rc));
            map_tile(c.comps.attention->mode_cycles(kvact) + c.comps.attention->mode_cycles(qact),
                     (double(N) * (Rc + Cd) + double(nr) * Rc) * nl, kev * Cd, qev * Cd);
          }
        }
      }
      // spike generation of this head's outputs (partial sums across map tiles accumulate
      // in the spike generator, never in a buffer)
      const double upd = double(nr) * dh * nl;
      const double sgc = c.comps.spike_gen->cycles(upd);
      core.sg += sgc, core.last_sg = sgc;
      cost.membrane_updates += upd;
      spike_write(cost, c, upd);
      const double mbits = double(nr) * dh * A.membrane_bits;
      if (tc + 1 < tcs) cost.write_bits[kMembrane] += mbits, cost.writes[kMembrane] += c.comps.membrane->accesses(mbits);
      if (tc > 0) cost.read_bits[kMembrane] += mbits, cost.reads[kMembrane] += c.comps.membrane->accesses(mbits);
    }
  }
  for (auto& k : cores) k.time += std::max(k.tile_compute, 0.0);  // the last tiles compute
  cost.synaptic_ops = cost.and_ops + cost.acc_ops;
  const double per_head = 2.0 * T * double(N) * N * dh;
  cost.ops_skipped = per_head * d.heads - cost.synaptic_ops;
  cost.ops_pruned = per_head * double(d.heads - int(heads.size()));
  if (d.gate >= 0) cost.ops_gated = 2.0 * T * double(N - nr) * N * dh;
  cost.tokens_active = nr;
  st.tokens_active += nr;
  if (st.rows_hist.size() < size_t(N) + 1) st.rows_hist.resize(size_t(N) + 1, 0.0);
  st.rows_hist[size_t(nr)] += 1;
  st.heads_kept += double(heads.size());
  finish(cost, cores, c.comps.attention->fill_cycles() + c.comps.noc->latency_cycles(), P, spread);
  return cost;
}

void add_head_ranking(const LayerDesc& d, double q_spikes, int keep, const SimContext& c,
                      LayerCost& cost) {
  const double compares = c.comps.router->compare_ops(1, d.heads, keep);
  const double busy = c.comps.router->cycles(q_spikes, compares);
  cost.score_ops += q_spikes;
  cost.compare_ops += compares;
  cost.router_busy += busy;
  cost.cycles += busy;
}

LayerCost router_cycle(const LayerDesc& d, const Planes& in, const SimContext& c, LayerStats& st) {
  const auto& A = c.arch;
  LayerCost cost;
  double ev = 0, nz = 0;
  for (int n = 0; n < d.tokens; ++n) {
    TileCount x = tile_count(in, n, 0, d.T, 0, d.cin);
    ev += double(x.events), nz += double(x.nonzero);
  }
  st.in_events += ev, st.in_nonzero += nz, st.tokens_active += d.tokens;
  cost.score_ops = ev * d.experts;
  cost.compare_ops = c.comps.router->compare_ops(d.tokens, d.experts, d.top_k);
  cost.router_busy = c.comps.router->cycles(cost.score_ops, cost.compare_ops);
  const double wbits = double(d.cin) * d.experts * A.weight_bits;
  cost.read_bits[kWeight] += wbits;
  cost.reads[kWeight] += c.comps.weight->accesses(wbits);
  cost.noc_bits += wbits;
  cost.noc_transfers += c.comps.noc->transfers(wbits);
  spike_read(cost, c, double(d.tokens) * d.cin * d.T * d.in_bits);
  cost.cycles = cost.router_busy + c.comps.noc->latency_cycles();
  cost.fill_cycles = c.comps.noc->latency_cycles();
  cost.busy = cost.router_busy;
  cost.tokens_active = d.tokens;
  return cost;
}

}  // namespace ss::sim
