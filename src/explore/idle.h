// Axes that move nothing: a bond pitch in a 2D-only study, a head-keep ratio without
// mapping.head_pruning. Judged on the evaluated designs, so it holds whatever the reason.
#pragma once
#include <string>
#include <vector>

#include "explore/store.h"

namespace ss::explore {

// Indices of the axes (of n_axes) for which at least two stored designs differ in that axis
// only (same model, same value of every other axis), and every such pair has equal results:
// every style's metrics (bit for bit, NULL equal to NULL) and build errors.
std::vector<size_t> idle_axes(const std::vector<StoredDesign>& ds, size_t n_axes);

}  // namespace ss::explore
