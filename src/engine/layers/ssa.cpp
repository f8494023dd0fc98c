// Spikformer spiking self-attention: Q, K, V = SN(BN(x W)); SN_attn((Q K^T) V * s) per head;
// SN(BN(. W_proj)).
#include "common/safetensors.h"
#include "engine/attention_core.h"
#include "engine/block_part.h"

namespace ss {
namespace {

class Ssa : public BlockPart {
 public:
  explicit Ssa(const PartArgs& a) : p_(a.prefix) {
    const int D = a.ctx.spec.dim;
    q_ = Synapse(a.ctx, a.w, p_ + ".q", D, D, false);
    k_ = Synapse(a.ctx, a.w, p_ + ".k", D, D, false);
    v_ = Synapse(a.ctx, a.w, p_ + ".v", D, D, false);
    proj_ = Synapse(a.ctx, a.w, p_ + ".proj", D, D, false);
  }
  void forward(const Context& ctx, const Values& x, Values& residual) const override {
    const double th = ctx.spec.neuron.threshold;
    Planes in = Planes::of(x);
    const int H = ctx.spec.attention.heads;
    SpikeTensor q = q_.run(ctx, in, th), k, v;
    std::vector<uint8_t> ran;  // empty: every head runs
    if (ctx.spec.attention.pruning()) {
      // per image, from the whole Q (all T steps): docs/formats.md §3
      ran = rank_heads(q, H, ctx.spec.attention.heads_kept());
      if (ctx.obs) ctx.obs->on_heads(p_, ran);
      std::vector<uint8_t> ch(size_t(ctx.spec.dim));
      for (size_t c = 0; c < ch.size(); ++c) ch[c] = ran[c / size_t(ctx.spec.dim / H)];
      k = k_.run_channels(ctx, in, th, ch);
      v = v_.run_channels(ctx, in, th, ch);
    } else {
      k = k_.run(ctx, in, th);
      v = v_.run(ctx, in, th);
    }
    std::vector<int64_t> dense, exec;
    Currents c = attention_currents(ctx, q, k, v, H, dense, exec, AttnOrder::Auto, ran);
    SpikeTensor o = attention_fire(ctx, c, x.tokens);
    ctx.report(p_ + ".attn", o, dense, exec);
    residual.add(proj_.run(ctx, Planes::of(o), th));
  }
  std::vector<std::string> layer_names() const override {
    return {p_ + ".q", p_ + ".k", p_ + ".v", p_ + ".attn", p_ + ".proj"};
  }

 private:
  std::string p_;
  Synapse q_, k_, v_, proj_;
};

std::unique_ptr<BlockPart> make(const PartArgs& a) { return std::make_unique<Ssa>(a); }
RegisterPart reg("attention", "ssa", &make);

}  // namespace
}  // namespace ss
