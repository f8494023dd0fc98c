// End to end on the paper-matched configuration: configs/arch/paper.toml with the activity the
// simulator produced for paper-scale models (regenerate with
//   spikestack sim -m models/paper/moe-4-384.toml -a configs/arch/paper.toml --rate 0.15 -n 4
//   -q --no-silicon -o tests/phys/data/paper-moe-4-384-rate0.15.activity.json
// and the same for spikformer-4-384; the physical model reads the components, not the layers).
// docs/validation.md discusses the numbers this prints.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "arch/arch_spec.h"
#include "common/files.h"
#include "fixtures.h"
#include "phys/evaluate.h"

namespace ss::phys {
namespace {

sim::Activity activity(const std::string& name) {
  const std::string p = std::string(SS_SOURCE_DIR) + "/tests/phys/data/" + name + ".activity.json";
  return sim::Activity::from_json(nlohmann::json::parse(read_file_text(p)), p);
}

std::vector<SiliconResult> run(const std::string& workload) {
  const auto a = arch::load_arch(std::string(SS_SOURCE_DIR) + "/configs/arch/paper.toml");
  const auto t = tech::load_technology(testing::tech_path("28nm"));
  auto rs = evaluate_styles(a, activity(workload), t,
                            {"2d", "3d-mol", "3d-lol", "3d-mol+lol", "arch", "3d-fold"});
  std::cout << workload << "\n" << comparison_table(rs);
  if (std::getenv("SS_PHYS_DUMP")) std::cout << to_json(rs).dump(1) << "\n";
  return rs;
}

void common_checks(const std::vector<SiliconResult>& rs) {
  const auto& base = rs.front();
  ASSERT_EQ(base.style, "2d");
  for (const auto& r : rs) {
    double sum = 0;
    for (const auto& e : r.energy) sum += e.energy_j;
    EXPECT_NEAR(sum, r.energy_j, 1e-12 * sum);
    if (r.style == "2d") continue;
    EXPECT_LT(r.footprint_m2, base.footprint_m2) << r.style;
    EXPECT_LE(r.energy_j, base.energy_j * 1.02) << r.style;  // stacking never costs much energy
  }
  // Memory-on-logic: the access-weighted memory latency falls and the weight bus, the widest
  // and busiest, becomes short. (Total wire energy need not fall: two buffers cannot both sit
  // over the small expert cores; docs/validation.md.)
  auto weight_link = [](const SiliconResult& r) {
    for (const auto& l : r.links)
      if (l.from == "buffers.weight" && l.to == "se_cores") return l.lateral_m;
    return -1.0;
  };
  for (const auto& r : rs)
    if (r.style == "3d-mol") {
      EXPECT_LT(r.memory_latency_s, base.memory_latency_s);
      EXPECT_LT(weight_link(r), weight_link(base));
    }
}

TEST(PaperConfig, MoE) { common_checks(run("paper-moe-4-384-rate0.15")); }
TEST(PaperConfig, Spikformer) { common_checks(run("paper-spikformer-4-384-rate0.15")); }

}  // namespace
}  // namespace ss::phys
