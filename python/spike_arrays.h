// Every layer's spikes and every routed block's choices of n samples, written in place while
// the engine runs (worker sinks put sample i at offset i, as the file dump does) into buffers
// that NumPy arrays then own: the one copy is the unpacking of the engine's bits into bytes.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "convert.h"
#include "engine/network.h"
#include "engine/spike_dump.h"

namespace ss::py {

class SpikeArrays {
 public:
  SpikeArrays(const DumpLayout& layout, int64_t samples);  // DumpLayout: one probe run

  // The observer of one worker: set_sample(i) before running sample i.
  class Sink : public SampleObserver {
   public:
    explicit Sink(SpikeArrays& a) : a_(&a) {}
    void set_sample(int64_t i) override { sample_ = i; }
    void on_layer(const LayerEvent& e) override;
    void on_route(const std::string& block, const std::vector<int32_t>& experts, int k) override;

   private:
    SpikeArrays* a_;
    int64_t sample_ = 0;
  };

  // {layer: uint8 [samples, T, tokens, channels]} in execution order, {block: int32 [samples,
  // tokens, K]}; the buffers move into the arrays.
  pb::dict take_spikes();
  pb::dict take_routes();

 private:
  struct Layer {
    int T = 0, tokens = 0, channels = 0;
    std::vector<uint8_t> bytes;
  };
  struct Route {
    int k = 0;
    int64_t per_sample = 0;
    std::vector<int32_t> experts;
  };
  int64_t samples_;
  std::vector<std::string> order_;
  std::map<std::string, Layer> layers_;
  std::map<std::string, Route> routes_;
};

}  // namespace ss::py
