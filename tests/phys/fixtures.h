// A paper-shaped architecture and a hand-built activity for it, until configs/arch/paper.toml
// and the simulator exist. Counts are per inference of a Spikformer-4-384-like model at T = 4,
// 64 tokens, ~15 % firing (see the comments for how each was estimated).
#pragma once
#include <string>

#include "arch/arch_spec.h"
#include "sim/activity.h"
#include "tech/technology.h"

namespace ss::phys::testing {

inline std::string tech_path(const std::string& name) {
  return std::string(SS_SOURCE_DIR) + "/technologies/" + name + ".toml";
}

inline arch::Arch paper_arch() {
  arch::Arch a;
  a.file = "<fixture>";
  a.name = "paper-fixture";
  a.clock_hz = 500e6;
  a.se = {"st_systolic", 4, 16, 16, 4, arch::Tier::bottom};  // four spiking-expert cores
  a.attention = {"attention_array", 4, 16, 16, 4, arch::Tier::bottom};
  a.spike_gen.impl = "lif";
  a.spike_gen.lanes_per_core = 16;
  a.router.impl = "topk";
  a.router.lanes = 4;
  a.buffers["weight"] = {"weight", "sram", 8.0 * 256 * 1024, 128, 4, 1, arch::Tier::bottom};
  a.buffers["spike"] = {"spike", "sram", 8.0 * 64 * 1024, 64, 2, 1, arch::Tier::bottom};
  a.buffers["membrane"] = {"membrane", "sram", 8.0 * 64 * 1024, 64, 2, 1, arch::Tier::bottom};
  a.noc = {"bus", 128, 1};
  return a;
}

inline sim::ComponentActivity comp(std::string name, std::string impl,
                                   std::map<std::string, double> c) {
  sim::ComponentActivity x;
  x.name = std::move(name);
  x.impl = std::move(impl);
  x.counters = std::move(c);
  return x;
}

inline sim::Activity paper_activity() {
  sim::Activity a;
  a.arch = "paper-fixture";
  a.model = "hand";
  a.mode = "analytical";
  a.samples = 1;
  a.cycles = 400e3;
  a.root.name = "accelerator";
  // ~8.5 M weights x 64 tokens x 4 steps x 15 % firing ~ 3.3e8 accumulates; 1024 PEs.
  a.root.children.push_back(comp("se_cores", "st_systolic",
                                 {{"acc_ops", 3.0e8},
                                  {"ops_skipped", 1.7e9},
                                  {"cycles_busy", 3.5e5},
                                  {"cycles_idle", 5e4},
                                  {"cycles_stalled", 0}}));
  a.root.children.push_back(comp("attention_cores", "attention_array",
                                 {{"and_ops", 5.0e7},
                                  {"acc_ops", 2.0e7},
                                  {"ops_skipped", 1e8},
                                  {"cycles_busy", 1.2e5},
                                  {"cycles_idle", 2.8e5}}));
  // 4 blocks x ~12 x 384 neurons x 64 tokens x 4 steps
  a.root.children.push_back(
      comp("spike_gen", "lif",
           {{"membrane_updates", 4.7e6}, {"spikes_fired", 7.0e5}, {"cycles_busy", 3.0e5}}));
  a.root.children.push_back(
      comp("router", "topk", {{"score_ops", 6.6e4}, {"compare_ops", 1.6e4}, {"cycles_busy", 2e4}}));
  a.root.children.push_back(
      comp("buffers.weight", "sram",
           {{"read_bits", 3.0e8}, {"write_bits", 0}, {"reads", 2.3e6}, {"writes", 0}}));
  a.root.children.push_back(
      comp("buffers.spike", "sram",
           {{"read_bits", 6.0e7}, {"write_bits", 4.7e6}, {"reads", 9.4e5}, {"writes", 7.3e4}}));
  a.root.children.push_back(
      comp("buffers.membrane", "sram",
           {{"read_bits", 7.5e7}, {"write_bits", 7.5e7}, {"reads", 1.2e6}, {"writes", 1.2e6}}));
  a.root.children.push_back(
      comp("noc", "bus", {{"transfer_bits", 4.4e8}, {"transfers", 3.4e6}, {"cycles_busy", 3.4e6}}));
  return a;
}

}  // namespace ss::phys::testing
