// Conservation: the simulator executes exactly the synaptic operations the engine counted for
// the same spikes (engine order of attention, no SEMM gate skipping), and every weight bit
// read is accounted to the weight buffer.
#include <map>

#include <bit>

#include "engine/tokenizer.h"
#include "engine/trace.h"
#include "engine/values.h"
#include "sim_test_util.h"
#include "../engine/test_models.h"

namespace {

using namespace ss;

// The classification head has no synaptic-op count in the engine (Network::run sums the final
// residual stream over tokens and steps, then does D x classes multiplies on the sums). The
// simulator runs it as a Linear on every token (bit-serial, zero-skipping) accumulated over
// tokens and steps, so its executed ops are the set bits of the final residual stream times
// the classes. Counted here independently: the residual rebuilt from the engine's spikes
// (pooled tokenizer output + rpe + every block output that adds into it).
double head_ops(const Network& net, const Dataset& ds, const sim::Workload& w) {
  const ModelSpec& m = net.spec();
  double ops = 0;
  for (size_t i = 0; i < ds.count(); ++i) {
    sim::SampleRecorder rec;
    net.run(ds.image(i), &rec);
    sim::SampleSpikes s = rec.take();
    Values x(m.timesteps, m.tokens(), m.dim);
    const std::string last = "sps.conv" + std::to_string(m.tokenizer.channels.size() - 1);
    const SpikeTensor& tok = s.at(last);
    const sim::LayerDesc* ld = nullptr;
    for (const auto& d : w.layers) if (d.name == last) ld = &d;
    x.add(tok.tokens() == m.tokens() ? tok : maxpool3x3s2(tok, ld->grid_h, ld->grid_w));
    for (const auto& d : w.layers)
      if (d.to_residual) x.add(s.at(d.name));
    for (uint8_t v : x.v) ops += std::popcount(unsigned(v));
  }
  return ops * m.classes / double(ds.count());
}

// Runs the cycle simulator on the engine inline and checks every engine layer.
void check_conservation(const Network& net, const Dataset& ds, const arch::Arch& a,
                        const std::string& what) {
  sim::Workload w = sim::build_workload(net.spec());
  Trace tr;
  sim::SimResult r = sim::simulate_cycle(a, w, sim::engine_source(net, ds, ds.count(), &tr));
  std::map<std::string, const LayerTrace*> by;
  for (const auto& l : tr.layers()) by[l.name] = &l;
  const double S = double(ds.count());
  size_t checked = 0;
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const auto& d = w.layers[i];
    if (d.kind == sim::Kind::router) continue;
    if (d.kind == sim::Kind::head) {
      const double expect = head_ops(net, ds, w);
      EXPECT_NEAR(r.layers[i].synaptic_ops, expect, 1e-9 * expect) << what << " head";
      EXPECT_DOUBLE_EQ(r.layers[i].acc_ops, r.layers[i].synaptic_ops) << what << " head";
      EXPECT_GT(expect, 0) << what;
      continue;
    }
    ASSERT_TRUE(by.count(d.name)) << d.name;
    double engine = 0;
    for (auto x : by[d.name]->sops_exec) engine += double(x);
    EXPECT_NEAR(r.layers[i].synaptic_ops * S, engine, 1e-6 * std::max(1.0, engine))
        << what << " " << d.name;
    ++checked;
  }
  EXPECT_EQ(checked, tr.layers().size()) << what;
  // weight bits: the tree's buffer total is the sum over layers of what the passes read
  double layers_w = 0;
  for (const auto& l : r.layers) layers_w += l.read_bits[sim::kWeight];
  const auto* wb = r.activity.root.child("buffers")->child("weight");
  EXPECT_NEAR(wb->get("read_bits"), layers_w, 1e-6 * layers_w) << what;
  double banks = 0;
  for (const auto& b : wb->children) banks += b.get("read_bits");
  EXPECT_NEAR(banks, layers_w, 1e-6 * layers_w) << what;
}

TEST(Conservation, ShippedModelsOnPaperArch) {
  Dataset ds = test::fmnist(4);
  for (const char* m : {"models/moe-fmnist.toml", "models/semm-fmnist.toml", "models/spikformer-fmnist.toml"}) {
    Network net = load_network(test::src(m), Mode::Int);
    arch::Arch a = test::paper({"attention_cores.order=\"auto\"", "mapping.skip_gated=false"});
    check_conservation(net, ds, a, m);
    // On the paper arch T = time lanes, so a weight tile is fetched once per chunk of
    // acc_entries / cols = 2048 / 32 = 64 tokens: block layers (49 tokens) read every weight
    // once, the 28 x 28 conv0 ceil(784 / 64) = 13 times, the 14 x 14 conv1 ceil(196 / 64) = 4.
    sim::Workload w = sim::build_workload(net.spec());
    sim::SimResult r = sim::simulate_cycle(a, w, sim::engine_source(net, ds, ds.count(), nullptr));
    for (size_t i = 0; i < w.layers.size(); ++i) {
      const auto& d = w.layers[i];
      if (d.routed) continue;  // only when routed to (checked above through the totals)
      const double chunks = std::ceil(d.tokens / 64.0);
      EXPECT_DOUBLE_EQ(r.layers[i].read_bits[sim::kWeight], chunks * d.weight_bits(a.weight_bits)) << m << " " << d.name;
    }
  }
}

TEST(Conservation, EveryLayerKindOnTinyArrays) {
  // 4x4 arrays, one time lane: every layer is tiled in channels, outputs, tokens and time.
  arch::Arch a = test::small_arch({"se_cores.time_lanes=1", "attention_cores.order=\"auto\"",
                                   "mapping.skip_gated=false"});
  for (const char* at : {"ssa", "emsa"})
    for (const char* f : {"mlp", "emsp", "moe"}) {
      ModelSpec m = test::small_spec(at, f, 3, 40, 12);
      Network net = test::random_network(m, 7);
      Dataset ds = test::random_images(m, 2, 3);
      check_conservation(net, ds, a, std::string(at) + "+" + f);
    }
}

}  // namespace

// Head pruning (docs/formats.md §3): the engine runs ceil(p H) heads per image; the simulator
// costs exactly those (the engine's choice, recorded while it runs, not a ranking of its own:
// the architecture below asks for a different keep ratio and must be ignored), so every
// layer's executed ops still equal the engine's. Independently of both: K and V of block 0
// see the same input with and without pruning, so their pruned ops are the unpruned ones
// times kept / H exactly; the ranking costs one score event per Q spike and `keep` max
// passes over H scores.
void check_pruned(const ModelSpec& base, const Network& full, const Network& pruned,
                  const Dataset& ds, const arch::Arch& a, const std::string& what) {
  check_conservation(pruned, ds, a, what);
  const ModelSpec& m = pruned.spec();
  const int H = m.attention.heads, keep = m.attention.heads_kept();
  ASSERT_LT(keep, H) << what;
  Trace tf, tp;
  for (size_t i = 0; i < ds.count(); ++i) full.run(ds.image(i), &tf), pruned.run(ds.image(i), &tp);
  auto exec = [](const Trace& t, const std::string& n) {
    int64_t e = 0;
    for (const auto& l : t.layers())
      if (l.name == n)
        for (auto x : l.sops_exec) e += x;
    return e;
  };
  for (const char* kv : {"blocks.0.attn.k", "blocks.0.attn.v"}) {
    EXPECT_EQ(exec(tp, kv) * H, exec(tf, kv) * keep) << what << " " << kv;
    EXPECT_GT(exec(tf, kv), exec(tp, kv)) << what << " " << kv;
  }
  // the trace counts the heads that ran: keep per image
  int64_t ran = 0;
  for (auto x : tp.heads_ran().at("blocks.0.attn")) ran += x;
  EXPECT_EQ(ran, int64_t(ds.count()) * keep) << what;
  // its per-head counts (format 2), recounted here from every sample's recorded spikes and
  // heads: spikes of head h's Q, K, V and attention channels and its silent Q, K, V channels,
  // over the samples in which h ran
  for (int b = 0; b < m.blocks; ++b) {
    const std::string part = "blocks." + std::to_string(b) + ".attn";
    const int dh = m.dim / H;
    std::vector<int64_t> spk(4 * size_t(H), 0), sil(3 * size_t(H), 0), runs(H, 0);
    for (size_t i = 0; i < ds.count(); ++i) {
      sim::SampleRecorder rec;
      pruned.run(ds.image(i), &rec);
      sim::SampleSpikes sp = rec.take();
      const std::vector<uint8_t>& r = sp.heads.at(part);
      int64_t kept_here = 0;
      for (int h = 0; h < H; ++h) {
        if (!r[size_t(h)]) continue;
        ++kept_here, ++runs[size_t(h)];
        const char* names[4] = {".q", ".k", ".v", ".attn"};
        for (int row = 0; row < 4; ++row) {
          const SpikeTensor& x = sp.at(part + names[row]);
          for (int c = h * dh; c < (h + 1) * dh; ++c) {
            int64_t n = 0;
            for (int t = 0; t < x.T(); ++t)
              for (int tok = 0; tok < x.tokens(); ++tok) n += x.get(t, tok, c);
            spk[size_t(row * H + h)] += n;
            if (row < 3) sil[size_t(row * H + h)] += n == 0;
          }
        }
      }
      EXPECT_EQ(kept_here, keep) << what << " " << part << " sample " << i;
    }
    ASSERT_TRUE(tp.head_counts().count(part)) << what << " " << part;
    const HeadCounts& hc = tp.head_counts().at(part);
    EXPECT_EQ(hc.heads, H) << what;
    EXPECT_EQ(tp.heads_ran().at(part), runs) << what << " " << part;
    EXPECT_EQ(hc.spikes, spk) << what << " " << part;
    EXPECT_EQ(hc.silent, sil) << what << " " << part;
    int64_t q_all = 0, q_kept = 0;  // the kept heads were ranked for their Q spikes
    for (const auto& l : tp.layers())
      if (l.name == part + ".q")
        for (auto x : l.spikes) q_all += x;
    for (int h = 0; h < H; ++h) q_kept += spk[size_t(h)];
    EXPECT_GE(double(q_kept) / keep, double(q_all) / H) << what << " " << part;
  }
  sim::Workload w = sim::build_workload(m);
  sim::SimResult r = sim::simulate_cycle(a, w, sim::engine_source(pruned, ds, ds.count(), nullptr));
  const double S = double(ds.count());
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const auto& d = w.layers[i];
    if (d.kind != sim::Kind::attention || d.block != 0) continue;
    double q_spikes = 0;
    for (const auto& l : tp.layers())
      if (l.name == "blocks.0.attn.q")
        for (auto x : l.spikes) q_spikes += double(x);
    EXPECT_DOUBLE_EQ(r.layers[i].score_ops, q_spikes / S) << what;
    EXPECT_DOUBLE_EQ(r.layers[i].compare_ops, double(keep) * (H - 1)) << what;
    const double per_head = 2.0 * d.T * double(d.tokens) * d.tokens * d.dh;
    EXPECT_DOUBLE_EQ(r.layers[i].ops_pruned, per_head * (H - keep)) << what;
  }
  (void)base;
}

TEST(Conservation, HeadPruningShippedModelsOnPaperArch) {
  Dataset ds = test::fmnist(4);
  for (const char* file : {"models/moe-fmnist.toml", "models/spikformer-fmnist.toml"})
    for (double keep : {0.25, 0.5, 0.75}) {
      ModelSpec m = ModelSpec::load(test::src(file));
      Network full = load_network(m, Mode::Int);
      m.set_head_keep(keep, "test", "attention.head_keep");
      Network pruned = load_network(m, Mode::Int);
      // a different keep ratio in the architecture: the simulator must follow the engine
      arch::Arch a = test::paper({"attention_cores.order=\"auto\"", "mapping.skip_gated=false",
                                  "mapping.head_pruning=true", "mapping.head_keep=1.0"});
      check_pruned(m, full, pruned, ds, a, std::string(file) + " keep " + std::to_string(keep));
    }
}

TEST(Conservation, HeadPruningOnTinyArrays) {
  arch::Arch a = test::small_arch({"se_cores.time_lanes=1", "attention_cores.order=\"auto\"",
                                   "mapping.skip_gated=false"});
  for (const char* f : {"mlp", "emsp", "moe"}) {
    ModelSpec m = test::small_spec("ssa", f, 3, 40, 12);
    Network full = test::random_network(m, 7);
    m.set_head_keep(0.5, "test", "attention.head_keep");
    Network pruned = test::random_network(m, 7);
    Dataset ds = test::random_images(m, 2, 3);
    check_pruned(m, full, pruned, ds, a, std::string("ssa+") + f + " pruned");
  }
}
