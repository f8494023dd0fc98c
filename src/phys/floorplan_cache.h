// Floorplans depend on the architecture and technology only (each block's name, tier, area and
// pieces, the whitespace, the buses' widths and timed paths, the bus wire, driver and bond, the
// search's starts and seed), never on the workload. A design-space study evaluates many
// points that share them: this cache returns the floorplan already computed for identical
// inputs (compared exactly, byte for byte), so the result is the one make_floorplan would
// give. Thread-safe; bounded.
#pragma once
#include <memory>

#include "phys/floorplan.h"

namespace ss::phys {

std::shared_ptr<const Floorplan> cached_floorplan(const std::vector<Block>& blocks,
                                                  double whitespace,
                                                  const std::vector<Affinity>& affinity,
                                                  const FloorplanOptions& options = {});

struct FloorplanCacheStats {
  size_t hits = 0, misses = 0, entries = 0;
};
FloorplanCacheStats floorplan_cache_stats();

}  // namespace ss::phys
