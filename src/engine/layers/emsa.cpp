// SEMM experts-mixture spiking attention: router spikes R = SN(BN(x W_r)); shared K, V; one
// query per expert; O_i = SN_attn((Q_i K^T) V * s); Y = sum_i R_i AND O_i; SN(BN(Y W_proj)).
#include "common/safetensors.h"
#include "engine/attention_core.h"
#include "engine/block_part.h"

namespace ss {
namespace {

class Emsa : public BlockPart {
 public:
  explicit Emsa(const PartArgs& a) : p_(a.prefix) {
    const int D = a.ctx.spec.dim, E = a.ctx.spec.attention.experts,
              de = a.ctx.spec.attention.expert_dim;
    router_ = Synapse(a.ctx, a.w, p_ + ".router", E, D, false);
    for (int i = 0; i < E; ++i)
      q_.emplace_back(a.ctx, a.w, p_ + ".q" + std::to_string(i), de, D, false);
    k_ = Synapse(a.ctx, a.w, p_ + ".k", de, D, false);
    v_ = Synapse(a.ctx, a.w, p_ + ".v", de, D, false);
    proj_ = Synapse(a.ctx, a.w, p_ + ".proj", D, de, false);
  }
  void forward(const Context& ctx, const Values& x, Values& residual) const override {
    const double th = ctx.spec.neuron.threshold;
    const int de = ctx.spec.attention.expert_dim;
    Planes in = Planes::of(x);
    SpikeTensor r = router_.run(ctx, in, th);
    if (ctx.obs) ctx.obs->on_gate(p_, r);
    SpikeTensor k = k_.run(ctx, in, th), v = v_.run(ctx, in, th);
    Values y(x.T, x.tokens, de);
    for (size_t i = 0; i < q_.size(); ++i) {
      SpikeTensor q = q_[i].run(ctx, in, th);
      std::vector<int64_t> dense, exec;
      Currents c = attention_currents(ctx, q, k, v, 1, dense, exec);
      SpikeTensor o = attention_fire(ctx, c, x.tokens);
      ctx.report(p_ + ".o" + std::to_string(i), o, dense, exec);
      // gate: keep expert i's output only where the router fired for (t, token, i)
      for (int t = 0; t < x.T; ++t)
        for (int n = 0; n < x.tokens; ++n) {
          if (!r.get(t, n, int(i))) continue;
          const uint64_t* w = o.row(t, n);
          for (int d = 0; d < de; ++d) y.at(t, n, d) += (w[d >> 6] >> (d & 63)) & 1;
        }
    }
    residual.add(proj_.run(ctx, Planes::of(y), th));
  }
  std::vector<std::string> layer_names() const override {
    std::vector<std::string> n{p_ + ".router", p_ + ".k", p_ + ".v"};
    for (size_t i = 0; i < q_.size(); ++i) {
      n.push_back(p_ + ".q" + std::to_string(i));
      n.push_back(p_ + ".o" + std::to_string(i));
    }
    n.push_back(p_ + ".proj");
    return n;
  }

 private:
  std::string p_;
  Synapse router_, k_, v_, proj_;
  std::vector<Synapse> q_;
};

std::unique_ptr<BlockPart> make(const PartArgs& a) { return std::make_unique<Emsa>(a); }
RegisterPart reg("attention", "emsa", &make);

}  // namespace
}  // namespace ss
