#include "sim/simulate.h"

#include "common/error.h"
#include "sim/capacity.h"

namespace ss::sim {

SimResult simulate_cycle(const arch::Arch& a, const Workload& w, const SampleSource& next) {
  SimContext c(a);
  c.weights_resident = weights_fit(w, a);
  std::vector<LayerCost> sum(w.layers.size());
  std::vector<LayerStats> ssum(w.layers.size());
  std::vector<double> esum(w.layers.size(), 0.0);
  double cycles = 0;
  int64_t samples = 0;
  SampleSpikes s;
  while (next(s)) {
    SampleResult r = simulate_sample(w, s, c);
    for (size_t i = 0; i < sum.size(); ++i) {
      sum[i].add(r.layers[i]);
      ssum[i].add(r.stats[i]);
      esum[i] += r.elems[i];
    }
    cycles += r.cycles;
    ++samples;
    s = SampleSpikes{};
  }
  if (samples == 0) throw Error("no samples to simulate");
  SimResult out;
  out.layers.resize(sum.size());
  for (size_t i = 0; i < sum.size(); ++i) out.layers[i].add(sum[i], 1.0 / double(samples));
  out.stats = finalize_stats(w, ssum, esum, double(samples));
  out.activity = make_activity(a, w, out.layers, cycles / double(samples), "cycle", samples);
  return out;
}

SimResult simulate_analytical(const arch::Arch& a, const Workload& w,
                              const std::vector<LayerStats>& stats, Detail detail) {
  SimContext c(a);
  c.weights_resident = weights_fit(w, a);
  SimResult out;
  out.layers = analytical_costs(w, stats, c);
  add_fill_waits(w, out.layers, c);
  out.stats = stats;
  out.activity = make_activity(a, w, out.layers, total_cycles(w, out.layers, a), "analytical", 0,
                               detail);
  return out;
}

namespace {

ComponentActivity node(std::string name, std::string impl) {
  ComponentActivity c;
  c.name = std::move(name), c.impl = std::move(impl);
  return c;
}

}  // namespace

Activity make_activity(const arch::Arch& a, const Workload& w, const std::vector<LayerCost>& layers,
                       double cycles, const std::string& mode, int64_t samples, Detail detail) {
  Activity act;
  act.arch = a.name, act.model = w.model, act.mode = mode, act.samples = samples;
  act.cycles = cycles;
  LayerCost se, at, all;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerDesc& d = w.layers[i];
    const LayerCost& l = layers[i];
    all.add(l);
    if (d.unit == Unit::se_cores) se.add(l);
    if (d.unit == Unit::attention_cores) at.add(l);
    if (detail == Detail::components) continue;
    LayerActivity la;
    la.name = d.name, la.unit = unit_name(d.unit), la.cycles = l.cycles;
    auto& m = la.counters;
    m["cycles_busy"] = l.busy, m["cycles_stalled"] = l.stalled, m["cycles_idle"] = l.idle;
    m["fill_cycles"] = l.fill_cycles, m["passes"] = l.passes;
    if (l.weight_fill_bits > 0) m["weight_wait_cycles"] = l.weight_wait;
    m["acc_ops"] = l.acc_ops, m["and_ops"] = l.and_ops, m["ops_skipped"] = l.ops_skipped;
    m["synaptic_ops"] = l.synaptic_ops, m["ops_gated"] = l.ops_gated;
    m["ops_unrouted"] = l.ops_unrouted, m["ops_pruned"] = l.ops_pruned;
    m["tokens_active"] = l.tokens_active;
    m["membrane_updates"] = l.membrane_updates, m["spikes_fired"] = l.spikes_fired;
    m["spike_gen.cycles_busy"] = l.sg_busy;
    if (d.kind == Kind::router || l.score_ops > 0)  // router, or head pruning's ranking
      m["score_ops"] = l.score_ops, m["compare_ops"] = l.compare_ops;
    for (int b = 0; b < 3; ++b) {
      const std::string p = std::string(kBufNames[b]) + ".";
      m[p + "read_bits"] = l.read_bits[b], m[p + "write_bits"] = l.write_bits[b];
      m[p + "reads"] = l.reads[b], m[p + "writes"] = l.writes[b];
      m[p + "cycles_stalled"] = l.buf_stalled[b];
    }
    m["noc.transfer_bits"] = l.noc_bits, m["noc.transfers"] = l.noc_transfers;
    act.layers.push_back(std::move(la));
  }
  ComponentActivity root = node("accelerator", "");
  auto array = [&](const char* name, const arch::ArraySpec& s, const LayerCost& c) {
    ComponentActivity n = node(name, s.impl);
    auto& m = n.counters;
    m["count"] = s.count;
    m["cycles_busy"] = c.busy, m["cycles_stalled"] = c.stalled;
    m["cycles_idle"] = std::max(0.0, s.count * cycles - c.busy - c.stalled);
    m["acc_ops"] = c.acc_ops, m["and_ops"] = c.and_ops, m["ops_skipped"] = c.ops_skipped;
    m["synaptic_ops"] = c.synaptic_ops, m["ops_gated"] = c.ops_gated;
    m["ops_unrouted"] = c.ops_unrouted, m["ops_pruned"] = c.ops_pruned;
    m["fill_cycles"] = c.fill_cycles, m["passes"] = c.passes;
    return n;
  };
  root.children.push_back(array("se_cores", a.se, se));
  root.children.push_back(array("attention_cores", a.attention, at));
  {
    ComponentActivity n = node("spike_gen", a.spike_gen.impl);
    n.counters["membrane_updates"] = all.membrane_updates;
    n.counters["spikes_fired"] = all.spikes_fired;
    n.counters["cycles_busy"] = all.sg_busy;
    root.children.push_back(n);
  }
  {
    ComponentActivity n = node("router", a.router.impl);
    n.counters["score_ops"] = all.score_ops;
    n.counters["compare_ops"] = all.compare_ops;
    n.counters["cycles_busy"] = all.router_busy;
    root.children.push_back(n);
  }
  {
    ComponentActivity bufs = node("buffers", "");
    for (int b = 0; b < 3; ++b) {
      const arch::BufferSpec& s = a.buffer(kBufNames[b]);
      ComponentActivity n = node(kBufNames[b], s.impl);
      auto& m = n.counters;
      m["read_bits"] = all.read_bits[b], m["write_bits"] = all.write_bits[b];
      m["reads"] = all.reads[b], m["writes"] = all.writes[b];
      m["cycles_stalled"] = all.buf_stalled[b];
      if (b == kWeight)
        m["fill_bits"] = all.weight_fill_bits, m["fill_wait_cycles"] = all.weight_wait;
      if (b == kSpike) m["spill_bits"] = all.spike_spill_bits;
      // addresses are striped across banks, so every bank sees an equal share
      for (int k = 0; k < s.banks; ++k) {
        ComponentActivity bank = node("bank" + std::to_string(k), s.impl);
        for (const char* key : {"read_bits", "write_bits", "reads", "writes"})
          bank.counters[key] = m[key] / s.banks;
        n.children.push_back(std::move(bank));
      }
      bufs.children.push_back(std::move(n));
    }
    root.children.push_back(std::move(bufs));
  }
  {
    ComponentActivity n = node("noc", a.noc.impl);
    n.counters["transfer_bits"] = all.noc_bits;
    n.counters["transfers"] = all.noc_transfers;
    n.counters["cycles_busy"] = all.noc_transfers;
    root.children.push_back(n);
  }
  act.root = std::move(root);
  return act;
}

}  // namespace ss::sim
