#include "engine/spike_dump.h"

#include "common/error.h"

namespace ss {

void DumpLayout::on_layer(const LayerEvent& e) {
  layers.push_back({e.name, e.spikes.T(), e.spikes.tokens(), e.spikes.channels()});
}

void DumpLayout::on_route(const std::string& block, const std::vector<int32_t>& experts, int k) {
  routes[block] = {k, int64_t(experts.size())};
}

void DumpLayout::on_heads(const std::string& part, const std::vector<uint8_t>& ran) {
  heads[part] = int(ran.size());
}

SpikeDumpFile::SpikeDumpFile(const std::string& path, const DumpLayout& layout, int64_t samples)
    : out_(path), samples_(samples) {
  std::map<std::string, TensorSpec> specs;
  std::string names;
  for (const auto& l : layout.layers) {
    names += (names.empty() ? "" : ",") + l.name;
    specs["spikes." + l.name] = {DType::U8, {samples, l.T, l.tokens, l.channels}};
  }
  for (const auto& [b, r] : layout.routes)
    specs["route." + b] = {DType::I32, {samples, r.second / r.first, r.first}};
  for (const auto& [p, h] : layout.heads) specs["heads." + p] = {DType::U8, {samples, h}};
  std::map<std::string, uint64_t> offsets;
  const auto header = safetensors_header(specs, {{"layers", names}}, &offsets);
  for (const auto& [name, s] : specs) {
    std::vector<int64_t> one = s.shape;
    one[0] = 1;
    places_[name] = {offsets.at(name), TensorSpec{s.dtype, one}.bytes()};
  }
  out_.write_at(0, header.data(), header.size());
}

void SpikeDumpFile::put(const std::string& tensor, int64_t sample, const void* data,
                        uint64_t size) {
  auto it = places_.find(tensor);
  if (it == places_.end() || size != it->second.per_sample || sample < 0 || sample >= samples_)
    throw Error(
        fmt::format("spike dump: sample {} emitted {} ({} bytes), not in the layout of "
                    "the first sample",
                    sample, tensor, size));
  out_.write_at(it->second.offset + uint64_t(sample) * size, data, size);
}

void SpikeDumpFile::Sink::on_layer(const LayerEvent& e) {
  const auto b = e.spikes.to_bytes();
  f_->put("spikes." + e.name, sample_, b.data(), b.size());
}

void SpikeDumpFile::Sink::on_route(const std::string& block, const std::vector<int32_t>& experts,
                                   int /*k*/) {
  f_->put("route." + block, sample_, experts.data(), experts.size() * sizeof(int32_t));
}

}  // namespace ss

namespace ss {
void SpikeDumpFile::Sink::on_heads(const std::string& part, const std::vector<uint8_t>& ran) {
  f_->put("heads." + part, sample_, ran.data(), ran.size());
}
}  // namespace ss
