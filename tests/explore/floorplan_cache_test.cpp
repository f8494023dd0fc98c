// The floorplan cache (phys/floorplan_cache.h) returns what make_floorplan computed for the
// same geometry: a second evaluation of a point is identical to the first, a technology change
// that moves no block (bond pitch) reuses the floorplan, a geometry change does not.
#include "phys/floorplan_cache.h"

#include <gtest/gtest.h>

#include "arch/arch_spec.h"
#include "engine/model_spec.h"
#include "phys/evaluate.h"
#include "sim/analytical.h"
#include "sim/simulate.h"
#include "tech/technology.h"

namespace {

const std::string kSrc = SS_SOURCE_DIR;

ss::sim::Activity activity_of(const ss::arch::Arch& a) {
  const auto spec = ss::ModelSpec::load(kSrc + "/models/paper/moe-4-384.toml");
  const auto w = ss::sim::build_workload(spec);
  return ss::sim::simulate_analytical(a, w, ss::sim::stats_from_rate(w, 0.15, a)).activity;
}

TEST(FloorplanCache, SameGeometrySameResultAndReuse) {
  const auto a = ss::arch::load_arch(kSrc + "/configs/arch/paper.toml", {"se_cores.count=3"});
  const auto t = ss::tech::load_technology(kSrc + "/technologies/28nm.toml");
  const auto act = activity_of(a);
  const auto before = ss::phys::floorplan_cache_stats();
  const auto r1 = ss::phys::evaluate(a, act, t, ss::phys::style("3d-mol"));
  const auto mid = ss::phys::floorplan_cache_stats();
  EXPECT_EQ(mid.misses, before.misses + 1);
  const auto r2 = ss::phys::evaluate(a, act, t, ss::phys::style("3d-mol"));
  const auto after = ss::phys::floorplan_cache_stats();
  EXPECT_EQ(after.hits, mid.hits + 1);
  EXPECT_EQ(ss::phys::to_json(r1).dump(), ss::phys::to_json(r2).dump());

  // a finer bond pitch moves no block: same floorplan, different bond capacity
  auto t2 = t;
  t2.bond.pitch_m = 2e-6;
  t2.bond.pad_diameter_m = 1e-6;
  const auto r3 = ss::phys::evaluate(a, act, t2, ss::phys::style("3d-mol"));
  EXPECT_EQ(ss::phys::floorplan_cache_stats().hits, after.hits + 1);
  EXPECT_GT(r3.bonds.capacity, r1.bonds.capacity * 6);

  // another core count is another geometry
  const auto a4 = ss::arch::load_arch(kSrc + "/configs/arch/paper.toml", {"se_cores.count=5"});
  (void)ss::phys::evaluate(a4, activity_of(a4), t, ss::phys::style("3d-mol"));
  EXPECT_EQ(ss::phys::floorplan_cache_stats().misses, after.misses + 1);
}

}  // namespace
