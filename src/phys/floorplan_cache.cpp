#include "phys/floorplan_cache.h"

#include <cstring>
#include <mutex>
#include <unordered_map>

namespace ss::phys {

namespace {

constexpr size_t kMaxEntries = 4096;  // a few hundred bytes to a few KB each

void put_bytes(std::string& k, const void* p, size_t n) {
  k.append(static_cast<const char*>(p), n);
}
void put(std::string& k, double v) { put_bytes(k, &v, sizeof v); }
void put(std::string& k, int v) { put_bytes(k, &v, sizeof v); }
void put(std::string& k, const std::string& s) {
  put(k, static_cast<int>(s.size()));
  k += s;
}

// Everything make_floorplan reads, in order.
std::string key_of(const std::vector<Block>& blocks, double whitespace,
                   const std::vector<Affinity>& affinity, const FloorplanOptions& options) {
  std::string k;
  put(k, whitespace);
  put(k, static_cast<int>(blocks.size()));
  for (const auto& b : blocks) {
    put(k, b.name);
    put(k, static_cast<int>(b.tier));
    put(k, b.area_m2);
    put(k, placement_parts(b));
  }
  put(k, static_cast<int>(affinity.size()));
  for (const auto& a : affinity) {
    put(k, a.a);
    put(k, a.b);
    put(k, a.weight);
    put(k, a.offset);
    put(k, a.path_rest_s);
    put(k, a.stages);
  }
  put(k, options.extra_starts);
  put_bytes(k, &options.seed, sizeof options.seed);
  put(k, static_cast<int>(options.timing.has_value()));
  if (const auto& t = options.timing) {
    for (double v : {t->wire.r_ohm_per_m, t->wire.c_f_per_m, t->driver.r0_ohm, t->driver.c0_f,
                     t->bond.r_ohm, t->bond.c_f, t->floor_s})
      put(k, v);
  }
  return k;
}

struct Cache {
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<const Floorplan>> map;
  size_t hits = 0, misses = 0;
};
Cache& cache() {
  static Cache c;
  return c;
}

}  // namespace

std::shared_ptr<const Floorplan> cached_floorplan(const std::vector<Block>& blocks,
                                                  double whitespace,
                                                  const std::vector<Affinity>& affinity,
                                                  const FloorplanOptions& options) {
  const std::string k = key_of(blocks, whitespace, affinity, options);
  Cache& c = cache();
  {
    std::lock_guard lock(c.mu);
    if (auto it = c.map.find(k); it != c.map.end()) {
      ++c.hits;
      return it->second;
    }
  }
  // computed outside the lock (two threads may both compute a new geometry: same result)
  auto fp = std::make_shared<const Floorplan>(make_floorplan(blocks, whitespace, affinity, options));
  std::lock_guard lock(c.mu);
  ++c.misses;
  if (c.map.size() >= kMaxEntries) c.map.clear();
  return c.map.emplace(k, fp).first->second;
}

FloorplanCacheStats floorplan_cache_stats() {
  Cache& c = cache();
  std::lock_guard lock(c.mu);
  return {c.hits, c.misses, c.map.size()};
}

}  // namespace ss::phys
