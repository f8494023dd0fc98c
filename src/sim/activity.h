// What the simulator hands to the physical model: activity per inference as a statistics tree
// whose hierarchy is the architecture description's (component tree = configuration tree =
// statistics tree), plus per-layer cycles. Schema "spikestack.activity/1", docs/sim.md.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ss::sim {

// One component of the architecture and its counters, averaged per inference.
// Counter names are a contract with the physical model (docs/sim.md lists them):
//   arrays ("se_cores", "attention_cores"): cycles_busy, cycles_idle, cycles_stalled,
//     acc_ops (acc_bits-wide accumulates of a weight or score), and_ops (1-bit AND+count),
//     ops_skipped (zero spikes, unrouted or gated-off experts, pruned heads)
//   "spike_gen": membrane_updates, spikes_fired, cycles_busy
//   "router": score_ops, compare_ops, cycles_busy
//   "buffers.<role>": read_bits, write_bits, reads, writes, cycles_stalled; children bank<i>
//   "noc": transfer_bits, transfers, cycles_busy
struct ComponentActivity {
  std::string name;  // key in the architecture file ("se_cores", "buffers.weight", "bank0")
  std::string impl;  // implementation that produced it
  std::map<std::string, double> counters;
  std::vector<ComponentActivity> children;

  double get(const std::string& counter) const;  // 0 when absent
  const ComponentActivity* child(const std::string& name) const;
};

// One layer of the workload as mapped onto the accelerator.
struct LayerActivity {
  std::string name;  // the engine's layer name ("block0.attn.q", ...)
  std::string unit;  // which array ran it: "se_cores", "attention_cores", "router", ...
  double cycles = 0; // per inference, including fill/drain and stalls
  std::map<std::string, double> counters;  // same names as the components'
};

struct Activity {
  std::string arch;    // architecture name
  std::string model;   // model name
  std::string mode;    // "cycle" or "analytical"
  int64_t samples = 0; // inferences averaged over
  double cycles = 0;   // per inference
  std::vector<LayerActivity> layers;
  ComponentActivity root;  // name "accelerator"

  nlohmann::json to_json() const;
  static Activity from_json(const nlohmann::json& j, const std::string& origin);
};

}  // namespace ss::sim
