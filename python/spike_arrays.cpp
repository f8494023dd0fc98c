#include "spike_arrays.h"

#include <algorithm>

#include "common/error.h"

namespace ss::py {

SpikeArrays::SpikeArrays(const DumpLayout& layout, int64_t samples) : samples_(samples) {
  for (const auto& l : layout.layers) {
    order_.push_back(l.name);
    layers_[l.name] = {l.T, l.tokens, l.channels,
                       std::vector<uint8_t>(size_t(samples) * l.T * l.tokens * l.channels)};
  }
  for (const auto& [b, r] : layout.routes)
    routes_[b] = {r.first, r.second, std::vector<int32_t>(size_t(samples * r.second))};
}

void SpikeArrays::Sink::on_layer(const LayerEvent& e) {
  auto it = a_->layers_.find(e.name);
  const SpikeTensor& s = e.spikes;
  if (it == a_->layers_.end() || it->second.T != s.T() || it->second.tokens != s.tokens() ||
      it->second.channels != s.channels())
    throw Error(fmt::format("spikes: sample {} emitted {}, not in the layout of the first sample",
                            sample_, e.name));
  const size_t C = size_t(s.channels());
  uint8_t* dst = it->second.bytes.data() + size_t(sample_) * s.rows() * C;
  for (size_t r = 0; r < s.rows(); ++r) {
    const uint64_t* w = s.row(r);
    for (size_t c = 0; c < C; ++c) dst[r * C + c] = uint8_t((w[c >> 6] >> (c & 63)) & 1);
  }
}

void SpikeArrays::Sink::on_route(const std::string& block, const std::vector<int32_t>& experts,
                                 int /*k*/) {
  auto it = a_->routes_.find(block);
  if (it == a_->routes_.end() || int64_t(experts.size()) != it->second.per_sample)
    throw Error(fmt::format("routes: sample {} routed {} unlike the first sample", sample_, block));
  std::copy(experts.begin(), experts.end(),
            it->second.experts.begin() + std::ptrdiff_t(sample_ * it->second.per_sample));
}

pb::dict SpikeArrays::take_spikes() {
  pb::dict d;
  for (const auto& n : order_) {
    Layer& l = layers_.at(n);
    d[pb::str(n)] = adopt(std::move(l.bytes), {samples_, l.T, l.tokens, l.channels});
  }
  return d;
}

pb::dict SpikeArrays::take_routes() {
  pb::dict d;
  for (auto& [b, r] : routes_)
    d[pb::str(b)] = adopt(std::move(r.experts), {samples_, r.per_sample / r.k, r.k});
  return d;
}

}  // namespace ss::py
