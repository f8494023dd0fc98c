#include "sim/sources.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>

#include "common/error.h"
#include "common/safetensors.h"

namespace ss::sim {

SampleSource engine_source(const Network& net, const Dataset& ds, size_t count, Trace* trace) {
  auto i = std::make_shared<size_t>(0);
  count = std::min(count, ds.count());
  return [&net, &ds, count, trace, i](SampleSpikes& out) {
    if (*i >= count) return false;
    SampleRecorder rec;
    TeeObserver obs({&rec, trace});
    net.run(ds.image(*i), &obs);
    out = rec.take();
    const uint8_t* img = ds.image(*i);
    out.image.assign(img, img + ds.image_size());
    ++*i;
    return true;
  };
}

namespace {
// Engine layers of a workload (everything but the MoE routers).
std::vector<const LayerDesc*> engine_layers(const Workload& w) {
  std::vector<const LayerDesc*> v;
  for (const auto& d : w.layers)
    if (d.kind != Kind::router && d.kind != Kind::head) v.push_back(&d);
  return v;
}
int out_channels(const LayerDesc& d) { return d.kind == Kind::attention ? d.cout : d.cout; }
}  // namespace

SampleSource dump_source(const std::string& path, const Workload& w, const Dataset* images,
                         size_t limit) {
  auto st = std::make_shared<SafeTensors>(SafeTensors::load(path));
  int64_t samples = -1;
  for (const LayerDesc* d : engine_layers(w)) {
    const std::string name = "spikes." + d->name;
    if (!st->has(name)) throw error_at(path, name, "missing tensor (is this a dump of the same model?)");
    const TensorView& v = st->get(name);
    if (v.dtype != DType::U8) throw error_at(path, name, "expected dtype U8");
    std::vector<int64_t> want{v.shape.empty() ? 0 : v.shape[0], d->T, d->tokens, out_channels(*d)};
    if (v.shape != want)
      throw error_at(path, name, "expected shape {}, got {}", shape_str(want), shape_str(v.shape));
    if (samples >= 0 && want[0] != samples) throw error_at(path, name, "sample count differs between tensors");
    samples = want[0];
  }
  for (const auto& d : w.layers)
    if (d.kind == Kind::router) {
      const std::string name = "route.blocks." + std::to_string(d.block);
      if (!st->has(name)) throw error_at(path, name, "missing tensor");
      const TensorView& v = st->get(name);
      std::vector<int64_t> want{samples, d.tokens, d.top_k};
      if (v.dtype != DType::I32 || v.shape != want)
        throw error_at(path, name, "expected I32 of shape {}", shape_str(want));
    }
  size_t count = size_t(std::max<int64_t>(samples, 0));
  if (limit) count = std::min(count, limit);
  if (images && images->count() < count)
    throw error_at(path, "", "the data set has {} images but the dump {} samples", images->count(), count);
  auto i = std::make_shared<size_t>(0);
  return [st, &w, images, count, i](SampleSpikes& out) {
    if (*i >= count) return false;
    const size_t s = *i;
    for (const LayerDesc* d : engine_layers(w)) {
      const TensorView& v = st->get("spikes." + d->name);
      const int C = out_channels(*d);
      SpikeTensor t(d->T, d->tokens, C);
      const uint8_t* b = v.bytes.data() + s * size_t(d->T) * d->tokens * C;
      for (int tt = 0; tt < d->T; ++tt)
        for (int n = 0; n < d->tokens; ++n) {
          uint64_t* row = t.row(tt, n);
          for (int c = 0; c < C; ++c)
            if (*b++) row[c >> 6] |= uint64_t(1) << (c & 63);
        }
      out.layers[d->name] = std::move(t);
    }
    for (const auto& d : w.layers)
      if (d.kind == Kind::router) {
        const TensorView& v = st->get("route.blocks." + std::to_string(d.block));
        std::vector<int32_t> r(size_t(d.tokens) * d.top_k);
        std::memcpy(r.data(), v.bytes.data() + s * r.size() * 4, r.size() * 4);
        out.routes["blocks." + std::to_string(d.block)] = std::move(r);
      }
    if (images) {
      const uint8_t* img = images->image(s);
      out.image.assign(img, img + images->image_size());
    }
    ++*i;
    return true;
  };
}

SampleSource synthetic_source(const Workload& w, double rate, uint64_t seed, size_t count) {
  if (!(rate >= 0 && rate <= 1)) throw Error("--rate: firing rate must be in [0, 1]");
  auto rng = std::make_shared<std::mt19937_64>(seed);
  auto i = std::make_shared<size_t>(0);
  const uint64_t thr = uint64_t(rate * 18446744073709551615.0);
  return [&w, rng, i, count, thr, rate](SampleSpikes& out) {
    if (*i >= count) return false;
    auto& g = *rng;
    auto bern = [&](SpikeTensor& t, const std::vector<int>* toks) {
      for (int tt = 0; tt < t.T(); ++tt)
        for (int n = 0; n < t.tokens(); ++n) {
          if (toks && !std::binary_search(toks->begin(), toks->end(), n)) continue;
          uint64_t* row = t.row(tt, n);
          for (int c = 0; c < t.channels(); ++c)
            if (rate >= 1 || g() < thr) row[c >> 6] |= uint64_t(1) << (c & 63);
        }
    };
    std::map<int, std::vector<std::vector<int>>> routed;  // block -> expert -> tokens
    for (const auto& d : w.layers) {
      if (d.kind == Kind::router) {
        std::vector<int32_t> r(size_t(d.tokens) * d.top_k);
        auto& per = routed[d.block];
        per.assign(d.experts, {});
        std::vector<int> e(d.experts);
        for (int n = 0; n < d.tokens; ++n) {
          std::iota(e.begin(), e.end(), 0);
          std::shuffle(e.begin(), e.end(), g);
          for (int k = 0; k < d.top_k; ++k) r[size_t(n) * d.top_k + k] = e[k], per[e[k]].push_back(n);
        }
        out.routes["blocks." + std::to_string(d.block)] = std::move(r);
        continue;
      }
      if (d.kind == Kind::head) continue;  // no spikes
      SpikeTensor t(d.T, d.tokens, out_channels(d));
      bern(t, d.routed ? &routed[d.block][d.expert] : nullptr);
      out.layers[d.name] = std::move(t);
    }
    const LayerDesc& first = w.layers.front();
    out.image.resize(size_t(first.channels_in) * first.tokens);
    for (auto& p : out.image) p = uint8_t(g());
    ++*i;
    return true;
  };
}

}  // namespace ss::sim
