// Spiking MLP: SN(BN(SN(BN(x W1)) W2)).
#include "common/safetensors.h"
#include "engine/block_part.h"
#include "engine/synapse.h"

namespace ss {
namespace {

class Mlp : public BlockPart {
 public:
  explicit Mlp(const PartArgs& a) : p_(a.prefix) {
    const int D = a.ctx.spec.dim, H = a.ctx.spec.ffn.hidden;
    fc1_ = Synapse(a.ctx, a.w, p_ + ".fc1", H, D, false);
    fc2_ = Synapse(a.ctx, a.w, p_ + ".fc2", D, H, false);
  }
  void forward(const Context& ctx, const Values& x, Values& residual) const override {
    const double th = ctx.spec.neuron.threshold;
    SpikeTensor h = fc1_.run(ctx, Planes::of(x), th);
    residual.add(fc2_.run(ctx, Planes::of(h), th));
  }
  std::vector<std::string> layer_names() const override { return {p_ + ".fc1", p_ + ".fc2"}; }

 private:
  std::string p_;
  Synapse fc1_, fc2_;
};

std::unique_ptr<BlockPart> make(const PartArgs& a) { return std::make_unique<Mlp>(a); }
RegisterPart reg("ffn", "mlp", &make);

}  // namespace
}  // namespace ss
