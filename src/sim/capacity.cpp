#include "sim/capacity.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>

namespace ss::sim {

bool weights_fit(const Workload& w, const arch::Arch& a) {
  double bits = 0;
  for (const auto& d : w.layers) bits += d.weight_bits(a.weight_bits);
  return bits <= a.buffer("weight").size_bits;
}

void capacity_traffic(const LayerDesc& d, double tokens, const SimContext& c, LayerCost& cost) {
  if (tokens <= 0) return;
  if (!c.weights_resident) {
    const double wbits = d.weight_bits(c.arch.weight_bits);
    cost.weight_fill_bits += wbits;
    cost.write_bits[kWeight] += wbits;
    cost.writes[kWeight] += c.comps.weight->accesses(wbits);
  }
  if (d.kind == Kind::attention) return;  // Q, K, V and O are counted with their linear layers
  const double steps = d.kind == Kind::pixel_conv ? 1 : d.T;
  const double in_ch = d.grid_h > 0 && d.kind != Kind::dwconv ? d.channels_in : d.cin;
  const double in = tokens * in_ch * steps * d.in_bits;
  const double out = d.kind == Kind::router ? 0 : tokens * d.cout * d.T * d.out_bits;
  const double excess = in + out - c.arch.buffer("spike").size_bits;
  if (excess > 0) {
    cost.spike_spill_bits += 2 * excess;
    cost.write_bits[kSpike] += excess;
    cost.read_bits[kSpike] += excess;
    cost.writes[kSpike] += c.comps.spike->accesses(excess);
    cost.reads[kSpike] += c.comps.spike->accesses(excess);
  }
}

void add_fill_waits(const Workload& w, std::vector<LayerCost>& layers, const SimContext& c) {
  const arch::OffchipSpec& off = c.arch.offchip;
  if (c.weights_resident || !off.modelled()) return;
  const arch::BufferSpec& wb = c.arch.buffer("weight");
  const double per_row = double(off.cycles_for(int64_t(wb.width_bits) * wb.banks));
  auto cores = [&](const LayerDesc& d) {
    return d.unit == Unit::attention_cores ? c.arch.attention.count : c.arch.se.count;
  };
  // Program order: the layers as they come, but a concurrent group's SE-core layers in the
  // order they start (without waits; ties to the lower core), then its attention layers, as
  // rtl::top_program merges the cores' records.
  std::vector<size_t> order;
  for (size_t i = 0; i < w.layers.size();) {
    size_t end = i + 1;
    if (w.layers[i].group >= 0)
      while (end < w.layers.size() && w.layers[end].group == w.layers[i].group) ++end;
    std::map<int, double> free;
    std::vector<std::tuple<double, int, size_t>> se;  // (start, core, layer)
    std::vector<size_t> att;
    for (size_t j = i; j < end; ++j) {
      const LayerDesc& d = w.layers[j];
      if (d.unit == Unit::attention_cores) {
        att.push_back(j);
        continue;
      }
      const int k = d.group >= 0 ? d.expert % cores(d) : 0;
      se.emplace_back(free[k], k, j);
      free[k] += layers[j].cycles;
    }
    std::sort(se.begin(), se.end());
    for (const auto& [t, k, j] : se) order.push_back(j);
    order.insert(order.end(), att.begin(), att.end());
    i = end;
  }
  std::vector<size_t> chain;  // the layers filled, in program order
  std::vector<double> fill;   // ... and their fills' cycles
  for (size_t i : order)
    if (w.layers[i].unit == Unit::se_cores && w.layers[i].kind != Kind::router &&
        layers[i].weight_fill_bits > 0) {
      chain.push_back(i);
      fill.push_back(off.latency_cycles +
                     std::ceil(layers[i].writes[kWeight] / wb.banks) * per_row);
    }
  const size_t m = chain.size();
  if (m == 0) return;
  // One inference with the first two fills ready at `ready0` / `ready1` (relative to its
  // start): every layer's start and wait, the inference's end, and when the next inference's
  // first two fills end (relative to the next start).
  std::vector<double> start(w.layers.size(), 0.0), wait(w.layers.size(), 0.0);
  auto pass = [&](double ready0, double ready1) {
    double now = 0, prev_end = 0;  // the barrier; the fill engine's last end
    std::vector<double> done(m, 0.0);
    std::map<int, double> core;  // a group's cores: when each is free (total_cycles' keys)
    int group = -1;
    size_t k = 0;  // the next layer of the chain
    for (size_t i : order) {
      const LayerDesc& d = w.layers[i];
      if (group >= 0 && d.group != group) {  // the group's end: its busiest core
        for (const auto& [key, t] : core) now = std::max(now, t);
        core.clear();
      }
      group = d.group;
      double& free = group >= 0 ? core.try_emplace(d.expert % cores(d), now).first->second : now;
      double ready = free;
      if (k < m && chain[k] == i) {
        if (k < 2) {
          done[k] = k == 0 ? ready0 : ready1;
        } else {
          const double from = std::max(start[chain[k - 2]], prev_end);
          done[k] = prev_end = from + fill[k];
        }
        ready = std::max(ready, done[k]);
        ++k;
      }
      start[i] = ready, wait[i] = ready - free;
      free = ready + layers[i].cycles;
    }
    for (const auto& [key, t] : core) now = std::max(now, t);
    // the next inference's first two layers, released as this one's last two start
    const double f0 = std::max(start[chain[m >= 2 ? m - 2 : 0]], prev_end) + fill[0];
    const double f1 = m >= 2 ? std::max(start[chain[m - 1]], f0) + fill[1] : f0;
    return std::pair{f0 - now, f1 - now};
  };
  // steady state: the first two fills as the inference before leaves them (one pass from
  // "ready", then once more from what it left)
  const auto [r0, r1] = pass(0, 0);
  pass(std::max(0.0, r0), std::max(0.0, r1));
  for (size_t i = 0; i < w.layers.size(); ++i)
    layers[i].weight_wait = wait[i], layers[i].cycles += wait[i];
}

}  // namespace ss::sim
