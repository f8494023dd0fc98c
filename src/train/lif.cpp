#include "train/lif.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <cmath>

namespace ss::train {

namespace {

constexpr int64_t kGrain = 4096;  // neurons per parallel work item

// Runs the membrane recursion for M independent neurons over T steps. Saves H for backward.
void lif_forward_kernel(const float* x, float* s, float* h, int64_t T, int64_t M, float tau,
                        float th) {
  at::parallel_for(0, M, kGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      float v = 0.0f;
      for (int64_t t = 0; t < T; ++t) {
        const int64_t k = t * M + i;
        // Exactly the documented float semantics: division by tau, then compare, hard reset.
        const float hh = v + (x[k] - v) / tau;
        const bool fire = hh >= th;
        h[k] = hh;
        s[k] = fire ? 1.0f : 0.0f;
        v = fire ? 0.0f : hh;
      }
    }
  });
}

void lif_backward_kernel(const float* gs, const float* h, float* gx, int64_t T, int64_t M,
                         float tau, float th, float alpha, bool detach_reset) {
  const float keep = 1.0f - 1.0f / tau;  // dH[t] / dV[t-1]
  at::parallel_for(0, M, kGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      float gv = 0.0f;  // dL / dV[t]
      for (int64_t t = T - 1; t >= 0; --t) {
        const int64_t k = t * M + i;
        const float hh = h[k];
        const float sig = 1.0f / (1.0f + std::exp(-alpha * (hh - th)));
        const float sur = alpha * sig * (1.0f - sig);
        const float fire = hh >= th ? 1.0f : 0.0f;
        // V = H (1 - S): dV/dH = (1 - S) - H dS/dH, the second term only without detach.
        const float dv_dh = detach_reset ? (1.0f - fire) : (1.0f - fire) - hh * sur;
        const float gh = gs[k] * sur + gv * dv_dh;
        gx[k] = gh / tau;
        gv = gh * keep;
      }
    }
  });
}

class LifFunction : public torch::autograd::Function<LifFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x_in,
                               double tau, double th, double alpha, bool detach_reset) {
    TORCH_CHECK(x_in.dim() >= 1, "lif: expected [T, ...]");
    torch::Tensor x = x_in.to(torch::kFloat32).contiguous();
    const int64_t T = x.size(0);
    const int64_t M = T ? x.numel() / T : 0;
    torch::Tensor s = torch::empty_like(x);
    torch::Tensor h = torch::empty_like(x);
    lif_forward_kernel(x.data_ptr<float>(), s.data_ptr<float>(), h.data_ptr<float>(), T, M,
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
    torch::Tensor gs = grads[0].to(torch::kFloat32).contiguous();
    const int64_t T = h.size(0);
    const int64_t M = T ? h.numel() / T : 0;
    torch::Tensor gx = torch::empty_like(h);
    lif_backward_kernel(gs.data_ptr<float>(), h.data_ptr<float>(), gx.data_ptr<float>(), T, M,
                        float(ctx->saved_data["tau"].toDouble()),
                        float(ctx->saved_data["th"].toDouble()),
                        float(ctx->saved_data["alpha"].toDouble()),
                        ctx->saved_data["detach"].toBool());
    return {gx, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor lif(const torch::Tensor& x, const LifParams& p) {
  if (!x.requires_grad() || !torch::GradMode::is_enabled()) {
    torch::Tensor xc = x.to(torch::kFloat32).contiguous();
    const int64_t T = xc.size(0);
    const int64_t M = T ? xc.numel() / T : 0;
    torch::Tensor s = torch::empty_like(xc);
    torch::Tensor h = torch::empty_like(xc);
    lif_forward_kernel(xc.data_ptr<float>(), s.data_ptr<float>(), h.data_ptr<float>(), T, M,
                       p.tau, p.threshold);
    return s;
  }
  return LifFunction::apply(x, double(p.tau), double(p.threshold), double(p.alpha),
                            p.detach_reset);
}

}  // namespace ss::train
