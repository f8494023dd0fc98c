// JSON ("spikestack.silicon/1") and the text comparison table of evaluated styles.
#include <fmt/format.h>

#include <map>

#include "phys/evaluate.h"

namespace ss::phys {

namespace {

double pct(double v, double base) { return base != 0 ? 100.0 * (v - base) / base : 0.0; }

// Block area of a tier as a share of the footprint, in %.
double fill(const SiliconResult& r, arch::Tier t) {
  auto it = r.tier_fill.find(t);
  return it == r.tier_fill.end() ? 0.0 : 100 * it->second;
}

// The headline metrics, in display units, shared by the JSON and the table.
struct Metric {
  const char* key;    // JSON key (unit in the name)
  const char* label;  // table row
  const char* fmt;
  double (*get)(const SiliconResult&);
};

const std::vector<Metric>& metrics() {
  static const std::vector<Metric> m = {
      {"footprint_mm2", "footprint (mm^2)", "{:.3f}",
       [](const SiliconResult& r) { return r.footprint_m2 * 1e6; }},
      {"silicon_area_mm2", "silicon area (mm^2)", "{:.3f}",
       [](const SiliconResult& r) { return r.silicon_area_m2 * 1e6; }},
      {"silicon_area_w2w_mm2", "silicon, wafer-to-wafer (mm^2)", "{:.3f}",
       [](const SiliconResult& r) { return r.silicon_area_w2w_m2 * 1e6; }},
      {"silicon_area_d2w_mm2", "silicon, die-to-wafer (mm^2)", "{:.3f}",
       [](const SiliconResult& r) { return r.silicon_area_d2w_m2 * 1e6; }},
      {"fill_bottom_pct", "fill, bottom tier (%)", "{:.1f}",
       [](const SiliconResult& r) { return fill(r, arch::Tier::bottom); }},
      {"fill_top_pct", "fill, top tier (%)", "{:.1f}",
       [](const SiliconResult& r) { return fill(r, arch::Tier::top); }},
      {"fmax_mhz", "fmax, signed off (MHz)", "{:.0f}",
       [](const SiliconResult& r) { return r.fmax_hz * 1e-6; }},
      {"fmax_typical_mhz", "fmax, typical ideal (MHz)", "{:.0f}",
       [](const SiliconResult& r) { return r.fmax_typical_hz * 1e-6; }},
      {"clock_mhz", "clock of the run (MHz)", "{:.0f}",
       [](const SiliconResult& r) { return r.clock_hz * 1e-6; }},
      {"latency_cycles", "latency / inference (cycles)", "{:.0f}",
       [](const SiliconResult& r) { return r.cycles; }},
      {"latency_us", "latency / inference (us)", "{:.2f}",
       [](const SiliconResult& r) { return r.latency_s * 1e6; }},
      {"energy_uj", "energy / inference (uJ)", "{:.3f}",
       [](const SiliconResult& r) { return r.energy_j * 1e6; }},
      {"power_mw", "power (mW)", "{:.1f}", [](const SiliconResult& r) { return r.power_w * 1e3; }},
      {"power_at_target_clock_mw", "power at target clock (mW)", "{:.1f}",
       [](const SiliconResult& r) { return r.power_at_target_clock_w * 1e3; }},
      {"power_at_baseline_clock_mw", "power at 2D clock (mW)", "{:.1f}", nullptr},
      {"memory_latency_ns", "memory latency, mean (ns)", "{:.3f}",
       [](const SiliconResult& r) { return r.memory_latency_s * 1e9; }},
      {"peak_temperature_k", "peak temperature (K)", "{:.1f}",
       [](const SiliconResult& r) { return r.peak_temp_k; }},
      {"bonds_outside_overlap_pct", "bonds outside overlap (%)", "{:.1f}",
       [](const SiliconResult& r) { return 100 * r.bonds.outside_overlap_share(); }},
  };
  return m;
}

// Power if the style ran at the baseline's clock: switching energy is per inference, leakage
// scales with run time.
double power_at_clock(const SiliconResult& r, double clock_hz) {
  if (clock_hz <= 0 || r.cycles <= 0) return 0;
  const double run = r.cycles / clock_hz;
  return (r.energy_j - r.energy_of("leakage")) / run + r.leakage_w;
}

double value(const Metric& m, const SiliconResult& r, const SiliconResult& base) {
  return m.get ? m.get(r) : power_at_clock(r, base.clock_hz) * 1e3;
}

}  // namespace

nlohmann::json to_json(const SiliconResult& r) {
  using nlohmann::json;
  json j{{"style", r.style},
         {"description", r.style_description},
         {"stacked", r.stacked},
         {"arch", r.arch},
         {"tech", r.tech},
         {"whitespace", r.whitespace},
         {"target_clock_mhz", r.target_clock_hz * 1e-6},
         {"meets_target_clock", r.meets_target_clock},
         {"critical_path", r.critical_path},
         {"cycles", r.cycles},
         {"leakage_mw", r.leakage_w * 1e3},
         {"spreader_temperature_k", r.spreader_temp_k},
         {"thermal_iterations", r.thermal_iterations}};
  for (const auto& m : metrics())
    if (m.get) j[m.key] = m.get(r);
  json area = json::array();
  for (const auto& a : r.area)
    area.push_back({{"component", a.component},
                    {"tier", arch::tier_name(a.tier)},
                    {"area_mm2", a.area_m2 * 1e6}});
  j["area"] = area;
  json energy = json::array();
  std::map<std::string, double> by_component, by_kind;
  std::map<std::string, double> by_tier;
  for (const auto& e : r.energy) {
    energy.push_back({{"component", e.component},
                      {"tier", arch::tier_name(e.tier)},
                      {"kind", e.kind},
                      {"energy_pj", e.energy_j * 1e12}});
    by_component[e.component] += e.energy_j * 1e12;
    by_kind[e.kind] += e.energy_j * 1e12;
    by_tier[arch::tier_name(e.tier)] += e.energy_j * 1e12;
  }
  j["energy"] = energy;
  j["energy_pj"] = r.energy_j * 1e12;
  j["energy_by_component_pj"] = by_component;
  j["energy_by_kind_pj"] = by_kind;
  j["energy_by_tier_pj"] = by_tier;
  json paths = json::array();
  for (const auto& p : r.paths)
    paths.push_back({{"name", p.name},
                     {"gate_ns", p.gate_s * 1e9},
                     {"wire_ns", p.wire_s * 1e9},
                     {"total_ns", p.total_s() * 1e9}});
  j["paths"] = paths;
  json bufs = json::array();
  for (const auto& b : r.buffers)
    bufs.push_back({{"role", b.role},
                    {"access_ns", b.access_s * 1e9},
                    {"wire_ns", b.wire_s * 1e9},
                    {"registers_ns", b.registers_s * 1e9},
                    {"accesses", b.accesses},
                    {"total_ns", b.total_s() * 1e9},
                    {"cycles", b.cycles}});
  j["buffers"] = bufs;
  json links = json::array();
  for (const auto& l : r.links)
    links.push_back({{"from", l.from},
                     {"to", l.to},
                     {"bits", l.bits},
                     {"toggle", l.toggle},
                     {"width_bits", l.width_bits},
                     {"length_um", l.lateral_m * 1e6},
                     {"max_length_um", l.max_lateral_m * 1e6},
                     {"cross_tier", l.cross_tier},
                     {"delay_ns", l.delay_s * 1e9},
                     {"energy_pj", l.energy_j * 1e12}});
  j["links"] = links;
  json bond_links = json::array();
  for (const auto& b : r.bonds.links)
    bond_links.push_back({{"link", b.link},
                          {"required", b.required},
                          {"capacity_in_overlap", b.capacity},
                          {"overlap_mm2", b.overlap_m2 * 1e6},
                          {"outside_overlap", b.outside},
                          {"fits", b.fits()}});
  j["bonds"] = {{"required", r.bonds.required},
                {"capacity", r.bonds.capacity},
                {"pitch_um", r.bonds.pitch_m * 1e6},
                {"links", bond_links}};
  json tiers = json::array();
  for (const auto& t : r.thermal)
    tiers.push_back({{"tier", arch::tier_name(t.tier)},
                     {"nx", t.nx},
                     {"ny", t.ny},
                     {"peak_k", t.peak_k},
                     {"mean_k", t.mean_k},
                     {"kelvin", t.kelvin}});
  j["thermal"] = tiers;
  return j;
}

nlohmann::json to_json(const std::vector<SiliconResult>& rs) {
  nlohmann::json j{{"schema", "spikestack.silicon/1"}};
  j["styles"] = nlohmann::json::array();
  if (rs.empty()) return j;
  const auto& base = rs.front();
  j["baseline"] = base.style;
  j["arch"] = base.arch;
  j["tech"] = base.tech;
  for (const auto& r : rs) {
    auto s = to_json(r);
    nlohmann::json change;
    for (const auto& m : metrics()) {
      const double v = value(m, r, base);
      if (!m.get) s[m.key] = v;
      change[m.key] = pct(v, value(m, base, base));
    }
    s["change_vs_baseline_pct"] = change;
    j["styles"].push_back(std::move(s));
  }
  return j;
}

std::string comparison_table(const std::vector<SiliconResult>& rs) {
  if (rs.empty()) return "";
  const auto& base = rs.front();
  std::string out = fmt::format("{:<28}", "");
  for (const auto& r : rs) out += fmt::format("{:>22}", r.style);
  out += "\n";
  for (const auto& m : metrics()) {
    out += fmt::format("{:<28}", m.label);
    for (const auto& r : rs) {
      const double v = value(m, r, base);
      std::string cell = fmt::format(fmt::runtime(m.fmt), v);
      const double b = value(m, base, base);
      // No change against a baseline of 0 (a 2D die has no top tier, no bonds).
      if (&r != &base && b != 0) cell += fmt::format(" ({:+.1f}%)", pct(v, b));
      out += fmt::format("{:>22}", cell);
    }
    out += "\n";
  }
  out += fmt::format("{:<28}", "critical path");
  for (const auto& r : rs) out += fmt::format("{:>22}", r.critical_path);
  out += "\n";
  return out;
}

}  // namespace ss::phys
