#include "train/modules.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace ss::train {

namespace F = torch::nn::functional;

namespace {

std::string join(const std::string& prefix, const std::string& part) {
  return prefix.empty() ? part : prefix + "." + part;
}

// [T, B, C, H, W] -> [T, B, H*W, C] (row-major tokens, channels last).
torch::Tensor grid_to_tokens(const torch::Tensor& x) { return x.flatten(3).transpose(2, 3); }

// nn.Linear's default initialisation (kaiming uniform with a = sqrt(5); bias U(+-1/sqrt(in))).
void init_linear(torch::Tensor& w, torch::Tensor* b, int64_t fan_in) {
  torch::NoGradGuard g;
  torch::nn::init::kaiming_uniform_(w, std::sqrt(5.0));
  if (b) {
    double bound = fan_in > 0 ? 1.0 / std::sqrt(double(fan_in)) : 0.0;
    b->uniform_(-bound, bound);
  }
}

}  // namespace

Neurons::Neurons(const ModelSpec& spec, bool detach_reset) {
  lif.detach_reset = attn_lif.detach_reset = detach_reset;
  lif.tau = float(spec.neuron.tau);
  lif.threshold = float(spec.neuron.threshold);
  attn_lif.tau = float(spec.neuron.tau);
  attn_lif.threshold = float(spec.neuron.attn_threshold);
  attn_scale = float(spec.neuron.attn_scale);
}

// ---------------------------------------------------------------- Linear-BN and Conv-BN units

LinearBNImpl::LinearBNImpl(int64_t in, int64_t out, bool has_bias, double eps) {
  weight = register_parameter("weight", torch::empty({out, in}));
  if (has_bias) bias = register_parameter("bias", torch::empty({out}));
  init_linear(weight, has_bias ? &bias : nullptr, in);
  bn = register_module("bn", torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(out).eps(eps)));
}

std::pair<torch::Tensor, torch::Tensor> LinearBNImpl::folded() const {
  // BN folding in float32, as formats.md §2 states: scale = g / sqrt(var + eps).
  torch::Tensor scale = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
  torch::Tensor w = weight * scale.unsqueeze(1);
  torch::Tensor b = bias.defined() ? bias - bn->running_mean : -bn->running_mean;
  return {w, b * scale + bn->bias};
}

torch::Tensor LinearBNImpl::forward(const torch::Tensor& x) {
  auto sizes = x.sizes().vec();
  const int64_t in = weight.size(1), out = weight.size(0);
  // A 1x1 convolution over a batch of rows: LibTorch routes it to oneDNN, many times faster
  // than the generic BLAS that Debian's LibTorch uses for matmul.
  torch::Tensor x4 = x.reshape({-1, in, 1, 1});
  torch::Tensor y;
  if (is_training()) {
    y = torch::conv2d(x4, weight.view({out, in, 1, 1}), bias);
    y = bn->forward(y.view({-1, out}));
  } else {
    auto [w, b] = folded();
    y = torch::conv2d(x4, w.view({out, in, 1, 1}), b);
  }
  sizes.back() = out;
  return y.view(sizes);
}

ConvBNImpl::ConvBNImpl(int64_t in, int64_t out, bool dw, double eps) : depthwise(dw) {
  weight = register_parameter("weight", torch::empty({out, dw ? 1 : in, 3, 3}));
  init_linear(weight, nullptr, 0);
  bn = register_module("bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(out).eps(eps)));
}

std::pair<torch::Tensor, torch::Tensor> ConvBNImpl::folded() const {
  torch::Tensor scale = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
  torch::Tensor w = weight * scale.view({-1, 1, 1, 1});
  return {w, -bn->running_mean * scale + bn->bias};
}

torch::Tensor ConvBNImpl::forward(const torch::Tensor& x) {
  const int64_t groups = depthwise ? weight.size(0) : 1;
  if (is_training()) {
    torch::Tensor y = torch::conv2d(x, weight, {}, 1, 1, 1, groups);
    return bn->forward(y);
  }
  auto [w, b] = folded();
  return torch::conv2d(x, w, b, 1, 1, 1, groups);
}

// ---------------------------------------------------------------- tokenizer

TokenizerImpl::TokenizerImpl(const ModelSpec& spec, const Neurons& neurons)
    : pools(spec.tokenizer.pool), n(neurons) {
  int64_t in = spec.in_channels;
  for (size_t i = 0; i < spec.tokenizer.channels.size(); ++i) {
    int64_t out = spec.tokenizer.channels[i];
    convs.push_back(register_module(fmt::format("conv{}", i), ConvBN(in, out, false, spec.bn_eps)));
    in = out;
  }
  if (spec.tokenizer.rpe) rpe = register_module("rpe", ConvBN(in, in, false, spec.bn_eps));
}

torch::Tensor TokenizerImpl::stage(size_t i, const torch::Tensor& x) {
  const int64_t T = x.size(0), B = x.size(1);
  torch::Tensor y = convs[i]->forward(x.flatten(0, 1));
  return lif(y.view({T, B, y.size(1), y.size(2), y.size(3)}), n.lif);
}

torch::Tensor TokenizerImpl::pool(const torch::Tensor& s) {
  const int64_t T = s.size(0), B = s.size(1);
  torch::Tensor p = torch::max_pool2d(s.flatten(0, 1), {3, 3}, {2, 2}, {1, 1});
  return p.view({T, B, p.size(1), p.size(2), p.size(3)});
}

torch::Tensor TokenizerImpl::rpe_spikes(const torch::Tensor& x) {
  const int64_t T = x.size(0), B = x.size(1);
  torch::Tensor y = rpe->forward(x.flatten(0, 1));
  return lif(y.view({T, B, y.size(1), y.size(2), y.size(3)}), n.lif);
}

torch::Tensor TokenizerImpl::forward(const torch::Tensor& x_in, SpikeRecord* rec) {
  torch::Tensor x = x_in;
  for (size_t i = 0; i < convs.size(); ++i) {
    torch::Tensor s = stage(i, x);
    if (rec) rec->put(fmt::format("sps.conv{}", i), grid_to_tokens(s));
    x = pools[i] ? pool(s) : s;
  }
  if (!rpe.is_empty()) {
    torch::Tensor r = rpe_spikes(x);
    if (rec) rec->put("sps.rpe", grid_to_tokens(r));
    x = x + r;
  }
  return grid_to_tokens(x).contiguous();
}

// ---------------------------------------------------------------- attention

namespace {

// Per (row group g, head h) of q, k, v [G, N, W] (heads are channel groups of width dh):
// O = Q (K^T V). Plain loops: LibTorch's CPU bmm on thousands of tiny matrices is dominated by
// per-matrix overhead. Sums of spikes are exact integers, so the order does not matter.
struct AttnDims {
  int64_t G, N, W, H, dh;
};

void attn_kv(const float* k, const float* v, float* kv, const AttnDims& d, int64_t g, int64_t h) {
  std::fill(kv, kv + d.dh * d.dh, 0.0f);
  for (int64_t n = 0; n < d.N; ++n) {
    const float* kr = k + (g * d.N + n) * d.W + h * d.dh;
    const float* vr = v + (g * d.N + n) * d.W + h * d.dh;
    for (int64_t i = 0; i < d.dh; ++i) {
      const float ki = kr[i];
      if (ki == 0.0f) continue;
      float* row = kv + i * d.dh;
      for (int64_t j = 0; j < d.dh; ++j) row[j] += ki * vr[j];
    }
  }
}

// out[n, :] (+)= sum_i a[n, i] m[i, :] (a rows strided by W, m dh x dh, transposed if mt).
void rows_times(const float* a, const float* m, bool mt, float* out, const AttnDims& d, int64_t g,
                int64_t h) {
  for (int64_t n = 0; n < d.N; ++n) {
    const float* ar = a + (g * d.N + n) * d.W + h * d.dh;
    float* orow = out + (g * d.N + n) * d.W + h * d.dh;
    std::fill(orow, orow + d.dh, 0.0f);
    for (int64_t i = 0; i < d.dh; ++i) {
      const float ai = ar[i];
      if (ai == 0.0f) continue;
      if (!mt) {
        const float* mr = m + i * d.dh;
        for (int64_t j = 0; j < d.dh; ++j) orow[j] += ai * mr[j];
      } else {
        for (int64_t j = 0; j < d.dh; ++j) orow[j] += ai * m[j * d.dh + i];
      }
    }
  }
}

class AttentionFunction : public torch::autograd::Function<AttentionFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& q,
                               const torch::Tensor& k, const torch::Tensor& v, int64_t heads) {
    torch::Tensor qc = q.contiguous(), kc = k.contiguous(), vc = v.contiguous();
    const AttnDims d = dims(qc, heads);
    torch::Tensor o = torch::empty_like(qc);
    const float *qp = qc.data_ptr<float>(), *kp = kc.data_ptr<float>(), *vp = vc.data_ptr<float>();
    float* op = o.data_ptr<float>();
    at::parallel_for(0, d.G * d.H, 1, [&](int64_t b, int64_t e) {
      std::vector<float> kv(size_t(d.dh * d.dh));
      for (int64_t it = b; it < e; ++it) {
        attn_kv(kp, vp, kv.data(), d, it / d.H, it % d.H);
        rows_times(qp, kv.data(), false, op, d, it / d.H, it % d.H);
      }
    });
    ctx->save_for_backward({qc, kc, vc});
    ctx->saved_data["heads"] = heads;
    return o;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor &q = saved[0], &k = saved[1], &v = saved[2];
    torch::Tensor go = grads[0].contiguous();
    const AttnDims d = dims(q, ctx->saved_data["heads"].toInt());
    torch::Tensor dq = torch::empty_like(q), dk = torch::empty_like(k), dv = torch::empty_like(v);
    const float *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>();
    const float* gp = go.data_ptr<float>();
    float *dqp = dq.data_ptr<float>(), *dkp = dk.data_ptr<float>(), *dvp = dv.data_ptr<float>();
    at::parallel_for(0, d.G * d.H, 1, [&](int64_t b, int64_t e) {
      std::vector<float> kv(size_t(d.dh * d.dh)), dkv(size_t(d.dh * d.dh));
      for (int64_t it = b; it < e; ++it) {
        const int64_t g = it / d.H, h = it % d.H;
        attn_kv(kp, vp, kv.data(), d, g, h);
        rows_times(gp, kv.data(), true, dqp, d, g, h);    // dQ = dO (K^T V)^T
        attn_kv(qp, gp, dkv.data(), d, g, h);             // d(K^T V) = Q^T dO
        rows_times(vp, dkv.data(), true, dkp, d, g, h);   // dK = V d(K^T V)^T
        rows_times(kp, dkv.data(), false, dvp, d, g, h);  // dV = K d(K^T V)
      }
    });
    return {dq, dk, dv, torch::Tensor()};
  }

 private:
  static AttnDims dims(const torch::Tensor& q, int64_t heads) {
    const int64_t N = q.size(-2), W = q.size(-1);
    return {q.numel() / std::max<int64_t>(1, N * W), N, W, heads, W / heads};
  }
};

}  // namespace

torch::Tensor attention_counts(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, int64_t heads) {
  TORCH_CHECK(q.scalar_type() == torch::kFloat32 && q.sizes() == k.sizes() &&
                  q.sizes() == v.sizes() && q.size(-1) % heads == 0,
              "attention_counts: expected float [..., N, W] tensors of equal shape");
  return AttentionFunction::apply(q, k, v, heads);
}

SsaImpl::SsaImpl(const ModelSpec& spec, const Neurons& neurons)
    : heads(spec.attention.heads), keep(spec.attention.heads_kept()), n(neurons) {
  const int64_t D = spec.dim;
  q = register_module("q", LinearBN(D, D, true, spec.bn_eps));
  k = register_module("k", LinearBN(D, D, true, spec.bn_eps));
  v = register_module("v", LinearBN(D, D, true, spec.bn_eps));
  proj = register_module("proj", LinearBN(D, D, true, spec.bn_eps));
}

torch::Tensor SsaImpl::head_mask(const torch::Tensor& qs, int64_t heads, int64_t keep) {
  // qs [T, B, N, D] -> score [B, H] (exact integers in float64)
  const int64_t T = qs.size(0), B = qs.size(1), N = qs.size(2), D = qs.size(3);
  const torch::Tensor score =
      qs.to(torch::kFloat64).reshape({T, B, N, heads, D / heads}).sum({0, 2, 4});
  // rank key: score first, then the lower index (score x H + (H - 1 - h) is exact and unique)
  const torch::Tensor idx = torch::arange(heads, torch::dtype(torch::kFloat64).device(qs.device()));
  const torch::Tensor key = score * double(heads) + (double(heads - 1) - idx);
  const torch::Tensor top = std::get<1>(key.topk(keep, 1));  // [B, keep]
  return torch::zeros({B, heads}, qs.options()).scatter(1, top, 1.0);
}

torch::Tensor SsaImpl::attn_spikes(const torch::Tensor& qs, const torch::Tensor& ks,
                                   const torch::Tensor& vs) {
  return lif(attention_counts(qs, ks, vs, heads) * n.attn_scale, n.attn_lif);
}

torch::Tensor SsaImpl::forward(const torch::Tensor& x, const std::string& prefix,
                               SpikeRecord* rec) {
  torch::Tensor qs = lif(q->forward(x), n.lif);
  torch::Tensor ks = lif(k->forward(x), n.lif);
  torch::Tensor vs = lif(v->forward(x), n.lif);
  if (keep < heads) {
    // A pruned head is absent: its K and V spikes are 0, so its (Q K^T) V, its currents and
    // its attention spikes are 0 and no gradient reaches its Q, K or V. The mask is a hard
    // top-k treated as a constant in the backward pass (the head masks of Michel, Levy and
    // Neubig, "Are Sixteen Heads Really Better than One?", NeurIPS 2019): the kept heads
    // train as usual, the ranking itself gets no gradient.
    const torch::Tensor m = head_mask(qs.detach(), heads, keep);            // [B, H]
    const int64_t D = qs.size(-1), dh = D / heads;
    const torch::Tensor mc = m.repeat_interleave(dh, 1).unsqueeze(0).unsqueeze(2);  // [1,B,1,D]
    ks = ks * mc;
    vs = vs * mc;
  }
  torch::Tensor a = attn_spikes(qs, ks, vs);
  torch::Tensor out = lif(proj->forward(a), n.lif);
  if (rec) {
    rec->put(join(prefix, "q"), qs);
    rec->put(join(prefix, "k"), ks);
    rec->put(join(prefix, "v"), vs);
    rec->put(join(prefix, "attn"), a);
    rec->put(join(prefix, "proj"), out);
  }
  return out;
}

EmsaImpl::EmsaImpl(const ModelSpec& spec, const Neurons& neurons) : n(neurons) {
  const int64_t D = spec.dim, E = spec.attention.experts, de = spec.attention.expert_dim;
  router = register_module("router", LinearBN(D, E, true, spec.bn_eps));
  for (int64_t i = 0; i < E; ++i)
    qs.push_back(register_module(fmt::format("q{}", i), LinearBN(D, de, true, spec.bn_eps)));
  k = register_module("k", LinearBN(D, de, true, spec.bn_eps));
  v = register_module("v", LinearBN(D, de, true, spec.bn_eps));
  proj = register_module("proj", LinearBN(de, D, true, spec.bn_eps));
}

torch::Tensor EmsaImpl::o_spikes(const torch::Tensor& qi, const torch::Tensor& ks,
                                 const torch::Tensor& vs) {
  return lif(attention_counts(qi, ks, vs, 1) * n.attn_scale, n.attn_lif);
}

torch::Tensor EmsaImpl::mix(const torch::Tensor& r, const std::vector<torch::Tensor>& o) {
  torch::Tensor y;
  for (size_t i = 0; i < o.size(); ++i) {
    torch::Tensor t = r.narrow(-1, int64_t(i), 1) * o[i];
    y = y.defined() ? y + t : t;
  }
  return y;
}

torch::Tensor EmsaImpl::forward(const torch::Tensor& x, const std::string& prefix,
                                SpikeRecord* rec) {
  torch::Tensor r = lif(router->forward(x), n.lif);
  torch::Tensor ks = lif(k->forward(x), n.lif);
  torch::Tensor vs = lif(v->forward(x), n.lif);
  std::vector<torch::Tensor> o;
  for (size_t i = 0; i < qs.size(); ++i) {
    torch::Tensor qi = lif(qs[i]->forward(x), n.lif);
    o.push_back(o_spikes(qi, ks, vs));
    if (rec) {
      rec->put(join(prefix, fmt::format("q{}", i)), qi);
      rec->put(join(prefix, fmt::format("o{}", i)), o.back());
    }
  }
  torch::Tensor out = lif(proj->forward(mix(r, o)), n.lif);
  if (rec) {
    rec->put(join(prefix, "router"), r);
    rec->put(join(prefix, "k"), ks);
    rec->put(join(prefix, "v"), vs);
    rec->put(join(prefix, "proj"), out);
  }
  return out;
}

// ---------------------------------------------------------------- feed-forward

MlpImpl::MlpImpl(int64_t dim, int64_t hidden, double eps, const Neurons& neurons) : n(neurons) {
  fc1 = register_module("fc1", LinearBN(dim, hidden, true, eps));
  fc2 = register_module("fc2", LinearBN(hidden, dim, true, eps));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x, const std::string& prefix,
                               SpikeRecord* rec) {
  torch::Tensor h = lif(fc1->forward(x), n.lif);
  torch::Tensor out = lif(fc2->forward(h), n.lif);
  if (rec) {
    rec->put(join(prefix, "fc1"), h);
    rec->put(join(prefix, "fc2"), out);
  }
  return out;
}

EmspImpl::EmspImpl(const ModelSpec& spec, const Neurons& neurons)
    : grid_h(spec.grid_height()), grid_w(spec.grid_width()), n(neurons) {
  const int64_t D = spec.dim, Hd = spec.ffn.hidden;
  fc1 = register_module("fc1", LinearBN(D, Hd, true, spec.bn_eps));
  gate = register_module("gate", ConvBN(Hd / 2, Hd / 2, true, spec.bn_eps));
  fc2 = register_module("fc2", LinearBN(Hd / 2, D, true, spec.bn_eps));
}

torch::Tensor EmspImpl::gate_spikes(const torch::Tensor& a) {
  const int64_t T = a.size(0), B = a.size(1), N = a.size(2), C = a.size(3);
  torch::Tensor g = a.reshape({T * B, grid_h, grid_w, C}).permute({0, 3, 1, 2}).contiguous();
  torch::Tensor y = gate->forward(g).permute({0, 2, 3, 1}).reshape({T, B, N, C});
  return lif(y, n.lif);
}

torch::Tensor EmspImpl::forward(const torch::Tensor& x, const std::string& prefix,
                                SpikeRecord* rec) {
  torch::Tensor h1 = lif(fc1->forward(x), n.lif);
  const int64_t half = h1.size(3) / 2;
  torch::Tensor g = gate_spikes(h1.narrow(3, 0, half));
  torch::Tensor out = lif(fc2->forward(g * h1.narrow(3, half, half)), n.lif);
  if (rec) {
    rec->put(join(prefix, "fc1"), h1);
    rec->put(join(prefix, "gate"), g);
    rec->put(join(prefix, "fc2"), out);
  }
  return out;
}

MoeImpl::MoeImpl(const ModelSpec& spec, const Neurons& neurons)
    : top_k_(spec.ffn.top_k), n(neurons), usage(size_t(spec.ffn.experts), 0) {
  const int64_t D = spec.dim, E = spec.ffn.experts;
  router = register_module("router", torch::nn::Linear(D, E));
  {
    // Zero-sum router rows: block inputs are non-negative spike counts, so a row's sum would
    // add a token-independent offset (proportional to activity) that routes every token to the
    // same experts from the first step on.
    torch::NoGradGuard g;
    router->weight.sub_(router->weight.mean(1, true));
  }
  auto list = register_module("experts", torch::nn::ModuleList());
  for (int64_t e = 0; e < E; ++e) {
    experts.push_back(Mlp(D, spec.ffn.expert_hidden, spec.bn_eps, neurons));
    list->push_back(experts.back());
  }
}

torch::Tensor MoeImpl::router_scores(const torch::Tensor& x) {
  const int64_t T = x.size(0);
  // mean_t (x[t] . W_r + b_r): the engine's summation order (the bias inside the mean).
  torch::Tensor dots = torch::matmul(x, router->weight.t()) + router->bias;  // [T, B, N, E]
  return dots.sum(0) / float(T);
}

torch::Tensor MoeImpl::top_k(const torch::Tensor& scores, int64_t k) {
  // A stable descending sort keeps equal scores in index order: ties go to the lower index.
  auto sorted = torch::sort(scores, /*stable=*/true, /*dim=*/-1, /*descending=*/true);
  return std::get<1>(sorted).narrow(-1, 0, k).contiguous();
}

torch::Tensor MoeImpl::forward(const torch::Tensor& x, const std::string& prefix,
                               SpikeRecord* rec) {
  const int64_t T = x.size(0), B = x.size(1), N = x.size(2), D = x.size(3);
  const int64_t E = int64_t(experts.size()), K = top_k_;
  torch::Tensor scores = router_scores(x);                          // [B, N, E]
  torch::Tensor chosen = top_k(scores.detach(), K);                 // [B, N, K]
  torch::Tensor g = torch::softmax(scores.gather(-1, chosen), -1);  // [B, N, K]
  torch::Tensor factor = g / g.detach();                            // 1 in value, router gradient
  torch::Tensor flat_x = x.reshape({T, B * N, D});
  torch::Tensor out = torch::zeros({T, B * N, D}, x.options());
  torch::Tensor counts = torch::zeros({E}, torch::kFloat32);
  torch::Tensor chosen_flat = chosen.reshape({B * N, K});
  torch::Tensor factor_flat = factor.reshape({B * N, K});
  for (int64_t e = 0; e < E; ++e) {
    torch::Tensor hit = chosen_flat.eq(e);                // [BN, K]
    torch::Tensor idx = hit.any(1).nonzero().squeeze(1);  // routed tokens
    const int64_t M = idx.size(0);
    counts[e] = float(M);
    usage[size_t(e)] += M;
    SpikeRecord local;
    if (M > 0) {
      torch::Tensor ye =
          experts[size_t(e)]->forward(flat_x.index_select(1, idx), "e", rec ? &local : nullptr);
      torch::Tensor fe = (factor_flat * hit.to(factor_flat.dtype())).sum(1).index_select(0, idx);
      out = out.index_add(1, idx, ye * fe.view({1, M, 1}));
    }
    if (rec) {
      const std::string ep = join(prefix, fmt::format("experts.{}", e));
      for (const char* part : {"fc1", "fc2"}) {
        const int64_t C = std::string(part) == "fc1" ? experts[size_t(e)]->fc1->weight.size(0) : D;
        torch::Tensor full = torch::zeros({T, B * N, C});
        if (M > 0) full.index_copy_(1, idx, local.spikes.at(std::string("e.") + part));
        rec->put(join(ep, part), full.view({T, B, N, C}));
      }
    }
  }
  if (rec) rec->routes[prefix.substr(0, prefix.rfind('.'))] = chosen;
  // Switch-Transformer load balancing: E * sum_e f_e P_e with f_e the (detached) share of
  // token-expert assignments and P_e the mean router probability.
  torch::Tensor p = torch::softmax(scores, -1).mean(std::vector<int64_t>{0, 1});
  torch::Tensor f = counts / float(std::max<int64_t>(1, B * N * K));
  aux_loss = float(E) * (f * p).sum();
  return out.view({T, B, N, D});
}

// ---------------------------------------------------------------- block and model

BlockImpl::BlockImpl(const ModelSpec& spec, const Neurons& n, int index)
    : prefix(fmt::format("blocks.{}", index)) {
  if (spec.attention.type == "ssa")
    ssa = register_module("attn", Ssa(spec, n));
  else if (spec.attention.type == "emsa")
    emsa = register_module("attn", Emsa(spec, n));
  else
    throw error_at(spec.file, "attention.type", "unsupported '{}'", spec.attention.type);
  if (spec.ffn.type == "mlp")
    mlp = register_module("ffn", Mlp(spec.dim, spec.ffn.hidden, spec.bn_eps, n));
  else if (spec.ffn.type == "emsp")
    emsp = register_module("ffn", Emsp(spec, n));
  else if (spec.ffn.type == "moe")
    moe = register_module("ffn", Moe(spec, n));
  else
    throw error_at(spec.file, "ffn.type", "unsupported '{}'", spec.ffn.type);
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x_in, SpikeRecord* rec) {
  const std::string ap = prefix + ".attn", fp = prefix + ".ffn";
  torch::Tensor x = x_in + (ssa ? ssa->forward(x_in, ap, rec) : emsa->forward(x_in, ap, rec));
  torch::Tensor f = mlp    ? mlp->forward(x, fp, rec)
                    : emsp ? emsp->forward(x, fp, rec)
                           : moe->forward(x, fp, rec);
  return x + f;
}

SpikingTransformerImpl::SpikingTransformerImpl(const ModelSpec& s, bool detach_reset)
    : spec(s), n(s, detach_reset) {
  sps = register_module("sps", Tokenizer(spec, n));
  auto list = register_module("blocks", torch::nn::ModuleList());
  for (int b = 0; b < spec.blocks; ++b) {
    blocks.push_back(Block(spec, n, b));
    list->push_back(blocks.back());
  }
  head = register_module("head", torch::nn::Linear(spec.dim, spec.classes));
}

torch::Tensor SpikingTransformerImpl::head_logits(const torch::Tensor& x) {
  return head->forward(x.mean(std::vector<int64_t>{0, 2}));
}

torch::Tensor SpikingTransformerImpl::forward(const torch::Tensor& images, SpikeRecord* rec) {
  const int64_t T = spec.timesteps;
  torch::Tensor x0 = images.to(torch::kFloat32) / 255.0f;
  torch::Tensor x = sps->forward(x0.unsqueeze(0).expand({T, -1, -1, -1, -1}), rec);
  for (auto& b : blocks) x = b->forward(x, rec);
  return head_logits(x);
}

torch::Tensor SpikingTransformerImpl::aux_loss() const {
  torch::Tensor total = torch::zeros({});
  for (auto& b : blocks)
    if (b->moe && b->moe->aux_loss.defined()) total = total + b->moe->aux_loss;
  return total;
}

std::vector<Moe> SpikingTransformerImpl::moe_layers() const {
  std::vector<Moe> r;
  for (auto& b : blocks)
    if (b->moe) r.push_back(b->moe);
  return r;
}

std::vector<std::pair<std::string, torch::Tensor>> export_tensors(SpikingTransformerImpl& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (auto& p : m.named_parameters(true)) out.emplace_back(p.key(), p.value());
  for (auto& b : m.named_buffers(true)) {
    const std::string& k = b.key();
    if (k.size() >= 19 && k.compare(k.size() - 19, 19, "num_batches_tracked") == 0) continue;
    out.emplace_back(k, b.value());
  }
  return out;
}

}  // namespace ss::train
