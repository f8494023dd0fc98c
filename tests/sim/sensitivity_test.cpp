// What an architect expects: more PEs never slow a layer down, more sparsity never costs
// more cycles, a smaller top-K does less expert work.
#include <map>

#include "sim_test_util.h"

namespace {

using namespace ss;

// A layer's own cycles, without its wait for a weight fill from off-chip: the wait can grow as
// the layers before get shorter (the paper-scale model streams its weights; with an [offchip]
// memory, e.g. --set offchip.width="128 bits", it is memory-bound), so only the layer's own time
// and the inference's must not.
std::vector<double> layer_cycles(const sim::SimResult& r) {
  std::vector<double> c;
  for (const auto& l : r.layers) c.push_back(l.cycles - l.weight_wait);
  return c;
}

// Latency of every scheduling step: an ungrouped layer, or a group of concurrent layers
// (experts on their cores: a single expert may take longer when it shares the buffers with
// the others, but the group finishes sooner).
std::vector<double> step_cycles(const sim::Workload& w, const sim::SimResult& r, const arch::Arch& a) {
  std::vector<double> out;
  std::map<int, std::map<int, double>> g;
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const auto& d = w.layers[i];
    if (d.group < 0) {
      out.push_back(r.layers[i].cycles);
      continue;
    }
    const int P = d.unit == sim::Unit::attention_cores ? a.attention.count : a.se.count;
    g[d.group][d.expert % P] += r.layers[i].cycles;
  }
  for (auto& [k, cores] : g) {
    double m = 0;
    for (auto& [c, v] : cores) m = std::max(m, v);
    out.push_back(m);
  }
  return out;
}

TEST(Sensitivity, MoreCoresNeverSlowALayer) {
  Network net = load_network(test::src("models/moe-fmnist.toml"), Mode::Int);
  Dataset ds = test::fmnist(2);
  sim::Workload w = sim::build_workload(net.spec());
  std::vector<double> prev;
  double prev_total = 0;
  for (int cores : {1, 2, 4, 8}) {
    std::string n = std::to_string(cores);
    arch::Arch a = test::paper({"se_cores.count=" + n, "attention_cores.count=" + n});
    auto r = sim::simulate_cycle(a, w, sim::engine_source(net, ds, ds.count(), nullptr));
    auto c = step_cycles(w, r, a);
    if (!prev.empty()) {
      for (size_t i = 0; i < c.size(); ++i) EXPECT_LE(c[i], prev[i]) << cores << " cores, step " << i;
      EXPECT_LE(r.activity.cycles, prev_total) << cores;
    }
    prev = c, prev_total = r.activity.cycles;
  }
}

TEST(Sensitivity, BiggerArraysNeverCostMoreArrayWork) {
  // Larger tiles cover more channels, so fewer (never more) token-tile steps are issued; the
  // only thing that grows is the one-off pipeline fill (rows + cols per layer).
  Network net = load_network(test::src("models/spikformer-fmnist.toml"), Mode::Int);
  Dataset ds = test::fmnist(2);
  sim::Workload w = sim::build_workload(net.spec());
  std::vector<double> prev;
  for (int side : {8, 16, 32, 64}) {
    std::string n = std::to_string(side);
    arch::Arch a = test::paper({"se_cores.rows=" + n, "se_cores.cols=" + n});
    auto r = sim::simulate_cycle(a, w, sim::engine_source(net, ds, ds.count(), nullptr));
    if (!prev.empty()) {
      for (size_t i = 0; i < w.layers.size(); ++i) {
        if (w.layers[i].unit == sim::Unit::se_cores) {
          EXPECT_LE(r.layers[i].busy, prev[i]) << side << " " << w.layers[i].name;
        }
      }
    }
    prev.clear();
    for (const auto& l : r.layers) prev.push_back(l.busy);
  }
}

TEST(Sensitivity, MoreSparsityNeverCostsMoreCycles) {
  // Same seed: the spikes at a lower rate are a subset of those at a higher rate.
  ModelSpec m = ModelSpec::load(test::src("models/paper/moe-4-384.toml"));
  sim::Workload w = sim::build_workload(m);
  arch::Arch a = test::paper();
  std::vector<double> prev;
  double prev_total = 0;
  for (double rate : {0.3, 0.15, 0.05, 0.01}) {
    auto r = sim::simulate_cycle(a, w, sim::synthetic_source(w, rate, 5, 1));
    auto c = layer_cycles(r);
    if (!prev.empty()) {
      for (size_t i = 0; i < c.size(); ++i) EXPECT_LE(c[i], prev[i]) << rate << " " << w.layers[i].name;
      EXPECT_LE(r.activity.cycles, prev_total);
    }
    prev = c, prev_total = r.activity.cycles;
    // and analytically
  }
  double prev_an = 1e300;
  for (double rate : {0.3, 0.15, 0.05, 0.01}) {
    auto r = sim::simulate_analytical(a, w, sim::stats_from_rate(w, rate, a));
    EXPECT_LE(r.activity.cycles, prev_an) << rate;
    prev_an = r.activity.cycles;
  }
}

TEST(Sensitivity, SmallerTopKDoesLessExpertWork) {
  ModelSpec m = ModelSpec::load(test::src("models/paper/moe-4-384.toml"));
  arch::Arch a = test::paper();
  double prev_ops = 0, prev_cycles = 0, prev_an = 0;
  for (int k : {1, 2, 3, 4}) {
    m.ffn.top_k = k;
    sim::Workload w = sim::build_workload(m);
    auto r = sim::simulate_cycle(a, w, sim::synthetic_source(w, 0.1, 3, 1));
    double ops = 0, cycles = 0;
    for (size_t i = 0; i < w.layers.size(); ++i)
      if (w.layers[i].routed) ops += r.layers[i].acc_ops, cycles += r.layers[i].busy;
    auto an = sim::simulate_analytical(a, w, sim::stats_from_rate(w, 0.1, a));
    double an_ops = 0;
    for (size_t i = 0; i < w.layers.size(); ++i)
      if (w.layers[i].routed) an_ops += an.layers[i].acc_ops;
    EXPECT_GT(ops, prev_ops) << k;
    EXPECT_GT(cycles, prev_cycles) << k;
    EXPECT_GT(an_ops, prev_an) << k;
    prev_ops = ops, prev_cycles = cycles, prev_an = an_ops;
  }
}

}  // namespace
