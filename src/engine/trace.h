// Aggregated activity of a network over many samples: per layer and time step, spike counts,
// neuron counts and synaptic operations (dense-equivalent and executed), plus expert usage.
// This is what the accelerator simulator consumes; it is exportable as safetensors.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/network.h"

namespace ss {

struct LayerTrace {
  std::string name;
  int T = 0, tokens = 0, channels = 0;
  std::vector<int64_t> spikes, sops_dense, sops_exec;  // per step, summed over samples
  int64_t samples = 0;
  double rate(int t) const;  // spikes / (samples * tokens * channels)
  double rate() const;
};

class Trace : public Observer {
 public:
  void on_layer(const LayerEvent& e) override;
  void on_route(const std::string& block, const std::vector<int32_t>& experts, int k) override;
  void merge(const Trace& o);

  const std::vector<LayerTrace>& layers() const { return layers_; }
  // expert_usage[block][e] = number of (sample, token) routed to expert e
  const std::map<std::string, std::vector<int64_t>>& expert_usage() const { return usage_; }
  int64_t samples() const { return layers_.empty() ? 0 : layers_[0].samples; }
  void save(const std::string& path, const std::string& mode) const;

 private:
  std::vector<LayerTrace> layers_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::vector<int64_t>> usage_;
};

// Collects every layer's output spikes as 0/1 bytes, for --dump-spikes.
class SpikeDump : public Observer {
 public:
  void on_layer(const LayerEvent& e) override;
  void on_route(const std::string& block, const std::vector<int32_t>& experts, int k) override;
  void merge(SpikeDump&& o);
  void save(const std::string& path) const;

 private:
  struct Entry {
    int T = 0, tokens = 0, channels = 0;
    int64_t samples = 0;
    std::vector<uint8_t> bytes;
  };
  std::vector<std::string> order_;
  std::map<std::string, Entry> layers_;
  std::map<std::string, std::pair<int, std::vector<int32_t>>> routes_;  // block -> (K, data)
  std::map<std::string, int64_t> route_samples_;
};

}  // namespace ss
