// What `spikestack sim` computes, callable without the command line (the Python module uses
// it too): a model on an architecture, cycle by cycle on engine spikes, a spike dump or
// synthetic spikes, or analytically from firing statistics; then the physical model per style.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "engine/model_spec.h"
#include "phys/evaluate.h"
#include "sim/simulate.h"

namespace ss::cli {

struct SimRequest {
  std::string model, arch, tech;  // files
  std::string data = "fashion-mnist", data_root, split = "test";
  std::string spikes, trace;  // cycle mode: a spike dump; analytical mode: a trace file
  std::string mode = "cycle", numerics = "int";
  std::vector<std::string> sets;    // "key=value"; "tech." keys go to the technology file
  std::vector<std::string> styles;  // empty: every default style
  bool silicon = true;              // run the physical model
  size_t limit = 8;                 // samples (0 = all)
  double rate = 0.1;                // shape-only models: synthetic firing rate
  uint64_t seed = 1;
  bool quiet = false;  // no progress bars
};

struct SimOutcome {
  ModelSpec spec;
  arch::Arch arch;
  sim::SimResult result;
  std::string source;  // where the spikes or statistics came from (one line)
  std::vector<phys::SiliconResult> silicon;
  nlohmann::json json;  // activity tree + "source" + "silicon" (schema spikestack.activity/1)
};

// Options the chosen mode would ignore are CLI::ValidationErrors, found before any work; bad
// files are ss::Errors naming file and field.
SimOutcome run_simulation(const SimRequest& r);

}  // namespace ss::cli
