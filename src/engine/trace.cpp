#include "engine/trace.h"

#include <bit>

#include "common/error.h"
#include "common/safetensors.h"

namespace ss {

double LayerTrace::rate(int t) const {
  double n = double(samples) * tokens * channels;
  return n > 0 ? double(spikes[t]) / n : 0.0;
}
double LayerTrace::rate() const {
  double s = 0;
  for (auto v : spikes) s += double(v);
  double n = double(samples) * tokens * channels * T;
  return n > 0 ? s / n : 0.0;
}

void Trace::on_layer(const LayerEvent& e) {
  auto it = index_.find(e.name);
  if (it == index_.end()) {
    LayerTrace l;
    l.name = e.name;
    l.T = e.spikes.T(), l.tokens = e.spikes.tokens(), l.channels = e.spikes.channels();
    l.spikes.assign(l.T, 0), l.sops_dense.assign(l.T, 0), l.sops_exec.assign(l.T, 0);
    l.silent_rows.assign(l.T, 0), l.active_tokens.assign(l.channels, 0);
    l.token_spikes.assign(l.tokens, 0), l.token_active.assign(size_t(l.tokens) * l.channels, 0);
    it = index_.emplace(e.name, layers_.size()).first;
    layers_.push_back(std::move(l));
  }
  LayerTrace& l = layers_[it->second];
  for (int t = 0; t < l.T; ++t) {
    l.spikes[t] += e.spikes.count(t);
    l.sops_dense[t] += e.sops_dense[t];
    l.sops_exec[t] += e.sops_exec[t];
  }
  const SpikeTensor& s = e.spikes;
  const size_t W = s.stride();
  std::vector<uint64_t> any(W);
  for (int n = 0; n < l.tokens; ++n) {
    std::fill(any.begin(), any.end(), 0);
    for (int t = 0; t < l.T; ++t) {
      const uint64_t* r = s.row(t, n);
      uint64_t o = 0;
      for (size_t k = 0; k < W; ++k) o |= r[k], any[k] |= r[k], l.token_spikes[n] += std::popcount(r[k]);
      l.silent_rows[t] += o == 0;
    }
    bool silent = true;
    for (size_t k = 0; k < W; ++k)
      for (uint64_t v = any[k]; v; v &= v - 1) {
        silent = false;
        const size_t c = k * 64 + std::countr_zero(v);
        ++l.active_tokens[c], ++l.token_active[size_t(n) * l.channels + c];
      }
    l.silent_tokens += silent;
  }
  ++l.samples;
}

void Trace::on_input(const uint8_t* img, int C, int H, int W) {
  InputTrace& in = input_;
  in.channels = C, in.height = H, in.width = W;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      int64_t nz = 0;
      for (int k = 0; k < 9; ++k) {
        const int sy = y + k / 3 - 1, sx = x + k % 3 - 1;
        if (sy < 0 || sy >= H || sx < 0 || sx >= W) continue;
        for (int c = 0; c < C; ++c) {
          const uint8_t p = img[(size_t(c) * H + sy) * W + sx];
          nz += p != 0;
          in.rf_bits += std::popcount(unsigned(p));
        }
      }
      in.rf_nonzero += nz;
      in.silent_positions += nz == 0;
    }
  ++in.samples;
}

void Trace::on_route(const std::string& block, const std::vector<int32_t>& experts, int) {
  auto& u = usage_[block];
  for (int32_t e : experts) {
    if (size_t(e) >= u.size()) u.resize(e + 1, 0);
    ++u[e];
  }
}

void Trace::merge(const Trace& o) {
  for (const auto& l : o.layers_) {
    auto it = index_.find(l.name);
    if (it == index_.end()) {
      index_[l.name] = layers_.size();
      layers_.push_back(l);
      continue;
    }
    LayerTrace& d = layers_[it->second];
    for (int t = 0; t < d.T; ++t) {
      d.spikes[t] += l.spikes[t];
      d.sops_dense[t] += l.sops_dense[t];
      d.sops_exec[t] += l.sops_exec[t];
      d.silent_rows[t] += l.silent_rows[t];
    }
    for (int c = 0; c < d.channels; ++c) d.active_tokens[c] += l.active_tokens[c];
    for (int n = 0; n < d.tokens; ++n) d.token_spikes[n] += l.token_spikes[n];
    for (size_t x = 0; x < d.token_active.size(); ++x) d.token_active[x] += l.token_active[x];
    d.silent_tokens += l.silent_tokens;
    d.samples += l.samples;
  }
  if (o.input_.samples) {
    input_.channels = o.input_.channels, input_.height = o.input_.height;
    input_.width = o.input_.width;
    input_.samples += o.input_.samples, input_.silent_positions += o.input_.silent_positions;
    input_.rf_nonzero += o.input_.rf_nonzero, input_.rf_bits += o.input_.rf_bits;
  }
  for (const auto& [b, u] : o.usage_) {
    auto& d = usage_[b];
    if (d.size() < u.size()) d.resize(u.size(), 0);
    for (size_t e = 0; e < u.size(); ++e) d[e] += u[e];
  }
}

void Trace::save(const std::string& path, const std::string& mode) const {
  SafeTensorsWriter w;
  std::string names;
  for (const auto& l : layers_) {
    names += (names.empty() ? "" : ",") + l.name;
    std::vector<double> r(l.T);
    for (int t = 0; t < l.T; ++t) r[t] = l.rate(t);
    w.add("rate." + l.name, DType::F64, {l.T}, r.data());
    w.add("sops_dense." + l.name, DType::I64, {l.T}, l.sops_dense.data());
    w.add("sops_exec." + l.name, DType::I64, {l.T}, l.sops_exec.data());
    w.add("spikes." + l.name, DType::I64, {l.T}, l.spikes.data());
  }
  for (const auto& l : layers_) {  // appended (docs/formats.md §5): silence per layer
    w.add("silent_rows." + l.name, DType::I64, {l.T}, l.silent_rows.data());
    w.add("silent_tokens." + l.name, DType::I64, {1}, &l.silent_tokens);
    w.add("active_tokens." + l.name, DType::I64, {l.channels}, l.active_tokens.data());
    w.add("token_spikes." + l.name, DType::I64, {l.tokens}, l.token_spikes.data());
    w.add("token_active." + l.name, DType::I64, {l.tokens, l.channels}, l.token_active.data());
  }
  if (input_.samples) {
    const int64_t v[4] = {input_.samples, input_.silent_positions, input_.rf_nonzero, input_.rf_bits};
    w.add("input.receptive_fields", DType::I64, {4}, v);
  }
  for (const auto& [b, u] : usage_) w.add("expert_usage." + b, DType::I64, {int64_t(u.size())}, u.data());
  w.set_metadata("layers", names);
  w.set_metadata("samples", std::to_string(samples()));
  w.set_metadata("mode", mode);
  w.save(path);
}

void SpikeDump::on_layer(const LayerEvent& e) {
  auto [it, fresh] = layers_.try_emplace(e.name);
  Entry& d = it->second;
  if (fresh) {
    order_.push_back(e.name);
    d.T = e.spikes.T(), d.tokens = e.spikes.tokens(), d.channels = e.spikes.channels();
  }
  auto b = e.spikes.to_bytes();
  d.bytes.insert(d.bytes.end(), b.begin(), b.end());
  ++d.samples;
}

void SpikeDump::on_route(const std::string& block, const std::vector<int32_t>& experts, int k) {
  auto& r = routes_[block];
  r.first = k;
  r.second.insert(r.second.end(), experts.begin(), experts.end());
  ++route_samples_[block];
}

void SpikeDump::merge(SpikeDump&& o) {
  for (auto& n : o.order_) {
    auto& src = o.layers_[n];
    auto [it, fresh] = layers_.try_emplace(n);
    if (fresh) {
      order_.push_back(n);
      it->second = std::move(src);
      continue;
    }
    it->second.bytes.insert(it->second.bytes.end(), src.bytes.begin(), src.bytes.end());
    it->second.samples += src.samples;
  }
  for (auto& [b, r] : o.routes_) {
    auto& d = routes_[b];
    d.first = r.first;
    d.second.insert(d.second.end(), r.second.begin(), r.second.end());
    route_samples_[b] += o.route_samples_[b];
  }
}

void SpikeDump::save(const std::string& path) const {
  SafeTensorsWriter w;
  std::string names;
  for (const auto& n : order_) {
    const Entry& d = layers_.at(n);
    names += (names.empty() ? "" : ",") + n;
    w.add("spikes." + n, DType::U8, {d.samples, d.T, d.tokens, d.channels}, d.bytes.data());
  }
  for (const auto& [b, r] : routes_) {
    int64_t s = route_samples_.at(b);
    w.add("route." + b, DType::I32, {s, int64_t(r.second.size()) / s / r.first, r.first},
          r.second.data());
  }
  w.set_metadata("layers", names);
  w.save(path);
}

}  // namespace ss
