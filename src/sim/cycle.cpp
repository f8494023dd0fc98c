#include "sim/cycle.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "common/error.h"
#include "engine/attention_core.h"
#include "engine/tokenizer.h"
#include "sim/capacity.h"
#include "sim/cycle_model.h"

namespace ss::sim {

double total_cycles(const Workload& w, const std::vector<LayerCost>& layers, const arch::Arch& a) {
  double total = 0;
  std::map<int, std::map<int, double>> groups;  // group -> core -> cycles
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const LayerDesc& d = w.layers[i];
    if (d.group < 0) {
      total += layers[i].cycles;
    } else {
      const int P = d.unit == Unit::attention_cores ? a.attention.count : a.se.count;
      groups[d.group][d.expert % P] += layers[i].cycles;
    }
  }
  for (auto& [g, cores] : groups) {
    double mx = 0;
    for (auto& [k, v] : cores) mx = std::max(mx, v);
    total += mx;
  }
  return total;
}

namespace {

// Pixels as im2col planes (one step): row (y, x) holds 9 x C values ordered (ky, kx, c).
Planes pixel_planes(const std::vector<uint8_t>& img, int C, int h, int w) {
  Values v(1, h * w, 9 * C);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < 9; ++k) {
        const int sy = y + k / 3 - 1, sx = x + k % 3 - 1;
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
        for (int c = 0; c < C; ++c)
          v.at(0, y * w + x, k * C + c) = img[(size_t(c) * h + sy) * w + sx];
      }
  return Planes::of(v);
}

class SampleRun {
 public:
  SampleRun(const Workload& w, const SampleSpikes& s, const SimContext& c, WeightLayerObserver* obs)
      : w_(w), s_(s), c_(c), obs_(obs) {
    for (const auto& d : w.layers) desc_[d.name] = &d;
  }

  SampleResult run() {
    SampleResult r;
    const auto& L = w_.layers;
    r.layers.resize(L.size());
    r.stats.resize(L.size());
    r.elems.resize(L.size());
    // groups: concurrency = distinct cores with work
    std::map<int, std::set<int>> busy_cores;
    for (const auto& d : L)
      if (d.group >= 0 && !tokens_of(d).empty())
        busy_cores[d.group].insert(d.expert % unit_cores(d));
    for (size_t i = 0; i < L.size(); ++i) {
      const LayerDesc& d = L[i];
      LayerStats& st = r.stats[i];
      LayerCost cost;
      const int conc_group = d.group >= 0 ? int(busy_cores[d.group].size()) : 0;
      if (d.kind == Kind::router) {
        const Planes& in = input(d.inputs[0], d);
        cost = router_cycle(d, in, c_, st);
        if (obs_) obs_->on_router_layer(d, in, cost);
        r.elems[i] = double(d.tokens) * d.T * d.cin;
      } else if (d.kind == Kind::attention) {
        cost = attention(d, conc_group, st, r.elems[i]);
      } else {
        cost = linear(d, conc_group, st, r.elems[i]);
      }
      capacity_traffic(d, cost.tokens_active, c_, cost);
      r.layers[i] = cost;
      if (d.to_residual) add_residual(d);
    }
    add_fill_waits(w_, r.layers, c_);
    r.cycles = total_cycles(w_, r.layers, c_.arch);
    return r;
  }

 private:
  int unit_cores(const LayerDesc& d) const {
    return d.unit == Unit::attention_cores ? c_.arch.attention.count : c_.arch.se.count;
  }

  // Tokens a layer works on: routed ones (MoE), gated-on ones (SEMM), else all.
  std::vector<int> tokens_of(const LayerDesc& d) const {
    std::vector<int> t;
    if (d.routed) {
      const auto it = s_.routes.find("blocks." + std::to_string(d.block));
      if (it == s_.routes.end())
        throw Error("spike trace has no routes for blocks." + std::to_string(d.block));
      const int K = int(it->second.size()) / d.tokens;
      for (int n = 0; n < d.tokens; ++n)
        for (int k = 0; k < K; ++k)
          if (it->second[size_t(n) * K + k] == d.expert) t.push_back(n);
      return t;
    }
    if (d.gate >= 0 && c_.arch.skip_gated) {
      const SpikeTensor& r = s_.at("blocks." + std::to_string(d.block) + ".attn.router");
      for (int n = 0; n < d.tokens; ++n) {
        bool on = false;
        for (int tt = 0; tt < d.T; ++tt) on |= r.get(tt, n, d.gate);
        if (on) t.push_back(n);
      }
      return t;
    }
    t.resize(d.tokens);
    std::iota(t.begin(), t.end(), 0);
    return t;
  }

  // The residual stream: tokenizer output, then every block half's output added.
  void ensure_residual() {
    if (have_res_) return;
    const LayerDesc* last = nullptr;
    for (const auto& d : w_.layers)
      if (d.name.rfind("sps.conv", 0) == 0) last = &d;
    res_ = Values(w_.T, w_.tokens, w_.dim);
    res_.add(pooled_output(*last, w_.tokens));
    if (desc_.count("sps.rpe")) res_.add(s_.at("sps.rpe"));
    have_res_ = true;
  }
  void add_residual(const LayerDesc& d) {
    if (d.name == "sps.rpe") return;  // part of the tokenizer output
    ensure_residual();
    res_.add(s_.at(d.name));
  }
  // Output of a tokenizer stage as the next layer sees it (after its max pool).
  SpikeTensor pooled_output(const LayerDesc& src, int tokens) const {
    const SpikeTensor& s = s_.at(src.name);
    if (src.tokens == tokens) return s;
    return maxpool3x3s2(s, src.grid_h, src.grid_w);
  }

  const Planes& input(const std::string& key, const LayerDesc&) {
    if (key.find(':') != std::string::npos) {
      auto c = cache_.find(key);
      if (c != cache_.end()) return c->second;
      if (key.ends_with(":x")) {
        ensure_residual();
        return cache_[key] = Planes::of(res_);
      }
      // ":y": EMSA merge Y = sum_i R_i AND O_i
      const std::string p = key.substr(0, key.size() - 2);
      const SpikeTensor& r = s_.at(p + ".router");
      const int E = r.channels();
      const SpikeTensor& o0 = s_.at(p + ".o0");
      Values y(o0.T(), o0.tokens(), o0.channels());
      for (int i = 0; i < E; ++i) {
        const SpikeTensor& o = s_.at(p + ".o" + std::to_string(i));
        for (int t = 0; t < o.T(); ++t)
          for (int n = 0; n < o.tokens(); ++n)
            if (r.get(t, n, i))
              for (int c = 0; c < o.channels(); ++c) y.at(t, n, c) += o.get(t, n, c);
      }
      return cache_[key] = Planes::of(y);
    }
    return cache_[key] = Planes::of(s_.at(key));
  }

  Planes conv_input(const LayerDesc& d) {
    if (d.kind == Kind::pixel_conv) {
      std::vector<uint8_t> img = s_.image;
      if (img.empty()) img.assign(size_t(d.channels_in) * d.tokens, 255);  // unknown: dense
      return pixel_planes(img, d.channels_in, d.grid_h, d.grid_w);
    }
    const LayerDesc& src = *desc_.at(d.inputs[0]);
    return Planes::of(im2col3x3(pooled_output(src, d.tokens), d.grid_h, d.grid_w));
  }

  LayerCost linear(const LayerDesc& d, int conc_group, LayerStats& st, double& elems) {
    std::vector<int> toks = tokens_of(d);
    int kept = d.cout;
    if (d.head_channels && pruning(d)) kept = int(kept_heads(d).size()) * d.dh;
    const int P = c_.arch.se.count, C = c_.arch.se.cols;
    const int conc = d.group >= 0 ? conc_group : std::min(P, (kept + C - 1) / C);
    const bool is_conv = d.grid_h > 0 && d.kind != Kind::dwconv;
    Planes built;  // an input made for this layer alone (else one shared from the cache)
    const Planes* in = &built;
    if (is_conv) {
      built = conv_input(d);
    } else if (d.kind == Kind::dwconv) {
      const SpikeTensor& h1 = s_.at(d.inputs[0]);
      built = Planes::of(im2col3x3(slice_channels(h1, 0, d.cout), d.grid_h, d.grid_w));
    } else if (d.inputs.size() == 2 && d.inputs[1].ends_with(".ffn.fc1")) {  // EMSP fc2
      const SpikeTensor& h1 = s_.at(d.inputs[1]);
      SpikeTensor g = s_.at(d.inputs[0]), b = slice_channels(h1, d.cin, d.cin);
      for (size_t r = 0; r < g.rows(); ++r)
        for (size_t k = 0; k < g.stride(); ++k) g.row(r)[k] &= b.row(r)[k];
      built = Planes::of(g);
    } else {
      in = &input(d.inputs[0], d);
    }
    LayerCost cost = linear_cycle(d, *in, toks, kept, conc, c_, st);
    const int Tin = d.kind == Kind::pixel_conv ? 1 : d.T;
    elems = double(toks.size()) * Tin * (d.kind == Kind::dwconv ? 9.0 * d.cout : d.cin);
    if (d.kind != Kind::head) {  // the head computes scores, no spikes
      // spikes the hardware fires: the engine's output on the tokens and channels computed
      const SpikeTensor& out = s_.at(d.name);
      double fired = 0;
      for (int t = 0; t < d.T; ++t)
        for (int n : toks) {
          const uint64_t* row = out.row(t, n);
          for (size_t k = 0; k < out.stride(); ++k) fired += std::popcount(row[k]);
        }
      if (kept < d.cout) {  // pruned heads' channels: only the kept ones are computed
        fired = 0;
        for (int h : kept_heads(d))
          for (int t = 0; t < d.T; ++t)
            for (int n : toks)
              for (int c = h * d.dh; c < (h + 1) * d.dh; ++c) fired += out.get(t, n, c);
      }
      if (d.head_channels) st.heads_kept += double(kept) / d.dh;
      cost.spikes_fired = fired;
      st.out_spikes += fired;
    }
    if (obs_) obs_->on_weight_layer(d, *in, toks, kept, conc, cost);
    return cost;
  }

  // Dynamic head pruning: the heads the engine ran (SampleSpikes::heads, recorded from the
  // engine or read from its dump); for spikes without that record (synthetic, or a model
  // that did not prune) with mapping.head_pruning, the engine's own ranking on these Q spikes
  // (rank_heads: top ceil(p H) by Q spike count, ties to the lower index).
  bool pruning(const LayerDesc& d) const {
    return c_.arch.head_pruning || s_.heads.count("blocks." + std::to_string(d.block) + ".attn");
  }
  const std::vector<int>& kept_heads(const LayerDesc& d) {
    const std::string key = "blocks." + std::to_string(d.block);
    auto it = heads_.find(key);
    if (it != heads_.end()) return it->second;
    const int H = d.heads;
    std::vector<uint8_t> ran(H, 1);
    if (auto e = s_.heads.find(key + ".attn"); e != s_.heads.end()) {
      if (int(e->second.size()) != H)
        throw Error(key + ".attn: the spikes record " + std::to_string(e->second.size()) +
                    " heads, the model has " + std::to_string(H));
      ran = e->second;
    } else if (c_.arch.head_pruning) {
      const int keep = std::max(1, int(std::ceil(c_.arch.head_keep * H - 1e-9)));
      ran = rank_heads(s_.at(key + ".attn.q"), H, keep);
    }
    std::vector<int>& out = heads_[key];
    for (int h = 0; h < H; ++h)
      if (ran[h]) out.push_back(h);
    return out;
  }

  LayerCost attention(const LayerDesc& d, int conc_group, LayerStats& st, double& elems) {
    std::vector<int> rows = tokens_of(d);
    const SpikeTensor& q = s_.at(d.inputs[0]);
    const SpikeTensor& k = s_.at(d.inputs[1]);
    const SpikeTensor& v = s_.at(d.inputs[2]);
    std::vector<int> heads = d.expert >= 0 ? std::vector<int>{0} : kept_heads(d);
    const int P = c_.arch.attention.count;
    const int conc = d.group >= 0 ? conc_group : std::min<int>(P, int(heads.size()));
    LayerCost cost = attention_cycle(d, q, k, v, rows, heads, conc, c_, st);
    if (d.expert < 0 && pruning(d))  // the ranking: one counter event per Q spike, top-k
      add_head_ranking(d, double(q.count()), int(heads.size()), c_, cost);
    elems = double(rows.size()) * double(heads.size()) * d.T * d.dh;  // Q elements
    const SpikeTensor& out = s_.at(d.name);
    double fired = 0;
    for (int t = 0; t < d.T; ++t)
      for (int n : rows)
        for (int h : heads)
          for (int c = h * d.dh; c < (h + 1) * d.dh; ++c) fired += out.get(t, n, c);
    cost.spikes_fired = fired;
    st.out_spikes += fired;
    if (obs_) obs_->on_attention_layer(d, q, k, v, rows, heads, cost);
    return cost;
  }

  const Workload& w_;
  const SampleSpikes& s_;
  const SimContext& c_;
  WeightLayerObserver* obs_;
  std::map<std::string, const LayerDesc*> desc_;
  std::map<std::string, Planes> cache_;
  std::map<std::string, std::vector<int>> heads_;
  Values res_;
  bool have_res_ = false;
};

}  // namespace

SampleResult simulate_sample(const Workload& w, const SampleSpikes& s, const SimContext& c,
                             WeightLayerObserver* obs) {
  return SampleRun(w, s, c, obs).run();
}

}  // namespace ss::sim
