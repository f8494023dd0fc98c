// The analytical model against the cycle-level simulator: the same description and the same
// per-layer firing statistics give cycles and every access count within 5 %.
#include "sim_test_util.h"

namespace {

using namespace ss;

double compare(const arch::Arch& a, const sim::Workload& w, const sim::SimResult& cyc,
               const std::string& what, double tol, bool access_only = false) {
  sim::SimResult an = sim::simulate_analytical(a, w, cyc.stats);
  double worst = 0;
  if (!access_only) {
    EXPECT_NEAR(an.activity.cycles, cyc.activity.cycles, tol * cyc.activity.cycles) << what << " cycles";
  }
  test::expect_tree_near(cyc.activity.root, an.activity.root, tol, what, cyc.activity.cycles,
                         &worst, access_only);
  worst = std::max(worst, std::abs(an.activity.cycles - cyc.activity.cycles) / cyc.activity.cycles);
  std::printf("%-40s cycles %10.0f vs %10.0f, worst counter deviation %.2f %%\n", what.c_str(),
              cyc.activity.cycles, an.activity.cycles, 100 * worst);
  return worst;
}

TEST(Analytical, ShippedModelsWithin5Percent) {
  Dataset ds = test::fmnist(8);
  for (const char* m : {"models/moe-fmnist.toml", "models/semm-fmnist.toml", "models/spikformer-fmnist.toml"}) {
    Network net = load_network(test::src(m), Mode::Int);
    sim::Workload w = sim::build_workload(net.spec());
    arch::Arch a = test::paper();
    sim::SimResult c = sim::simulate_cycle(a, w, sim::engine_source(net, ds, ds.count(), nullptr));
    compare(a, w, c, std::string(m) + " on " + a.name, 0.05);
    // On 4 x 4 arrays with 2 lanes a tile holds 8 input bits: whether it is all zero depends on
    // which channels fire together, which rates cannot express (docs/sim.md). The access
    // counts still agree; cycles are only reported.
    arch::Arch s = test::small_arch({"buffers.weight.size=\"1 MiB\"", "buffers.spike.size=\"1 MiB\""});
    sim::SimResult cs = sim::simulate_cycle(s, w, sim::engine_source(net, ds, ds.count(), nullptr));
    compare(s, w, cs, std::string(m) + " on tiny arrays (accesses)", 0.05, true);
  }
}

TEST(Analytical, PaperScaleWithin5Percent) {
  for (const char* m : {"models/paper/moe-4-384.toml", "models/paper/semm-4-384.toml",
                        "models/paper/spikformer-4-384.toml"}) {
    ModelSpec spec = ModelSpec::load(test::src(m));
    sim::Workload w = sim::build_workload(spec);
    arch::Arch a = test::paper();
    sim::SimResult c = sim::simulate_cycle(a, w, sim::synthetic_source(w, 0.1, 1, 2));
    compare(a, w, c, std::string(m) + " synthetic", 0.05);
    // The rate-only statistics describe the same synthetic spikes, except that they assume
    // every expert gets N K / E tokens; random routing loads the busiest core more
    // (E[max] > max E), so the routed model is 6-7 % slower cycle by cycle (docs/sim.md).
    sim::SimResult r = sim::simulate_analytical(a, w, sim::stats_from_rate(w, 0.1, a));
    EXPECT_NEAR(r.activity.cycles, c.activity.cycles, 0.10 * c.activity.cycles) << m;
  }
}

}  // namespace
