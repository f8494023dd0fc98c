// Routed top-K spiking mixture of experts: a router scores each token (mean over time steps),
// the K best experts run their spiking MLP on the tokens routed to them (all T steps), and the
// expert spikes are merged by summation in token order.
#include <algorithm>
#include <numeric>

#include "common/safetensors.h"
#include "engine/block_part.h"
#include "engine/synapse.h"

namespace ss {
namespace {

class Moe : public BlockPart {
 public:
  explicit Moe(const PartArgs& a) : p_(a.prefix), block_(a.block) {
    const int D = a.ctx.spec.dim, E = a.ctx.spec.ffn.experts, Dh = a.ctx.spec.ffn.expert_hidden;
    router_ = Synapse(a.ctx, a.w, p_ + ".router", E, D, false, /*bn=*/false);
    for (int e = 0; e < E; ++e) {
      std::string n = p_ + ".experts." + std::to_string(e);
      fc1_.emplace_back(a.ctx, a.w, n + ".fc1", Dh, D, false);
      fc2_.emplace_back(a.ctx, a.w, n + ".fc2", D, Dh, false);
    }
  }

  // Chosen experts per token, [N][K], best first (ties: lower index).
  std::vector<int32_t> route(const Context& ctx, const Values& x) const {
    const int T = x.T, N = x.tokens, D = x.channels, E = int(fc1_.size()), K = ctx.spec.ffn.top_k;
    std::vector<int32_t> out(size_t(N) * K);
    std::vector<double> score(E);
    std::vector<int> idx(E);
    std::vector<int64_t> acc(E), mul(E), bias(E);
    std::vector<float> sum(E), dot(E);
    // int: acc * round(scale / T * 2^24) + round(bias * 2^24), the mean over t in fixed point
    // (scales exist in int mode only)
    for (int e = 0; ctx.mode == Mode::Int && e < E; ++e) {
      mul[e] = fx::round_half_away(double(router_.scale()[e]) / T * double(1 << 24));
      bias[e] = fx::round_half_away(double(router_.bias()[e]) * double(1 << 24));
    }
    // per expert e the same sums as sum_t (sum_i x[t, n, i] W[i, e] + b[e]) with i ascending;
    // the expert loop is innermost so a zero input skips all E products at once
    for (int n = 0; n < N; ++n) {
      if (ctx.mode == Mode::Int) {
        std::fill(acc.begin(), acc.end(), 0);
        for (int t = 0; t < T; ++t)
          for (int i = 0; i < D; ++i) {  // no zero test: exact, and cheaper than the branch
            const int64_t v = x.at(t, n, i);
            const int8_t* w = router_.qweight_t().data() + size_t(i) * E;
            for (int e = 0; e < E; ++e) acc[e] += v * w[e];
          }
        for (int e = 0; e < E; ++e) score[e] = double(acc[e] * mul[e] + bias[e]);
      } else {
        std::fill(sum.begin(), sum.end(), 0.f);
        for (int t = 0; t < T; ++t) {
          std::fill(dot.begin(), dot.end(), 0.f);
          for (int i = 0; i < D; ++i)
            if (const uint8_t v = x.at(t, n, i)) {
              const float* w = router_.weight_t().data() + size_t(i) * E;
              for (int e = 0; e < E; ++e) dot[e] += float(v) * w[e];
            }
          for (int e = 0; e < E; ++e) sum[e] += dot[e] + router_.bias()[e];
        }
        for (int e = 0; e < E; ++e) score[e] = double(sum[e] / float(T));
      }
      std::iota(idx.begin(), idx.end(), 0);
      std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return score[a] > score[b]; });
      for (int k = 0; k < K; ++k) out[size_t(n) * K + k] = idx[k];
    }
    return out;
  }

  void forward(const Context& ctx, const Values& x, Values& residual) const override {
    const double th = ctx.spec.neuron.threshold;
    const int T = x.T, N = x.tokens, K = ctx.spec.ffn.top_k;
    auto chosen = route(ctx, x);
    if (ctx.obs) ctx.obs->on_route("blocks." + std::to_string(block_), chosen, K);
    Planes in = Planes::of(x);
    for (size_t e = 0; e < fc1_.size(); ++e) {
      std::vector<int> toks;
      for (int n = 0; n < N; ++n)
        for (int k = 0; k < K; ++k)
          if (chosen[size_t(n) * K + k] == int(e)) toks.push_back(n);
      const std::string n1 = fc1_[e].name(), n2 = fc2_[e].name();
      SpikeTensor full1(T, N, fc1_[e].cout()), full2(T, N, fc2_[e].cout());
      std::vector<int64_t> ex1(T, 0), ex2(T, 0);
      if (!toks.empty()) {
        Planes xe;
        for (auto& p : in.p) xe.p.push_back(gather_tokens(p, toks));
        Currents c;
        ex1 = fc1_[e].integrate(ctx, xe, c);
        SpikeTensor h = fc1_[e].fire(ctx, c, int(toks.size()), th);
        ex2 = fc2_[e].integrate(ctx, Planes::of(h), c);
        SpikeTensor o = fc2_[e].fire(ctx, c, int(toks.size()), th);
        scatter(h, toks, full1);
        scatter(o, toks, full2);
      }
      // dense-equivalent: as if every token went to every expert
      ctx.report(n1, full1, std::vector<int64_t>(T, int64_t(N) * fc1_[e].cin() * fc1_[e].cout()),
                 ex1);
      ctx.report(n2, full2, std::vector<int64_t>(T, int64_t(N) * fc2_[e].cin() * fc2_[e].cout()),
                 ex2);
      residual.add(full2);
    }
  }

  std::vector<std::string> layer_names() const override {
    std::vector<std::string> n;
    for (size_t e = 0; e < fc1_.size(); ++e) {
      n.push_back(fc1_[e].name());
      n.push_back(fc2_[e].name());
    }
    return n;
  }

 private:
  static void scatter(const SpikeTensor& s, const std::vector<int>& toks, SpikeTensor& full) {
    for (int t = 0; t < s.T(); ++t)
      for (size_t i = 0; i < toks.size(); ++i)
        std::copy_n(s.row(t, int(i)), s.stride(), full.row(t, toks[i]));
  }
  std::string p_;
  int block_;
  Synapse router_;
  std::vector<Synapse> fc1_, fc2_;
};

std::unique_ptr<BlockPart> make(const PartArgs& a) { return std::make_unique<Moe>(a); }
RegisterPart reg("ffn", "moe", &make);

}  // namespace
}  // namespace ss
