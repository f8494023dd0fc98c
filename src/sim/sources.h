// Where the cycle-level simulator's spikes come from: the engine run inline on a data set,
// a spike dump written by `spikestack infer --dump-spikes`, or synthetic Bernoulli spikes
// (paper-scale shape-only models; clearly not a trained network's activity).
#pragma once
#include <cstdint>
#include <string>

#include "data/dataset.h"
#include "engine/network.h"
#include "engine/trace.h"
#include "sim/simulate.h"

namespace ss::sim {

// Runs the engine on samples [0, count) of `ds`; `trace` (optional) also collects the trace.
SampleSource engine_source(const Network& net, const Dataset& ds, size_t count, Trace* trace);
// Reads a spike dump, checked against the workload before any sample is simulated: shapes,
// spikes 0 or 1, routes K distinct experts in [0, E) per token. `images` (optional) supplies
// the pixels the dump does not hold.
SampleSource dump_source(const std::string& path, const Workload& w, const Dataset* images,
                         size_t limit);
// Reads a trace (`spikestack infer --trace`) for the analytical mode and checks it against
// the workload: every layer present with its shape, every count within what `samples`
// samples can produce (no negative or impossible counts, no NaN rates), expert usage per
// routed block. An ss::Error names the file and the tensor.
Trace load_trace(const std::string& path, const Workload& w);
// Every spiking layer fires Bernoulli(rate) (fixed seed); routes are uniformly random top-K;
// pixels uniform in 0..255.
SampleSource synthetic_source(const Workload& w, double rate, uint64_t seed, size_t count);

}  // namespace ss::sim
