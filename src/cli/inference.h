// Running a network over a data set on worker threads, collecting the trace (and optionally
// every spike), shared by the commands that run the engine.
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>

#include "data/dataset.h"
#include "engine/network.h"
#include "engine/trace.h"

namespace ss::cli {

struct InferResult {
  size_t samples = 0, correct = 0;
  double seconds = 0;
  Trace trace;
  std::vector<int> labels;     // predicted label per sample
  int classes = 0;
  std::vector<double> scores;  // [samples][classes]: logits (float mode), scores x 2^-24 (int)
};

// The data set split a model runs on, first `limit` samples (0 = all); an image shape that is
// not the model's input is an error naming the model file.
Dataset load_model_data(const ModelSpec& spec, const std::string& data, const std::string& split,
                        const std::string& root, size_t limit);

// One observer per worker thread (e.g. a spike sink), told each sample's index before its run.
using SinkFactory = std::function<std::unique_ptr<SampleObserver>()>;

// The network over the data set on `threads` workers (contiguous chunks of samples), each with
// its own trace and, if `sinks` is set, its own sink.
InferResult run_inference(const Network& net, const Dataset& ds, unsigned threads, bool quiet,
                          const SinkFactory& sinks = {});
// Per-layer rates and synaptic operations, expert usage.
nlohmann::json trace_json(const Trace& tr);

}  // namespace ss::cli
