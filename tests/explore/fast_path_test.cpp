// The explorer's fast path (explore/arch_patch.h, explore/evaluator.cpp) against what the
// loaders build from text: a patched architecture equals the one parsed with every override;
// a technology from the overridden table equals the one `spikestack sim` parses from the
// printed table; the analytical activity (cached without the clock and the tiers) does not
// depend on them; a validated evaluator (fast path) gives the same rows as one that parses
// every point, and as `spikestack sim`'s path (workload rebuilt with the keep ratio, every
// layer's counters in the activity).
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "arch/arch_spec.h"
#include "common/error.h"
#include "common/files.h"
#include "common/toml_get.h"
#include "common/toml_override.h"
#include "engine/model_spec.h"
#include "explore/arch_patch.h"
#include "explore/axis.h"
#include "explore/evaluator.h"
#include "explore/metrics.h"
#include "phys/evaluate.h"
#include "sim/analytical.h"
#include "sim/head_pruning.h"
#include "sim/simulate.h"
#include "tech/technology_table.h"

using namespace ss;
using namespace ss::explore;

namespace {

const std::string kSrc = SS_SOURCE_DIR;
const std::string kArch = kSrc + "/configs/arch/paper.toml";

// Every field, written out here (not through zip_arch, which is what is under test).
void expect_same(const arch::Arch& x, const arch::Arch& y, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(x.name, y.name);
  EXPECT_EQ(x.clock_hz, y.clock_hz);
  EXPECT_EQ(x.weight_bits, y.weight_bits);
  EXPECT_EQ(x.acc_bits, y.acc_bits);
  EXPECT_EQ(x.membrane_bits, y.membrane_bits);
  EXPECT_EQ(x.score_bits, y.score_bits);
  for (auto [p, q] : {std::pair{&x.se, &y.se}, std::pair{&x.attention, &y.attention}}) {
    EXPECT_EQ(p->impl, q->impl);
    EXPECT_EQ(p->count, q->count);
    EXPECT_EQ(p->rows, q->rows);
    EXPECT_EQ(p->cols, q->cols);
    EXPECT_EQ(p->time_lanes, q->time_lanes);
    EXPECT_EQ(p->tier, q->tier);
  }
  EXPECT_EQ(x.spike_gen.impl, y.spike_gen.impl);
  EXPECT_EQ(x.spike_gen.lanes_per_core, y.spike_gen.lanes_per_core);
  EXPECT_EQ(x.spike_gen.acc_entries, y.spike_gen.acc_entries);
  EXPECT_EQ(x.spike_gen.tier, y.spike_gen.tier);
  EXPECT_EQ(x.router.impl, y.router.impl);
  EXPECT_EQ(x.router.lanes, y.router.lanes);
  EXPECT_EQ(x.router.tier, y.router.tier);
  ASSERT_EQ(x.buffers.size(), y.buffers.size());
  for (const auto& [role, b] : x.buffers) {
    const auto& c = y.buffers.at(role);
    EXPECT_EQ(b.role, c.role);
    EXPECT_EQ(b.impl, c.impl);
    EXPECT_EQ(b.size_bits, c.size_bits);
    EXPECT_EQ(b.width_bits, c.width_bits);
    EXPECT_EQ(b.banks, c.banks);
    EXPECT_EQ(b.ports, c.ports);
    EXPECT_EQ(b.tier, c.tier);
  }
  EXPECT_EQ(x.noc.impl, y.noc.impl);
  EXPECT_EQ(x.noc.width_bits, y.noc.width_bits);
  EXPECT_EQ(x.noc.latency_cycles, y.noc.latency_cycles);
  EXPECT_EQ(x.head_pruning, y.head_pruning);
  EXPECT_EQ(x.head_keep, y.head_keep);
  EXPECT_EQ(x.attention_order, y.attention_order);
  EXPECT_EQ(x.skip_gated, y.skip_gated);
}

}  // namespace

TEST(ArchPatch, EqualsTheParseWithEveryOverride) {
  const std::string text = read_file_text(kArch);
  const std::vector<std::string> fixed{"mapping.head_pruning=true"};
  const std::vector<std::vector<std::string>> axes{
      {"se_cores.count=2", "se_cores.count=8"},
      {"buffers.weight.size=\"512 KiB\"", "buffers.weight.size=\"1 MiB\""},
      {"arch.clock=\"400 MHz\"", "arch.clock=\"800 MHz\""},
      {"mapping.head_keep=0.5", "mapping.head_keep=1.0"},
      {"attention_cores.tier=\"top\"", "attention_cores.tier=\"bottom\""},
      {"attention_cores.order=\"kv_first\"", "attention_cores.order=\"auto\""}};
  const arch::Arch base = arch::parse_arch(text, kArch, fixed);
  std::vector<std::vector<arch::Arch>> values(axes.size());
  for (size_t a = 0; a < axes.size(); ++a)
    for (const auto& s : axes[a]) {
      auto sets = fixed;
      sets.push_back(s);
      values[a].push_back(arch::parse_arch(text, kArch, sets));
    }
  const ArchPatcher p(base, values);
  ASSERT_TRUE(p.usable());
  for (size_t a = 0; a < axes.size(); ++a) EXPECT_TRUE(p.moves(a)) << a;
  for (uint32_t n = 0; n < (1u << axes.size()); ++n) {
    std::vector<uint32_t> idx;
    auto sets = fixed;
    for (size_t a = 0; a < axes.size(); ++a) {
      idx.push_back((n >> a) & 1);
      sets.push_back(axes[a][idx.back()]);
    }
    arch::Arch got;
    ASSERT_TRUE(p.patch(idx, got));
    expect_same(got, arch::parse_arch(text, kArch, sets), "combination " + std::to_string(n));
  }
}

TEST(ArchPatch, RulesBetweenFieldsAndSharedFields) {
  const std::string text = read_file_text(kArch);
  const arch::Arch base = arch::parse_arch(text, kArch);
  ASSERT_EQ(base.weight_bits, 8);
  ASSERT_EQ(base.acc_bits, 16);
  // each value alone is valid; weight_bits 12 with acc_bits 10 is not (acc must be wider)
  std::vector<std::vector<arch::Arch>> values{
      {arch::parse_arch(text, kArch, {"arch.weight_bits=4"}),
       arch::parse_arch(text, kArch, {"arch.weight_bits=12"})},
      {arch::parse_arch(text, kArch, {"arch.acc_bits=10"}),
       arch::parse_arch(text, kArch, {"arch.acc_bits=16"})}};
  ArchPatcher p(base, values);
  ASSERT_TRUE(p.usable());
  arch::Arch got;
  EXPECT_TRUE(p.patch({0, 0}, got));
  EXPECT_EQ(got.weight_bits, 4);
  EXPECT_EQ(got.acc_bits, 10);
  EXPECT_FALSE(p.patch({1, 0}, got));
  EXPECT_THROW(arch::parse_arch(text, kArch, {"arch.weight_bits=12", "arch.acc_bits=10"}), Error);
  // two axes that move one field (an alias and its key): the order would matter, not usable
  std::vector<std::vector<arch::Arch>> twice{{arch::parse_arch(text, kArch, {"se_cores=3"})},
                                             {arch::parse_arch(text, kArch, {"se_cores.count=5"})}};
  EXPECT_FALSE(ArchPatcher(base, twice).usable());
  // an axis whose only value is the base's moves nothing
  std::vector<std::vector<arch::Arch>> none{{base}};
  EXPECT_FALSE(ArchPatcher(base, none).moves(0));
}

TEST(TechFromTable, EqualsTheParseOfThePrintedTable) {
  for (const char* f : {"/technologies/28nm.toml", "/technologies/osu018.toml"}) {
    const std::string path = kSrc + f;
    toml::table t = parse_toml_file(path);
    apply_toml_override(t, path, "bond.pitch=1.58489 um");
    apply_toml_override(t, path, "bond.pad_diameter=0.5 um");
    apply_toml_override(t, path, "vdd=0.8123456789012345 V");
    apply_toml_override(t, path, "logic.utilization=0.6123456789012345");  // a float
    std::ostringstream os;
    os << t;
    const toml::table back = parse_toml_text(os.str(), path);
    EXPECT_TRUE(back == t) << f;  // every value prints so that it parses back equal
    const auto x = tech::technology_from_table(t, path);
    const auto y = tech::parse_technology(os.str(), path);
    EXPECT_EQ(x.bond.pitch_m, y.bond.pitch_m);
    EXPECT_DOUBLE_EQ(x.bond.pitch_m, 1.58489e-6);
    EXPECT_EQ(x.vdd_v, y.vdd_v);
    EXPECT_EQ(x.logic.leakage_factor(350), y.logic.leakage_factor(350));
    EXPECT_EQ(x.logic.utilization, y.logic.utilization);
    EXPECT_EQ(x.logic.utilization, 0.6123456789012345);
  }
}

TEST(ActivityCache, ClockAndTiersDoNotMoveTheActivity) {
  const auto spec = ModelSpec::load(kSrc + "/models/paper/moe-4-384.toml");
  const auto w = sim::build_workload(spec);
  auto act = [&](const std::vector<std::string>& sets) {
    const auto a = arch::load_arch(kArch, sets);
    return sim::simulate_analytical(a, w, sim::stats_from_rate(w, 0.15, a)).activity.to_json();
  };
  const auto ref = act({"arch.clock=\"400 MHz\""});
  EXPECT_EQ(ref, act({"arch.clock=\"800 MHz\"", "attention_cores.tier=\"top\"",
                      "se_cores.tier=\"top\"", "spike_gen.tier=\"top\"", "router.tier=\"top\"",
                      "buffers.weight.tier=\"top\"", "buffers.spike.tier=\"top\"",
                      "buffers.membrane.tier=\"top\""}));
  EXPECT_NE(ref, act({"arch.clock=\"400 MHz\"", "se_cores.count=3"}));  // the test can fail
}

// The paper MoE model, shape only, at a firing rate of 0.15.
LoadedModel paper_moe() {
  LoadedModel m;
  m.path = kSrc + "/models/paper/moe-4-384.toml";
  m.spec = ModelSpec::load(m.path);
  m.workload = sim::build_workload(m.spec);
  m.rate = 0.15;
  return m;
}

TEST(Evaluator, FastPathEqualsParsingEveryPoint) {
  StudySpec s;
  s.arch = kArch;
  s.tech = kSrc + "/technologies/28nm.toml";
  s.sets = {"mapping.head_pruning=true", "tech.bond.pad_diameter=0.5um"};
  s.axes = {parse_axis("se_cores.count=2,4"), parse_axis("arch.clock=400MHz,800MHz"),
            parse_axis("tech.bond.pitch=2um,5um"), parse_axis("mapping.head_keep=0.5,1")};
  s.styles = {"2d", "3d-mol+lol"};
  s.thermal = Thermal::off;
  const LoadedModel m = paper_moe();
  Evaluator slow(s, {m}), fast(s, {m});
  fast.validate();
  size_t n = 0;
  for (uint32_t i = 0; i < 16; ++i) {
    Design d{0, {i & 1, (i >> 1) & 1, (i >> 2) & 1, (i >> 3) & 1}};
    const auto a = slow.evaluate(d), b = fast.evaluate(d);
    ASSERT_EQ(a.styles.size(), 2u);
    for (size_t k = 0; k < 2; ++k) {
      EXPECT_EQ(a.styles[k].error, b.styles[k].error);
      ASSERT_EQ(a.styles[k].metrics.size(), b.styles[k].metrics.size());
      for (size_t j = 0; j < a.styles[k].metrics.size(); ++j) {  // bit for bit (NaN: no value)
        const double x = a.styles[k].metrics[j], y = b.styles[k].metrics[j];
        EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << i << " " << k << " " << j;
      }
      n += !a.styles[k].metrics.empty();
    }
  }
  EXPECT_EQ(n, 32u);
  // the activity depends on se_cores.count and head_keep only here: 4 computed, 12 reused
  EXPECT_EQ(fast.activity_misses(), 4u);
  EXPECT_EQ(fast.activity_hits(), 12u);
}

// The evaluator builds a model's workload once and costs every keep ratio on it: the layers
// must not depend on the ratio (the statistics and costs do, through the architecture).
TEST(ActivityCache, WorkloadDoesNotDependOnTheKeepRatio) {
  for (const char* f : {"/models/paper/moe-4-384.toml", "/models/paper/spikformer-4-384.toml",
                        "/models/moe-fmnist-keep50.toml"}) {
    SCOPED_TRACE(f);
    const auto spec = ModelSpec::load(kSrc + f);
    ASSERT_EQ(spec.attention.type, "ssa");
    const auto w = sim::build_workload(spec);
    for (double keep : {0.01, 0.25, 0.5, 1.0}) {
      ModelSpec k = spec;
      k.set_head_keep(keep, f, "attention.head_keep");
      EXPECT_TRUE(sim::build_workload(k) == w) << keep;
    }
    ModelSpec other = spec;  // the comparison can fail
    other.attention.heads *= 2;
    EXPECT_FALSE(sim::build_workload(other) == w);
  }
}

// A point's rows equal what `spikestack sim --mode analytical` computes for it, bit for bit:
// the model's keep ratio set and its workload rebuilt (sim/head_pruning.h), the full activity
// with every layer's counters, the physical model in each style. The evaluator reuses the
// model's workload and keeps the component tree only (sim::Detail::components).
TEST(Evaluator, RowsEqualSimsPath) {
  StudySpec s;
  s.arch = kArch;
  s.tech = kSrc + "/technologies/28nm.toml";
  s.sets = {"mapping.head_pruning=true"};
  s.axes = {parse_axis("mapping.head_keep=0.25,0.5,0.75,1"), parse_axis("se_cores.count=2,8")};
  s.styles = {"2d", "3d-mol", "3d-lol", "3d-mol+lol"};
  s.thermal = Thermal::off;
  const LoadedModel m = paper_moe();
  Evaluator ev(s, {m});
  ev.validate();
  const auto tech = tech::parse_technology(read_file_text(s.tech), s.tech);
  phys::EvalOptions opt;
  opt.thermal = false;
  for (uint32_t i = 0; i < 4; ++i)
    for (uint32_t j = 0; j < 2; ++j) {
      SCOPED_TRACE(testing::Message() << i << " " << j);
      arch::Arch a = arch::load_arch(kArch, {"mapping.head_pruning=true",
                                             "mapping.head_keep=" + s.axes[0].values[i].label,
                                             "se_cores.count=" + s.axes[1].values[j].label});
      ModelSpec spec = m.spec;
      sim::apply_head_pruning(spec, a);
      const auto w = sim::build_workload(spec);
      const auto act = sim::simulate_analytical(a, w, sim::stats_from_rate(w, 0.15, a)).activity;
      ASSERT_EQ(act.layers.size(), w.layers.size());
      const auto r = ev.evaluate(Design{0, {i, j}});
      ASSERT_EQ(r.styles.size(), s.styles.size());
      for (size_t k = 0; k < s.styles.size(); ++k) {
        const auto want = metrics_of(phys::evaluate(a, act, tech, phys::style(s.styles[k]), opt), false);
        EXPECT_EQ(r.styles[k].error, "");
        ASSERT_EQ(r.styles[k].metrics.size(), want.size());
        for (size_t x = 0; x < want.size(); ++x) {
          const double p = r.styles[k].metrics[x], q = want[x];
          EXPECT_TRUE(p == q || (std::isnan(p) && std::isnan(q))) << k << " " << x << " " << p << " " << q;
        }
      }
    }
  EXPECT_EQ(ev.activity_misses(), 8u);
}
