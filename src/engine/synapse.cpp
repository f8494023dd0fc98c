#include "engine/synapse.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "common/safetensors.h"

namespace ss {

namespace fx {
int64_t round_half_away(double x) { return int64_t(std::llround(x)); }
int32_t threshold(double v_th, double scale, int frac_bits, int mem_bits) {
  double t = v_th / scale * double(int64_t(1) << frac_bits);
  double hi = double((int64_t(1) << (mem_bits - 1)) - 1);
  return t >= hi ? int32_t(hi) : int32_t(round_half_away(t));
}
}  // namespace fx

Synapse::Synapse(const Context& ctx, const SafeTensors& w, const std::string& name, int cout,
                 int cin, bool conv, bool bn, bool pixels)
    : name_(name),
      cin_(conv ? 9 * cin : cin),
      cout_(cout),
      acc_bits_(ctx.spec.quant.acc_bits + (pixels ? 8 : 0)),
      frac_bits_(std::max(0, ctx.F() - (pixels ? 8 : 0))) {
  const double input_scale = (pixels && ctx.mode == Mode::Int) ? 1.0 / 255.0 : 1.0;
  std::vector<int64_t> shape =
      conv ? std::vector<int64_t>{cout, cin, 3, 3} : std::vector<int64_t>{cout, cin};
  auto W = w.floats(name + ".weight", shape);
  std::vector<float> b(cout, 0.f);
  if (w.has(name + ".bias")) b = w.floats(name + ".bias", {cout});
  // Fold BN (double precision, then rounded once to float).
  std::vector<double> g(cout, 1.0), sh(cout, 0.0);
  if (bn) {
    auto gamma = w.floats(name + ".bn.weight", {cout});
    auto beta = w.floats(name + ".bn.bias", {cout});
    auto mean = w.floats(name + ".bn.running_mean", {cout});
    auto var = w.floats(name + ".bn.running_var", {cout});
    for (int o = 0; o < cout; ++o) {
      if (!(var[o] >= 0.f))
        throw error_at(w.origin(), name + ".bn.running_var", "negative or NaN variance");
      g[o] = double(gamma[o]) / std::sqrt(double(var[o]) + ctx.spec.bn_eps);
      sh[o] = double(beta[o]) - double(mean[o]) * g[o];
    }
  }
  wt_.assign(size_t(cin_) * cout, 0.f);
  bias_.assign(cout, 0.f);
  for (int o = 0; o < cout; ++o) {
    for (int c = 0; c < cin; ++c)
      for (int k = 0; k < (conv ? 9 : 1); ++k) {
        // conv rows are ordered (ky, kx, c) so a 3x3 patch of packed spike rows is contiguous
        size_t row = conv ? size_t(k) * cin + c : size_t(c);
        size_t src = conv ? (size_t(o) * cin + c) * 9 + k : size_t(o) * cin + c;
        wt_[row * cout + o] = float(double(W[src]) * g[o] * input_scale);
      }
    bias_[o] = float(double(b[o]) * g[o] + sh[o]);
    if (!std::isfinite(bias_[o]))
      throw error_at(w.origin(), name, "folded bias of channel {} is not finite", o);
  }
  if (ctx.mode != Mode::Int) return;
  const int qmax = (1 << (ctx.spec.quant.weight_bits - 1)) - 1;
  const int F = frac_bits_;
  qt_.assign(wt_.size(), 0);
  scale_.assign(cout, 1.f);
  bias_fx_.assign(cout, 0);
  for (int o = 0; o < cout; ++o) {
    float mx = 0.f;
    for (int r = 0; r < cin_; ++r) mx = std::max(mx, std::fabs(wt_[size_t(r) * cout + o]));
    float s = mx > 0.f ? mx / float(qmax) : 1.f;
    scale_[o] = s;
    for (int r = 0; r < cin_; ++r)
      qt_[size_t(r) * cout + o] = int8_t(
          std::clamp<int64_t>(fx::round_half_away(wt_[size_t(r) * cout + o] / s), -qmax, qmax));
    bias_fx_[o] =
        fx::sat(fx::round_half_away(double(bias_[o]) / s * double(1 << F)), acc_bits_ + F + 1);
  }
}

std::vector<int64_t> Synapse::integrate(const Context& ctx, const Planes& x, Currents& out) const {
  const int T = x.T(), tokens = x.tokens();
  const size_t rows = size_t(T) * tokens, n = rows * cout_;
  if (x.channels() != cin_)
    throw Error(name_ + ": input has " + std::to_string(x.channels()) + " channels, expected " +
                std::to_string(cin_));
  out.T = T, out.rows = tokens, out.cout = cout_;
  std::vector<int64_t> exec(T, 0);
  const bool is_int = ctx.mode == Mode::Int;
  std::vector<float> tf;
  std::vector<int32_t> ti;
  if (is_int) {
    out.i.assign(n, 0);
    out.f.clear();
  } else {
    out.f.assign(n, 0.f);
    out.i.clear();
  }
  for (size_t b = 0; b < x.p.size(); ++b) {
    const SpikeTensor& s = x.p[b];
    int64_t nnz = 0;
    for (int t = 0; t < T; ++t) {
      int64_t c = s.count(t);
      exec[t] += c * cout_;
      nnz += c;
    }
    if (nnz == 0) continue;
    const double crossover = is_int ? kEventDensityCrossover : ctx.k.f32_event_density;
    const bool event = double(nnz) < crossover * double(rows) * cin_;
    // Accumulate straight into the (still all-zero) output for a single plane or for plane 0:
    // 0 + 1 * sum is the sum itself (a float sum that starts at +0.0 never becomes -0.0).
    const bool direct = x.p.size() == 1 || b == 0;
    if (is_int) {
      int32_t* dst = out.i.data();
      if (!direct) ti.assign(n, 0), dst = ti.data();
      (event ? ctx.k.spmm_i8_event : ctx.k.spmm_i8_dense)(s.data(), rows, s.stride(), cin_,
                                                          qt_.data(), cout_, dst);
      if (!direct)
        for (size_t e = 0; e < n; ++e) out.i[e] += ti[e] << b;
    } else {
      float* dst = out.f.data();
      if (!direct) tf.assign(n, 0.f), dst = tf.data();
      (event ? ctx.k.spmm_f32_event : ctx.k.spmm_f32_dense)(s.data(), rows, s.stride(), cin_,
                                                            wt_.data(), cout_, dst);
      if (!direct)
        for (size_t e = 0; e < n; ++e) out.f[e] += tf[e] * float(1 << b);
    }
  }
  finish_currents(ctx, out);
  return exec;
}

void Synapse::finish_currents(const Context& ctx, Currents& c) const {
  if (ctx.mode == Mode::Int) {
    // current() for every element (vectorised kernel; acc_bits + F <= 30 is validated)
    ctx.k.currents_i32(c.i.data(), c.i.size(), size_t(cout_), bias_fx_.data(), acc_bits_,
                       frac_bits_);
  } else {
    for (size_t r = 0; r < c.f.size(); r += size_t(cout_))
      for (int o = 0; o < cout_; ++o) c.f[r + o] += bias_[o];
  }
}

void Synapse::integrate_dense(const Context& ctx, const std::vector<int32_t>& x, int rows,
                              Currents& out) const {
  out.T = 1, out.rows = rows, out.cout = cout_;
  const size_t n = size_t(rows) * cout_;
  if (ctx.mode == Mode::Int) {
    out.i.assign(n, 0);
    // When no sum can leave int32 (cin * max|x| * 128 < 2^31, always so for 8-bit pixels),
    // accumulate in int32 straight into the output and apply current() with the vectorised
    // kernel; the int64 path below gives the same values.
    int64_t xmax = 0;
    for (int32_t v : x) xmax = std::max<int64_t>(xmax, v < 0 ? -int64_t(v) : int64_t(v));
    if (int64_t(cin_) * xmax * 128 < (int64_t(1) << 31)) {
      for (int r = 0; r < rows; ++r) {
        int32_t* d = out.i.data() + size_t(r) * cout_;
        for (int k = 0; k < cin_; ++k)
          if (int32_t v = x[size_t(r) * cin_ + k]) {
            const int8_t* q = qt_.data() + size_t(k) * cout_;
            for (int o = 0; o < cout_; ++o) d[o] += v * int32_t(q[o]);
          }
      }
      finish_currents(ctx, out);
      return;
    }
    std::vector<int64_t> acc(cout_);
    for (int r = 0; r < rows; ++r) {
      std::fill(acc.begin(), acc.end(), 0);
      for (int k = 0; k < cin_; ++k)
        if (int32_t v = x[size_t(r) * cin_ + k])
          for (int o = 0; o < cout_; ++o) acc[o] += int64_t(v) * qt_[size_t(k) * cout_ + o];
      for (int o = 0; o < cout_; ++o) out.i[size_t(r) * cout_ + o] = current(acc[o], o);
    }
  } else {
    // float mode: x holds pixels 0..255; the reference input is pixel / 255 in float32
    out.f.assign(n, 0.f);
    for (int r = 0; r < rows; ++r) {
      float* d = out.f.data() + size_t(r) * cout_;
      for (int k = 0; k < cin_; ++k)
        if (int32_t v = x[size_t(r) * cin_ + k]) {
          const float xv = float(v) / 255.f;
          for (int o = 0; o < cout_; ++o) d[o] += xv * wt_[size_t(k) * cout_ + o];
        }
    }
    finish_currents(ctx, out);
  }
}

SpikeTensor lif(const Context& ctx, const Currents& c, int tokens, const std::vector<float>& th_f,
                const std::vector<int32_t>& th_i) {
  SpikeTensor s(c.T, tokens, c.cout);
  const size_t per_step = size_t(tokens) * c.cout;
  if (ctx.mode == Mode::Int) {
    std::vector<int32_t> v(per_step, 0);
    const int M = ctx.spec.quant.mem_bits;
    const int32_t hi = int32_t((int64_t(1) << (M - 1)) - 1), lo = int32_t(-(int64_t(1) << (M - 1)));
    ctx.k.lif_i32(c.i.data(), c.T, tokens, c.cout, fx::decay(ctx.spec.neuron.tau), th_i.data(), lo,
                  hi, v.data(), s.data(), s.stride());
  } else {
    std::vector<float> v(per_step, 0.f);
    ctx.k.lif_f32(c.f.data(), c.T, tokens, c.cout, float(ctx.spec.neuron.tau), th_f.data(),
                  v.data(), s.data(), s.stride());
  }
  return s;
}

SpikeTensor Synapse::fire(const Context& ctx, const Currents& c, int tokens, double v_th) const {
  std::vector<float> th_f;
  std::vector<int32_t> th_i;
  if (ctx.mode == Mode::Int) {
    th_i.resize(cout_);
    for (int o = 0; o < cout_; ++o)
      th_i[o] = fx::threshold(v_th, scale_[o], frac_bits_, ctx.spec.quant.mem_bits);
  } else {
    th_f.assign(cout_, float(v_th));
  }
  return lif(ctx, c, tokens, th_f, th_i);
}

SpikeTensor Synapse::run(const Context& ctx, const Planes& x, double v_th) const {
  Currents c;
  auto exec = integrate(ctx, x, c);
  SpikeTensor s = fire(ctx, c, x.tokens(), v_th);
  ctx.report(name_, s, std::vector<int64_t>(x.T(), int64_t(x.tokens()) * cin_ * cout_), exec);
  return s;
}

SpikeTensor Synapse::run_channels(const Context& ctx, const Planes& x, double v_th,
                                  const std::vector<uint8_t>& keep) const {
  if (keep.size() != size_t(cout_))
    throw Error(name_ + ": channel mask has " + std::to_string(keep.size()) +
                " entries, expected " + std::to_string(cout_));
  int64_t kept = 0;
  for (uint8_t k : keep) kept += k != 0;
  // Each output channel is independent of the others (its own weights, bias, membrane), so
  // computing all and clearing the absent ones gives the kept channels' exact spikes.
  Currents c;
  auto exec = integrate(ctx, x, c);
  SpikeTensor s = fire(ctx, c, x.tokens(), v_th);
  for (size_t r = 0; r < s.rows(); ++r) {
    uint64_t* w = s.row(r);
    for (int o = 0; o < cout_; ++o)
      if (!keep[o]) w[o >> 6] &= ~(uint64_t(1) << (o & 63));
  }
  for (auto& e : exec) e = e / cout_ * kept;  // exec[t] = events x cout
  ctx.report(name_, s, std::vector<int64_t>(x.T(), int64_t(x.tokens()) * cin_ * cout_), exec);
  return s;
}

}  // namespace ss
