// The designs a study visits, in a fixed order: the full grid (mixed radix, the last axis
// fastest), uniform random samples, or a Latin hypercube over the axes' value indices. The same
// study gives the same list on every run and every MPI rank.
#pragma once
#include <cstdint>
#include <vector>

#include "explore/evaluator.h"
#include "explore/study.h"

namespace ss::explore {

// Value counts of the design's dimensions: models first, then every axis.
std::vector<uint32_t> dimension_sizes(const StudySpec& s);
// The grid's design number `i` (0 <= i < space_size()).
Design grid_design(const StudySpec& s, uint64_t i);
// The study's designs for grid, random and lhs, each distinct design once (first appearance).
std::vector<Design> designs_of(const StudySpec& s);

// splitmix64: a small, portable generator (std distributions differ between libraries).
struct SplitMix {
  uint64_t x;
  uint64_t next();
  double uniform();            // [0, 1)
  uint32_t below(uint32_t n);  // [0, n)
};

}  // namespace ss::explore
