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
    for (double h : s.rows_hist) o.rows_hist.push_back(h / samples);
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

namespace {
// A sum of independent Bernoulli terms, `count` of each rate: E[popcount] and P(sum != 0).
void sum_bits(const std::vector<std::pair<int, double>>& terms, double& events, double& nonzero) {
  std::vector<double> pr{1.0};
  for (const auto& [k, p] : terms)
    for (int i = 0; i < k; ++i) {
      pr.push_back(0.0);
      for (size_t j = pr.size() - 1; j > 0; --j) pr[j] = pr[j] * (1 - p) + pr[j - 1] * p;
      pr[0] *= 1 - p;
    }
  events = 0, nonzero = 1 - pr[0];
  for (size_t v = 1; v < pr.size(); ++v) events += pr[v] * std::popcount(unsigned(v));
}

// Fraction of a layer's channels that fire in no sample at all.
double dead(const LayerTrace& l) {
  double n = 0;
  for (auto x : l.active_tokens) n += x == 0;
  return l.channels > 0 ? n / l.channels : 0;
}

// Fraction of a layer's active tokens whose whole input is zero, from the producers' silence.
double silent_input(const LayerDesc& d, double active, const std::map<std::string, const LayerTrace*>& by,
                    double S) {
  if (d.inputs.size() != 1 || d.inputs[0].find(':') != std::string::npos) {
    // residual sums, the EMSA merge and the EMSP gate AND are silent only where every term is;
    // the trace has no joint statistic: taken as 0 (measured <= 0.4 % on the shipped models)
    return 0;
  }
  auto it = by.find(d.inputs[0]);
  if (it == by.end() || active <= 0) return 0;
  const LayerTrace& p = *it->second;
  const double per = double(p.silent_tokens) / S;  // silent producer tokens per sample
  if (d.grid_h > 0) {
    // im2col (conv, EMSP gate): a 3 x 3 neighbourhood (of the pooled map) is silent; taken as
    // independent positions (docs/sim.md)
    return std::pow(per / p.tokens, 9.0);
  }
  // routed experts: the engine's fc1 output is 0 on the tokens not routed to the expert
  const double s = (per - (d.tokens - active)) / active;
  return std::clamp(s, 0.0, 1.0);
}

// The head's input: the residual stream after the last block. Its events are the last FFN
// input's (measured by that layer's executed ops) plus one per spike the block adds to it.
void head_stats(const Workload& w, size_t i, const std::vector<LayerStats>& out, const Trace& tr,
                LayerStats& o) {
  const LayerDesc& d = w.layers[i];
  o.tokens_active = d.tokens;
  double ev = 0, nz = 0, added = 0;
  std::string last_in;
  for (size_t j = 0; j < i; ++j)
    if (!w.layers[j].inputs.empty() && w.layers[j].inputs[0].ends_with(":x")) last_in = w.layers[j].inputs[0];
  bool found = false;
  for (size_t j = 0; j < i && !last_in.empty(); ++j) {
    const LayerDesc& x = w.layers[j];
    if (!found && x.inputs[0] == last_in && !x.routed) {
      ev = out[j].in_events, nz = out[j].in_nonzero, found = true;
    } else if (found && x.to_residual) {
      added += out[j].out_spikes;
    }
  }
  if (!found) {  // no block: the tokenizer output (and rpe) is the residual stream
    for (const auto& l : tr.layers())
      if (l.name.rfind("sps.", 0) == 0 && l.tokens == d.tokens) ev += l.rate();
    nz = std::min(1.0, ev);
  }
  added /= double(d.tokens) * d.T * d.cin;
  // As sums of independent spike terms (as stats_from_rate): the rate p of the last FFN input's
  // terms that reproduces its measured events, plus the added terms at their measured rate.
  int kx = d.in_terms, ka = 0;
  for (size_t j = 0; j < i; ++j)
    if (w.layers[j].inputs[0] == last_in) kx = w.layers[j].in_terms;
  ka = std::max(0, d.in_terms - kx);
  if (!found || ka == 0) {
    o.in_events = o.in_syn = ev + added;
    o.in_nonzero = std::min(1.0, nz + added * (1 - nz));
    return;
  }
  double lo = 0, hi = 1, e = 0, z = 0;
  for (int it = 0; it < 60; ++it) {
    const double p = 0.5 * (lo + hi);
    sum_bits({{kx, p}}, e, z);
    (e < ev ? lo : hi) = p;
  }
  const double p = 0.5 * (lo + hi), r = std::min(1.0, added / ka);
  sum_bits({{kx, p}, {ka, r}}, o.in_events, o.in_nonzero);
  o.in_syn = o.in_events;
}
}  // namespace

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
    // head pruning the engine did (trace heads_ran): its mean, and the pruned heads' K and V
    // channels are silent in the trace, so rates and spikes over the kept heads are exact
    bool engine_pruned = false;
    if ((d.kind == Kind::attention && d.expert < 0) || d.head_channels) {
      const auto hr = tr.heads_ran().find(blk + ".attn");
      if (hr != tr.heads_ran().end()) {
        o.heads_kept = sum(hr->second) / S;
        engine_pruned = true;
      }
    }
    const double kept_share = engine_pruned ? o.heads_kept / d.heads : 1.0;
    double gate_on = 1;
    // gated layers: P(router spike `gate` fires at some step) per token position, and the
    // spikes per sample of a layer on the gated-on tokens (independent given the position)
    std::vector<double> g;
    auto gated_spikes = [&](const LayerTrace& l) {
      double x = 0;
      for (int n = 0; n < d.tokens; ++n) x += g[n] * double(l.token_spikes[n]) / S;
      return x;
    };
    if (d.gate >= 0 && a.skip_gated) {  // tokens whose router spike `gate` fires at some step
      const LayerTrace& r = get(blk + ".attn.router");
      g.resize(d.tokens);
      for (int n = 0; n < d.tokens; ++n) g[n] = double(r.token_active.at(size_t(n) * r.channels + d.gate)) / S;
      gate_on = double(r.active_tokens.at(d.gate)) / (S * d.tokens);
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
      o.q_rate = q.rate(), o.k_rate = get(d.inputs[1]).rate() / kept_share,
      o.v_rate = get(d.inputs[2]).rate() / kept_share;
      // channels that never fire in any sample are dead in every head and time chunk
      o.q_dead = dead(q), o.k_dead = dead(get(d.inputs[1])), o.v_dead = dead(get(d.inputs[2]));
      if (engine_pruned) {  // a head pruned in every sample looks dead; count the kept ones
        o.k_dead = std::max(0.0, (o.k_dead - (1 - kept_share)) / kept_share);
        o.v_dead = std::max(0.0, (o.v_dead - (1 - kept_share)) / kept_share);
      }
      o.out_spikes = spikes(get(d.name)) * gate_on *
                     (engine_pruned ? 1.0 : o.heads_kept / (d.expert >= 0 ? 1 : d.heads));
      if (!g.empty() && o.tokens_active > 0) {
        o.q_rate = gated_spikes(q) / (o.tokens_active * d.T * d.dh);
        o.out_spikes = gated_spikes(get(d.name));
      }
      // format 2 trace: every head's own counts over the samples in which it ran. The kept
      // heads were ranked for their Q spikes, so their Q rate is above the all-heads rate the
      // layer total gives; silence is per sample (as the cycle model measures it per head)
      const auto hc = tr.head_counts().find(blk + ".attn");
      if (engine_pruned && d.expert < 0 && hc != tr.head_counts().end() &&
          hc->second.heads == d.heads) {
        const std::vector<int64_t>& ran = tr.heads_ran().at(blk + ".attn");
        const HeadCounts& c = hc->second;
        const size_t H = size_t(d.heads);
        double runs = 0, sp[3] = {0, 0, 0}, si[3] = {0, 0, 0};
        for (size_t h = 0; h < H; ++h) {
          if (ran[h] <= 0) continue;
          const double cells = double(ran[h]) * d.T * d.tokens * d.dh,
                       chans = double(ran[h]) * d.dh;
          HeadStats x;
          x.runs = double(ran[h]) / S;
          x.q = double(c.spikes[HeadCounts::kQ * H + h]) / cells;
          x.k = double(c.spikes[HeadCounts::kK * H + h]) / cells;
          x.v = double(c.spikes[HeadCounts::kV * H + h]) / cells;
          x.q_dead = double(c.silent[HeadCounts::kQ * H + h]) / chans;
          x.k_dead = double(c.silent[HeadCounts::kK * H + h]) / chans;
          x.v_dead = double(c.silent[HeadCounts::kV * H + h]) / chans;
          o.per_head.push_back(x);
          runs += double(ran[h]);
          for (int r = 0; r < 3; ++r)
            sp[r] += double(c.spikes[size_t(r) * H + h]),
                si[r] += double(c.silent[size_t(r) * H + h]);
        }
        if (runs > 0) {  // the kept heads' means
          const double cells = runs * d.T * d.tokens * d.dh;
          o.q_rate = sp[0] / cells, o.k_rate = sp[1] / cells, o.v_rate = sp[2] / cells;
          o.q_dead = si[0] / (runs * d.dh), o.k_dead = si[1] / (runs * d.dh),
          o.v_dead = si[2] / (runs * d.dh);
        }
      }
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
    if (d.kind == Kind::head) {  // the final residual stream: the last block input plus its adds
      head_stats(w, i, out, tr, o);
      continue;
    }
    const LayerTrace& l = get(d.name);
    const double fan = d.kind == Kind::dwconv ? 1.0 : d.cout * kept_share;  // exec = events x computed outputs
    const double per_sample_events = sum(l.sops_exec) / fan / S;
    const double Tin = d.kind == Kind::pixel_conv ? 1 : d.T;
    const double all_elems = (d.routed ? o.tokens_active : d.tokens) * Tin *
                             (d.kind == Kind::dwconv ? 9.0 * d.cout : d.cin);
    const double dens = all_elems > 0 ? per_sample_events / all_elems : 0;
    if (d.kind == Kind::pixel_conv) {
      const InputTrace& in = tr.input();
      if (in.samples > 0 && in.height * in.width == d.tokens && in.channels == d.channels_in) {
        // the images' receptive fields, recorded by Trace::on_input: exact
        const double pos = double(in.samples) * d.tokens;
        o.silent_tokens = double(in.silent_positions) / pos;
        o.in_nonzero = o.in_syn = double(in.rf_nonzero) / (pos * d.cin);
        o.in_events = double(in.rf_bits) / (pos * d.cin);
      } else {
        o.in_nonzero = dens, o.in_syn = dens;
        o.in_events = 4.0 * dens;  // a non-zero 8-bit pixel has 4 bits set on average (assumed)
      }
    } else {
      o.in_events = dens, o.in_syn = dens;
      o.in_nonzero = std::min(1.0, dens);  // exact for spikes; residual values: an upper bound
    }
    if (d.kind != Kind::pixel_conv) o.silent_tokens = silent_input(d, o.tokens_active, by, S);
    double kept = 1;
    if (d.head_channels && a.head_pruning && !engine_pruned) kept = o.heads_kept / d.heads;
    o.out_spikes = g.empty() ? spikes(l) * gate_on * kept : gated_spikes(l) * kept;
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
    o.out_spikes = d.kind == Kind::router || d.kind == Kind::head ? 0 : rate * o.tokens_active * d.cout * d.T * kept;
  }
  return out;
}

}  // namespace ss::sim
