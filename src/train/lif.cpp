#include "train/lif.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <bit>
#include <cmath>

namespace ss::train {

namespace {

constexpr int64_t kChunk = 512;   // neurons per inner (vectorised) loop
constexpr int64_t kGrain = 8192;  // neurons per parallel work item

// The membrane recursion for M independent neurons over T steps, time outer and neurons inner
// so that the inner loop vectorises. Stores H for backward when kSaveH.
template <bool kSaveH>
void lif_forward_kernel(const float* x, float* s, float* h, int64_t T, int64_t M, float tau,
                        float th) {
  at::parallel_for(0, M, kGrain, [&](int64_t b, int64_t e) {
    float v[kChunk];
    for (int64_t c0 = b; c0 < e; c0 += kChunk) {
      const int64_t n = std::min(kChunk, e - c0);
      std::fill(v, v + n, 0.0f);
      for (int64_t t = 0; t < T; ++t) {
        const float* xt = x + t * M + c0;
        float* st = s + t * M + c0;
        float* ht = kSaveH ? h + t * M + c0 : nullptr;
        for (int64_t i = 0; i < n; ++i) {
          // Exactly the documented float semantics: division by tau, compare, hard reset.
          const float hh = v[i] + (xt[i] - v[i]) / tau;
          const bool fire = hh >= th;
          if constexpr (kSaveH) ht[i] = hh;
          st[i] = fire ? 1.0f : 0.0f;
          v[i] = fire ? 0.0f : hh;
        }
      }
    }
  });
}

// exp(x) for the surrogate's sigmoid without a libm call, so the backward loop vectorises
// (std::exp kept it scalar: ~25 % of a training step). Cephes expf (S. L. Moshier): x = k ln2
// + r with |r| <= ln2 / 2 (ln2 split in two for an exact k ln2), e^r by its degree-7 minimax
// polynomial, 2^k through the exponent bits; within 2 ulp of expf over the clamped range.
inline float exp_poly(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float k = (x * 1.44269504088896341f + kRound) - kRound;
  const float r = (x - k * 0.693359375f) - k * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * std::bit_cast<float>((int32_t(k) + 127) << 23);
}

// BPTT through the recursion, surrogate dS/dH = alpha sig (1 - sig), sig = sigmoid(alpha (H - th)).
template <bool kDetachReset>
void lif_backward_kernel(const float* gs, const float* h, float* gx, int64_t T, int64_t M,
                         float tau, float th, float alpha) {
  const float keep = 1.0f - 1.0f / tau;  // dH[t] / dV[t-1]
  at::parallel_for(0, M, kGrain, [&](int64_t b, int64_t e) {
    float gv[kChunk];  // dL / dV[t]
    for (int64_t c0 = b; c0 < e; c0 += kChunk) {
      const int64_t n = std::min(kChunk, e - c0);
      std::fill(gv, gv + n, 0.0f);
      for (int64_t t = T - 1; t >= 0; --t) {
        const float* ht = h + t * M + c0;
        const float* gst = gs + t * M + c0;
        float* gxt = gx + t * M + c0;
        for (int64_t i = 0; i < n; ++i) {
          const float hh = ht[i];
          const float sig = 1.0f / (1.0f + exp_poly(-alpha * (hh - th)));
          const float su = alpha * sig * (1.0f - sig);
          const float nofire = hh >= th ? 0.0f : 1.0f;
          // V = H (1 - S): dV/dH = (1 - S) - H dS/dH, the second term only without detach.
          const float dv_dh = kDetachReset ? nofire : nofire - hh * su;
          const float gh = gst[i] * su + gv[i] * dv_dh;
          gxt[i] = gh / tau;
          gv[i] = gh * keep;
        }
      }
    }
  });
}

std::pair<int64_t, int64_t> time_major(const torch::Tensor& x) {
  const int64_t T = x.size(0);
  return {T, T ? x.numel() / T : 0};
}

class LifFunction : public torch::autograd::Function<LifFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x_in,
                               double tau, double th, double alpha, bool detach_reset) {
    torch::Tensor x = x_in.to(torch::kFloat32).contiguous();
    auto [T, M] = time_major(x);
    torch::Tensor s = torch::empty_like(x);
    torch::Tensor h = torch::empty_like(x);
    lif_forward_kernel<true>(x.data_ptr<float>(), s.data_ptr<float>(), h.data_ptr<float>(), T, M,
                             float(tau), float(th));
    ctx->save_for_backward({h});
    ctx->saved_data["tau"] = tau;
    ctx->saved_data["th"] = th;
    ctx->saved_data["alpha"] = alpha;
    ctx->saved_data["detach"] = detach_reset;
    return s;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    torch::Tensor h = ctx->get_saved_variables()[0];
    const float tau = float(ctx->saved_data["tau"].toDouble());
    const float th = float(ctx->saved_data["th"].toDouble());
    const float alpha = float(ctx->saved_data["alpha"].toDouble());
    torch::Tensor gs = grads[0].to(torch::kFloat32).contiguous();
    auto [T, M] = time_major(h);
    torch::Tensor gx = torch::empty_like(h);
    auto* kernel = ctx->saved_data["detach"].toBool() ? &lif_backward_kernel<true>
                                                      : &lif_backward_kernel<false>;
    kernel(gs.data_ptr<float>(), h.data_ptr<float>(), gx.data_ptr<float>(), T, M, tau, th, alpha);
    return {gx, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor lif(const torch::Tensor& x, const LifParams& p) {
  TORCH_CHECK(x.dim() >= 1, "lif: expected [T, ...]");
  if (!x.requires_grad() || !torch::GradMode::is_enabled()) {
    torch::Tensor xc = x.to(torch::kFloat32).contiguous();
    auto [T, M] = time_major(xc);
    torch::Tensor s = torch::empty_like(xc);
    lif_forward_kernel<false>(xc.data_ptr<float>(), s.data_ptr<float>(), nullptr, T, M, p.tau,
                              p.threshold);
    return s;
  }
  return LifFunction::apply(x, double(p.tau), double(p.threshold), double(p.alpha), p.detach_reset);
}

}  // namespace ss::train
