#include "sim/analytical.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include "sim/capacity.h"
#include "sim/cycle_model.h"

namespace ss::sim {

namespace {

// P(at least one of `n` independent elements is non-zero).
inline double any(double q, double n) { return q >= 1 ? 1.0 : 1.0 - std::pow(1.0 - q, n); }
// The same when a fraction `silent` of the population never fires at all: the others carry
// the whole density.
inline double any_live(double q, double n, double silent) {
  if (silent >= 1) return 0;
  return (1 - silent) * any(std::min(1.0, q / (1 - silent)), n);
}

struct TileSum {  // one output tile over all time chunks, token chunks and input tiles
  double time = 0, busy = 0, sg = 0, last_sg = 0, stall_w = 0, stall_s = 0, stall_bank = 0;
  double acc = 0, syn = 0, wbits = 0, wreads = 0, sbits = 0, sreads = 0;
  double noc_bits = 0, noc_tr = 0, passes = 0, upd = 0;
  double obits = 0, oaccess = 0, mem_w = 0, mem_wa = 0, mem_r = 0, mem_ra = 0;
  // accumulator banks (docs/sim.md, timing): chunks, the LIF's time per chunk with its
  // overhead, the array's waits in steady state, the first chunk's passes, the last chunk's
  // LIF overhead
  double chunks = 0, sg_chain = 0, stall_acc = 0, first_c = -1, last_ov = 0;
  double last_c = 0, last_sp = 0, prev_sp = 0;  // the last chunk's passes and LIF, the LIF before
};

}  // namespace

LayerCost analytical_layer(const LayerDesc& d, const LayerStats& s, int concurrency,
                           const SimContext& c) {
  const auto& A = c.arch;
  const auto& K = c.comps;
  LayerCost cost;
  if (d.kind == Kind::router) {
    const double ev = double(d.tokens) * d.T * d.cin * s.in_events;
    cost.score_ops = ev * d.experts;
    cost.compare_ops = K.router->compare_ops(d.tokens, d.experts, d.top_k);
    cost.router_busy = K.router->cycles(cost.score_ops, cost.compare_ops);
    const double wbits = double(d.cin) * d.experts * A.weight_bits;
    const double sbits = double(d.tokens) * d.cin * d.T * d.in_bits;
    cost.read_bits[kWeight] = wbits, cost.reads[kWeight] = K.weight->accesses(wbits);
    cost.read_bits[kSpike] = sbits, cost.reads[kSpike] = K.spike->accesses(sbits);
    cost.noc_bits = wbits + sbits;
    cost.noc_transfers = K.noc->transfers(wbits) + K.noc->transfers(sbits);
    cost.cycles = cost.router_busy + K.noc->latency_cycles();
    cost.fill_cycles = K.noc->latency_cycles();
    cost.busy = cost.router_busy;
    cost.tokens_active = d.tokens;
    capacity_traffic(d, d.tokens, c, cost);
    return cost;
  }
  concurrency = std::max(1, concurrency);
  const double sb_all = std::min(K.spike->bits_per_cycle(), K.noc->bits_per_cycle());
  const double n = s.tokens_active;

  if (d.kind == Kind::attention) {
    const int R = A.attention.rows, C = A.attention.cols, P = A.attention.count;
    const int L = A.attention.time_lanes, T = d.T, N = d.tokens, dh = d.dh;
    const int tcs = (T + L - 1) / L;
    const bool kv = use_kv_first(A, N, dh);
    const double heads = d.expert >= 0 ? 1.0 : std::max(1.0, std::round(s.heads_kept));
    const double sbw = sb_all / concurrency;
    // one head: classes {size, count} of full and remainder tiles along both map dimensions
    using Tiles = std::vector<std::array<double, 2>>;
    auto split = [](double len, int tile) {
      const double full = std::floor(len / tile), rem = len - full * tile;
      Tiles out{{double(tile), full}};
      if (rem > 0) out.push_back({rem, 1.0});
      return out;
    };
    // query rows that vary per image (rows_hist): ceil(n / tile) tiles of each image, averaged
    auto split_rows = [&](int tile) {
      if (s.rows_hist.empty()) return split(n, tile);
      std::vector<double> count(size_t(tile) + 1, 0.0);  // by tile size
      for (size_t r = 0; r < s.rows_hist.size(); ++r) {
        count[size_t(tile)] += s.rows_hist[r] * double(r / size_t(tile));
        if (r % size_t(tile)) count[r % size_t(tile)] += s.rows_hist[r];
      }
      Tiles out;
      for (int z = tile; z >= 1; --z)
        if (count[size_t(z)] > 0) out.push_back({double(z), count[size_t(z)]});
      return out;
    };
    // the heads costed: one class of `heads` heads at the layer's rates, or (head pruning from
    // a format 2 trace) each head that ran at its own rates, weighted by its runs per inference
    struct HeadClass {
      double w, q, k, v, q_dead, k_dead, v_dead;
    };
    std::vector<HeadClass> hcs;
    if (d.expert < 0 && !s.per_head.empty()) {
      double runs = 0;
      for (const auto& h : s.per_head) runs += h.runs;
      for (const auto& h : s.per_head)
        hcs.push_back(
            {runs > 0 ? heads * h.runs / runs : 0.0, h.q, h.k, h.v, h.q_dead, h.k_dead, h.v_dead});
    } else {
      hcs.push_back({heads, s.q_rate, s.k_rate, s.v_rate, s.q_dead, s.k_dead, s.v_dead});
    }
    std::vector<double> hc_time(hcs.size(), 0.0), hc_busy(hcs.size(), 0.0);
    double head_time = 0, head_busy = 0, head_sg = 0, last_sg = 0;
    for (int tc = 0; tc < tcs; ++tc) {
      const double nl = std::min(L, T - tc * L);
      // qk_first: query-row tiles x key tiles; kv_first (sim::attention_kv_tiles): K-channel
      // tiles over the map's columns x V-channel tiles over its rows
      const Tiles rs = kv ? split(dh, C) : split_rows(R), cs = kv ? split(dh, R) : split(N, C);
      for (size_t j = 0; j < hcs.size(); ++j) {
        const double hw = hcs[j].w, q = hcs[j].q, k = hcs[j].k, v = hcs[j].v;
        for (auto& r : rs)
          for (auto& cc : cs) {
            const double mult = r[1] * cc[1];
            if (mult == 0 || r[0] == 0 || cc[0] == 0) continue;
            double compute, sbits, and_ops, acc_ops;
            if (!kv) {
              const double Rn = r[0], Cm = cc[0];
              compute = K.attention->mode_cycles(dh * any_live(q, Rn * nl, hcs[j].q_dead) *
                                                 any_live(k, Cm * nl, hcs[j].k_dead)) +
                        K.attention->mode_cycles(dh * any_live(v, Cm * nl, hcs[j].v_dead));
              sbits = (Rn + 2 * Cm) * dh * nl;
              and_ops = Rn * dh * nl * q * Cm;
              acc_ops = Cm * dh * nl * v * Rn;
            } else {
              const double Rc = r[0], Cd = cc[0];
              compute = K.attention->mode_cycles(N * any(k, Rc * nl) * any(v, Cd * nl)) +
                        K.attention->mode_cycles(n * any(q, Rc * nl));
              sbits = (N * (Rc + Cd) + n * Rc) * nl;
              and_ops = N * Rc * nl * k * Cd;
              acc_ops = n * Rc * nl * q * Cd;
            }
            const double sl = std::ceil(sbits / sbw);
            hc_time[j] += mult * std::max(compute, sl);
            hc_busy[j] += mult * compute;
            if (sl > compute)
              cost.stalled += hw * mult * (sl - compute),
                  cost.buf_stalled[kSpike] += hw * mult * (sl - compute);
            cost.and_ops += hw * mult * and_ops;
            cost.acc_ops += hw * mult * acc_ops;
            cost.read_bits[kSpike] += hw * mult * sbits;
            cost.reads[kSpike] += hw * mult * K.spike->accesses(sbits);
            cost.noc_bits += hw * mult * sbits;
            cost.noc_transfers += hw * mult * K.noc->transfers(sbits);
            cost.passes += hw * mult;
          }
      }
      const double upd = n * dh * nl;
      const double sgc = K.spike_gen->cycles(upd);
      head_sg += sgc, last_sg = sgc;
      cost.membrane_updates += heads * upd;
      cost.write_bits[kSpike] += heads * upd;
      cost.writes[kSpike] += heads * K.spike->accesses(upd);
      cost.noc_bits += heads * upd;
      cost.noc_transfers += heads * K.noc->transfers(upd);
      const double mbits = n * dh * A.membrane_bits;
      if (tc + 1 < tcs) cost.write_bits[kMembrane] += heads * mbits, cost.writes[kMembrane] += heads * K.membrane->accesses(mbits);
      if (tc > 0) cost.read_bits[kMembrane] += heads * mbits, cost.reads[kMembrane] += heads * K.membrane->accesses(mbits);
    }
    if (hcs.size() == 1) {
      head_time = hc_time[0], head_busy = hc_busy[0];
    } else {  // a mean head: the heads' time and busy cycles weighted by their runs
      for (size_t j = 0; j < hcs.size(); ++j)
        head_time += hcs[j].w * hc_time[j], head_busy += hcs[j].w * hc_busy[j];
      head_time /= heads, head_busy /= heads;
    }
    const double per_core = d.expert >= 0 ? 1.0 : std::ceil(heads / P);
    const double fill = K.attention->fill_cycles() + K.noc->latency_cycles();
    // a core's heads run back to back; spike generation overlaps the next head
    const double t_core = per_core * head_time, sg_core = per_core * head_sg;
    cost.cycles = std::max(t_core, sg_core - last_sg) + last_sg + fill;
    cost.fill_cycles = fill + last_sg;
    cost.busy = heads * head_busy;
    cost.sg_busy = heads * head_sg;
    cost.synaptic_ops = cost.and_ops + cost.acc_ops;
    const double per_head = 2.0 * T * double(N) * N * dh;
    cost.ops_skipped = per_head * d.heads - cost.synaptic_ops;
    cost.ops_pruned = per_head * (d.heads - (d.expert >= 0 ? 1.0 : heads));
    if (d.gate >= 0) cost.ops_gated = 2.0 * T * (N - n) * N * dh;
    cost.idle = std::max(0.0, (d.expert < 0 ? P : 1) * cost.cycles - cost.busy - cost.stalled);
    cost.spikes_fired = s.out_spikes;
    cost.tokens_active = n;
    return cost;
  }

  // weight layers on the SE cores
  const int R = A.se.rows, C = A.se.cols, P = A.se.count, wb = A.weight_bits;
  const bool pixel = d.kind == Kind::pixel_conv, dw = d.kind == Kind::dwconv;
  const bool head = d.kind == Kind::head;  // one chunk of all tokens, outputs once per tile
  const int Tin = pixel ? 1 : d.T, L = pixel ? 1 : A.se.time_lanes;
  const int tcs = (Tin + L - 1) / L;
  int kept = d.cout;
  if (d.head_channels && s.heads_kept > 0) kept = int(std::round(s.heads_kept)) * d.dh;
  const int out_tiles = (kept + C - 1) / C;
  const int rows_total = dw ? 9 : d.cin;
  const double chunk = head ? std::max(1.0, n) : double(std::max(1, A.spike_gen.acc_entries / C));
  const bool spread = d.expert < 0;
  const double wbw = std::min(K.weight->bits_per_cycle(), K.noc->bits_per_cycle()) / concurrency;
  const double sbw = sb_all / (spread ? 1 : concurrency);
  const double q = s.in_nonzero, e = s.in_events, y = s.in_syn;
  const double n_full = std::floor(n / chunk), n_rem = n - n_full * chunk;
  const double chunks[2][2] = {{chunk, n_full}, {n_rem, n_rem > 0 ? 1.0 : 0.0}};
  const double r_full = std::floor(double(rows_total) / R), r_rem = rows_total - r_full * R;
  const double rtiles[2][2] = {{double(R), r_full}, {r_rem, r_rem > 0 ? 1.0 : 0.0}};

  // accumulator banks: chunk k + banks starts no earlier than acc_lat after chunk k has fired
  // (cycle_model.cpp, CoreTime); in steady state a chunk of c cycles of passes and s' of LIF
  // (its neuron-steps and per-chunk overhead) takes max(c, s', (c + s' + acc_lat) / banks)
  const double acc_banks = std::max(1, K.spike_gen->acc_banks());
  const double acc_lat = K.se->fill_cycles() - 1;
  auto tile = [&](double Cu) {
    TileSum t;
    auto fired = [&](double count, double cch, double sgc, double ov) {
      const double sp = sgc + ov;
      const double period = std::max({cch, sp, (cch + sp + acc_lat) / acc_banks});
      t.stall_acc += count * (period - cch);
      t.chunks += count, t.sg_chain += count * sp, t.last_ov = ov;
      if (t.first_c < 0) t.first_c = cch;
      t.prev_sp = count >= 2 || t.chunks == count ? sp : t.last_sp;
      t.last_c = cch, t.last_sp = sp;
    };
    for (int tc = 0; tc < tcs; ++tc) {
      const double nl = std::min(L, Tin - tc * L);
      const double ov = 1 + (tc > 0 ? 1 : 0);  // the LIF's start cycle and membrane read
      double head_c = 0;
      for (const auto& ch : chunks) {
        if (ch[1] == 0 || ch[0] == 0) continue;
        const double nt = ch[0];
        double cch = 0;  // one chunk's passes
        for (const auto& rt : rtiles) {
          if (rt[1] == 0 || rt[0] == 0) continue;
          const double Ru = rt[0], elems = dw ? Ru * Cu : Ru, m = ch[1] * rt[1];
          const double active = nt * any_live(q, elems * nl, s.silent_tokens);
          const double compute = K.se->pass_cycles(active, d.in_bits);
          const double wbits = Ru * Cu * wb, sbits = nt * d.in_bits * elems * nl;
          const double wl = std::ceil(wbits / wbw), sl = std::ceil(sbits / sbw);
          // weight-bank reuse (docs/sim.md): in steady state `banks` passes take at least
          // one pass's compute plus the reuse cycles
          const double reuse = active > 0 ? (compute + K.se->bank_reuse_cycles()) / K.se->weight_banks() : 0;
          const double tm = std::max({compute, wl, sl});
          const double gap = std::max(0.0, reuse - tm);
          t.time += m * (tm + gap), t.busy += m * compute, t.stall_bank += m * gap;
          cch += rt[1] * (tm + gap);
          if (tm > compute) (wl >= sl ? t.stall_w : t.stall_s) += m * (tm - compute);
          const double fan = dw ? 1 : Cu, elements = nt * elems * nl;
          t.acc += m * elements * e * fan;
          t.syn += m * elements * (pixel ? y : e) * fan;
          t.wbits += m * wbits, t.wreads += m * K.weight->accesses(wbits);
          t.sbits += m * sbits, t.sreads += m * K.spike->accesses(sbits);
          t.noc_bits += m * wbits, t.noc_tr += m * K.noc->transfers(wbits);
          t.passes += m;
        }
        if (head) {
          head_c += ch[1] * cch;
          continue;
        }
        const double steps = pixel ? d.T : nl, upd = nt * Cu * steps;
        const double sgc = K.spike_gen->cycles(upd);
        t.sg += ch[1] * sgc, t.last_sg = sgc;
        fired(ch[1], cch, sgc, ov);
        t.upd += ch[1] * upd;
        const double obits = upd * d.out_bits;
        t.obits += ch[1] * obits, t.oaccess += ch[1] * K.spike->accesses(obits);
        const double mbits = nt * Cu * A.membrane_bits;
        if (tc + 1 < tcs) t.mem_w += ch[1] * mbits, t.mem_wa += ch[1] * K.membrane->accesses(mbits);
        if (tc > 0) t.mem_r += ch[1] * mbits, t.mem_ra += ch[1] * K.membrane->accesses(mbits);
      }
      if (head) {  // class accumulators: spilled between time chunks, scale + bias at the end
        fired(1, head_c, K.spike_gen->cycles(Cu), ov);  // one chunk, fired in every time chunk
        const double mbits = Cu * A.membrane_bits;
        if (tc + 1 < tcs) t.mem_w += mbits, t.mem_wa += K.membrane->accesses(mbits);
        if (tc > 0) t.mem_r += mbits, t.mem_ra += K.membrane->accesses(mbits);
        if (tc + 1 == tcs) {
          const double sgc = K.spike_gen->cycles(Cu), obits = Cu * A.acc_bits;
          t.sg += sgc, t.last_sg = sgc, t.upd += Cu;
          t.obits += obits, t.oaccess += K.spike->accesses(obits);
        }
      }
    }
    return t;
  };
  const int full_tiles = kept / C;
  const double Cp = kept - full_tiles * C;
  const TileSum tf = tile(C), tp = Cp > 0 ? tile(Cp) : TileSum{};
  // per core: which tiles it runs (spread: tile o on core o % P; else all on one core)
  const double fill = K.se->fill_cycles() + K.noc->latency_cycles();
  double layer = 0, last = 0, acc_stall = 0;
  const int ncores = spread ? std::min(P, out_tiles) : 1;
  for (int k = 0; k < ncores; ++k) {
    double nf = spread ? std::floor(double(full_tiles - k + P - 1) / P) : full_tiles;
    nf = std::max(0.0, nf);
    const bool has_p = Cp > 0 && (!spread || (out_tiles - 1) % P == k);
    // the first `banks` chunks of a core never wait for a bank
    const double nch = nf * tf.chunks + (has_p ? tp.chunks : 0);
    const double wait = nch > 0 ? (nf * tf.stall_acc + (has_p ? tp.stall_acc : 0)) *
                                      std::max(0.0, nch - acc_banks) / nch
                                : 0;
    acc_stall += wait;
    const double time = nf * tf.time + (has_p ? tp.time : 0) + wait;
    const double chain = nf * tf.sg_chain + (has_p ? tp.sg_chain : 0);
    const double lsg = has_p ? tp.last_sg : tf.last_sg;
    const double lov = has_p ? tp.last_ov : tf.last_ov;
    const double c0 = std::max(0.0, nf > 0 ? tf.first_c : tp.first_c);
    // chunks fire in order, none before its passes: the last fires after the one before it,
    // which ends no earlier than the chain of the others' firing from the end of the first
    // chunk's passes, nor than the end of its own passes (all but the last chunk's) plus its
    // firing
    const TileSum& lt = has_p ? tp : tf;
    const double before =
        nch >= 2 ? std::max(c0 + chain - lsg - lov, time - lt.last_c + lt.prev_sp) : 0.0;
    const double cyc = std::max(time, before) + lsg + fill;
    if (cyc > layer) layer = cyc, last = lsg;
  }
  auto sum = [&](double TileSum::*f) { return full_tiles * (tf.*f) + (Cp > 0 ? tp.*f : 0.0); };
  cost.cycles = out_tiles > 0 && n > 0 ? layer : 0;
  cost.fill_cycles = cost.cycles > 0 ? fill + last : 0;
  cost.busy = sum(&TileSum::busy);
  cost.sg_busy = sum(&TileSum::sg);
  cost.stalled = sum(&TileSum::stall_w) + sum(&TileSum::stall_s) + sum(&TileSum::stall_bank) +
                 (cost.cycles > 0 ? acc_stall : 0);
  cost.buf_stalled[kWeight] = sum(&TileSum::stall_w);
  cost.buf_stalled[kSpike] = sum(&TileSum::stall_s);
  cost.acc_ops = sum(&TileSum::acc);
  cost.synaptic_ops = sum(&TileSum::syn);
  cost.passes = sum(&TileSum::passes);
  cost.membrane_updates = sum(&TileSum::upd);
  cost.read_bits[kWeight] = sum(&TileSum::wbits), cost.reads[kWeight] = sum(&TileSum::wreads);
  // spike input: broadcast once per round of P output tiles (or per tile for one core)
  double s_bits = 0, s_reads = 0;
  for (int o = 0; o < out_tiles; ++o) {
    if (spread && o % P != 0) continue;
    const TileSum& t = (Cp > 0 && o == out_tiles - 1) ? tp : tf;
    s_bits += t.sbits, s_reads += t.sreads;
  }
  const double obits = sum(&TileSum::obits), oacc = sum(&TileSum::oaccess);
  cost.read_bits[kSpike] = s_bits + (d.to_residual ? obits : 0);
  cost.reads[kSpike] = s_reads + (d.to_residual ? oacc : 0);
  cost.write_bits[kSpike] = obits, cost.writes[kSpike] = oacc;
  cost.write_bits[kMembrane] = sum(&TileSum::mem_w), cost.writes[kMembrane] = sum(&TileSum::mem_wa);
  cost.read_bits[kMembrane] = sum(&TileSum::mem_r), cost.reads[kMembrane] = sum(&TileSum::mem_ra);
  const double out_tr = [&] {  // outputs (and residual reads) cross the bus per chunk
    double tr = 0;
    for (double Cu : {double(C), Cp}) {
      const double tiles = Cu == C ? full_tiles : (Cp > 0 ? 1 : 0);
      if (tiles == 0 || Cu == 0) continue;
      if (head) {
        tr += tiles * K.noc->transfers(Cu * A.acc_bits);
        continue;
      }
      for (int tc = 0; tc < tcs; ++tc) {
        const double nl = std::min(L, Tin - tc * L), steps = pixel ? d.T : nl;
        for (const auto& ch : chunks)
          if (ch[1] > 0 && ch[0] > 0)
            tr += tiles * ch[1] * K.noc->transfers(ch[0] * Cu * steps * d.out_bits);
      }
    }
    return tr * (d.to_residual ? 2 : 1);
  }();
  cost.noc_bits = sum(&TileSum::noc_bits) + s_bits + obits * (d.to_residual ? 2 : 1);
  cost.noc_transfers = sum(&TileSum::noc_tr) + out_tr;
  {  // spike reads cross the bus too
    double tr = 0;
    for (int o = 0; o < out_tiles; ++o) {
      if (spread && o % P != 0) continue;
      const double Cu = (Cp > 0 && o == out_tiles - 1) ? Cp : C;
      for (int tc = 0; tc < tcs; ++tc) {
        const double nl = std::min(L, Tin - tc * L);
        for (const auto& ch : chunks)
          for (const auto& rt : rtiles)
            if (ch[1] > 0 && ch[0] > 0 && rt[1] > 0 && rt[0] > 0)
              tr += ch[1] * rt[1] * K.noc->transfers(ch[0] * d.in_bits * (dw ? rt[0] * Cu : rt[0]) * nl);
      }
    }
    cost.noc_transfers += tr;
  }
  const double per_tok = double(Tin) * (dw ? 9.0 * d.cout : double(d.cin) * d.cout) * d.in_bits;
  cost.ops_skipped = per_tok * d.tokens - cost.acc_ops;
  if (d.routed) cost.ops_unrouted = per_tok * (d.tokens - n);
  if (d.gate >= 0) cost.ops_gated = per_tok * (d.tokens - n);
  cost.ops_pruned = per_tok * n * double(d.cout - kept) / d.cout;
  cost.idle = std::max(0.0, (spread ? P : 1) * cost.cycles - cost.busy - cost.stalled);
  cost.spikes_fired = s.out_spikes;
  cost.tokens_active = n;
  capacity_traffic(d, n, c, cost);
  return cost;
}

std::vector<LayerCost> analytical_costs(const Workload& w, const std::vector<LayerStats>& stats,
                                        const SimContext& c) {
  std::map<int, std::set<int>> cores;
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const auto& d = w.layers[i];
    const int P = d.unit == Unit::attention_cores ? c.arch.attention.count : c.arch.se.count;
    if (d.group >= 0 && stats[i].tokens_active > 0) cores[d.group].insert(d.expert % P);
  }
  std::vector<LayerCost> out(w.layers.size());
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const auto& d = w.layers[i];
    int conc = 1;
    if (d.group >= 0) {
      conc = int(cores[d.group].size());
    } else if (d.unit == Unit::attention_cores) {
      conc = std::min<int>(c.arch.attention.count, int(std::round(std::max(1.0, stats[i].heads_kept))));
    } else if (d.unit == Unit::se_cores) {
      int kept = d.cout;
      if (d.head_channels && stats[i].heads_kept > 0) kept = int(std::round(stats[i].heads_kept)) * d.dh;
      conc = std::min(c.arch.se.count, (kept + c.arch.se.cols - 1) / c.arch.se.cols);
    }
    out[i] = analytical_layer(d, stats[i], conc, c);
    if (d.kind == Kind::attention && d.expert < 0 &&
        (c.arch.head_pruning || stats[i].heads_kept < d.heads - 1e-9))
      for (size_t j = 0; j < i; ++j)  // the ranking counts the Q layer's spikes
        if (w.layers[j].name == d.inputs[0])
          add_head_ranking(d, stats[j].out_spikes, int(std::round(std::max(1.0, stats[i].heads_kept))),
                           c, out[i]);
  }
  return out;
}

}  // namespace ss::sim
