// The explorer's fast path for architecture overrides: instead of parsing the architecture TOML
// with every point's overrides (what `spikestack sim` does once), the base architecture and
// each axis value alone are parsed once (Evaluator::validate), and a point's architecture is
// the base with, for every axis, the fields that axis's values change copied from the parsed
// value. Exact as long as every field depends on one key (true of arch::Arch: the loader's only
// multi-key rules are the checks redone in patch()) and no two axes change the same field
// (else the patcher is not usable and the evaluator parses every point).
#pragma once
#include <string>
#include <vector>

#include "arch/arch_spec.h"

namespace ss::explore {

// Calls f(x_field, y_field, physical_only) for every field of two architectures, in a fixed
// order; physical_only marks what the analytical activity does not read (the clock, the
// tiers). Returns false when the two have different buffer roles (not comparable).
template <class A, class B, class F>
bool zip_arch(A& x, B& y, F&& f) {
  f(x.name, y.name, false);
  f(x.clock_hz, y.clock_hz, true);
  f(x.weight_bits, y.weight_bits, false);
  f(x.acc_bits, y.acc_bits, false);
  f(x.membrane_bits, y.membrane_bits, false);
  f(x.score_bits, y.score_bits, false);
  auto array = [&](auto& p, auto& q) {
    f(p.impl, q.impl, false);
    f(p.count, q.count, false);
    f(p.rows, q.rows, false);
    f(p.cols, q.cols, false);
    f(p.time_lanes, q.time_lanes, false);
    f(p.tier, q.tier, true);
  };
  array(x.se, y.se);
  array(x.attention, y.attention);
  f(x.spike_gen.impl, y.spike_gen.impl, false);
  f(x.spike_gen.lanes_per_core, y.spike_gen.lanes_per_core, false);
  f(x.spike_gen.acc_entries, y.spike_gen.acc_entries, false);
  f(x.spike_gen.tier, y.spike_gen.tier, true);
  f(x.router.impl, y.router.impl, false);
  f(x.router.lanes, y.router.lanes, false);
  f(x.router.tier, y.router.tier, true);
  if (x.buffers.size() != y.buffers.size()) return false;
  auto i = x.buffers.begin();
  auto j = y.buffers.begin();
  for (; i != x.buffers.end(); ++i, ++j) {
    if (i->first != j->first) return false;
    auto& p = i->second;
    auto& q = j->second;
    f(p.role, q.role, false);
    f(p.impl, q.impl, false);
    f(p.size_bits, q.size_bits, false);
    f(p.width_bits, q.width_bits, false);
    f(p.banks, q.banks, false);
    f(p.ports, q.ports, false);
    f(p.tier, q.tier, true);
  }
  f(x.noc.impl, y.noc.impl, false);
  f(x.noc.width_bits, y.noc.width_bits, false);
  f(x.noc.latency_cycles, y.noc.latency_cycles, false);
  f(x.offchip.width_bits, y.offchip.width_bits, false);
  f(x.offchip.latency_cycles, y.offchip.latency_cycles, false);
  f(x.head_pruning, y.head_pruning, false);
  f(x.head_keep, y.head_keep, false);
  f(x.attention_order, y.attention_order, false);
  f(x.skip_gated, y.skip_gated, false);
  return true;
}

class ArchPatcher {
 public:
  ArchPatcher() = default;
  // base: the architecture with the study's fixed overrides; values[a][i]: base with value i of
  // axis a applied alone (empty for an axis that is not an architecture key).
  ArchPatcher(arch::Arch base, std::vector<std::vector<arch::Arch>> values);
  bool usable() const { return usable_; }
  // Whether axis a changes any field of the architecture (false: no value of it moves one).
  bool moves(size_t a) const { return a < fields_.size() && !fields_[a].empty(); }
  // The base with every axis's fields taken from value idx[a]. False when the combination
  // breaks a rule between fields (acc_bits above weight_bits, a buffer a whole number of
  // rows): the caller parses it to get the loader's message.
  bool patch(const std::vector<uint32_t>& idx, arch::Arch& out) const;
  // Bytes of every field the analytical activity reads (all but physical_only ones).
  static void analytical_key(const arch::Arch& a, std::string& out);

 private:
  arch::Arch base_;
  std::vector<std::vector<arch::Arch>> values_;
  std::vector<std::vector<size_t>> fields_;  // per axis: field numbers (zip_arch order) it moves
  bool usable_ = false;
};

}  // namespace ss::explore
