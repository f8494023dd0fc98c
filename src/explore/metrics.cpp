#include "explore/metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "common/error.h"

namespace ss::explore {

const std::vector<MetricInfo>& metric_infos() {
  static const std::vector<MetricInfo> m = {
      {"energy_uj", "energy", "uJ", "energy per inference (uJ)"},
      {"latency_us", "latency", "us", "latency per inference (us)"},
      {"edp_uj_us", "edp", "uJ*us", "energy-delay product (uJ us)"},
      {"footprint_mm2", "footprint", "mm^2", "footprint (mm2)"},
      {"silicon_area_mm2", "silicon_area", "mm^2", "silicon area (mm2)"},
      {"peak_temperature_k", "peak_temperature", "K", "peak temperature (K)"},
      {"power_mw", "power", "mW", "power (mW)"},
      {"memory_latency_ns", "memory_latency", "ns", "memory-access latency (ns)"},
      {"clock_mhz", "", "MHz", "clock of the run (MHz)"},
      {"fmax_mhz", "", "MHz", "signed-off fmax (MHz)"},
      {"meets_clock", "meets_clock", "", "meets the target clock (1/0)"},
      {"cycles", "cycles", "", "cycles per inference"},
      {"leakage_mw", "leakage", "mW", "leakage (mW)"},
      {"bonds_required", "bonds", "", "hybrid bonds required"},
      {"bond_capacity", "", "", "signal bond sites"},
      {"bonds_outside_overlap_pct", "bonds_outside_overlap", "", "bonds outside overlap (%)"},
      {"test_error_pct", "test_error", "", "test error of the model (%)"},
  };
  return m;
}

std::string objective_names() {
  std::string s;
  for (const auto& m : metric_infos())
    if (*m.objective) s += (s.empty() ? "" : ", ") + std::string(m.objective);
  return s;
}

size_t metric_index(const std::string& name) {
  const auto& m = metric_infos();
  for (size_t i = 0; i < m.size(); ++i)
    if (name == m[i].column || (*m[i].objective && name == m[i].objective)) return i;
  throw Error(
      fmt::format("unknown metric '{}' (expected one of: {})", printable(name), objective_names()));
}

std::vector<double> metrics_of(const phys::SiliconResult& r, bool thermal) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double energy_uj = r.energy_j * 1e6, latency_us = r.latency_s * 1e6;
  const double outside = 100.0 * r.bonds.outside_overlap_share();
  return {energy_uj,
          latency_us,
          energy_uj * latency_us,
          r.footprint_m2 * 1e6,
          r.silicon_area_m2 * 1e6,
          thermal ? r.peak_temp_k : nan,
          r.power_w * 1e3,
          r.memory_latency_s * 1e9,
          r.clock_hz * 1e-6,
          r.fmax_hz * 1e-6,
          r.meets_target_clock ? 1.0 : 0.0,
          r.cycles,
          r.leakage_w * 1e3,
          r.bonds.required,
          r.bonds.capacity,
          outside,
          nan};  // test error: the model's, set by the evaluator (trained models)
}

Constraint parse_constraint(const std::string& text) {
  Constraint c;
  c.text = text;
  auto op = text.find("<=");
  c.upper = true;
  if (op == std::string::npos) {
    op = text.find(">=");
    c.upper = false;
  }
  if (op == std::string::npos || op == 0)
    throw Error(fmt::format("constraint '{}': expected 'metric <= value' or 'metric >= value'",
                            printable(text)));
  std::string name = text.substr(0, op), value = text.substr(op + 2);
  auto trim = [](std::string& s) {
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    while (!s.empty() && s.back() == ' ') s.pop_back();
  };
  trim(name), trim(value);
  try {
    c.metric = metric_index(name);
  } catch (const Error& e) {
    throw Error(fmt::format("constraint '{}': {}", printable(text), e.what()));
  }
  const MetricInfo& m = metric_infos()[c.metric];
  try {
    if (*m.unit) {
      const Quantity unit = parse_unit(m.unit);
      const Quantity q = parse_quantity(value);
      if (!(q.dim == unit.dim))
        throw Error(
            fmt::format("'{}' is a {}, expected a {}", value, dim_name(q.dim), dim_name(unit.dim)));
      c.bound = q.si / unit.si;
    } else {
      size_t used = 0;
      c.bound = std::stod(value, &used);
      if (used != value.size()) throw Error("expected a plain number, got '" + value + "'");
    }
  } catch (const Error& e) {
    throw Error(fmt::format("constraint '{}': {}", printable(text), e.what()));
  } catch (const std::exception&) {
    throw Error(fmt::format("constraint '{}': expected a plain number, got '{}'", printable(text),
                            printable(value)));
  }
  return c;
}

bool Constraint::ok(const std::vector<double>& m) const {
  const double v = m.at(metric);
  if (std::isnan(v)) return false;
  return upper ? v <= bound : v >= bound;
}

}  // namespace ss::explore
