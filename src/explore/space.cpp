#include "explore/space.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "common/error.h"

namespace ss::explore {

uint64_t SplitMix::next() {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
double SplitMix::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
uint32_t SplitMix::below(uint32_t n) { return static_cast<uint32_t>(uniform() * n); }

std::vector<uint32_t> dimension_sizes(const StudySpec& s) {
  std::vector<uint32_t> d{static_cast<uint32_t>(std::max<size_t>(s.models.size(), 1))};
  for (const auto& a : s.axes) d.push_back(static_cast<uint32_t>(a.values.size()));
  return d;
}

namespace {
Design from_indices(const std::vector<uint32_t>& v) {
  Design d;
  d.model = v[0];
  d.idx.assign(v.begin() + 1, v.end());
  return d;
}
}  // namespace

Design grid_design(const StudySpec& s, uint64_t i) {
  const auto dims = dimension_sizes(s);
  std::vector<uint32_t> v(dims.size());
  for (size_t k = dims.size(); k-- > 0;) {
    v[k] = static_cast<uint32_t>(i % dims[k]);
    i /= dims[k];
  }
  return from_indices(v);
}

std::vector<Design> designs_of(const StudySpec& s) {
  const auto dims = dimension_sizes(s);
  std::vector<Design> out;
  if (s.strategy == Strategy::grid) {
    const uint64_t n = s.space_size();
    if (n > 100'000'000)
      throw Error(
          fmt::format("the grid has {} designs (more than 100,000,000): use strategy "
                      "random, lhs or nsga2, or fewer axis values",
                      n));
    out.reserve(n);
    for (uint64_t i = 0; i < n; ++i) out.push_back(grid_design(s, i));
    return out;
  }
  SplitMix rng{s.seed * 0x2545F4914F6CDD1Dull + 1};
  const size_t n = s.samples;
  std::vector<std::vector<uint32_t>> pts(n, std::vector<uint32_t>(dims.size()));
  if (s.strategy == Strategy::random) {
    for (auto& p : pts)
      for (size_t k = 0; k < dims.size(); ++k) p[k] = rng.below(dims[k]);
  } else if (s.strategy == Strategy::lhs) {
    // one stratum of [0, 1) per sample in every dimension, strata shuffled per dimension
    for (size_t k = 0; k < dims.size(); ++k) {
      std::vector<uint32_t> perm(n);
      std::iota(perm.begin(), perm.end(), 0u);
      for (size_t i = n; i > 1; --i)
        std::swap(perm[i - 1], perm[rng.below(static_cast<uint32_t>(i))]);
      for (size_t i = 0; i < n; ++i) {
        const double u = (perm[i] + rng.uniform()) / static_cast<double>(n);
        pts[i][k] = std::min<uint32_t>(dims[k] - 1, static_cast<uint32_t>(u * dims[k]));
      }
    }
  } else {
    throw Error("designs_of: nsga2 chooses its designs as it goes");
  }
  std::set<std::vector<uint32_t>> seen;
  for (const auto& p : pts)
    if (seen.insert(p).second) out.push_back(from_indices(p));
  return out;
}

}  // namespace ss::explore
