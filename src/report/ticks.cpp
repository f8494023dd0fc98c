#include "report/ticks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ss::report {

namespace {
// The nice number near x: rounded (to the nearest of 1, 2, 5, 10) or not less than x.
double nice_number(double x, bool round) {
  double e = std::floor(std::log10(x));
  double f = x / std::pow(10.0, e);
  double nf;
  if (round)
    nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else
    nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * std::pow(10.0, e);
}
}  // namespace

Ticks nice_ticks(double lo, double hi, int target) {
  if (lo > hi) std::swap(lo, hi);
  if (hi == lo) {
    double pad = lo == 0 ? 1 : std::fabs(lo) * 0.5;
    lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
    hi += pad;
  }
  target = std::max(target, 2);
  double range = nice_number(hi - lo, false);
  Ticks t;
  t.step = nice_number(range / (target - 1), true);
  t.lo = std::floor(lo / t.step) * t.step;
  t.hi = std::ceil(hi / t.step) * t.step;
  t.decimals = std::max(0, -int(std::floor(std::log10(t.step) + 1e-9)));
  int n = int(std::lround((t.hi - t.lo) / t.step));
  double unit = std::pow(10.0, -t.decimals);
  for (int i = 0; i <= n; ++i) {
    double v = t.lo + i * t.step;
    v = std::round(v / unit) * unit;  // 0.30000000000000004 -> 0.3
    t.values.push_back(v == 0 ? 0 : v);
  }
  t.lo = t.values.front();
  t.hi = t.values.back();
  return t;
}

std::string format_tick(double v, int decimals) {
  return fmt::format("{:.{}f}", v == 0 ? 0.0 : v, decimals);
}

std::string format_value(double v) {
  double a = std::fabs(v);
  if (a == 0) return "0";
  if (a >= 1e6 || a < 1e-3) return fmt::format("{:.3g}", v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  int decimals = 2 - int(std::floor(std::log10(a)));
  std::string s = fmt::format("{:.{}f}", v, decimals);
  return s;
}

std::string format_change(std::optional<double> pct) {
  if (!pct) return "n/a";
  double r = std::round(*pct * 10) / 10;
  if (r == 0) return "±0.0 %";
  return fmt::format("{}{:.1f} %", r > 0 ? "+" : "\u2212", std::fabs(r));
}

}  // namespace ss::report
