#include "engine/tokenizer.h"

#include <algorithm>

#include "common/safetensors.h"

namespace ss {

namespace {
// dst bits [off, off+len) |= src bits [0, len)
void or_bits(uint64_t* dst, size_t off, const uint64_t* src, size_t len) {
  for (size_t i = 0; i < len; i += 64) {
    uint64_t v = src[i / 64];
    const size_t n = std::min<size_t>(64, len - i), pos = off + i, wi = pos / 64, sh = pos % 64;
    if (n < 64) v &= (uint64_t(1) << n) - 1;
    dst[wi] |= v << sh;
    if (sh && sh + n > 64) dst[wi + 1] |= v >> (64 - sh);
  }
}
}  // namespace

SpikeTensor im2col3x3(const SpikeTensor& s, int h, int w) {
  const int C = s.channels();
  SpikeTensor o(s.T(), h * w, 9 * C);
  for (int t = 0; t < s.T(); ++t)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int k = 0; k < 9; ++k) {
          int sy = y + k / 3 - 1, sx = x + k % 3 - 1;
          if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
          or_bits(o.row(t, y * w + x), size_t(k) * C, s.row(t, sy * w + sx), size_t(C));
        }
  return o;
}

SpikeTensor maxpool3x3s2(const SpikeTensor& s, int h, int w) {
  const int oh = pooled(h), ow = pooled(w);
  SpikeTensor o(s.T(), oh * ow, s.channels());
  for (int t = 0; t < s.T(); ++t)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        uint64_t* d = o.row(t, y * ow + x);
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            int sy = 2 * y + dy, sx = 2 * x + dx;
            if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
            const uint64_t* r = s.row(t, sy * w + sx);
            for (size_t i = 0; i < s.stride(); ++i) d[i] |= r[i];
          }
      }
  return o;
}

Tokenizer::Tokenizer(const Context& ctx, const SafeTensors& w) {
  const auto& sp = ctx.spec;
  int cin = sp.in_channels;
  for (size_t i = 0; i < sp.tokenizer.channels.size(); ++i) {
    int c = sp.tokenizer.channels[i];
    stages_.emplace_back(ctx, w, "sps.conv" + std::to_string(i), c, cin, true, true,
                         /*pixels=*/i == 0);
    cin = c;
  }
  if (sp.tokenizer.rpe) rpe_ = Synapse(ctx, w, "sps.rpe", sp.dim, sp.dim, true);
}

std::vector<std::string> Tokenizer::layer_names() const {
  std::vector<std::string> n;
  for (auto& s : stages_) n.push_back(s.name());
  if (!rpe_.name().empty()) n.push_back(rpe_.name());
  return n;
}

Values Tokenizer::forward(const Context& ctx, const uint8_t* image) const {
  const auto& sp = ctx.spec;
  const int T = sp.timesteps, C0 = sp.in_channels;
  int h = sp.in_height, w = sp.in_width;
  const double th = sp.neuron.threshold;
  SpikeTensor x;
  for (size_t i = 0; i < stages_.size(); ++i) {
    const Synapse& st = stages_[i];
    SpikeTensor s;
    if (i == 0) {
      // analog first conv: same current at every step (direct encoding), computed once
      std::vector<int32_t> cols(size_t(h) * w * 9 * C0, 0);
      int64_t nnz = 0;
      for (int y = 0; y < h; ++y)
        for (int xx = 0; xx < w; ++xx)
          for (int k = 0; k < 9; ++k) {
            int sy = y + k / 3 - 1, sx = xx + k % 3 - 1;
            if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
            for (int c = 0; c < C0; ++c) {
              int32_t v = image[(size_t(c) * h + sy) * w + sx];
              cols[(size_t(y) * w + xx) * 9 * C0 + size_t(k) * C0 + c] = v;
              nnz += v != 0;
            }
          }
      Currents one, all;
      st.integrate_dense(ctx, cols, h * w, one);
      all.T = T, all.rows = h * w, all.cout = st.cout();
      for (int t = 0; t < T; ++t) {
        all.f.insert(all.f.end(), one.f.begin(), one.f.end());
        all.i.insert(all.i.end(), one.i.begin(), one.i.end());
      }
      s = st.fire(ctx, all, h * w, th);
      std::vector<int64_t> exec(T, 0);
      exec[0] = nnz * st.cout();  // computed once, reused by every step
      ctx.report(st.name(), s, std::vector<int64_t>(T, int64_t(h) * w * st.cin() * st.cout()), exec);
    } else {
      s = st.run(ctx, Planes::of(im2col3x3(x, h, w)), th);
    }
    x = std::move(s);
    if (sp.tokenizer.pool[i]) {
      x = maxpool3x3s2(x, h, w);
      h = pooled(h), w = pooled(w);
    }
  }
  Values out(T, h * w, sp.dim);
  out.add(x);
  if (!rpe_.name().empty()) out.add(rpe_.run(ctx, Planes::of(im2col3x3(x, h, w)), th));
  return out;
}

}  // namespace ss
