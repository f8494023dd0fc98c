// The analytical model against the cycle-level simulator: the same description and the same
// per-layer firing statistics give cycles and every access count within 5 %.
#include "common/safetensors.h"
#include "engine/trace.h"
#include "sim_test_util.h"

namespace {

using namespace ss;

double compare(const arch::Arch& a, const sim::Workload& w, const sim::SimResult& cyc,
               const std::string& what, double tol, bool access_only = false,
               const std::vector<sim::LayerStats>* stats = nullptr,
               const std::set<std::string>& skip = {}) {
  sim::SimResult an = sim::simulate_analytical(a, w, stats ? *stats : cyc.stats);
  double worst = 0;
  if (!access_only) {
    EXPECT_NEAR(an.activity.cycles, cyc.activity.cycles, tol * cyc.activity.cycles) << what << " cycles";
  }
  test::expect_tree_near(cyc.activity.root, an.activity.root, tol, what, cyc.activity.cycles,
                         &worst, access_only, skip);
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
    // moe-fmnist: 6 %. The accumulator banks (docs/sim.md, timing) make a layer's time a
    // maximum of its passes, its LIF and their bounded overlap, per image and per expert; the
    // closed form takes that maximum of the mean statistics, which is below the mean of the
    // maxima where the bound binds in some images or chunks only (the pixel conv's background
    // chunks, experts whose token counts vary by image): measured -4.8 % cycles (SE idle
    // cycles 5.3 % of their budget); before the banks all three models within 1.3-3.1 %.
    const bool moe = std::string(m).find("moe") != std::string::npos;
    compare(a, w, c, std::string(m) + " on " + a.name, moe ? 0.06 : 0.05);
    // On 4 x 4 arrays with 2 lanes a tile holds 8 input bits: whether it is all zero depends on
    // which channels fire together, which rates cannot express (docs/sim.md). The access
    // counts still agree; cycles are only reported.
    arch::Arch s = test::small_arch({"buffers.weight.size=\"1 MiB\"", "buffers.spike.size=\"1 MiB\""});
    sim::SimResult cs = sim::simulate_cycle(s, w, sim::engine_source(net, ds, ds.count(), nullptr));
    compare(s, w, cs, std::string(m) + " on tiny arrays (accesses)", 0.05, true);
  }
}

// What `spikestack sim --mode analytical` does with a weighted model: statistics from the
// engine's trace alone (rates, executed ops, silence per layer, the images' receptive fields),
// not from a cycle run. Fashion-MNIST's background leaves 43 % of the first conv's receptive
// fields all zero; without that statistic the analytical cycles were 24-32 % high.
TEST(Analytical, TraceFedShippedModelsWithin5Percent) {
  Dataset ds = test::fmnist(16);
  for (const char* m : {"models/moe-fmnist.toml", "models/semm-fmnist.toml", "models/spikformer-fmnist.toml"}) {
    Network net = load_network(test::src(m), Mode::Int);
    sim::Workload w = sim::build_workload(net.spec());
    arch::Arch a = test::paper();
    Trace tr;
    sim::SimResult c = sim::simulate_cycle(a, w, sim::engine_source(net, ds, ds.count(), &tr));
    ASSERT_EQ(tr.samples(), 16);
    ASSERT_EQ(tr.input().samples, 16);
    const std::vector<sim::LayerStats> st = sim::stats_from_trace(w, tr, a);
    // SEMM: the Q spikes of the tokens whose router gate fires are correlated with the gate
    // within a sample; the trace has them per token position only, so the attention cores'
    // AND-and-count ops come out 15-22 % low (docs/sim.md); cycles and every access agree.
    const bool semm = std::string(m).find("semm") != std::string::npos;
    const std::set<std::string> attn_ops = {"attention_cores.and_ops", "attention_cores.synaptic_ops"};
    // moe-fmnist: 6 % (measured -5.5 % cycles, SE idle cycles 5.8 % of their budget; -4.0 %
    // before the accumulator banks: the SE-side deficit of item 4 and the bound's maximum of
    // means, above)
    const bool moe = std::string(m).find("moe") != std::string::npos;
    compare(a, w, c, std::string(m) + " trace-fed on " + a.name, moe ? 0.06 : 0.05, false, &st,
            semm ? attn_ops : std::set<std::string>{});
    if (semm) {
      sim::SimResult an = sim::simulate_analytical(a, w, st);
      for (const char* k : {"and_ops", "synaptic_ops"}) {
        const double x = c.activity.root.child("attention_cores")->get(k);
        const double y = an.activity.root.child("attention_cores")->get(k);
        std::printf("  semm attention_cores.%s: cycle %.0f, trace-fed %.0f (%.1f %%)\n", k, x, y, 100 * (y - x) / x);
        EXPECT_NEAR(y, x, 0.25 * x) << k;
      }
    }
    // the first conv's silent receptive fields are the cycle model's, exactly
    EXPECT_NEAR(st[0].silent_tokens, c.stats[0].silent_tokens, 1e-12) << m;
    EXPECT_NEAR(st[0].in_events, c.stats[0].in_events, 1e-12) << m;
  }
}

// A format 1 copy of a trace file: the same tensors without the per-head counts
// (heads_spikes, heads_silent), metadata format 1 (what spikestack wrote before them).
std::string as_format1(const std::string& path) {
  SafeTensors st = SafeTensors::load(path);
  SafeTensorsWriter w;
  for (const auto& n : st.names()) {
    if (n.rfind("heads_spikes.", 0) == 0 || n.rfind("heads_silent.", 0) == 0) continue;
    const TensorView& v = st.get(n);
    w.add(n, v.dtype, v.shape, v.bytes.data());
  }
  for (const auto& [k, v] : st.metadata())
    if (k != "format") w.set_metadata(k, v);
  const std::string out = path + ".v1";
  w.save(out);
  return out;
}

// Head pruning, analytical from the trace vs cycle by cycle on the engine's spikes (which
// executes exactly the engine's ops, conservation_test.cpp). The attention cores' AND ops are
// the kept heads' Q spikes times the key columns (qk_first; K spikes times dh in kv_first),
// their accumulations V spikes times the query rows: with every kept head's own counts
// (format 2) the analytical ops are the cycle model's exactly (1e-9); cycles and every other
// counter within 5 % (MoE 6 %, below). A format 1 trace (all-heads Q rate) is the old model:
// the Q-driven ops (AND in qk_first, accumulate in kv_first) 5-17 % low at keep 0.75-0.25
// (measured here and printed; asserted below as at least 1 % low, so that the test shows
// the per-head counts are what closes it).
TEST(Analytical, TraceFedHeadPruning) {
  Dataset ds = test::fmnist(16);
  for (const char* file : {"models/moe-fmnist.toml", "models/spikformer-fmnist.toml"})
    for (double keep : {0.25, 0.5, 0.75})
      for (const char* order : {"qk_first", "kv_first"}) {
        ModelSpec m = ModelSpec::load(test::src(file));
        m.set_head_keep(keep, "test", "attention.head_keep");
        Network net = load_network(m, Mode::Int);
        sim::Workload w = sim::build_workload(m);
        arch::Arch a = test::paper({std::string("attention_cores.order=\"") + order + "\""});
        Trace tr;
        sim::SimResult c = sim::simulate_cycle(a, w, sim::engine_source(net, ds, ds.count(), &tr));
        const std::string path = std::string(SS_BINARY_DIR) + "/analytical_pruning_trace.st";
        tr.save(path, "int");
        const Trace t2 = sim::load_trace(path, w), t1 = sim::load_trace(as_format1(path), w);
        ASSERT_EQ(t2.format(), 2);
        ASSERT_EQ(t1.format(), 1);
        ASSERT_TRUE(t1.head_counts().empty());
        const std::string what = std::string(file) + " keep " + std::to_string(keep) + " " + order;
        const std::vector<sim::LayerStats> st = sim::stats_from_trace(w, t2, a);
        // moe-fmnist: 7.5 %, its SE cores' idle cycles are 7.0 % of their budget off at keep
        // 0.5 (5.5 % before the accumulator banks; cycles -6.4 %): the trace-fed MoE's SE-side
        // deficit (docs/sim.md item 4) and the banks' maximum of means (item 7); the
        // attention cores are 1-3 % of the cycles and the per-head counts do not move it
        const bool moe = std::string(file).find("moe") != std::string::npos;
        compare(a, w, c, what + " trace-fed", moe ? 0.075 : 0.05, false, &st);
        sim::SimResult an = sim::simulate_analytical(a, w, st);
        sim::SimResult old = sim::simulate_analytical(a, w, sim::stats_from_trace(w, t1, a));
        const auto* cc = c.activity.root.child("attention_cores");
        for (const char* k : {"cycles_busy", "cycles_stalled"})
          std::printf("  attention_cores.%-12s cycle %10.0f, format 2 %10.0f, format 1 %10.0f\n", k,
                      cc->get(k), an.activity.root.child("attention_cores")->get(k),
                      old.activity.root.child("attention_cores")->get(k));
        std::printf(
            "  cycles                       cycle %10.0f, format 2 %10.0f (%+.1f %%), format 1 "
            "%10.0f (%+.1f %%)\n",
            c.activity.cycles, an.activity.cycles,
            100 * (an.activity.cycles / c.activity.cycles - 1), old.activity.cycles,
            100 * (old.activity.cycles / c.activity.cycles - 1));
        for (const char* k : {"and_ops", "acc_ops", "synaptic_ops"}) {
          const double x = cc->get(k), y = an.activity.root.child("attention_cores")->get(k),
                       z = old.activity.root.child("attention_cores")->get(k);
          std::printf(
              "  attention_cores.%-12s cycle %10.0f, format 2 %10.0f (%+.2e), format 1 %10.0f "
              "(%+.1f %%)\n",
              k, x, y, (y - x) / x, z, 100 * (z - x) / x);
          EXPECT_NEAR(y, x, 1e-9 * x) << what << " " << k;
        }
        // the format 1 gap the per-head counts close: the all-heads Q rate is below the kept
        // heads' (they were ranked for it), so the Q-driven ops come out low
        const char* q_ops = std::string(order) == "qk_first" ? "and_ops" : "acc_ops";
        EXPECT_LT(old.activity.root.child("attention_cores")->get(q_ops), 0.99 * cc->get(q_ops))
            << what;
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
