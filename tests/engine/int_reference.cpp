#include "int_reference.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ss::intref {

namespace {

// Currents [T][N][C] in fixed point (F fraction bits).
struct Currents {
  int T = 0, N = 0, C = 0;
  std::vector<int64_t> v;
  Currents(int t, int n, int c) : T(t), N(n), C(c), v(size_t(t) * n * c, 0) {}
  int64_t& at(int t, int n, int c) { return v[(size_t(t) * N + n) * C + c]; }
  int64_t at(int t, int n, int c) const { return v[(size_t(t) * N + n) * C + c]; }
};

// Clamp to the signed `bits`-wide two's complement range, counting clamps.
int64_t saturate(int64_t x, int bits, int64_t& count) {
  const int64_t hi = (int64_t{1} << (bits - 1)) - 1, lo = -(int64_t{1} << (bits - 1));
  if (x > hi) return ++count, hi;
  if (x < lo) return ++count, lo;
  return x;
}

// Everything a run needs besides the weights.
struct Ctx {
  const ModelSpec& sp;
  int A, F, M;
  int64_t decay;
  SatCounts& sat;
  Ctx(const ModelSpec& s, SatCounts& c)
      : sp(s),
        A(s.quant.acc_bits),
        F(s.quant.mem_frac_bits),
        M(s.quant.mem_bits),
        decay(std::llround(65536.0 / s.neuron.tau)),
        sat(c) {}
  // X = sat_{A+F+1}(sat_A(acc) * 2^F + bias_fx) in the unit's own format
  int64_t current(const Unit& u, int64_t acc, int o) const {
    const int64_t a = saturate(acc, u.A, sat.acc);
    return saturate(a * (int64_t{1} << u.F) + u.bias_fx[o], u.A + u.F + 1, sat.current);
  }
};

// Threshold v_th / scale in fixed point; at or above the membrane maximum it is the maximum.
int64_t threshold(double v_th, double scale, int F, int M, int64_t& clamps) {
  const double t = v_th / scale * double(int64_t{1} << F);
  const int64_t hi = (int64_t{1} << (M - 1)) - 1;
  if (t >= double(hi)) return ++clamps, hi;
  return std::llround(t);
}

bool is_active(const std::vector<char>* active, int n) { return !active || (*active)[n]; }

// Linear layer over every (t, token): acc_o = sum_i q_oi x_i.
Currents linear(const Ctx& c, const Unit& u, const Tensor& x,
                const std::vector<char>* active = nullptr) {
  if (x.C != u.cin || u.taps != 1) throw std::logic_error(u.name + ": bad linear input");
  Currents X(x.T, x.N, u.cout);
  for (int t = 0; t < x.T; ++t)
    for (int n = 0; n < x.N; ++n) {
      if (!is_active(active, n)) continue;
      for (int o = 0; o < u.cout; ++o) {
        int64_t acc = 0;
        for (int i = 0; i < u.cin; ++i) acc += int64_t{u.w(o, i)} * x.at(t, n, i);
        X.at(t, n, o) = c.current(u, acc, o);
      }
    }
  return X;
}

// 3x3 conv, stride 1, zero padding 1, on an h x w grid of tokens (row-major).
Currents conv3x3(const Ctx& c, const Unit& u, const Tensor& x, int h, int w) {
  if (x.C != u.cin || u.taps != 9 || x.N != h * w) throw std::logic_error(u.name + ": bad conv");
  Currents X(x.T, x.N, u.cout);
  for (int t = 0; t < x.T; ++t)
    for (int y = 0; y < h; ++y)
      for (int xx = 0; xx < w; ++xx)
        for (int o = 0; o < u.cout; ++o) {
          int64_t acc = 0;
          for (int ci = 0; ci < u.cin; ++ci)
            for (int ky = 0; ky < 3; ++ky)
              for (int kx = 0; kx < 3; ++kx) {
                const int sy = y + ky - 1, sx = xx + kx - 1;
                if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
                acc += int64_t{u.w(o, ci, ky * 3 + kx)} * x.at(t, sy * w + sx, ci);
              }
          X.at(t, y * w + xx, o) = c.current(u, acc, o);
        }
  return X;
}

// Depthwise 3x3 conv (weight [C][1][3][3]), zero padding 1, on an h x w token grid.
Currents depthwise3x3(const Ctx& c, const Unit& u, const Tensor& x, int h, int w) {
  if (x.C != u.cout || u.cin != 1 || u.taps != 9 || x.N != h * w)
    throw std::logic_error(u.name + ": bad depthwise conv");
  Currents X(x.T, x.N, u.cout);
  for (int t = 0; t < x.T; ++t)
    for (int y = 0; y < h; ++y)
      for (int xx = 0; xx < w; ++xx)
        for (int ch = 0; ch < u.cout; ++ch) {
          int64_t acc = 0;
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              const int sy = y + ky - 1, sx = xx + kx - 1;
              if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
              acc += int64_t{u.w(ch, 0, ky * 3 + kx)} * x.at(t, sy * w + sx, ch);
            }
          X.at(t, y * w + xx, ch) = c.current(u, acc, ch);
        }
  return X;
}

// Multi-step LIF: H = sat_M(V + floor((X - V) * decay / 2^16)); S = H >= th; V = S ? 0 : H.
Tensor lif(const Ctx& c, const Currents& X, const std::vector<int64_t>& th,
           const std::vector<char>* active = nullptr) {
  Tensor s(X.T, X.N, X.C);
  std::vector<int64_t> V(size_t(X.N) * X.C, 0);
  for (int t = 0; t < X.T; ++t)
    for (int n = 0; n < X.N; ++n) {
      if (!is_active(active, n)) continue;
      for (int ch = 0; ch < X.C; ++ch) {
        int64_t& v = V[size_t(n) * X.C + ch];
        const int64_t d = (X.at(t, n, ch) - v) * c.decay;
        const int64_t floor_div = d >= 0 ? d / 65536 : -((-d + 65535) / 65536);
        const int64_t h = saturate(v + floor_div, c.M, c.sat.mem);
        const bool fire = h >= th[ch];
        v = fire ? 0 : h;
        s.at(t, n, ch) = fire ? 1 : 0;
      }
    }
  return s;
}

// Spiking attention per head h (width dh): count = (Q_h K_h^T) V_h exactly, then
// X = sat_{A+F+1}(count * round(s * 2^F)).
Currents attention(const Ctx& c, const Tensor& Q, const Tensor& K, const Tensor& V, int heads) {
  const int T = Q.T, N = Q.N, D = Q.C, dh = D / heads;
  const int64_t s_fx = std::llround(c.sp.neuron.attn_scale * double(int64_t{1} << c.F));
  Currents X(T, N, D);
  std::vector<int64_t> score(size_t(N) * N);
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < heads; ++h) {
      for (int n = 0; n < N; ++n)
        for (int m = 0; m < N; ++m) {
          int64_t dot = 0;
          for (int j = h * dh; j < (h + 1) * dh; ++j) dot += int64_t{Q.at(t, n, j)} * K.at(t, m, j);
          score[size_t(n) * N + m] = dot;
        }
      for (int n = 0; n < N; ++n)
        for (int j = h * dh; j < (h + 1) * dh; ++j) {
          int64_t count = 0;
          for (int m = 0; m < N; ++m) count += score[size_t(n) * N + m] * V.at(t, m, j);
          X.at(t, n, j) = saturate(count * s_fx, c.A + c.F + 1, c.sat.attn);
        }
    }
  return X;
}

// MaxPool 3x3, stride 2, padding 1 over binary spikes (= OR of the window).
Tensor maxpool(const Tensor& s, int h, int w) {
  const int oh = (h - 1) / 2 + 1, ow = (w - 1) / 2 + 1;
  Tensor o(s.T, oh * ow, s.C);
  for (int t = 0; t < s.T; ++t)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x)
        for (int ch = 0; ch < s.C; ++ch) {
          int32_t m = 0;
          for (int sy = 2 * y - 1; sy <= 2 * y + 1; ++sy)
            for (int sx = 2 * x - 1; sx <= 2 * x + 1; ++sx)
              if (sy >= 0 && sy < h && sx >= 0 && sx < w) m = std::max(m, s.at(t, sy * w + sx, ch));
          o.at(t, y * ow + x, ch) = m;
        }
  return o;
}

void add_into(Tensor& acc, const Tensor& s) {
  for (size_t i = 0; i < acc.v.size(); ++i) acc.v[i] += s.v[i];
}

Tensor channels(const Tensor& s, int start, int len) {
  Tensor o(s.T, s.N, len);
  for (int t = 0; t < s.T; ++t)
    for (int n = 0; n < s.N; ++n)
      for (int j = 0; j < len; ++j) o.at(t, n, j) = s.at(t, n, start + j);
  return o;
}

}  // namespace

Unit Reference::unit(const SafeTensors& w, const std::string& name, int cout, int cin, int taps,
                     bool bn, double input_scale, double v_th) {
  Unit u;
  u.name = name, u.cout = cout, u.cin = cin, u.taps = taps;
  const std::vector<int64_t> shape =
      taps == 9 ? std::vector<int64_t>{cout, cin, 3, 3} : std::vector<int64_t>{cout, cin};
  const std::vector<float> W = w.floats(name + ".weight", shape);
  std::vector<float> b(cout, 0.f), gamma, beta, mean, var;
  if (w.has(name + ".bias")) b = w.floats(name + ".bias", {cout});
  if (bn) {
    gamma = w.floats(name + ".bn.weight", {cout});
    beta = w.floats(name + ".bn.bias", {cout});
    mean = w.floats(name + ".bn.running_mean", {cout});
    var = w.floats(name + ".bn.running_var", {cout});
  }
  const int qmax = (1 << (spec_.quant.weight_bits - 1)) - 1;
  // pixel-fed layers (input_scale != 1) use 8 more accumulator bits and 8 fewer fraction bits
  const bool pixels = input_scale != 1.0;
  u.A = spec_.quant.acc_bits + (pixels ? 8 : 0);
  u.F = std::max(0, spec_.quant.mem_frac_bits - (pixels ? 8 : 0));
  const int F = u.F;
  const int row = cin * taps;
  u.q.assign(size_t(cout) * row, 0);
  u.scale.assign(cout, 1.f);
  u.bias.assign(cout, 0.f);
  u.bias_fx.assign(cout, 0);
  u.th.assign(cout, 0);
  std::vector<float> wf(row);
  for (int o = 0; o < cout; ++o) {
    // BN fold in double, rounded once to float: g = gamma / sqrt(var + eps)
    double g = 1.0, shift = 0.0;
    if (bn) {
      g = double(gamma[o]) / std::sqrt(double(var[o]) + spec_.bn_eps);
      shift = double(beta[o]) - double(mean[o]) * g;
    }
    float mx = 0.f;
    for (int j = 0; j < row; ++j) {
      wf[j] = float(double(W[size_t(o) * row + j]) * g * input_scale);
      mx = std::max(mx, std::fabs(wf[j]));
    }
    u.bias[o] = float(double(b[o]) * g + shift);
    // symmetric per-channel quantisation (scale and division in float32), half away from zero
    const float s = mx > 0.f ? mx / float(qmax) : 1.f;
    u.scale[o] = s;
    for (int j = 0; j < row; ++j) {
      const int64_t r = std::llround(wf[j] / s);
      if (r != std::llround(double(wf[j]) / double(s))) ++div_sensitive_;
      u.q[size_t(o) * row + j] = int32_t(std::clamp<int64_t>(r, -qmax, qmax));
    }
    u.bias_fx[o] = saturate(std::llround(double(u.bias[o]) / double(s) * double(int64_t{1} << F)),
                            u.A + F + 1, load_sat_.bias);
    if (v_th > 0)
      u.th[o] = threshold(v_th, double(s), F, spec_.quant.mem_bits, load_sat_.threshold);
  }
  return u;
}

Reference::Reference(const ModelSpec& spec, const SafeTensors& w) : spec_(spec) {
  const double th = spec.neuron.threshold;
  const int D = spec.dim;
  int cin = spec.in_channels;
  for (size_t i = 0; i < spec.tokenizer.channels.size(); ++i) {
    const int ch = spec.tokenizer.channels[i];
    // the first conv sees raw pixels 0..255: its weights absorb the 1/255
    stages_.push_back(
        unit(w, "sps.conv" + std::to_string(i), ch, cin, 9, true, i == 0 ? 1.0 / 255.0 : 1.0, th));
    cin = ch;
  }
  if (spec.tokenizer.rpe) rpe_ = unit(w, "sps.rpe", D, D, 9, true, 1.0, th);
  for (int b = 0; b < spec.blocks; ++b) {
    const std::string a = "blocks." + std::to_string(b) + ".attn",
                      f = "blocks." + std::to_string(b) + ".ffn";
    Block B;
    if (spec.attention.type == "ssa") {
      B.q = unit(w, a + ".q", D, D, 1, true, 1.0, th);
      B.k = unit(w, a + ".k", D, D, 1, true, 1.0, th);
      B.v = unit(w, a + ".v", D, D, 1, true, 1.0, th);
      B.proj = unit(w, a + ".proj", D, D, 1, true, 1.0, th);
    } else {
      const int E = spec.attention.experts, de = spec.attention.expert_dim;
      B.router = unit(w, a + ".router", E, D, 1, true, 1.0, th);
      for (int i = 0; i < E; ++i)
        B.qs.push_back(unit(w, a + ".q" + std::to_string(i), de, D, 1, true, 1.0, th));
      B.k = unit(w, a + ".k", de, D, 1, true, 1.0, th);
      B.v = unit(w, a + ".v", de, D, 1, true, 1.0, th);
      B.proj = unit(w, a + ".proj", D, de, 1, true, 1.0, th);
    }
    if (spec.ffn.type == "mlp") {
      B.fc1 = unit(w, f + ".fc1", spec.ffn.hidden, D, 1, true, 1.0, th);
      B.fc2 = unit(w, f + ".fc2", D, spec.ffn.hidden, 1, true, 1.0, th);
    } else if (spec.ffn.type == "emsp") {
      const int h = spec.ffn.hidden / 2;
      B.fc1 = unit(w, f + ".fc1", spec.ffn.hidden, D, 1, true, 1.0, th);
      B.gate = unit(w, f + ".gate", h, 1, 9, true, 1.0, th);
      B.fc2 = unit(w, f + ".fc2", D, h, 1, true, 1.0, th);
    } else {
      B.moe_router = unit(w, f + ".router", spec.ffn.experts, D, 1, false, 1.0, 0.0);
      for (int e = 0; e < spec.ffn.experts; ++e) {
        const std::string x = f + ".experts." + std::to_string(e);
        B.e_fc1.push_back(unit(w, x + ".fc1", spec.ffn.expert_hidden, D, 1, true, 1.0, th));
        B.e_fc2.push_back(unit(w, x + ".fc2", D, spec.ffn.expert_hidden, 1, true, 1.0, th));
      }
    }
    blocks_.push_back(std::move(B));
  }
  head_ = unit(w, "head", spec.classes, D, 1, false, 1.0, 0.0);
}

Result Reference::run(const uint8_t* image) const {
  const ModelSpec& sp = spec_;
  Result r;
  r.sat = load_sat_;
  const Ctx c(sp, r.sat);
  const int T = sp.timesteps;
  auto record = [&](const std::string& name, const Tensor& s) {
    r.order.push_back(name);
    r.spikes[name] = s;
  };

  // Tokenizer. Stage 0 integrates raw pixels once; the same current drives every step.
  int h = sp.in_height, w = sp.in_width;
  Tensor pixels(1, h * w, sp.in_channels);
  for (int ch = 0; ch < sp.in_channels; ++ch)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) pixels.at(0, y * w + x, ch) = image[(size_t(ch) * h + y) * w + x];
  Tensor x;
  for (size_t i = 0; i < stages_.size(); ++i) {
    const Unit& u = stages_[i];
    Currents X(T, h * w, u.cout);
    if (i == 0) {
      const Currents once = conv3x3(c, u, pixels, h, w);
      for (int t = 0; t < T; ++t)
        std::copy(once.v.begin(), once.v.end(), X.v.begin() + size_t(t) * once.v.size());
    } else {
      X = conv3x3(c, u, x, h, w);
    }
    x = lif(c, X, u.th);
    record(u.name, x);
    if (sp.tokenizer.pool[i]) {
      x = maxpool(x, h, w);
      h = (h - 1) / 2 + 1, w = (w - 1) / 2 + 1;
    }
  }
  const int N = h * w;
  Tensor res = x;  // residual stream: small non-negative integers
  if (sp.tokenizer.rpe) {
    Tensor s = lif(c, conv3x3(c, rpe_, x, h, w), rpe_.th);
    record(rpe_.name, s);
    add_into(res, s);
  }

  for (int b = 0; b < sp.blocks; ++b) {
    const Block& B = blocks_[b];
    r.max_residual = std::max(r.max_residual, *std::max_element(res.v.begin(), res.v.end()));
    // attention: x = x + Attn(x)
    const Tensor xa = res;
    if (sp.attention.type == "ssa") {
      Tensor Q = lif(c, linear(c, B.q, xa), B.q.th);
      record(B.q.name, Q);
      Tensor K = lif(c, linear(c, B.k, xa), B.k.th);
      Tensor V = lif(c, linear(c, B.v, xa), B.v.th);
      if (sp.attention.head_keep < 1.0) {
        // head pruning (formats.md §3), written independently of the engine: scores are Q's
        // spike counts per head; `keep` rounds of "pick the unpicked head with the largest
        // score, the first one found on a tie"; K and V of the other heads are cleared, so
        // their attention counts, currents and spikes are 0.
        const int H = sp.attention.heads, dh = sp.dim / H;
        int keep = int(std::ceil(sp.attention.head_keep * H - 1e-9));
        keep = std::max(1, std::min(H, keep));
        std::vector<int64_t> score(H, 0);
        for (int t = 0; t < Q.T; ++t)
          for (int n = 0; n < Q.N; ++n)
            for (int j = 0; j < sp.dim; ++j) score[j / dh] += Q.at(t, n, j);
        std::vector<uint8_t> ran(H, 0);
        for (int round = 0; round < keep; ++round) {
          int best = -1;
          for (int h = 0; h < H; ++h)
            if (!ran[h] && (best < 0 || score[h] > score[best])) best = h;
          ran[best] = 1;
        }
        for (int t = 0; t < K.T; ++t)
          for (int n = 0; n < K.N; ++n)
            for (int j = 0; j < sp.dim; ++j)
              if (!ran[j / dh]) K.at(t, n, j) = 0, V.at(t, n, j) = 0;
        r.heads["blocks." + std::to_string(b) + ".attn"] = ran;
      }
      record(B.k.name, K);
      record(B.v.name, V);
      int64_t unused = 0;
      const std::vector<int64_t> th_attn(
          sp.dim, threshold(sp.neuron.attn_threshold, 1.0, c.F, c.M, unused));
      Tensor O = lif(c, attention(c, Q, K, V, sp.attention.heads), th_attn);
      record("blocks." + std::to_string(b) + ".attn.attn", O);
      Tensor P = lif(c, linear(c, B.proj, O), B.proj.th);
      record(B.proj.name, P);
      add_into(res, P);
    } else {
      const int E = sp.attention.experts, de = sp.attention.expert_dim;
      Tensor R = lif(c, linear(c, B.router, xa), B.router.th);
      record(B.router.name, R);
      Tensor K = lif(c, linear(c, B.k, xa), B.k.th);
      Tensor V = lif(c, linear(c, B.v, xa), B.v.th);
      record(B.k.name, K);
      record(B.v.name, V);
      int64_t unused = 0;
      const std::vector<int64_t> th_attn(
          de, threshold(sp.neuron.attn_threshold, 1.0, c.F, c.M, unused));
      Tensor Y(T, N, de);  // sum_i R_i * O_i
      for (int i = 0; i < E; ++i) {
        Tensor Q = lif(c, linear(c, B.qs[i], xa), B.qs[i].th);
        record(B.qs[i].name, Q);
        Tensor O = lif(c, attention(c, Q, K, V, 1), th_attn);
        record("blocks." + std::to_string(b) + ".attn.o" + std::to_string(i), O);
        for (int t = 0; t < T; ++t)
          for (int n = 0; n < N; ++n)
            for (int d = 0; d < de; ++d) Y.at(t, n, d) += R.at(t, n, i) * O.at(t, n, d);
      }
      Tensor P = lif(c, linear(c, B.proj, Y), B.proj.th);
      record(B.proj.name, P);
      add_into(res, P);
    }

    // feed-forward: x = x + FFN(x)
    const Tensor xf = res;
    r.max_residual = std::max(r.max_residual, *std::max_element(xf.v.begin(), xf.v.end()));
    if (sp.ffn.type == "mlp") {
      Tensor H = lif(c, linear(c, B.fc1, xf), B.fc1.th);
      record(B.fc1.name, H);
      Tensor O = lif(c, linear(c, B.fc2, H), B.fc2.th);
      record(B.fc2.name, O);
      add_into(res, O);
    } else if (sp.ffn.type == "emsp") {
      const int half = sp.ffn.hidden / 2;
      Tensor H = lif(c, linear(c, B.fc1, xf), B.fc1.th);
      record(B.fc1.name, H);
      const Tensor A = channels(H, 0, half), Bh = channels(H, half, half);
      Tensor G = lif(c, depthwise3x3(c, B.gate, A, h, w), B.gate.th);
      record(B.gate.name, G);
      Tensor GB(T, N, half);
      for (size_t i = 0; i < GB.v.size(); ++i) GB.v[i] = G.v[i] & Bh.v[i];
      Tensor O = lif(c, linear(c, B.fc2, GB), B.fc2.th);
      record(B.fc2.name, O);
      add_into(res, O);
    } else {
      const int E = sp.ffn.experts, K = sp.ffn.top_k;
      const Unit& ru = B.moe_router;
      std::vector<int32_t> route(size_t(N) * K);
      std::vector<int64_t> score(E);
      std::vector<int> idx(E);
      for (int n = 0; n < N; ++n) {
        for (int e = 0; e < E; ++e) {
          int64_t acc = 0;
          for (int t = 0; t < T; ++t)
            for (int i = 0; i < sp.dim; ++i) acc += int64_t{ru.w(e, i)} * xf.at(t, n, i);
          const int64_t mul = std::llround(double(ru.scale[e]) / T * double(1 << 24));
          const int64_t bias = std::llround(double(ru.bias[e]) * double(1 << 24));
          score[e] = acc * mul + bias;
        }
        std::iota(idx.begin(), idx.end(), 0);
        std::sort(idx.begin(), idx.end(), [&](int a, int bb) {
          return score[a] != score[bb] ? score[a] > score[bb] : a < bb;
        });
        for (int k = 0; k < K; ++k) route[size_t(n) * K + k] = idx[k];
      }
      r.routes["blocks." + std::to_string(b)] = route;
      for (int e = 0; e < E; ++e) {
        std::vector<char> active(N, 0);
        for (int n = 0; n < N; ++n)
          for (int k = 0; k < K; ++k)
            if (route[size_t(n) * K + k] == e) active[n] = 1;
        Tensor H = lif(c, linear(c, B.e_fc1[e], xf, &active), B.e_fc1[e].th, &active);
        record(B.e_fc1[e].name, H);
        Tensor O = lif(c, linear(c, B.e_fc2[e], H, &active), B.e_fc2[e].th, &active);
        record(B.e_fc2[e].name, O);
        add_into(res, O);
      }
    }
  }
  r.max_residual = std::max(r.max_residual, *std::max_element(res.v.begin(), res.v.end()));

  // Head: score_c = acc_c * round(s_c / (T N) * 2^24) + round(b_c * 2^24).
  std::vector<int64_t> sum(sp.dim, 0);
  for (int t = 0; t < T; ++t)
    for (int n = 0; n < N; ++n)
      for (int i = 0; i < sp.dim; ++i) sum[i] += res.at(t, n, i);
  r.scores.resize(sp.classes);
  for (int cl = 0; cl < sp.classes; ++cl) {
    int64_t acc = 0;
    for (int i = 0; i < sp.dim; ++i) acc += int64_t{head_.w(cl, i)} * sum[i];
    const int64_t mul =
        std::llround(double(head_.scale[cl]) / double(int64_t{T} * N) * double(1 << 24));
    const int64_t bias = std::llround(double(head_.bias[cl]) * double(1 << 24));
    r.scores[cl] = acc * mul + bias;
    if (r.label < 0 || r.scores[cl] > r.scores[r.label]) r.label = cl;
  }
  return r;
}

}  // namespace ss::intref
