// Per-layer firing statistics for the analytical model: measured by the cycle-level run, read
// from an engine trace, or set from one rate.
#include <algorithm>
#include <cmath>
#include <map>

#include "common/error.h"
#include "sim/analytical.h"

namespace ss::sim {

namespace {
double heads_kept(const LayerDesc& d, const arch::Arch& a) {
  if (d.expert >= 0) return 1;
  return a.head_pruning ? std::max(1.0, std::ceil(a.head_keep * d.heads - 1e-9)) : d.heads;
}
// Sum of k independent Bernoulli(p) terms: E[popcount(v)] and P(v != 0).
void binomial_bits(int k, double p, double& events, double& nonzero) {
  std::vector<double> pr(k + 1, 0.0);
  pr[0] = 1;
  for (int i = 0; i < k; ++i)
    for (int j = i + 1; j >= 0; --j) pr[j] = pr[j] * (1 - p) + (j > 0 ? pr[j - 1] * p : 0.0);
  events = 0, nonzero = 1 - pr[0];
  for (int v = 1; v <= k; ++v) events += pr[v] * std::popcount(unsigned(v));
}
}  // namespace

std::vector<LayerStats> finalize_stats(const Workload& w, const std::vector<LayerStats>& sums,
                                       const std::vector<double>& elems, double samples) {
  std::vector<LayerStats> out(w.layers.size());
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const auto& d = w.layers[i];
    const LayerStats& s = sums[i];
    LayerStats& o = out[i];
    o.tokens_active = s.tokens_active / samples;
    o.out_spikes = s.out_spikes / samples;
    o.heads_kept = s.heads_kept / samples;
    if (d.kind == Kind::attention) {
      const double qe = elems[i];
      const double kve = samples * d.tokens * d.T * d.dh * std::max(1.0, o.heads_kept);
      o.q_rate = qe > 0 ? s.q_rate / qe : 0;
      o.k_rate = s.k_rate / kve, o.v_rate = s.v_rate / kve;
      const double ch = std::max(1e-300, s.heads_kept * d.dh);  // head-channels over samples
      o.q_dead = s.q_dead / ch, o.k_dead = s.k_dead / ch, o.v_dead = s.v_dead / ch;
      continue;
    }
    o.silent_tokens = s.tokens_active > 0 ? s.silent_tokens / s.tokens_active : 0;
    o.in_events = elems[i] > 0 ? s.in_events / elems[i] : 0;
    o.in_nonzero = elems[i] > 0 ? s.in_nonzero / elems[i] : 0;
    o.in_syn = d.kind == Kind::pixel_conv ? o.in_nonzero : o.in_events;
  }
  return out;
}

std::vector<LayerStats> stats_from_trace(const Workload& w, const Trace& tr, const arch::Arch& a) {
  std::map<std::string, const LayerTrace*> by;
  for (const auto& l : tr.layers()) by[l.name] = &l;
  const double S = double(std::max<int64_t>(tr.samples(), 1));
  auto get = [&](const std::string& n) -> const LayerTrace& {
    auto it = by.find(n);
    if (it == by.end()) throw Error("trace has no layer '" + n + "'");
    return *it->second;
  };
  auto sum = [](const std::vector<int64_t>& v) {
    double s = 0;
    for (auto x : v) s += double(x);
    return s;
  };
  auto spikes = [&](const LayerTrace& l) {
    double s = 0;
    for (auto x : l.spikes) s += double(x);
    return s / S;
  };
  std::vector<LayerStats> out(w.layers.size());
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const auto& d = w.layers[i];
    LayerStats& o = out[i];
    const std::string blk = "blocks." + std::to_string(d.block);
    o.tokens_active = d.tokens;
    o.heads_kept = heads_kept(d, a);
    double gate_on = 1;
    if (d.gate >= 0 && a.skip_gated) {
      const double r = get(blk + ".attn.router").rate();
      gate_on = 1 - std::pow(1 - r, d.T);  // independence over steps (docs/sim.md)
      o.tokens_active = d.tokens * gate_on;
    }
    if (d.routed) {
      const auto& u = tr.expert_usage();
      auto it = u.find(blk);
      if (it == u.end()) throw Error("trace has no expert usage for " + blk);
      o.tokens_active = double(it->second[d.expert]) / S;
    }
    if (d.kind == Kind::attention) {
      const LayerTrace& q = get(d.inputs[0]);
      o.q_rate = q.rate(), o.k_rate = get(d.inputs[1]).rate(), o.v_rate = get(d.inputs[2]).rate();
      if (d.routed || d.gate >= 0) o.q_rate = q.rate();
      o.out_spikes = spikes(get(d.name)) * gate_on * o.heads_kept / (d.expert >= 0 ? 1 : d.heads);
      continue;
    }
    if (d.kind == Kind::router) {  // same input as the experts' fc1: their events per element
      double ev = 0, el = 0;
      for (int e = 0; e < d.experts; ++e) {
        const LayerTrace& f = get(blk + ".ffn.experts." + std::to_string(e) + ".fc1");
        ev += sum(f.sops_exec) / f.channels;
      }
      const auto& u = tr.expert_usage().at(blk);
      for (auto x : u) el += double(x) * d.T * d.cin;
      o.in_events = el > 0 ? ev / el : 0;
      o.in_nonzero = std::min(1.0, o.in_events), o.in_syn = o.in_events;
      continue;
    }
    const LayerTrace& l = get(d.name);
    const double fan = d.kind == Kind::dwconv ? 1.0 : d.cout;
    const double per_sample_events = sum(l.sops_exec) / fan / S;
    const double Tin = d.kind == Kind::pixel_conv ? 1 : d.T;
    const double all_elems = (d.routed ? o.tokens_active : d.tokens) * Tin *
                             (d.kind == Kind::dwconv ? 9.0 * d.cout : d.cin);
    const double dens = all_elems > 0 ? per_sample_events / all_elems : 0;
    if (d.kind == Kind::pixel_conv) {
      o.in_nonzero = dens, o.in_syn = dens;
      o.in_events = 4.0 * dens;  // a non-zero 8-bit pixel has 4 bits set on average (assumed)
    } else {
      o.in_events = dens, o.in_syn = dens;
      o.in_nonzero = std::min(1.0, dens);  // exact for spikes; residual values: an upper bound
    }
    double kept = 1;
    if (d.head_channels && a.head_pruning) kept = o.heads_kept / d.heads;
    o.out_spikes = spikes(l) * gate_on * kept;
  }
  return out;
}

std::vector<LayerStats> stats_from_rate(const Workload& w, double rate, const arch::Arch& a) {
  if (!(rate >= 0 && rate <= 1)) throw Error("firing rate must be in [0, 1]");
  std::vector<LayerStats> out(w.layers.size());
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const auto& d = w.layers[i];
    LayerStats& o = out[i];
    o.tokens_active = d.tokens;
    o.heads_kept = heads_kept(d, a);
    if (d.routed) o.tokens_active = double(d.tokens) * d.top_k / d.experts;
    if (d.gate >= 0 && a.skip_gated) o.tokens_active = d.tokens * (1 - std::pow(1 - rate, d.T));
    if (d.kind == Kind::attention) {
      o.q_rate = o.k_rate = o.v_rate = rate;
      o.out_spikes = rate * o.tokens_active * d.dh * o.heads_kept * d.T;
      continue;
    }
    if (d.kind == Kind::pixel_conv) {
      o.in_nonzero = o.in_syn = 255.0 / 256.0;  // synthetic pixels uniform in 0..255
      o.in_events = 4.0;
    } else if (d.in_terms > 1) {
      const double p = d.in_terms_rate_sq ? rate * rate : rate;
      binomial_bits(d.in_terms, p, o.in_events, o.in_nonzero);
      o.in_syn = o.in_events;
    } else {
      const double p = d.in_terms_rate_sq ? rate * rate : rate;
      o.in_events = o.in_nonzero = o.in_syn = p;
    }
    double kept = 1;
    if (d.head_channels && a.head_pruning) kept = o.heads_kept / d.heads;
    o.out_spikes = d.kind == Kind::router ? 0 : rate * o.tokens_active * d.cout * d.T * kept;
  }
  return out;
}

}  // namespace ss::sim
