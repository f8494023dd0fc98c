#include "explore/idle.h"

#include <cmath>
#include <cstring>
#include <unordered_map>

namespace ss::explore {

namespace {
bool same(const DesignResult& x, const DesignResult& y) {
  if (x.styles.size() != y.styles.size()) return false;
  for (size_t s = 0; s < x.styles.size(); ++s) {
    const auto &p = x.styles[s], &q = y.styles[s];
    if (p.style != q.style || p.error != q.error || p.metrics.size() != q.metrics.size())
      return false;
    for (size_t m = 0; m < p.metrics.size(); ++m)
      if (p.metrics[m] != q.metrics[m] && !(std::isnan(p.metrics[m]) && std::isnan(q.metrics[m])))
        return false;
  }
  return true;
}
}  // namespace

std::vector<size_t> idle_axes(const std::vector<StoredDesign>& ds, size_t n_axes) {
  std::vector<size_t> out;
  for (size_t a = 0; a < n_axes; ++a) {
    std::unordered_map<std::string, const StoredDesign*> first;  // by everything but axis a
    bool pair = false, moved = false;
    for (const auto& d : ds) {
      if (d.inputs.size() != n_axes) continue;
      std::string k = d.model;
      for (size_t b = 0; b < n_axes; ++b)
        if (b != a) k += '\x1f' + d.inputs[b];
      auto [it, fresh] = first.emplace(std::move(k), &d);
      if (fresh || it->second->inputs[a] == d.inputs[a]) continue;
      pair = true;
      if (!same(it->second->result, d.result)) {
        moved = true;
        break;
      }
    }
    if (pair && !moved) out.push_back(a);
  }
  return out;
}

}  // namespace ss::explore
