#include "explore/pareto.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace ss::explore {

namespace {
bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool strict = false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
    strict = strict || a[k] < b[k];
  }
  return strict;
}
}  // namespace

std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& pts) {
  std::vector<size_t> order;
  for (size_t i = 0; i < pts.size(); ++i) {
    bool ok = !pts[i].empty();
    for (double v : pts[i]) ok = ok && std::isfinite(v);
    if (ok) order.push_back(i);
  }
  // lexicographic: a point can only be dominated by one before it
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return pts[a] < pts[b] || (pts[a] == pts[b] && a < b); });
  std::vector<size_t> front;
  if (!order.empty() && pts[order[0]].size() == 2) {
    double best = INFINITY, best_x = -INFINITY;
    for (size_t i : order) {
      const double x = pts[i][0], y = pts[i][1];
      if (y < best || (y == best && x == best_x)) {
        front.push_back(i);
        if (y < best) best = y, best_x = x;
      }
    }
  } else {
    for (size_t i : order) {
      bool dom = false;
      for (size_t j : front)
        if (dominates(pts[j], pts[i])) {
          dom = true;
          break;
        }
      if (!dom) front.push_back(i);
    }
  }
  std::sort(front.begin(), front.end());
  return front;
}

std::vector<Row> feasible_rows(const std::vector<StoredDesign>& ds,
                               const std::vector<Constraint>& cs) {
  std::vector<Row> out;
  for (const auto& d : ds)
    for (size_t s = 0; s < d.result.styles.size(); ++s) {
      const auto& r = d.result.styles[s];
      if (!r.error.empty() || r.metrics.empty()) continue;
      bool ok = true;
      for (const auto& c : cs) ok = ok && c.ok(r.metrics);
      if (ok) out.push_back({&d, s});
    }
  return out;
}

std::vector<Sensitivity> sensitivity(const std::vector<Row>& rows, size_t metric,
                                     const std::vector<std::string>& axis_keys) {
  std::vector<Sensitivity> out;
  const size_t factors = axis_keys.size() + 2;  // model, axes, style
  double total = 0;
  size_t n = 0;
  for (const auto& r : rows)
    if (std::isfinite(r.metrics()[metric])) total += r.metrics()[metric], ++n;
  if (n == 0) return out;
  const double mean = total / static_cast<double>(n);
  for (size_t f = 0; f < factors; ++f) {
    std::map<std::string, std::pair<double, size_t>> by;
    for (const auto& r : rows) {
      const double v = r.metrics()[metric];
      if (!std::isfinite(v)) continue;
      const std::string& key = f == 0             ? r.design->model
                               : f == factors - 1 ? r.style_name()
                                                  : r.design->inputs[f - 1];
      by[key].first += v, by[key].second += 1;
    }
    Sensitivity s;
    s.factor = f == 0 ? "model" : f == factors - 1 ? "style" : axis_keys[f - 1];
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& [k, sv] : by) {
      const double m = sv.first / static_cast<double>(sv.second);
      if (m < lo) lo = m, s.best = k;
      if (m > hi) hi = m, s.worst = k;
    }
    s.spread = by.size() > 1 && mean != 0 ? (hi - lo) / std::abs(mean) : 0.0;
    out.push_back(s);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.spread > b.spread; });
  return out;
}

}  // namespace ss::explore
