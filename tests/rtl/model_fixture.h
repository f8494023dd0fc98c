// The set-up every model-level RTL testbench shares (se_core_tb.cpp, model_units_tb.cpp,
// ss_top_tb.cpp): a shipped model with its weights, the engine's int-mode network (the golden
// model of the arithmetic), the first n Fashion-MNIST test images, the cycle simulator's
// workload and context for an architecture. sample(i) runs image i through the engine and
// returns its prediction with the recorded spikes (and pixels), ready for
// sim::simulate_sample with an observer that drives the RTL.
#pragma once
#include <string>

#include "arch/arch_spec.h"
#include "common/safetensors.h"
#include "data/dataset.h"
#include "engine/model_spec.h"
#include "engine/network.h"
#include "sim/capacity.h"
#include "sim/layer_cost.h"
#include "sim/sample.h"
#include "sim/workload.h"

namespace ss::rtl_test {

inline std::string src(const std::string& rel) { return std::string(SS_SOURCE_DIR) + "/" + rel; }

struct ModelFixture {
  // `model`: a path under the source tree; `a`: the architecture (kept by value: the context
  // refers to it); `images`: the first n test images.
  ModelFixture(const std::string& model, arch::Arch a, size_t images)
      : arch(std::move(a)),
        spec(ModelSpec::load(src(model))),
        weights(SafeTensors::load(spec.weights)),
        net(spec, weights, Mode::Int),
        data(load_dataset("fashion-mnist", "test")),
        workload(sim::build_workload(spec)),
        ctx(arch) {
    data.truncate(images);
    // as sim::simulate decides: weights that exceed the buffer are refilled every inference
    ctx.weights_resident = sim::weights_fit(workload, arch);
  }
  ModelFixture(const ModelFixture&) = delete;  // net and ctx refer to members
  ModelFixture& operator=(const ModelFixture&) = delete;

  struct Sample {
    Prediction pred;
    sim::SampleSpikes spikes;
  };
  // Image i through the engine's int mode, its spikes recorded (with the image's pixels, which
  // the simulator's pixel conv needs).
  Sample sample(size_t i) const {
    sim::SampleRecorder rec;
    Sample s;
    s.pred = net.run(data.image(i), &rec);
    s.spikes = rec.take();
    s.spikes.image.assign(data.image(i), data.image(i) + data.image_size());
    return s;
  }
  size_t images() const { return data.count(); }

  const arch::Arch arch;
  const ModelSpec spec;
  const SafeTensors weights;
  const Network net;
  Dataset data;
  const sim::Workload workload;
  sim::SimContext ctx;  // (set in the constructor, read-only after)
};

}  // namespace ss::rtl_test
