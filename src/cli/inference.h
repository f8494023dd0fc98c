// Running a network over a data set on worker threads, collecting the trace (and optionally
// every spike), shared by the commands that run the engine.
#pragma once
#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "engine/network.h"
#include "engine/trace.h"

namespace ss::cli {

struct InferResult {
  size_t samples = 0, correct = 0;
  double seconds = 0;
  Trace trace;
  std::vector<int> labels;  // predicted label per sample
};

InferResult run_inference(const Network& net, const Dataset& ds, unsigned threads, bool quiet,
                          SpikeDump* dump);
// Per-layer rates and synaptic operations, expert usage.
nlohmann::json trace_json(const Trace& tr);

}  // namespace ss::cli
