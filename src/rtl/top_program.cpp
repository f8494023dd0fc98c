#include "rtl/top_program.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <map>
#include <string>

#include "common/error.h"
#include "engine/synapse.h"
#include "sim/cycle_model.h"
#include "sim/schedule.h"

namespace ss::rtl {

namespace {

constexpr int kMulW = 24, kScoreW = 64, kCfgW = 6;  // hw/ss_top.v's scorer and ss_ctrl's CFG_W
constexpr int kAttUnit = 255;     // the unit field of an attention tile record (ss_ctrl.v ATT_UNIT)
constexpr int kUnitBit = 67;      // where a type-0 record's unit field starts
constexpr int kRouterUnit = 254;  // the unit field of a router record (ss_ctrl.v RT_UNIT)
constexpr int kFillUnit = 253;    // ... of a weight fill (ss_ctrl.v FILL_UNIT)
constexpr int kRtWW = 8, kRtMulW = 32;  // router_stage's weight and multiplier bits

int op_bits(const SeCoreParams& p) {
  return 75 + p.t_w + p.tok_w + p.ch_w + p.wg_addr_w() + p.chunk * p.tok_bits() +
         p.cols * p.bias_w + p.cols * p.mem_w;
}
// an attention tile record (hw/ss_top.v ATT_BITS) and a layer record with the attention fields
int att_bits(const SeCoreParams& p, const AttParams& t) {
  return 75 + p.t_w + p.ch_w + t.ni * (t.rows + 2 * t.cols) * t.lanes;
}
int layer_bits(const SeCoreParams& p) { return 92 + p.mem_w; }
// a router record (hw/ss_top.v RT_BITS)
int router_bits(const RouterParams& r) {
  return 75 + std::max({r.wrows * r.e * kRtWW, r.e * (kRtMulW + 64), r.pl_p * r.t_p * r.cin_p});
}
int pow2_at_least(int n) { return int(std::bit_ceil(unsigned(std::max(n, 1)))); }

// Appends fields to a record, bit 0 first.
class RecordWriter {
 public:
  explicit RecordWriter(int bits) : w_(size_t(bits / 32), 0u), bits_(bits) {}
  void put(int64_t v, int width, const char* what) {
    if (width < 64) {
      const int64_t lo = -(int64_t(1) << (width - 1)), hi = (int64_t(1) << width) - 1;
      if (v < lo || v > hi)
        throw Error(std::string("ss_top program: ") + what + " = " + std::to_string(v) +
                    " does not fit " + std::to_string(width) + " bits");
    }
    uint64_t u = width < 64 ? uint64_t(v) & ((uint64_t(1) << width) - 1) : uint64_t(v);
    for (int left = width; left > 0;) {
      const int b = pos_ % 32, take = std::min(32 - b, left);
      w_[size_t(pos_ / 32)] |= uint32_t(u & ((uint64_t(1) << take) - 1)) << b;
      u >>= take, pos_ += take, left -= take;
    }
  }
  std::vector<uint32_t> take() {
    if (pos_ > bits_) throw Error("ss_top program: record overflow");
    return std::move(w_);
  }

 private:
  std::vector<uint32_t> w_;
  int bits_, pos_ = 0;
};

}  // namespace

TopLayer top_layer(int id, const sim::LayerDesc& d, const LayerQuant& q, int decay,
                   std::vector<SeOp> ops, int concurrency) {
  TopLayer l;
  l.name = d.name;
  l.group = d.group;
  if (d.group >= 0) {
    for (const SeOp& op : ops)
      if (l.core < 0)
        l.core = op.pass.core;
      else if (op.pass.core != l.core)
        throw Error("ss_top program: " + d.name + " of a concurrent group spans two cores");
  }
  // sim::linear_cycle: weights at bandwidth / concurrency; spikes too unless broadcast
  // (weight_schedule's spread, d.expert < 0)
  l.wshare = std::max(1, concurrency);
  l.sshare = d.expert >= 0 ? l.wshare : 1;
  l.id = id;
  l.acc_bits = q.acc_bits, l.frac_bits = q.frac_bits, l.decay = decay;
  l.dw = d.kind == sim::Kind::dwconv, l.head = d.kind == sim::Kind::head;
  if (l.head) l.class_mul = q.mul, l.class_bias = q.score_bias;
  l.ops = std::move(ops);
  return l;
}

AttParams att_params(const arch::Arch& a, const ModelSpec& m) {
  AttParams t;
  t.rows = a.attention.rows, t.cols = a.attention.cols, t.lanes = a.attention.time_lanes;
  t.score_bits = a.score_bits;
  t.tokens = m.tokens();
  t.ni = 1, t.dh = 1;
  // elements of a tile: the head's channels (qk_first); the key tokens and query rows (kv_first)
  for (const sim::LayerDesc& d : sim::build_workload(m).layers)
    if (d.kind == sim::Kind::attention) {
      t.ni = std::max({t.ni, d.dh, sim::use_kv_first(a, d.tokens, d.dh) ? d.tokens : 0});
      t.dh = std::max(t.dh, d.dh);
    }
  return t;
}

RouterParams router_params(const ModelSpec& m) {
  RouterParams r;
  for (const sim::LayerDesc& d : sim::build_workload(m).layers)
    if (d.kind == sim::Kind::router) {
      r.e = d.experts, r.k = d.top_k;
      r.cin_p = pow2_at_least(d.cin), r.t_p = pow2_at_least(d.T);
      r.pl_p = pow2_at_least(d.in_bits);
      r.wrows = std::min(16, r.cin_p);
    }
  return r;
}

TopLayer router_layer(int id, const sim::LayerDesc& d, const Planes& in, const LayerQuant& q,
                      const RouterParams& rt) {
  const std::string where = "ss_top program: " + d.name + ": ";
  const int P = int(in.p.size());
  if (d.experts != rt.e || d.top_k != rt.k || d.cin > rt.cin_p || d.T > rt.t_p || P > rt.pl_p ||
      rt.pl_p > 8)
    throw Error(where + "its experts or input do not fit the router stage's parameters");
  TopLayer l;
  l.router = true;
  l.id = id;
  l.rt_cin = d.cin;
  l.rt_w.assign(size_t(rt.cin_p) * rt.e, 0);
  for (int i = 0; i < d.cin; ++i)
    for (int e = 0; e < rt.e; ++e) l.rt_w[size_t(i) * rt.e + e] = q.w(i, e);
  l.rt_mul = q.mul, l.rt_bias = q.score_bias;
  for (int n = 0; n < d.tokens; ++n) {
    RouterToken t;
    t.index = n;
    t.bits.assign(size_t(rt.pl_p) * rt.t_p * rt.cin_p, 0);
    for (int b = 0; b < P; ++b)
      for (int tt = 0; tt < d.T; ++tt)
        for (int i = 0; i < d.cin; ++i)
          t.bits[(size_t(b) * rt.t_p + tt) * rt.cin_p + i] = in.p[size_t(b)].get(tt, n, i);
    l.rt_tokens.push_back(std::move(t));
  }
  return l;
}

std::string attention_unfit(const sim::LayerDesc& d, int rows, const arch::Arch& a,
                            const SeCoreParams& p, const AttParams& att) {
  if (d.dh > att.ni || d.dh > att.dh) return "head dimension above the stage's ATT_NI or ATT_DH";
  if (d.dh < p.sg_lanes)
    return "head dimension " + std::to_string(d.dh) + " below the " + std::to_string(p.sg_lanes) +
           " LIF lanes (spike_gen.lanes_per_core)";
  if (rows > att.tokens || rows > 255 || d.dh > 255)
    return "more query rows or channels than the stage holds";
  if (a.attention.rows != att.rows || a.attention.cols != att.cols ||
      a.attention.time_lanes != att.lanes)
    return "the stage's parameters are not the arch's attention_cores";
  if (sim::use_kv_first(a, d.tokens, d.dh)) {
    // kv_first: a tile's elements are the key tokens (phase A) and the query rows (phase B); its
    // V channels are the unit's map rows, its K channels the map columns
    // (sim::attention_kv_tiles); an accumulator entry per V-channel tile and query row, counting
    // over the K-channel tiles
    const int C = att.cols;
    if (d.tokens > att.ni || rows > att.ni || att.tokens > att.ni)
      return "attention_cores.order: kv_first: " +
             std::to_string(std::max({d.tokens, rows, att.tokens})) +
             " tokens or query rows above the stage's ATT_NI " + std::to_string(att.ni);
    if (d.tokens > (1 << att.score_bits) - 1)
      return "attention_cores.order: kv_first: a map entry of " + std::to_string(att.score_bits) +
             " bits would saturate over " + std::to_string(d.tokens) + " tokens";
    // an entry's count adds over the K-channel tiles: the stage's count width holds the sum over
    // ceil(tokens / cols) key tiles (hw/attention_stage.v AW), so no more K-channel tiles
    if ((d.dh + C - 1) / C > (att.tokens + C - 1) / C)
      return "attention_cores.order: kv_first: more K-channel tiles than the stage's counts "
             "hold";
  }
  return "";
}

TopLayer attention_layer(int id, const sim::LayerDesc& d, const SpikeTensor& q,
                         const SpikeTensor& k, const SpikeTensor& v, const std::vector<int>& rows,
                         const std::vector<int>& heads, const ModelSpec& m, const arch::Arch& a,
                         const SeCoreParams& p, const AttParams& att) {
  const int T = d.T, N = d.tokens, dh = d.dh, nr = int(rows.size()), L = att.lanes;
  if (const std::string why = attention_unfit(d, nr, a, p, att); !why.empty())
    throw Error("ss_top program: " + d.name + ": " + why);
  TopLayer l;
  l.attention = true;
  l.id = id, l.group = d.group;
  const int F = m.quant.mem_frac_bits;
  l.acc_bits = m.quant.acc_bits, l.frac_bits = F, l.decay = fx::decay(m.neuron.tau);
  l.attn_scale = int(fx::round_half_away(m.neuron.attn_scale * double(int64_t(1) << F)));
  l.attn_th = fx::threshold(m.neuron.attn_threshold, 1.0, F, m.quant.mem_bits);
  const int R = att.rows, C = att.cols, ni = att.ni;
  const bool kv_first = sim::use_kv_first(a, N, dh);
  // qk_first (sim::attention_tiles): per query-row tile and key-token tile, a1 = Q on the rows,
  // a2 = K and b = V on the key tokens, channel by channel. kv_first (sim::attention_kv_tiles:
  // K-channel tile > V-channel tile, per head and time chunk): phase A over the key tokens m
  // (a1 = V_m on the tile's V channels, a2 = K_m on its K channels), phase B over the query rows
  // j (b = Q_j on the K channels); the sums of row j for the tile's V channels add up over the
  // K-channel tiles in entry (V-channel tile, j).
  const std::vector<sim::AttentionTile> qk = kv_first ? std::vector<sim::AttentionTile>{}
                                                      : sim::attention_tiles(nr, N, a);
  const std::vector<sim::KvTile> kv =
      kv_first ? sim::attention_kv_tiles(dh, a) : std::vector<sim::KvTile>{};
  const size_t n_tiles = kv_first ? kv.size() : qk.size();
  for (int h : heads)
    for (int t0 = 0; t0 < T; t0 += L) {
      const int nl = std::min(L, T - t0);
      for (size_t i = 0; i < n_tiles; ++i) {
        AttTile x;
        x.kv = kv_first;
        x.seg_first = i == 0, x.seg_last = i + 1 == n_tiles, x.tc_first = t0 == 0;
        x.nl = nl, x.nrows = nr, x.dh = dh, x.t0 = t0, x.c0 = h * dh;
        x.a1.assign(size_t(ni) * R * L, 0);
        x.a2.assign(size_t(ni) * C * L, 0);
        x.b.assign(size_t(ni) * C * L, 0);
        if (kv_first) {
          const sim::KvTile& kt = kv[i];
          x.bits = (N * (kt.nk + kt.nv) + nr * kt.nk) * nl;  // the simulator's map_tile bits
          x.rt = kt.v0 / R;
          for (int l = 0; l < nl; ++l) {
            for (int m = 0; m < N; ++m) {
              for (int c = 0; c < kt.nv; ++c)
                x.a1[(size_t(m) * R + c) * L + l] = v.get(t0 + l, m, h * dh + kt.v0 + c);
              for (int r = 0; r < kt.nk; ++r)
                x.a2[(size_t(m) * C + r) * L + l] = k.get(t0 + l, m, h * dh + kt.k0 + r);
            }
            for (int j = 0; j < nr; ++j)
              for (int r = 0; r < kt.nk; ++r)
                x.b[(size_t(j) * C + r) * L + l] =
                    q.get(t0 + l, rows[size_t(j)], h * dh + kt.k0 + r);
          }
        } else {
          const sim::AttentionTile& tile = qk[i];
          x.bits = (tile.nr + 2 * tile.nm) * dh * nl;  // the simulator's map_tile bits
          x.rt = tile.r0 / R;
          for (int c = 0; c < dh; ++c)
            for (int l = 0; l < nl; ++l) {
              for (int r = 0; r < tile.nr; ++r)
                x.a1[(size_t(c) * R + r) * L + l] =
                    q.get(t0 + l, rows[size_t(tile.r0 + r)], h * dh + c);
              for (int mm = 0; mm < tile.nm; ++mm) {
                x.a2[(size_t(c) * C + mm) * L + l] = k.get(t0 + l, tile.m0 + mm, h * dh + c);
                x.b[(size_t(c) * C + mm) * L + l] = v.get(t0 + l, tile.m0 + mm, h * dh + c);
              }
            }
        }
        l.tiles.push_back(std::move(x));
      }
    }
  return l;
}

namespace {

// The merge order of per-core op lists: (core, index) pairs. Each core's time so far is
// estimated per op as the core's load stage paces it: the longest of its compute (active
// tokens x planes), weight load and spike load (the spike load at 1 / sshare of the rate).
// In a barrier region (`sshare` and `starts` given: per op its spike share and whether it
// starts a layer on its core), a core's next layer begins only once the core has drained:
// the estimate adds the drain of the op before (the array's skew and the firing of its
// chunk), so that the other cores' ops are listed for the time the core drains.
std::vector<std::pair<int, size_t>> merge_order(const std::vector<const SeOp*>* per_core,
                                                size_t cores, const SeCoreParams& p, bool dw,
                                                const std::vector<int>* sshare = nullptr,
                                                const std::vector<uint8_t>* starts = nullptr) {
  std::vector<double> t(cores, 0.0);
  std::vector<size_t> next(cores, 0);
  // per core: start and compute of the last two passes (the weight-bank reuse of the
  // simulator's pass timing: pass k + 2 starts no earlier than start(k) + compute(k) +
  // rows + cols - 1, sim::StSystolic::bank_reuse_cycles)
  std::vector<std::array<std::pair<double, double>, 2>> bank(cores);
  std::vector<int64_t> passes(cores, 0);
  std::vector<std::pair<int, size_t>> out;
  for (;;) {
    int k = -1;
    for (size_t c = 0; c < cores; ++c)
      if (next[c] < per_core[c].size() && (k < 0 || t[c] < t[size_t(k)])) k = int(c);
    if (k < 0) break;
    const size_t i = next[size_t(k)]++;
    const SeOp& op = *per_core[size_t(k)][i];
    if (starts && starts[k][i] && i > 0) {
      const SeOp& prev = *per_core[size_t(k)][i - 1];
      t[size_t(k)] += p.rows + p.cols +
                      std::ceil(double(prev.pass.nt) * prev.pass.cu * prev.steps / p.sg_lanes);
    }
    const int tb = int(op.x.size()) / std::max(1, p.chunk);
    int active = 0;
    for (int j = 0; j < op.pass.nt; ++j)
      active += std::any_of(op.x.begin() + j * tb, op.x.begin() + (j + 1) * tb,
                            [](uint8_t b) { return b != 0; });
    const double wl =
        op.wkeep ? 0.0 : std::ceil(double(op.pass.ru) * op.pass.cu * p.weight_bits / p.wbw);
    const double sl = std::ceil(double(op.pass.nt) * op.planes * op.pass.ru * op.pass.nl *
                                (dw ? op.pass.cu : 1) * (sshare ? sshare[k][i] : 1) / p.sbw);
    const double compute = double(active) * op.planes;
    if (!op.wkeep) {
      auto& prev = bank[size_t(k)][size_t(passes[size_t(k)] % 2)];
      if (passes[size_t(k)] >= 2 && prev.second > 0)
        t[size_t(k)] = std::max(t[size_t(k)], prev.first + prev.second + p.rows + p.cols - 1);
      prev = {t[size_t(k)], compute};
      ++passes[size_t(k)];
    }
    t[size_t(k)] += std::max({compute, wl, sl});
    out.emplace_back(k, i);
  }
  return out;
}

}  // namespace

std::vector<SeOp> interleave_cores(std::vector<std::vector<SeOp>> per_core, const SeCoreParams& p,
                                   bool dw) {
  std::vector<std::vector<const SeOp*>> ptr(per_core.size());
  for (size_t c = 0; c < per_core.size(); ++c)
    for (const SeOp& op : per_core[c]) ptr[c].push_back(&op);
  std::vector<SeOp> out;
  for (const auto& [k, i] : merge_order(ptr.data(), ptr.size(), p, dw))
    out.push_back(std::move(per_core[size_t(k)][i]));
  return out;
}

int record_bits(const SeCoreParams& p, const AttParams& att, const RouterParams& rt) {
  const int bits = std::max(
      {op_bits(p), 10 + kMulW + kScoreW, att_bits(p, att), layer_bits(p), router_bits(rt)});
  return (bits + 31) / 32 * 32;
}

std::vector<std::vector<uint32_t>> top_program(const std::vector<TopLayer>& in_order,
                                               const SeCoreParams& p, const AttParams& att,
                                               const RouterParams& rt, const WeightImage& weights,
                                               bool streamed) {
  const int R = record_bits(p, att, rt);
  std::vector<std::vector<uint32_t>> recs;
  // a streamed model: the layers placed around the ring (program-relative rows, unwrapped) and
  // the layer records (each a barrier or, naming a core, a core barrier) in program order
  const int64_t ring = p.wg_words / p.wg_banks;
  const int rw = std::max(1, p.wg_addr_w() - std::countr_zero(unsigned(p.wg_banks)));  // its bits
  struct Placed {
    std::string name;
    int64_t row;  // first row, unwrapped
    int rows;
    size_t gate, region;  // its layer record, its region's record
    int core;             // its core in a region, else -1
    size_t barrier;       // its layer record's index in `barriers`
  };
  struct Barrier {
    size_t rec, region;
    int core;         // -1: a region's (or a layer's) barrier
    bool core_first;  // the core's first layer of the region
  };
  std::vector<Placed> placed;
  std::vector<Barrier> barriers;
  std::map<std::string, int64_t> ring_row;
  int64_t next_row = 0;
  size_t region = 0;
  std::vector<int> core_seen;  // per core: layer records of the region so far
  // a run of consecutive grouped layers: its SE-core layers first, then its attention layers
  // (each expert's attention needs only its own query projection, which comes before it)
  std::vector<TopLayer> layers;
  layers.reserve(in_order.size());
  for (size_t i = 0; i < in_order.size();) {
    size_t end = i + 1;
    if (in_order[i].group >= 0)
      while (end < in_order.size() && in_order[end].group >= 0) ++end;
    for (int att_pass = 0; att_pass < 2; ++att_pass)
      for (size_t j = i; j < end; ++j)
        if (in_order[j].attention == (att_pass == 1)) layers.push_back(in_order[j]);
    i = end;
  }
  // a layer record: for every core (a layer or a region), or for core `core` only
  auto layer_record = [&](const TopLayer& l, int core) {
    RecordWriter h(R);
    h.put(int(RecordType::layer), 2, "type");
    h.put(l.acc_bits, kCfgW, "acc_bits");
    h.put(l.frac_bits, kCfgW, "frac_bits");
    h.put(l.decay, 17, "decay");
    h.put(l.dw, 1, "dw");
    h.put(l.head, 1, "head");
    h.put(l.id, 16, "layer id");
    h.put(core >= 0, 1, "core_only");
    h.put(std::max(core, 0), 8, "core");
    h.put(l.wshare, 8, "wshare");
    h.put(l.sshare, 8, "sshare");
    h.put(l.attention, 1, "attn");
    h.put(l.attn_scale, 16, "attention scale");
    h.put(l.attn_th, p.mem_w, "attention threshold");
    // a streamed layer with tiles waits for its fill (in a region: at its core-only record)
    const bool gated = streamed && !l.attention && !l.router && !l.ops.empty() &&
                       (core >= 0 || l.group < 0) &&
                       std::count(weights.layers().begin(), weights.layers().end(), l.name);
    h.put(gated, 1, "wfill");
    if (core < 0) region = recs.size(), core_seen.assign(core_seen.size(), 0);
    if (core >= 0 && size_t(core) >= core_seen.size()) core_seen.resize(size_t(core) + 1, 0);
    barriers.push_back({recs.size(), region, core, core >= 0 && core_seen[size_t(core)]++ == 0});
    if (gated) {
      placed.push_back({l.name, next_row, weights.layer_rows(l.name), recs.size(), region, core,
                        barriers.size() - 1});
      ring_row[l.name] = next_row;
      next_row += weights.layer_rows(l.name);
    }
    recs.push_back(h.take());
  };
  auto tile_record = [&](const AttTile& x) {
    RecordWriter r(R);
    r.put(int(RecordType::op), 2, "type");
    r.put(x.bits, 16, "tile bits");
    r.put(x.rt, 8, "row tile");
    r.put(x.seg_first, 1, "seg_first"), r.put(x.seg_last, 1, "seg_last");
    r.put(x.tc_first, 1, "tc_first");
    r.put(x.nl, 8, "nl");
    r.put(x.nrows, 8, "rows");
    r.put(x.dh, 8, "dh");
    r.put(x.kv, 1, "kv_first");
    r.put(0, kUnitBit - 54, "padding");
    r.put(kAttUnit, 8, "unit");
    r.put(x.t0, p.t_w, "t0");
    r.put(x.c0, p.ch_w, "c0");
    for (uint8_t b : x.a1) r.put(b, 1, "q");
    for (uint8_t b : x.a2) r.put(b, 1, "k");
    for (uint8_t b : x.b) r.put(b, 1, "v");
    recs.push_back(r.take());
  };
  auto op_record = [&](const TopLayer& l, const SeOp& op) {
    const auto& s = op.pass;
    RecordWriter r(R);
    r.put(int(RecordType::op), 2, "type");
    r.put(s.nt, 8, "ntok");
    r.put(op.planes, 4, "planes");
    r.put(s.nl, 8, "nl");
    r.put(op.steps, 8, "steps");
    r.put(s.ru, 16, "ru");
    r.put(s.cu, 16, "cu");
    r.put(s.first_in, 1, "first"), r.put(s.last_in, 1, "last");
    r.put(op.tc_first, 1, "tc_first"), r.put(op.tc_last, 1, "tc_last");
    r.put(op.wkeep, 1, "wkeep");
    r.put(s.core, 8, "core");
    r.put(s.t0, p.t_w, "t0");
    r.put(s.j0, p.tok_w, "j0");
    r.put(s.c0, p.ch_w, "o0");
    int64_t wa = op.wkeep ? 0 : weights.address(l.name, s.r0, s.c0);
    if (streamed && !op.wkeep)  // program-relative: the layer's ring row, then the tile
      wa = ((ring_row.at(l.name) - weights.layer_row(l.name)) * p.wg_banks + wa) %
           (ring * p.wg_banks);
    r.put(wa, p.wg_addr_w(), "weight address");
    for (uint8_t x : op.x) r.put(x, 1, "spike");
    for (int32_t b : op.bias) r.put(b, p.bias_w, "bias");
    for (int32_t t : op.th) r.put(t, p.mem_w, "threshold");
    recs.push_back(r.take());
  };
  // A streamed program's fill records, inserted into `body` (every record but the end record).
  auto with_fills = [&](std::vector<std::vector<uint32_t>> body) {
    const std::string size_key = "buffers.weight.size";
    if (placed.size() < 2 || placed[0].core >= 0 || placed[1].core >= 0 ||
        weights.layers().size() < 2 || placed[0].name != weights.layers()[0] ||
        placed[1].name != weights.layers()[1])
      throw Error(fmt::format(
          "{}: the weights stream (they exceed the buffer), which needs the model's first two "
          "layers with weights to run first and without experts",
          size_key));
    // the fills: this program's layers after the first two, then the next one's first two;
    // layer k's is released no earlier than layer k - 2's barrier (so at most two fills are
    // under way or queued, the fill engine's queue, and no fill record waits in the record FIFO
    // for the engine), later if the rows it overwrites have not drained by then
    struct Fill {
      std::string name;
      int64_t row;
      int rows;
      size_t gate;      // its layer's record (this program's), or past the end (the next one's)
      size_t earliest;  // the first barrier that may release it
    };
    std::vector<Fill> fills;
    const size_t n = placed.size();
    for (size_t j = 2; j < n; ++j)
      fills.push_back(
          {placed[j].name, placed[j].row, placed[j].rows, placed[j].gate, placed[j - 2].barrier});
    fills.push_back({placed[0].name, next_row, placed[0].rows, body.size(), placed[n - 2].barrier});
    fills.push_back({placed[1].name, next_row + placed[0].rows, placed[1].rows, body.size(),
                     placed[n - 1].barrier});
    // Whether a fill placed after barrier b's record may overwrite layer j, and the cores whose
    // pending layers must take effect first: j's region is over (the barrier), or j's core has
    // a later layer record of the region by then (once it takes effect, j has drained).
    auto free_after = [&](const Barrier& b, const Placed& j, uint32_t& mask) {
      if (j.region < b.region) return true;
      if (j.region != b.region || j.core < 0) return false;
      for (const Barrier& k : barriers)
        if (k.region == j.region && k.core == j.core && k.rec > j.gate && k.rec <= b.rec) {
          if (j.core >= 16) throw Error("ss_top program: weight fills name at most 16 cores");
          mask |= uint32_t(1) << j.core;
          return true;
        }
      return false;
    };
    // where a fill released by barrier b goes: right after its layer record (a region's: after
    // the core-only records of the cores' first layers that follow it, which need not wait), and
    // after the class records that follow it (they would wait behind the fill for the barrier,
    // and the head's first op behind them: +17 cycles on every head, measured)
    auto place = [&](size_t b) {
      size_t k = b + 1;
      while (barriers[b].core < 0 && k < barriers.size() &&
             barriers[k].rec == barriers[k - 1].rec + 1 && barriers[k].core_first &&
             barriers[k].region == barriers[b].region)
        ++k;
      size_t at = barriers[k - 1].rec + 1;
      while (at < body.size() && (body[at][0] & 3u) == uint32_t(RecordType::class_consts)) ++at;
      return at;
    };
    std::vector<std::pair<size_t, std::vector<uint32_t>>> ins;  // (before record, fill)
    size_t from = 0;                                            // barriers before: too early
    for (const Fill& f : fills) {
      if (f.rows > ring)
        throw Error(fmt::format("{}: layer {} needs {} rows of {} words; the buffer holds {}",
                                size_key, f.name, f.rows, p.wg_banks, ring));
      size_t b = std::max(from, f.earliest);
      uint32_t mask = 0;
      for (; b < barriers.size(); ++b) {
        bool ok = true;  // every layer it overwrites has drained
        mask = 0;
        for (const Placed& j : placed)
          if (j.row < f.row + f.rows - ring && j.row + j.rows > f.row - ring &&
              !free_after(barriers[b], j, mask))
            ok = false;
        if (ok) break;
      }
      const bool at_drain = b == barriers.size();
      // (the fills keep their order)
      const size_t at = std::max(at_drain ? body.size() : place(b),
                                 ins.empty() ? size_t(0) : ins.back().first);
      if (at > f.gate || (at_drain && f.gate < body.size()))
        throw Error(fmt::format(
            "{}: layer {}'s weights ({} rows of {} words) can stream in only once the layer "
            "starts: the ring of {} rows holds too little beside the layers before it",
            size_key, f.name, f.rows, p.wg_banks, ring));
      from = b;
      RecordWriter r(R);
      r.put(int(RecordType::op), 2, "type");
      r.put(weights.layer_row(f.name), 24, "off-chip row");
      r.put(f.rows, 16, "rows");
      r.put(at_drain ? 0 : mask, 16, "release cores");
      r.put(at_drain, 1, "release at drain");
      r.put(0, kUnitBit - 59, "padding");
      r.put(kFillUnit, 8, "unit");
      r.put(f.row % ring, rw, "ring row");
      ins.emplace_back(at, r.take());
    }
    std::vector<std::vector<uint32_t>> out;
    size_t k = 0;
    for (size_t i = 0; i <= body.size(); ++i) {
      for (; k < ins.size() && ins[k].first == i; ++k) out.push_back(std::move(ins[k].second));
      if (i < body.size()) out.push_back(std::move(body[i]));
    }
    return out;
  };
  for (size_t i = 0; i < layers.size();) {
    const TopLayer& l = layers[i];
    if (l.router) {  // the router stage: weights, constants, then every token's input
      layer_record(l, -1);
      auto header = [&](RecordWriter& r, int kind, int index) {
        r.put(int(RecordType::op), 2, "type");
        r.put(kind, 2, "router record kind");
        r.put(index, 12, "router index");
        r.put(0, kUnitBit - 16, "padding");
        r.put(kRouterUnit, 8, "unit");
      };
      for (int r0 = 0; r0 < rt.cin_p; r0 += rt.wrows) {
        RecordWriter r(R);
        header(r, 0, r0);
        for (int k = r0 * rt.e; k < (r0 + rt.wrows) * rt.e; ++k)
          r.put(l.rt_w[size_t(k)], kRtWW, "router weight");
        recs.push_back(r.take());
      }
      {
        RecordWriter r(R);
        header(r, 1, 0);
        for (int64_t m : l.rt_mul) r.put(m, kRtMulW, "router mul");
        for (int64_t b : l.rt_bias) r.put(b, 64, "router bias");
        recs.push_back(r.take());
      }
      for (const RouterToken& t : l.rt_tokens) {
        RecordWriter r(R);
        header(r, 2, t.index);
        for (uint8_t b : t.bits) r.put(b, 1, "router input");
        recs.push_back(r.take());
      }
      ++i;
      continue;
    }
    if (l.attention) {  // one attention stage: every attention layer on its own
      layer_record(l, -1);
      for (const AttTile& x : l.tiles) tile_record(x);
      ++i;
      continue;
    }
    if (l.group < 0) {
      layer_record(l, -1);
      for (size_t c = 0; c < l.class_mul.size(); ++c) {
        RecordWriter r(R);
        r.put(int(RecordType::class_consts), 2, "type");
        r.put(int64_t(c), 8, "class");
        r.put(l.class_mul[c], kMulW, "scorer mul");
        r.put(l.class_bias[c], kScoreW, "scorer bias");
        recs.push_back(r.take());
      }
      for (const SeOp& op : l.ops) op_record(l, op);
      ++i;
      continue;
    }
    // a barrier region: the group's consecutive layers, each on its core
    size_t end = i;
    int cores = 0;
    while (end < layers.size() && layers[end].group == l.group && !layers[end].attention) {
      if (layers[end].core < 0 || layers[end].head)
        throw Error("ss_top program: layer " + std::to_string(layers[end].id) +
                    " of a concurrent group names no core");
      cores = std::max(cores, layers[end].core + 1);
      ++end;
    }
    auto per_core = std::vector<std::vector<const SeOp*>>(size_t(cores));
    auto of = std::vector<std::vector<const TopLayer*>>(size_t(cores));  // per op: its layer
    auto share = std::vector<std::vector<int>>(size_t(cores));
    // per op: the layer it starts (its core's first op of it), else null
    auto starts = std::vector<std::vector<const TopLayer*>>(size_t(cores));
    auto first = std::vector<std::vector<uint8_t>>(size_t(cores));
    for (size_t j = i; j < end; ++j) {
      const TopLayer& m = layers[j];
      const size_t c = size_t(m.core);
      for (size_t k = 0; k < m.ops.size(); ++k) {
        per_core[c].push_back(&m.ops[k]);
        of[c].push_back(&m);
        share[c].push_back(m.sshare);
        starts[c].push_back(k == 0 ? &m : nullptr);
        first[c].push_back(k == 0);
      }
    }
    layer_record(l, -1);  // the region: the barrier, then every core its own layers
    for (const auto& [c, k] :
         merge_order(per_core.data(), size_t(cores), p, false, share.data(), first.data())) {
      if (starts[size_t(c)][k]) layer_record(*starts[size_t(c)][k], c);
      op_record(*of[size_t(c)][k], *per_core[size_t(c)][k]);
    }
    i = end;
  }
  if (streamed) recs = with_fills(std::move(recs));
  RecordWriter e(R);
  e.put(int(RecordType::end), 2, "type");
  e.put(streamed ? next_row % ring : 0, rw, "ring base advance");
  recs.push_back(e.take());
  return recs;
}

std::string program_hex(const std::vector<std::vector<uint32_t>>& program) {
  std::string s;
  for (const auto& rec : program) {
    for (size_t k = rec.size(); k-- > 0;) s += fmt::format("{:08x}", rec[k]);
    s += '\n';
  }
  return s;
}

std::string chip_verilog(const SeCoreParams& p, const AttParams& att, const RouterParams& rt,
                         int cores, int classes, const std::string& from) {
  const int eidx = classes > 1 ? int(std::bit_width(unsigned(classes - 1))) : 1;
  const int S = p.sg_lanes * cores;
  std::string v = fmt::format(
      "// Generated by `spikestack rtl` from {}. Do not edit.\n"
      "// The accelerator's top level for this architecture and model: hw/ss_top.v with the\n"
      "// parameters of ss_params.vh (docs/rtl.md, \"ss_top\").\n"
      "module ss_chip (\n"
      "  input  wire clk_i,\n  input  wire rst_ni,\n"
      "  input  wire start_i,\n  output wire busy_o,\n  output wire done_o,\n"
      "  output wire [15:0] layer_o,\n  output wire [{}:0] core_layer_o,\n"
      "  output wire drained_o,\n"
      "  output wire oc_rd_req_o,\n  output wire [23:0] oc_rd_addr_o,\n"
      "  input  wire oc_rd_valid_i,\n  input  wire [{}:0] oc_rd_data_i,\n"
      "  input  wire wfill_en_i,\n  input  wire [{}:0] wfill_addr_i,\n"
      "  input  wire [{}:0] wfill_data_i,\n"
      "  output wire wm_rd_req_o,\n  output wire [23:0] wm_rd_addr_o,\n"
      "  input  wire wm_rd_valid_i,\n  input  wire [{}:0] wm_rd_data_i,\n",
      from, cores * 16 - 1, record_bits(p, att, rt) - 1, p.wg_addr_w() - 1,
      p.wg_banks * p.wg_width - 1, p.wg_banks * p.wg_width - 1);
  const std::pair<const char*, int> lanes[] = {{"tok", p.tok_w}, {"ch", p.ch_w}};
  v += fmt::format("  output wire [{}:0] mem_rd_en_o,\n", S - 1);
  for (const auto& [n, w] : lanes)
    v += fmt::format("  output wire [{}:0] mem_rd_{}_o,\n", S * w - 1, n);
  v += fmt::format("  input  wire [{}:0] mem_rd_data_i,\n", S * p.mem_w - 1);
  v += fmt::format("  output wire [{}:0] mem_wr_en_o,\n", S - 1);
  for (const auto& [n, w] : lanes)
    v += fmt::format("  output wire [{}:0] mem_wr_{}_o,\n", S * w - 1, n);
  v += fmt::format("  output wire [{}:0] mem_wr_data_o,\n", S * p.mem_w - 1);
  v += fmt::format("  output wire [{}:0] out_valid_o,\n  output wire [{}:0] out_spike_o,\n", S - 1,
                   S - 1);
  for (const auto& [n, w] : lanes)
    v += fmt::format("  output wire [{}:0] out_{}_o,\n", S * w - 1, n);
  v += fmt::format("  output wire [{}:0] out_t_o,\n", S * p.t_w - 1);
  const int G = p.sg_lanes;  // the attention stage's LIF lanes
  v += fmt::format("  output wire [{}:0] aout_valid_o,\n  output wire [{}:0] aout_spike_o,\n",
                   G - 1, G - 1);
  for (const auto& [n, w] : lanes)
    v += fmt::format("  output wire [{}:0] aout_{}_o,\n", G * w - 1, n);
  v += fmt::format("  output wire [{}:0] aout_t_o,\n", G * p.t_w - 1);
  const int rt_eidx = rt.e > 1 ? int(std::bit_width(unsigned(rt.e - 1))) : 1;
  v += fmt::format("  output wire rout_valid_o,\n  output wire [{}:0] rout_tok_o,\n", p.tok_w - 1);
  v += fmt::format("  output wire [{}:0] rout_idx_o,\n", rt.k * rt_eidx - 1);
  v += fmt::format("  output wire class_valid_o,\n  output wire [{}:0] class_o,\n", eidx - 1);
  v += fmt::format(
      "  output wire [{}:0] issue_o,\n  output wire att_busy_o,\n  output wire rt_busy_o,\n"
      "  output wire [{}:0] wglb_rd_o,\n  output wire [{}:0] wglb_wr_o,\n"
      "  output wire wbus_o,\n  output wire wstall_o\n);\n",
      cores - 1, p.wg_banks - 1, p.wg_banks - 1);
  v += "  /* verilator lint_off UNUSEDPARAM */\n  `include \"ss_params.vh\"  // (other blocks' "
       "parameters too)\n"
       "  /* verilator lint_on UNUSEDPARAM */\n  ss_top #(\n";
  const std::pair<const char*, const char*> params[] = {{"ROWS", "SE_ROWS"},
                                                        {"COLS", "SE_COLS"},
                                                        {"LANES", "SE_LANES"},
                                                        {"WEIGHT_BITS", "SE_WEIGHT_BITS"},
                                                        {"PSUM_BITS", "SE_PSUM_BITS"},
                                                        {"ACC_W", "SE_ACC_W"},
                                                        {"MEM_W", "SE_MEM_W"},
                                                        {"BIAS_W", "SE_BIAS_W"},
                                                        {"SG_LANES", "SE_SG_LANES"},
                                                        {"CHUNK", "SE_CHUNK"},
                                                        {"PLANES", "SE_PLANES"},
                                                        {"WBW", "SE_WBW"},
                                                        {"SBW", "SE_SBW"},
                                                        {"TOK_W", "SE_TOK_W"},
                                                        {"CH_W", "SE_CH_W"},
                                                        {"T_W", "SE_T_W"},
                                                        {"DW", "SE_DW"},
                                                        {"CLASSES", "TOP_CLASSES"},
                                                        {"CORES", "SE_COUNT"},
                                                        {"ATT_ROWS", "ATT_ROWS"},
                                                        {"ATT_COLS", "ATT_COLS"},
                                                        {"ATT_LANES", "ATT_LANES"},
                                                        {"ATT_SCORE_BITS", "ATT_SCORE_BITS"},
                                                        {"ATT_NI", "ATT_NI"},
                                                        {"ATT_TOKENS", "ATT_TOKENS"},
                                                        {"ATT_DH", "ATT_DH"},
                                                        {"RT_E", "RT_E"},
                                                        {"RT_K", "RT_K"},
                                                        {"RT_CIN_P", "RT_CIN_P"},
                                                        {"RT_T_P", "RT_T_P"},
                                                        {"RT_PL_P", "RT_PL_P"},
                                                        {"RT_WROWS", "RT_WROWS"},
                                                        {"WG_BANKS", "GLB_WEIGHT_BANKS"},
                                                        {"WG_WIDTH", "GLB_WEIGHT_WIDTH"},
                                                        {"WG_WORDS", "TOP_WG_WORDS"},
                                                        {"WG_BEAT", "TOP_WG_BEAT"},
                                                        {"WF_DEPTH", "TOP_WF_DEPTH"},
                                                        {"BUS_LAT", "BUS_LATENCY"}};
  for (size_t k = 0; k < std::size(params); ++k)
    v += fmt::format("    .{}({}){}\n", params[k].first, params[k].second,
                     k + 1 < std::size(params) ? "," : "");
  v += "  ) u_top (\n";
  const char* ports[] = {
      "clk_i",         "rst_ni",       "start_i",      "busy_o",        "done_o",
      "layer_o",       "core_layer_o", "drained_o",    "oc_rd_req_o",   "oc_rd_addr_o",
      "oc_rd_valid_i", "oc_rd_data_i", "mem_rd_en_o",  "mem_rd_tok_o",  "mem_rd_ch_o",
      "mem_rd_data_i", "mem_wr_en_o",  "mem_wr_tok_o", "mem_wr_ch_o",   "mem_wr_data_o",
      "out_valid_o",   "out_spike_o",  "out_tok_o",    "out_ch_o",      "out_t_o",
      "aout_valid_o",  "aout_spike_o", "aout_tok_o",   "aout_ch_o",     "aout_t_o",
      "rout_valid_o",  "rout_tok_o",   "rout_idx_o",   "class_valid_o", "class_o",
      "issue_o",       "att_busy_o",   "rt_busy_o",    "wfill_en_i",    "wfill_addr_i",
      "wfill_data_i",  "wm_rd_req_o",  "wm_rd_addr_o", "wm_rd_valid_i", "wm_rd_data_i",
      "wglb_rd_o",     "wglb_wr_o",    "wbus_o",       "wstall_o"};
  for (size_t k = 0; k < std::size(ports); ++k)
    v += fmt::format("    .{}({}){}\n", ports[k], ports[k], k + 1 < std::size(ports) ? "," : "");
  v += "  );\nendmodule\n";
  return v;
}

}  // namespace ss::rtl
