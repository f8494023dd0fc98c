// The physical model's entry point: an architecture, its activity per inference and a
// technology, built in one integration style, give footprint, area, clock, latency, energy,
// power, memory-access latency and temperature. JSON schema "spikestack.silicon/1"
// (docs/physical.md).
#pragma once
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "phys/energy.h"
#include "phys/floorplan.h"
#include "phys/links.h"
#include "phys/style.h"
#include "phys/timing.h"
#include "sim/activity.h"
#include "tech/technology.h"

namespace ss::phys {

struct EvalOptions {
  double whitespace = 0.15;        // block-level placement overhead: channels, power rings [inf]
  int grid_nx = 16, grid_ny = 16;  // thermal grid per layer
  // Run at the architecture's target clock when the signed-off paths allow at least that much
  // (default: a design signed off at its target runs there, and power is compared at equal
  // frequency, as 3D papers do), or at the achievable clock (fmax).
  bool run_at_target_clock = true;
  int max_thermal_iterations = 50;
  double thermal_tolerance_k = 1e-3;
  // Solve the stack's temperature (leakage-temperature fixed point). Off: leakage at ambient,
  // no temperatures (design-space sweeps that do not ask for them; docs/explore.md).
  bool thermal = true;
  // Floorplan descents from shuffled orders besides the global placement's (phys/floorplan.h),
  // seeded: how far the deterministic floorplan is from them (PaperConfig.FloorplanSearch).
  int floorplan_extra_starts = FloorplanOptions{}.extra_starts;
  uint64_t floorplan_seed = FloorplanOptions{}.seed;
};

struct AreaEntry {
  std::string component;
  arch::Tier tier = arch::Tier::bottom;
  double area_m2 = 0;
};

struct TierThermal {
  arch::Tier tier = arch::Tier::bottom;
  int nx = 0, ny = 0;
  std::vector<double> kelvin;  // device layer, row-major from y = 0
  double peak_k = 0, mean_k = 0;
};

struct SiliconResult {
  std::string style, style_description, arch, tech;
  bool stacked = false;
  double footprint_m2 = 0, silicon_area_m2 = 0, whitespace = 0;
  // Silicon bought per part: wafer-to-wafer bonding pairs equal dies (= silicon_area_m2, the
  // footprint x dies); die-to-wafer bonds a top die cut to its own contents (its block area /
  // (1 - whitespace)) onto a bottom die of the full footprint.
  double silicon_area_w2w_m2 = 0, silicon_area_d2w_m2 = 0;
  std::map<arch::Tier, double> tier_fill;   // block area of each tier / footprint
  double outline_w_m = 0, outline_h_m = 0;  // the die outline (x, y), shared by both tiers
  std::vector<AreaEntry> area;
  double target_clock_hz = 0;
  double fmax_hz = 0;  // what the slowest path allows, signed off (slow corner + uncertainty)
  double fmax_typical_hz = 0;      // the same paths at the typical corner with an ideal clock
  bool meets_target_clock = true;  // fmax >= target clock
  double clock_hz = 0;  // what the run uses (fmax, or the target with run_at_target_clock)
  std::string critical_path;
  std::vector<PathDelay> paths;
  std::vector<BufferLatency> buffers;
  // Memory-access latency as the accesses see it: per-buffer latency weighted by reads +
  // writes (the slowest buffer when nothing is accessed).
  double memory_latency_s = 0;
  double cycles = 0, latency_s = 0;
  std::vector<EnergyEntry> energy;
  double energy_j = 0;  // the sum of `energy`, exactly
  double power_w = 0;   // energy / latency
  // Power at the architecture's target clock (iso-frequency): this run's power when it ran
  // there, else its switching energy over the target's run time plus its leakage power.
  double power_at_target_clock_w = 0;
  double leakage_w = 0;  // at temperature
  std::vector<Link> links;
  BondReport bonds;
  std::vector<TierThermal> thermal;
  double peak_temp_k = 0, spreader_temp_k = 0;
  int thermal_iterations = 0;

  double energy_of(const std::string& kind) const;  // "" = all
  double energy_on(arch::Tier tier) const;
};

SiliconResult evaluate(const arch::Arch& a, const sim::Activity& act, const tech::Technology& t,
                       const Style& style, const EvalOptions& opt = {});
// Every style in `styles` (default: all but "arch"), 2D first when present; `done` is called
// after each style (progress).
std::vector<SiliconResult> evaluate_styles(
    const arch::Arch& a, const sim::Activity& act, const tech::Technology& t,
    std::vector<std::string> styles = {}, const EvalOptions& opt = {},
    const std::function<void(const std::string&)>& done = {});

nlohmann::json to_json(const SiliconResult& r);
// {"schema": "spikestack.silicon/1", "baseline": first style, "styles": [...]} with each
// style's change against the baseline.
nlohmann::json to_json(const std::vector<SiliconResult>& rs);
// One table: a row per metric, a column per style, each value with its change against the first.
std::string comparison_table(const std::vector<SiliconResult>& rs);

}  // namespace ss::phys
