// `infer --dump-spikes`: every layer's output spikes and every block's routing, written to a
// safetensors file (docs/formats.md §5) while the samples are computed. The layout (each
// layer's shape, each block's routes) is taken from one probe run; the header is written
// first and each sample's bytes go straight to their place in the file, so memory stays
// bounded by one sample per thread whatever the number of samples.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/files.h"
#include "common/safetensors.h"
#include "engine/network.h"

namespace ss {

// What one sample emits: layer shapes in execution order and each routed block's K and
// choices per sample.
class DumpLayout : public Observer {
 public:
  void on_layer(const LayerEvent& e) override;
  void on_route(const std::string& block, const std::vector<int32_t>& experts, int k) override;
  void on_heads(const std::string& part, const std::vector<uint8_t>& ran) override;

  struct Layer {
    std::string name;
    int T = 0, tokens = 0, channels = 0;
  };
  std::vector<Layer> layers;
  std::map<std::string, std::pair<int, int64_t>> routes;  // block -> (K, choices per sample)
  std::map<std::string, int> heads;                         // pruned SSA part -> heads
};

class SpikeDumpFile {
 public:
  // Sizes the file for `samples` samples of `layout` (none is written yet).
  SpikeDumpFile(const std::string& path, const DumpLayout& layout, int64_t samples);

  // The observer of one worker: set_sample(i) before running sample i.
  class Sink : public SampleObserver {
   public:
    explicit Sink(SpikeDumpFile& f) : f_(&f) {}
    void set_sample(int64_t i) override { sample_ = i; }
    void on_layer(const LayerEvent& e) override;
    void on_route(const std::string& block, const std::vector<int32_t>& experts, int k) override;
    void on_heads(const std::string& part, const std::vector<uint8_t>& ran) override;

   private:
    SpikeDumpFile* f_;
    int64_t sample_ = 0;
  };

  // Renames the finished file over the target (atomic, docs/formats.md); an error before this
  // leaves any existing file untouched.
  void commit() { out_.commit(); }

 private:
  struct Place {
    uint64_t offset = 0, per_sample = 0;  // bytes
  };
  void put(const std::string& tensor, int64_t sample, const void* data, uint64_t size);
  OutputFile out_;
  std::map<std::string, Place> places_;
  int64_t samples_;
};

}  // namespace ss
