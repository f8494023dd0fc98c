#include "engine/trace.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "common/error.h"
#include "common/safetensors.h"
#include "engine/kernels/kernels.h"

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
  const auto popcount_words = kern::kernels().popcount_words;  // generic code has no POPCNT
  std::vector<uint64_t> any(W);
  for (int n = 0; n < l.tokens; ++n) {
    std::fill(any.begin(), any.end(), 0);
    for (int t = 0; t < l.T; ++t) {
      const uint64_t* r = s.row(t, n);
      uint64_t o = 0;
      for (size_t k = 0; k < W; ++k) o |= r[k], any[k] |= r[k];
      if (o) l.token_spikes[n] += int64_t(popcount_words(r, W));
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
  head_layer(e.name, s);
}

namespace {
// Spikes per channel over steps and tokens.
std::vector<int64_t> channel_spikes(const SpikeTensor& s) {
  std::vector<int64_t> c(size_t(s.channels()), 0);
  for (size_t r = 0; r < s.rows(); ++r) {
    const uint64_t* w = s.row(r);
    for (size_t k = 0; k < s.stride(); ++k)
      for (uint64_t v = w[k]; v; v &= v - 1) ++c[k * 64 + size_t(std::countr_zero(v))];
  }
  return c;
}
}  // namespace

// Head pruning: an SSA part's Q reports before on_heads (its per-channel spikes wait for the
// ranking), its K, V and attention output after it (counted for the heads that ran).
void Trace::head_layer(const std::string& name, const SpikeTensor& s) {
  if (name.ends_with(".attn.q")) {
    pending_q_[name.substr(0, name.size() - 2)] = channel_spikes(s);
    return;
  }
  static const std::pair<const char*, int> kRows[] = {
      {".k", HeadCounts::kK}, {".v", HeadCounts::kV}, {".attn", HeadCounts::kAttn}};
  for (const auto& [suffix, row] : kRows) {
    const std::string suf(suffix);
    if (!name.ends_with(suf)) continue;
    auto it = ran_now_.find(name.substr(0, name.size() - suf.size()));
    if (it != ran_now_.end()) add_head_row(it->first, row, channel_spikes(s), it->second);
    return;
  }
}

void Trace::add_head_row(const std::string& part, int row, const std::vector<int64_t>& per_channel,
                         const std::vector<uint8_t>& ran) {
  const int H = int(ran.size());
  if (H == 0 || per_channel.size() % size_t(H)) return;
  HeadCounts& hc = head_counts_[part];
  if (hc.heads != H)
    hc.heads = H, hc.spikes.assign(4 * size_t(H), 0), hc.silent.assign(3 * size_t(H), 0);
  const size_t dh = per_channel.size() / size_t(H);
  for (int h = 0; h < H; ++h) {
    if (!ran[size_t(h)]) continue;
    int64_t sum = 0, silent = 0;
    for (size_t c = size_t(h) * dh; c < size_t(h + 1) * dh; ++c)
      sum += per_channel[c], silent += per_channel[c] == 0;
    hc.spikes[size_t(row) * H + size_t(h)] += sum;
    if (row < 3) hc.silent[size_t(row) * H + size_t(h)] += silent;
  }
}

void Trace::on_input(const uint8_t* img, int C, int H, int W) {
  static constexpr auto kBits = [] {
    std::array<uint8_t, 256> b{};
    for (int p = 0; p < 256; ++p) b[size_t(p)] = uint8_t(std::popcount(unsigned(p)));
    return b;
  }();
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
          in.rf_bits += kBits[p];
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

void Trace::on_gate(const std::string& part, const SpikeTensor& g) {
  GateUsage& u = gating_[part];
  u.open.resize(size_t(g.channels()), 0);
  for (int t = 0; t < g.T(); ++t)
    for (int n = 0; n < g.tokens(); ++n) {
      const uint64_t* r = g.row(t, n);
      for (size_t k = 0; k < g.stride(); ++k)
        for (uint64_t v = r[k]; v; v &= v - 1) ++u.open[k * 64 + size_t(std::countr_zero(v))];
    }
  u.slots += int64_t(g.T()) * g.tokens();
}

void Trace::on_heads(const std::string& part, const std::vector<uint8_t>& ran) {
  auto& h = heads_[part];
  h.resize(ran.size(), 0);
  for (size_t i = 0; i < ran.size(); ++i) h[i] += ran[i] != 0;
  if (auto q = pending_q_.find(part); q != pending_q_.end()) {
    add_head_row(part, HeadCounts::kQ, q->second, ran);
    pending_q_.erase(q);
  }
  ran_now_[part] = ran;
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
  for (const auto& [p, u] : o.gating_) {
    GateUsage& d = gating_[p];
    d.open.resize(u.open.size(), 0);
    for (size_t e = 0; e < u.open.size(); ++e) d.open[e] += u.open[e];
    d.slots += u.slots;
  }
  for (const auto& [p, h] : o.heads_) {
    auto& d = heads_[p];
    d.resize(h.size(), 0);
    for (size_t i = 0; i < h.size(); ++i) d[i] += h[i];
  }
  for (const auto& [p, h] : o.head_counts_) {
    HeadCounts& d = head_counts_[p];
    if (d.heads != h.heads)
      d.heads = h.heads, d.spikes.assign(h.spikes.size(), 0), d.silent.assign(h.silent.size(), 0);
    for (size_t i = 0; i < h.spikes.size(); ++i) d.spikes[i] += h.spikes[i];
    for (size_t i = 0; i < h.silent.size(); ++i) d.silent[i] += h.silent[i];
  }
  format_ = std::min(format_, o.format_);
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
    const int64_t v[4] = {input_.samples, input_.silent_positions, input_.rf_nonzero,
                          input_.rf_bits};
    w.add("input.receptive_fields", DType::I64, {4}, v);
    const int64_t shape[3] = {input_.channels, input_.height, input_.width};
    w.add("input.shape", DType::I64, {3}, shape);
  }
  for (const auto& [b, u] : usage_)
    w.add("expert_usage." + b, DType::I64, {int64_t(u.size())}, u.data());
  for (const auto& [p, u] : gating_) {
    w.add("expert_gating." + p, DType::I64, {int64_t(u.open.size())}, u.open.data());
    w.add("expert_gating_slots." + p, DType::I64, {1}, &u.slots);
  }
  for (const auto& [p, h] : heads_)
    w.add("heads_ran." + p, DType::I64, {int64_t(h.size())}, h.data());
  if (format_ >= 2)
    for (const auto& [p, h] : head_counts_) {
      w.add("heads_spikes." + p, DType::I64, {4, h.heads}, h.spikes.data());
      w.add("heads_silent." + p, DType::I64, {3, h.heads}, h.silent.data());
    }
  w.set_metadata("format", std::to_string(format_));
  w.set_metadata("layers", names);
  w.set_metadata("samples", std::to_string(samples()));
  w.set_metadata("mode", mode);
  w.save(path);
}

namespace {

// An I64 tensor of the expected element count, copied out.
std::vector<int64_t> i64(const SafeTensors& st, const std::string& name, int64_t n) {
  if (!st.has(name)) throw error_at(st.origin(), name, "missing tensor");
  const TensorView& v = st.get(name);
  if (v.dtype != DType::I64 || v.numel() != n)
    throw error_at(st.origin(), name, "expected I64 with {} elements, got {} with {}", n,
                   dtype_name(v.dtype), v.numel());
  std::vector<int64_t> out(static_cast<size_t>(n));
  std::memcpy(out.data(), v.bytes.data(), size_t(n) * sizeof(int64_t));
  return out;
}

}  // namespace

Trace Trace::load(const std::string& path) {
  SafeTensors st = SafeTensors::load(path);
  const auto& md = st.metadata();
  auto meta = [&](const std::string& k) {
    auto it = md.find(k);
    if (it == md.end()) throw error_at(path, "metadata." + k, "missing (not a spikestack trace?)");
    return it->second;
  };
  Trace tr;
  tr.format_ = 1;  // written before the key existed
  if (md.count("format")) {
    const std::string& f = md.at("format");
    if (f != "1" && f != "2")
      throw error_at(path, "metadata.format",
                     "'{}', expected 1 or 2 (a trace from a newer spikestack?)", f);
    tr.format_ = f[0] - '0';
  }
  int64_t samples = 0;
  try {
    samples = std::stoll(meta("samples"));
  } catch (const std::logic_error&) {
    throw error_at(path, "metadata.samples", "expected an integer");
  }
  std::string names = meta("layers");
  for (size_t s = 0; !names.empty();) {
    auto c = names.find(',', s);
    LayerTrace l;
    l.name = names.substr(s, c == std::string::npos ? c : c - s);
    if (!st.has("rate." + l.name)) throw error_at(path, "rate." + l.name, "missing tensor");
    l.T = int(st.get("rate." + l.name).numel());
    l.samples = samples;
    l.spikes = i64(st, "spikes." + l.name, l.T);
    l.sops_dense = i64(st, "sops_dense." + l.name, l.T);
    l.sops_exec = i64(st, "sops_exec." + l.name, l.T);
    if (!st.has("token_active." + l.name))
      throw error_at(path, "token_active." + l.name,
                     "missing tensor (a trace from an older spikestack: re-run `infer --trace`)");
    const auto& shape = st.get("token_active." + l.name).shape;
    if (shape.size() != 2)
      throw error_at(path, "token_active." + l.name, "expected [tokens, channels]");
    l.tokens = int(shape[0]), l.channels = int(shape[1]);
    l.silent_rows = i64(st, "silent_rows." + l.name, l.T);
    l.silent_tokens = i64(st, "silent_tokens." + l.name, 1)[0];
    l.active_tokens = i64(st, "active_tokens." + l.name, l.channels);
    l.token_spikes = i64(st, "token_spikes." + l.name, l.tokens);
    l.token_active = i64(st, "token_active." + l.name, int64_t(l.tokens) * l.channels);
    tr.index_[l.name] = tr.layers_.size();
    tr.layers_.push_back(std::move(l));
    if (c == std::string::npos) break;
    s = c + 1;
  }
  if (st.has("input.receptive_fields") && st.has("input.shape")) {
    auto v = i64(st, "input.receptive_fields", 4);
    auto shape = i64(st, "input.shape", 3);
    tr.input_ = {int(shape[0]), int(shape[1]), int(shape[2]), v[0], v[1], v[2], v[3]};
  }
  for (const auto& n : st.names())
    if (n.rfind("expert_usage.", 0) == 0) {
      const std::string block = n.substr(13);
      tr.usage_[block] = i64(st, n, st.get(n).numel());
    } else if (n.rfind("expert_gating.", 0) == 0) {
      const std::string part = n.substr(14);
      GateUsage& u = tr.gating_[part];
      u.open = i64(st, n, st.get(n).numel());
      u.slots = i64(st, "expert_gating_slots." + part, 1)[0];
    } else if (n.rfind("heads_ran.", 0) == 0) {
      const std::string part = n.substr(10);
      auto& ran = tr.heads_[part];
      ran = i64(st, n, st.get(n).numel());
      if (tr.format_ < 2) continue;  // format 1: no per-head counts
      const int64_t H = int64_t(ran.size());
      HeadCounts& hc = tr.head_counts_[part];
      hc.heads = int(H);
      for (const auto& [name, rows] : {std::pair{"heads_spikes." + part, int64_t(4)},
                                       std::pair{"heads_silent." + part, int64_t(3)}}) {
        if (!st.has(name))
          throw error_at(path, name,
                         "missing tensor (format 2 trace of a model with head pruning)");
        const auto& shape = st.get(name).shape;
        if (shape.size() != 2 || shape[0] != rows || shape[1] != H)
          throw error_at(path, name, "expected shape [{}, {}] (heads_ran.{} has {} heads)", rows, H,
                         part, H);
        (rows == 4 ? hc.spikes : hc.silent) = i64(st, name, rows * H);
      }
    }
  return tr;
}

}  // namespace ss
