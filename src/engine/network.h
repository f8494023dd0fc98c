// A loaded spiking transformer ready to run: weights folded (and quantised in int mode),
// layers built from the model file. Runs one image at a time and reports every layer's
// spikes to an optional observer (trace, spike dump, simulator).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/model_spec.h"
#include "engine/spikes.h"

namespace ss {

class SafeTensors;

enum class Mode { Float, Int };
Mode parse_mode(const std::string& s);  // "float" | "int"
const char* mode_name(Mode m);

// What a layer reports after it ran on one sample.
struct LayerEvent {
  const std::string& name;
  const SpikeTensor& spikes;              // output spikes [T, tokens, channels]
  const std::vector<int64_t>& sops_dense;  // per time step, dense-equivalent synaptic ops
  const std::vector<int64_t>& sops_exec;   // per time step, executed (zero-skipped, routed)
};

class Observer {
 public:
  virtual ~Observer() = default;
  // The image a run starts from (8-bit pixels, channel-major [C, H, W]).
  virtual void on_input(const uint8_t* /*image*/, int /*channels*/, int /*height*/, int /*width*/) {}
  virtual void on_layer(const LayerEvent& e) = 0;
  // Routed MoE: chosen experts per token ([tokens][K], ascending score rank).
  virtual void on_route(const std::string& /*block*/, const std::vector<int32_t>& /*experts*/,
                        int /*k*/) {}
  // SEMM EMSA: the router's spikes [T, tokens, experts]; expert e's output passes at (t, token)
  // only where channel e fired. `part` is the attention part ("blocks.0.attn").
  virtual void on_gate(const std::string& /*part*/, const SpikeTensor& /*gates*/) {}
  // SSA with head pruning (model attention.head_keep < 1): which heads ran for this image,
  // [heads], 1 = ran, 0 = pruned (absent: no K, V or attention work, zero output). Reported
  // after Q and before K. `part` is the attention part ("blocks.0.attn").
  virtual void on_heads(const std::string& /*part*/, const std::vector<uint8_t>& /*ran*/) {}
};

// An observer that is told which sample each run belongs to before it starts (the spike sinks
// of `infer --dump-spikes` and of the Python module write by sample index).
class SampleObserver : public Observer {
 public:
  virtual void set_sample(int64_t i) = 0;
};

// Forwards every event to several observers (null entries are skipped).
class TeeObserver : public Observer {
 public:
  explicit TeeObserver(std::vector<Observer*> to) : to_(std::move(to)) {}
  void on_input(const uint8_t* img, int c, int h, int w) override {
    for (auto* o : to_)
      if (o) o->on_input(img, c, h, w);
  }
  void on_layer(const LayerEvent& e) override {
    for (auto* o : to_)
      if (o) o->on_layer(e);
  }
  void on_route(const std::string& b, const std::vector<int32_t>& x, int k) override {
    for (auto* o : to_)
      if (o) o->on_route(b, x, k);
  }
  void on_gate(const std::string& p, const SpikeTensor& g) override {
    for (auto* o : to_)
      if (o) o->on_gate(p, g);
  }
  void on_heads(const std::string& p, const std::vector<uint8_t>& r) override {
    for (auto* o : to_)
      if (o) o->on_heads(p, r);
  }

 private:
  std::vector<Observer*> to_;
};

struct Prediction {
  int label = -1;
  std::vector<double> scores;  // logits (float mode) or fixed-point scores scaled by 2^-24 (int)
};

class Layer;  // engine-internal

class Network {
 public:
  Network(const ModelSpec& spec, const SafeTensors& weights, Mode mode);
  ~Network();
  Network(Network&&) noexcept;
  Network& operator=(Network&&) noexcept;

  // Runs one image (uint8 pixels, CHW, sizes from the model file).
  Prediction run(const uint8_t* image, Observer* obs = nullptr) const;

  const ModelSpec& spec() const;
  Mode mode() const;
  // Names of all spiking layers in execution order (the trace / dump keys).
  std::vector<std::string> layer_names() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: loads model file + its weights file.
Network load_network(const std::string& model_path, Mode mode);
// The same for a spec already loaded (e.g. with --set overrides): reads spec.weights.
Network load_network(const ModelSpec& spec, Mode mode);

}  // namespace ss
