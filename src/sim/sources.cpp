#include "sim/sources.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
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
  // values: what the simulator would otherwise index with or count silently
  for (const LayerDesc* d : engine_layers(w)) {
    const std::string name = "spikes." + d->name;
    const TensorView& v = st->get(name);
    const size_t per = size_t(d->T) * d->tokens * out_channels(*d);
    const uint8_t* b = v.bytes.data();
    for (size_t i = 0; i < count * per; ++i)
      if (b[i] > 1)
        throw error_at(path, name, "sample {}: element {} is {}, expected a spike (0 or 1)",
                       i / per, i % per, b[i]);
  }
  for (const auto& d : w.layers)
    if (d.kind == Kind::router) {
      const std::string name = "route.blocks." + std::to_string(d.block);
      const TensorView& v = st->get(name);
      for (size_t s = 0; s < count; ++s)
        for (int n = 0; n < d.tokens; ++n) {
          int32_t r[1024];  // top_k <= experts <= 1024 (ModelSpec)
          std::memcpy(r, v.bytes.data() + (s * d.tokens + size_t(n)) * d.top_k * 4,
                      size_t(d.top_k) * 4);
          for (int k = 0; k < d.top_k; ++k) {
            if (r[k] < 0 || r[k] >= d.experts)
              throw error_at(path, name, "sample {} token {}: expert {}, expected 0 to {}", s, n,
                             r[k], d.experts - 1);
            for (int j = 0; j < k; ++j)
              if (r[j] == r[k])
                throw error_at(path, name,
                               "sample {} token {}: expert {} chosen twice, expected {} distinct",
                               s, n, r[k], d.top_k);
          }
        }
    }
  // head pruning: which heads the engine ran per sample (present when the model pruned)
  for (const auto& d : w.layers)
    if (d.kind == Kind::attention && d.expert < 0) {
      const std::string name = "heads.blocks." + std::to_string(d.block) + ".attn";
      if (!st->has(name)) continue;
      const TensorView& v = st->get(name);
      std::vector<int64_t> want{samples, d.heads};
      if (v.dtype != DType::U8 || v.shape != want)
        throw error_at(path, name, "expected U8 of shape {}", shape_str(want));
      for (size_t s = 0; s < count; ++s) {
        int ran = 0;
        for (int h = 0; h < d.heads; ++h) {
          const uint8_t b = v.bytes[s * size_t(d.heads) + size_t(h)];
          if (b > 1) throw error_at(path, name, "sample {} head {}: {}, expected 0 or 1", s, h, b);
          ran += b;
        }
        if (ran == 0) throw error_at(path, name, "sample {}: no head ran, expected at least 1", s);
      }
    }
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
    for (const auto& d : w.layers)
      if (d.kind == Kind::attention && d.expert < 0) {
        const std::string part = "blocks." + std::to_string(d.block) + ".attn";
        if (!st->has("heads." + part)) continue;
        const uint8_t* b = st->get("heads." + part).bytes.data() + s * size_t(d.heads);
        out.heads[part].assign(b, b + d.heads);
      }
    if (images) {
      const uint8_t* img = images->image(s);
      out.image.assign(img, img + images->image_size());
    }
    ++*i;
    return true;
  };
}

namespace {

// a * b of non-negative counts, or -1 if it passes int64 (or a factor already did)
int64_t mul_or_overflow(int64_t a, int64_t b) {
  int64_t r;
  return a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r) ? -1 : r;
}

// Every count in [0, most]; `most` < 0 means too large to bound (samples absurdly large).
void counts_within(const std::string& path, const std::string& tensor,
                   const std::vector<int64_t>& v, int64_t most, const char* what) {
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] < 0 || (most >= 0 && v[i] > most))
      throw most >= 0 ? error_at(path, tensor, "element {} is {}, expected 0 to {} ({})", i, v[i],
                                 most, what)
                      : error_at(path, tensor, "element {} is {}, expected a count >= 0 ({})", i,
                                 v[i], what);
}

}  // namespace

Trace load_trace(const std::string& path, const Workload& w) {
  // the rates are stored for readers of the file; the analytical model derives its own from
  // the counts, but a rate outside [0, 1] says the file is damaged
  {
    SafeTensors st = SafeTensors::load(path);
    for (const auto& n : st.names()) {
      if (n.rfind("rate.", 0) != 0) continue;
      const TensorView& v = st.get(n);
      if (v.dtype != DType::F64)
        throw error_at(path, n, "expected dtype F64, got {}", dtype_name(v.dtype));
      for (int64_t i = 0; i < v.numel(); ++i) {
        double r;
        std::memcpy(&r, v.bytes.data() + size_t(i) * 8, 8);
        if (!(r >= 0 && r <= 1))
          throw error_at(path, n, "element {} is {}, expected a rate in [0, 1]", i, r);
      }
    }
  }
  Trace tr = Trace::load(path);
  if (tr.layers().empty())
    throw error_at(path, "metadata.layers", "no layers (expected the model's layer names)");
  const int64_t S = tr.samples();
  if (S < 1 || S > (int64_t(1) << 40))
    throw error_at(path, "metadata.samples", "{}, expected 1 to 2^40", S);
  std::map<std::string, const LayerTrace*> by;
  for (const auto& l : tr.layers()) by[l.name] = &l;
  for (const LayerDesc* d : engine_layers(w)) {
    auto it = by.find(d->name);
    if (it == by.end())
      throw error_at(path, "rate." + d->name,
                     "missing tensor (is this a trace of the same model?)");
    const LayerTrace& l = *it->second;
    const std::string nm = d->name;
    if (l.T != d->T || l.tokens != d->tokens || l.channels != out_channels(*d))
      throw error_at(path, "token_active." + nm,
                     "layer has T {} x {} tokens x {} channels, the model {} x {} x {}", l.T,
                     l.tokens, l.channels, d->T, d->tokens, out_channels(*d));
    const int64_t rows = mul_or_overflow(S, l.tokens);  // (sample, token) positions
    const int64_t cells = mul_or_overflow(rows, l.channels);
    counts_within(path, "spikes." + nm, l.spikes, cells, "samples x tokens x channels");
    counts_within(path, "sops_dense." + nm, l.sops_dense, -1, "synaptic operations");
    counts_within(path, "sops_exec." + nm, l.sops_exec, -1, "synaptic operations");
    counts_within(path, "silent_rows." + nm, l.silent_rows, rows, "samples x tokens");
    counts_within(path, "silent_tokens." + nm, {l.silent_tokens}, rows, "samples x tokens");
    counts_within(path, "active_tokens." + nm, l.active_tokens, rows, "samples x tokens");
    counts_within(path, "token_spikes." + nm, l.token_spikes,
                  mul_or_overflow(mul_or_overflow(S, l.T), l.channels), "samples x T x channels");
    counts_within(path, "token_active." + nm, l.token_active, S, "samples");
  }
  for (const auto& d : w.layers)
    if (d.kind == Kind::router) {
      const std::string blk = "blocks." + std::to_string(d.block);
      auto it = tr.expert_usage().find(blk);
      if (it == tr.expert_usage().end())
        throw error_at(path, "expert_usage." + blk, "missing tensor (routed MoE block)");
      if (int64_t(it->second.size()) != d.experts)
        throw error_at(path, "expert_usage." + blk, "{} experts, the model has {}",
                       it->second.size(), d.experts);
      counts_within(path, "expert_usage." + blk, it->second, mul_or_overflow(S, d.tokens),
                    "samples x tokens");
    }
  for (const auto& [part, u] : tr.expert_gating()) {
    const int64_t slots = mul_or_overflow(mul_or_overflow(S, w.T), w.tokens);
    if (u.slots != slots)
      throw error_at(path, "expert_gating_slots." + part, "{}, expected samples x T x tokens = {}",
                     u.slots, slots);
    counts_within(path, "expert_gating." + part, u.open, u.slots, "slots");
  }
  // head pruning: the heads that ran and (format 2) every head's counts over those samples
  for (const auto& [part, ran] : tr.heads_ran()) {
    const std::string nm = "heads_ran." + part;
    const LayerDesc* a = nullptr;
    for (const auto& d : w.layers)
      if (d.kind == Kind::attention && d.expert < 0 &&
          "blocks." + std::to_string(d.block) + ".attn" == part)
        a = &d;
    if (!a) throw error_at(path, nm, "the model has no multi-head (ssa) attention part {}", part);
    const int64_t H = a->heads;
    if (int64_t(ran.size()) != H)
      throw error_at(path, nm, "{} heads, the model has {} (attention.heads)", ran.size(), H);
    counts_within(path, nm, ran, S, "samples");
    const int64_t total = std::accumulate(ran.begin(), ran.end(), int64_t(0));
    if (total < S)
      throw error_at(path, nm, "{} head runs in {} samples, expected at least one head per sample",
                     total, S);
    auto hc = tr.head_counts().find(part);
    if (hc == tr.head_counts().end()) {
      std::fprintf(stderr,
                   "spikestack: note: %s: trace format 1 has no per-head counts (heads_spikes.%s): "
                   "the kept heads are costed at the all-heads Q rate (attention AND ops about "
                   "10 %% low, docs/sim.md); re-run `spikestack infer --trace` for format 2\n",
                   path.c_str(), part.c_str());
      continue;
    }
    const HeadCounts& c = hc->second;
    static const char* kRow[4] = {"Q", "K", "V", "attention output"};
    for (int64_t h = 0; h < H; ++h) {
      const int64_t cells =
          mul_or_overflow(mul_or_overflow(ran[size_t(h)], int64_t(a->T) * a->tokens), a->dh);
      const int64_t chans = mul_or_overflow(ran[size_t(h)], a->dh);
      for (int r = 0; r < 4; ++r) {
        const int64_t x = c.spikes[size_t(r * H + h)];
        if (x < 0 || x > cells)
          throw error_at(
              path, "heads_spikes." + part,
              "[{}, {}] ({} of head {}) is {}, expected 0 to {} (heads_ran x T x tokens x "
              "head width)",
              r, h, kRow[r], h, x, cells);
      }
      for (int r = 0; r < 3; ++r) {
        const int64_t x = c.silent[size_t(r * H + h)];
        if (x < 0 || x > chans)
          throw error_at(
              path, "heads_silent." + part,
              "[{}, {}] ({} of head {}) is {}, expected 0 to {} (heads_ran x head width)", r, h,
              kRow[r], h, x, chans);
      }
    }
    // the pruned heads' K, V and attention channels are silent: the kept heads hold every spike
    static const char* kLayer[4] = {".q", ".k", ".v", ".attn"};
    for (int r = 0; r < 4; ++r) {
      auto it = by.find(part + kLayer[r]);
      if (it == by.end()) continue;
      int64_t layer = 0, heads = 0;
      for (auto x : it->second->spikes) layer += x;
      for (int64_t h = 0; h < H; ++h) heads += c.spikes[size_t(r * H + h)];
      if (r == 0 ? heads > layer : heads != layer)
        throw error_at(path, "heads_spikes." + part,
                       "row {} ({}) sums to {} spikes over the heads, expected {} the layer's {} "
                       "(spikes.{}{})",
                       r, kRow[r], heads, r == 0 ? "at most" : "exactly", layer, part, kLayer[r]);
    }
  }
  return tr;
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
