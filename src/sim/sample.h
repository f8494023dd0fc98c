// One inference's spikes as the engine produced them (every layer's output, the MoE routes,
// the image), gathered by an Observer while the engine runs, read from a spike dump, or
// drawn synthetically for paper-scale models without weights.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/network.h"
#include "engine/spikes.h"

namespace ss::sim {

struct SampleSpikes {
  std::map<std::string, SpikeTensor> layers;             // layer name -> output spikes
  std::map<std::string, std::vector<int32_t>> routes;    // "blocks.{b}" -> [tokens][K]
  std::map<std::string, std::vector<int64_t>> sops_exec; // engine's executed ops per step
  std::map<std::string, std::vector<uint8_t>> heads;     // pruned "blocks.{b}.attn" -> ran [H]
  std::vector<uint8_t> image;                            // CHW pixels; empty if unknown
  const SpikeTensor& at(const std::string& name) const;  // throws naming the layer
};

// Observer that records one sample; call take() after Network::run.
class SampleRecorder : public Observer {
 public:
  void on_layer(const LayerEvent& e) override;
  void on_route(const std::string& block, const std::vector<int32_t>& experts, int k) override;
  void on_heads(const std::string& part, const std::vector<uint8_t>& ran) override;
  SampleSpikes take();

 private:
  SampleSpikes s_;
};

}  // namespace ss::sim
