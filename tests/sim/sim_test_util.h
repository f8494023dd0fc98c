// Helpers for simulator tests: shipped models with their data, random small networks,
// comparing two activity trees counter by counter.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>

#include "arch/arch_spec.h"
#include "common/safetensors.h"
#include "data/dataset.h"
#include "engine/network.h"
#include "engine/random_model.h"
#include "sim/simulate.h"
#include "sim/sources.h"

namespace ss::test {

inline std::string src(const std::string& rel) { return std::string(SS_SOURCE_DIR) + "/" + rel; }

inline arch::Arch paper(const std::vector<std::string>& sets = {}) {
  return arch::load_arch(src("configs/arch/paper.toml"), sets);
}
inline arch::Arch small_arch(const std::vector<std::string>& sets = {}) {
  return arch::load_arch(src("configs/arch/small.toml"), sets);
}

inline Dataset fmnist(size_t n) {
  Dataset ds = load_dataset("fashion-mnist", "test");
  ds.truncate(n);
  return ds;
}

// Random images for a model's input.
inline Dataset random_images(const ModelSpec& m, size_t n, uint64_t seed) {
  Dataset ds;
  ds.channels = m.in_channels, ds.height = m.in_height, ds.width = m.in_width;
  ds.classes = m.classes;
  std::mt19937_64 g(seed);
  ds.pixels.resize(n * ds.image_size());
  for (auto& p : ds.pixels) p = uint8_t(g() % 256 < 128 ? 0 : g());  // half the pixels zero
  ds.labels.assign(n, 0);
  return ds;
}

inline Network random_network(const ModelSpec& m, uint64_t seed) {
  SafeTensors w = SafeTensors::parse(random_weights(m, seed).serialize(), "random");
  return Network(m, w, Mode::Int);
}

// Every counter of `b` within `tol` of `a`, recursively: access and operation counts relative
// to themselves, time counters (cycles_*, fill_cycles) relative to the component's cycle
// budget (inference cycles x cores), since a stall is only meaningful against that budget.
inline bool is_time(const std::string& k) {
  return k.rfind("cycles_", 0) == 0 || k == "fill_cycles";
}
// `skip`: "component.counter" pairs left out (each caller states why).
inline void expect_tree_near(const sim::ComponentActivity& a, const sim::ComponentActivity& b,
                             double tol, const std::string& where, double cycles,
                             double* worst = nullptr, bool access_only = false,
                             const std::set<std::string>& skip = {}) {
  for (const auto& [k, v] : a.counters) {
    const double u = b.get(k);
    const bool time = is_time(k);
    if (time && access_only) continue;
    if (skip.count(a.name + "." + k)) continue;
    const double scale = time ? cycles * std::max(1.0, a.get("count")) : std::max(std::abs(v), std::abs(u));
    if (worst && scale > 0) *worst = std::max(*worst, std::abs(v - u) / scale);
    EXPECT_LE(std::abs(v - u), tol * scale + 1e-6) << where << "." << a.name << "." << k << ": " << v << " vs " << u;
  }
  for (const auto& c : a.children) {
    const auto* o = b.child(c.name);
    ASSERT_NE(o, nullptr) << where << "." << c.name;
    expect_tree_near(c, *o, tol, where + "." + a.name, cycles, worst, access_only, skip);
  }
}

}  // namespace ss::test
