#include "phys/evaluate.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/error.h"
#include "phys/component_model.h"
#include "phys/floorplan.h"
#include "phys/floorplan_cache.h"
#include "phys/flow_carried.h"
#include "phys/thermal.h"

namespace ss::phys {

double SiliconResult::energy_of(const std::string& kind) const {
  double s = 0;
  for (const auto& e : energy)
    if (kind.empty() || e.kind == kind) s += e.energy_j;
  return s;
}

double SiliconResult::energy_on(arch::Tier tier) const {
  double s = 0;
  for (const auto& e : energy)
    if (e.tier == tier) s += e.energy_j;
  return s;
}

namespace {

std::vector<Block> build_blocks(const arch::Arch& a, const tech::Technology& t, const Style& st) {
  std::vector<std::pair<std::string, std::string>> want;  // name, impl
  if (a.se.count > 0) want.emplace_back("se_cores", a.se.impl);
  if (a.attention.count > 0) want.emplace_back("attention_cores", a.attention.impl);
  want.emplace_back("spike_gen", a.spike_gen.impl);
  if (!a.router.impl.empty()) want.emplace_back("router", a.router.impl);
  for (const auto& [role, b] : a.buffers) want.emplace_back("buffers." + role, b.impl);
  want.emplace_back("noc", a.noc.impl);
  std::vector<Block> blocks;
  for (const auto& [name, impl] : want) {
    if (impl.empty())
      throw error_at(a.file, name + ".impl", "missing (the physical model needs it)");
    const auto& m = component_model(impl, a.file, name);
    blocks.push_back(m.build({a, t, name, impl, st.tier_of(name, a)}));
    auto& b = blocks.back();
    if (st.folds(name, a) && b.kind != BlockKind::memory) {
      // Half of the block on each tier, stacked on itself: the floorplan places one half, whose
      // pitch, clock tree and distances are 1/sqrt(2) of the unfolded block's.
      b.folded = true;
      b.area_m2 *= 0.5, b.cell_area_m2 *= 0.5, b.accumulator_area_m2 *= 0.5;
      b.local_wire_m *= std::sqrt(0.5);
      b.fold_bond_cap_per_cell_f = kCutNetsPerCell * t.bond.c_f;
    }
  }
  return blocks;
}

// Spread each block's power uniformly over its region on its tier's grid.
std::vector<std::vector<double>> rasterize(const Floorplan& fp,
                                           const std::map<std::string, double>& block_w, int nx,
                                           int ny) {
  std::vector<std::vector<double>> p(fp.stacked ? 2 : 1, std::vector<double>(nx * ny, 0.0));
  const double dx = fp.outline_w_m / nx, dy = fp.outline_h_m / ny;
  for (const auto& [name, w] : block_w) {
    const int t = fp.stacked ? static_cast<int>(fp.tiers.at(name)) : 0;
    const auto& parts = fp.parts.at(name);
    double area = 0;
    for (const auto& r : parts) area += r.area();
    for (const auto& r : parts)
      for (int iy = 0; iy < ny; ++iy)
        for (int ix = 0; ix < nx; ++ix) {
          const double ox = std::min((ix + 1) * dx, r.x + r.w) - std::max(ix * dx, r.x);
          const double oy = std::min((iy + 1) * dy, r.y + r.h) - std::max(iy * dy, r.y);
          if (ox > 0 && oy > 0) p[t][iy * nx + ix] += w * ox * oy / area;
        }
  }
  return p;
}

std::map<std::string, double> block_temperatures(const Floorplan& fp, const ThermalSolution& s) {
  std::map<std::string, double> out;
  const int nx = s.nx, ny = s.ny;
  const double dx = fp.outline_w_m / nx, dy = fp.outline_h_m / ny;
  for (const auto& [name, parts] : fp.parts) {
    const int t = fp.stacked ? static_cast<int>(fp.tiers.at(name)) : 0;
    double sum = 0, wsum = 0;
    for (const auto& r : parts)
      for (int iy = 0; iy < ny; ++iy)
        for (int ix = 0; ix < nx; ++ix) {
          const double ox = std::min((ix + 1) * dx, r.x + r.w) - std::max(ix * dx, r.x);
          const double oy = std::min((iy + 1) * dy, r.y + r.h) - std::max(iy * dy, r.y);
          if (ox > 0 && oy > 0) sum += s.tier_kelvin[t][iy * nx + ix] * ox * oy, wsum += ox * oy;
        }
    out[name] = wsum > 0 ? sum / wsum : s.peak_k;
  }
  return out;
}

}  // namespace

SiliconResult evaluate(const arch::Arch& a, const sim::Activity& activity,
                       const tech::Technology& t, const Style& style, const EvalOptions& opt) {
  SiliconResult r;
  r.style = style.name();
  r.style_description = style.description();
  r.arch = a.name;
  r.tech = t.name;
  r.whitespace = opt.whitespace;
  r.target_clock_hz = a.clock_hz;
  ActivityView act(activity);

  const auto blocks = build_blocks(a, t, style);
  derive_partial_sums(blocks, act);
  r.links = make_links(blocks, act, a.acc_bits);
  // The floorplan places for timing, then wire: the timed buses carry the rest of their
  // path, and the paths no arrangement changes (the links still unrouted) set the floor.
  // Identical inputs share one floorplan (phys/floorplan_cache.h).
  auto affinity = link_affinity(r.links);
  for (size_t i = 0; i < r.links.size(); ++i)
    if (const auto p = link_path(r.links[i], blocks, t, a.noc.latency_cycles))
      affinity[i].path_rest_s = p->gate_s + p->own_wire_s, affinity[i].stages = p->stages;
  FloorplanOptions fopt;
  fopt.extra_starts = opt.floorplan_extra_starts;
  fopt.seed = opt.floorplan_seed;
  const auto unrouted = analyze_timing(blocks, r.links, t, a.noc.latency_cycles);
  fopt.timing = FloorplanTiming{bus_wire(t), t.driver, t.bond,
                                unrouted.typical_clock_hz > 0 ? 1 / unrouted.typical_clock_hz : 0};
  const auto fp_shared = cached_floorplan(blocks, opt.whitespace, affinity, fopt);
  const Floorplan& fp = *fp_shared;
  // A folded block's other half sits on the top tier, over the half the floorplan placed.
  double folded_half_m2 = 0, fold_bonds = 0;
  for (const auto& b : blocks)
    if (b.folded) {
      folded_half_m2 += b.area_m2;
      fold_bonds += kCutNetsPerCell * b.gates / kGateEquivalentsPerCell;
    }
  const bool folded = folded_half_m2 > 0;
  r.stacked = fp.stacked || folded;
  r.footprint_m2 = fp.footprint_m2;
  r.outline_w_m = fp.outline_w_m, r.outline_h_m = fp.outline_h_m;
  r.silicon_area_m2 = folded ? 2 * fp.footprint_m2 : fp.silicon_area_m2;
  for (const auto& [tier, area] : fp.tier_block_area_m2) r.tier_fill[tier] = area / fp.footprint_m2;
  if (folded) r.tier_fill[arch::Tier::top] = folded_half_m2 / fp.footprint_m2;
  for (const auto& b : blocks) {
    r.area.push_back({b.name, b.tier, b.area_m2});
    if (b.folded) r.area.push_back({b.name, arch::Tier::top, b.area_m2});
  }

  route_links(r.links, fp, t);
  r.bonds = check_bonds(r.links, fp, t.bond, style.name(), t.file);
  if (folded) {
    // The cut nets of the folded blocks (not checked against the sites: reported, since a
    // gate-level fold needs a bond pitch the technology may not have).
    r.bonds.required += fold_bonds;
    r.bonds.capacity = tech::signal_bond_capacity(t.bond, fp.footprint_m2);
    LinkBonds cut;
    cut.link = "cut nets of the folded blocks";
    cut.required = fold_bonds;
    cut.overlap_m2 = fp.footprint_m2;
    cut.capacity = r.bonds.capacity;
    cut.outside = std::max(0.0, fold_bonds - cut.capacity);
    r.bonds.links.push_back(cut);
  }
  // Bonds that need device-layer keep-out (zero for face-to-face bonds on the top metal) add
  // that area to each die of the pair.
  const double keepout_m2 = r.bonds.required * t.bond.keepout_area_m2;
  r.footprint_m2 += keepout_m2;
  r.silicon_area_m2 += keepout_m2 * (r.stacked ? 2 : 1);
  r.silicon_area_w2w_m2 = r.silicon_area_m2;
  r.silicon_area_d2w_m2 = r.footprint_m2;
  if (fp.stacked || folded) {
    const auto top = fp.tier_block_area_m2.find(arch::Tier::top);
    const double top_m2 = (top == fp.tier_block_area_m2.end() ? 0.0 : top->second) + folded_half_m2;
    r.silicon_area_d2w_m2 += top_m2 / (1 - opt.whitespace) + keepout_m2;
  }

  const auto tm = analyze_timing(blocks, r.links, t, a.noc.latency_cycles);
  r.paths = tm.paths;
  r.critical_path = tm.critical;
  r.fmax_hz = tm.clock_hz;
  r.fmax_typical_hz = tm.typical_clock_hz;
  r.meets_target_clock = a.clock_hz <= 0 || r.fmax_hz >= a.clock_hz;
  r.clock_hz =
      opt.run_at_target_clock && a.clock_hz > 0 ? std::min(r.fmax_hz, a.clock_hz) : r.fmax_hz;
  r.buffers = tm.buffers;
  double weighted = 0, accesses = 0, slowest = 0;
  for (auto& b : r.buffers) {
    b.accesses = act.get("buffers." + b.role, "reads") + act.get("buffers." + b.role, "writes");
    weighted += b.accesses * b.total_s(), accesses += b.accesses;
    slowest = std::max(slowest, b.total_s());
  }
  r.memory_latency_s = accesses > 0 ? weighted / accesses : slowest;
  if (r.clock_hz != r.fmax_hz)  // cycles at the clock actually used
    for (auto& b : r.buffers) {
      const int stages = std::max(1, a.noc.latency_cycles);
      const double first = stages == 1 ? b.total_s() : b.access_s + t.logic.dff_setup_s;
      b.cycles = static_cast<int>(
                     std::ceil(t.logic.slow_corner_delay_derate * first * r.clock_hz - 1e-9)) +
                 (stages - 1);
    }
  r.cycles = activity.cycles;
  r.latency_s = r.clock_hz > 0 ? r.cycles / r.clock_hz : 0;
  const double run_s = r.latency_s;

  const auto switching = switching_energy(blocks, act, r.links, fp, t);
  // Temperature-independent power per block (its own gates and wires, the links it drives,
  // its share of its tier's clock tree by area).
  std::map<std::string, double> base_w;
  std::map<arch::Tier, double> clock_w, tier_area;
  for (const auto& b : blocks) tier_area[b.tier] += b.area_m2;
  if (run_s > 0)
    for (const auto& e : switching) {
      if (e.component == "clock:trunk") {
        clock_w[e.tier] += e.energy_j / run_s;
      } else if (e.kind == "clock") {
        base_w[e.component.substr(6)] += e.energy_j / run_s;
      } else if (e.kind == "wire") {
        const auto from = e.component.substr(5, e.component.find("->") - 5);
        base_w[from] += e.energy_j / run_s;
      } else {
        base_w[e.component] += e.energy_j / run_s;
      }
    }
  for (const auto& b : blocks) base_w[b.name] += clock_w[b.tier] * b.area_m2 / tier_area[b.tier];

  const auto layers = stack_layers(t.thermal, fp.stacked, t.bond.pitch_m, t.bond.pad_diameter_m);
  std::map<std::string, double> temps;
  for (const auto& b : blocks) temps[b.name] = t.thermal.ambient_k;
  ThermalSolution sol;
  // Without the thermal model (EvalOptions::thermal false) every block leaks at ambient and
  // no temperature is reported (peak and spreader temperatures stay 0).
  for (int it = 1; opt.thermal; ++it) {
    std::map<std::string, double> w = base_w;
    for (const auto& b : blocks)
      w[b.name] += b.leakage_ref_w * t.logic.leakage_factor(temps[b.name]);
    sol = solve_thermal(t.thermal, layers, fp.outline_w_m, fp.outline_h_m, opt.grid_nx, opt.grid_ny,
                        rasterize(fp, w, opt.grid_nx, opt.grid_ny));
    const auto next = block_temperatures(fp, sol);
    double change = 0;
    for (const auto& [n, k] : next) change = std::max(change, std::abs(k - temps[n]));
    temps = next;
    r.thermal_iterations = it;
    if (sol.peak_k > 1000)
      throw Error(
          fmt::format("style {}: thermal runaway (peak above 1000 K): leakage grows faster "
                      "than the stack removes heat",
                      style.name()));
    if (change < opt.thermal_tolerance_k) break;
    if (it >= opt.max_thermal_iterations)
      throw Error(
          fmt::format("style {}: leakage-temperature iteration did not converge in {} steps",
                      style.name(), it));
  }
  r.energy = switching;
  const auto leak = leakage_energy(blocks, temps, t, run_s);
  r.energy.insert(r.energy.end(), leak.begin(), leak.end());
  r.energy_j = r.energy_of("");
  r.power_w = run_s > 0 ? r.energy_j / run_s : 0;
  r.leakage_w = run_s > 0 ? r.energy_of("leakage") / run_s : 0;
  if (a.clock_hz > 0 && r.cycles > 0)
    r.power_at_target_clock_w =
        r.clock_hz == a.clock_hz
            ? r.power_w
            : (r.energy_j - r.energy_of("leakage")) * a.clock_hz / r.cycles + r.leakage_w;
  r.peak_temp_k = sol.peak_k;
  r.spreader_temp_k = sol.spreader_k;
  for (size_t i = 0; i < sol.tier_kelvin.size(); ++i) {
    TierThermal tt;
    tt.tier = fp.stacked ? static_cast<arch::Tier>(i) : arch::Tier::bottom;
    tt.nx = sol.nx, tt.ny = sol.ny;
    tt.kelvin = sol.tier_kelvin[i];
    tt.peak_k = *std::max_element(tt.kelvin.begin(), tt.kelvin.end());
    double s = 0;
    for (double k : tt.kelvin) s += k;
    tt.mean_k = s / static_cast<double>(tt.kelvin.size());
    r.thermal.push_back(std::move(tt));
  }
  return r;
}

std::vector<SiliconResult> evaluate_styles(const arch::Arch& a, const sim::Activity& act,
                                           const tech::Technology& t,
                                           std::vector<std::string> styles, const EvalOptions& opt,
                                           const std::function<void(const std::string&)>& done) {
  if (styles.empty()) styles = default_style_names();
  for (const auto& s : styles) (void)style(s);  // unknown names fail before any work
  std::vector<SiliconResult> out;
  for (const auto& s : styles) {
    out.push_back(evaluate(a, act, t, style(s), opt));
    if (done) done(s);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    return style(x.style).order() < style(y.style).order();
  });
  return out;
}

}  // namespace ss::phys
