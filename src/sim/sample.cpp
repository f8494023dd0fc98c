#include "sim/sample.h"

#include "common/error.h"

namespace ss::sim {

const SpikeTensor& SampleSpikes::at(const std::string& name) const {
  auto it = layers.find(name);
  if (it == layers.end()) throw Error("spike trace has no layer '" + name + "'");
  return it->second;
}

void SampleRecorder::on_layer(const LayerEvent& e) {
  s_.layers[e.name] = e.spikes;
  s_.sops_exec[e.name] = e.sops_exec;
}

void SampleRecorder::on_route(const std::string& block, const std::vector<int32_t>& experts, int) {
  s_.routes[block] = experts;
}

void SampleRecorder::on_heads(const std::string& part, const std::vector<uint8_t>& ran) {
  s_.heads[part] = ran;
}

SampleSpikes SampleRecorder::take() {
  SampleSpikes out = std::move(s_);
  s_ = SampleSpikes{};
  return out;
}

}  // namespace ss::sim
