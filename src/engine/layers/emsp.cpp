// SEMM experts-mixture spiking perceptron: H1 = SN(BN(x W1)) split in halves A, B; the gate
// G = SN(BN(DWConv3x3(A))) over the token grid; out = SN(BN((G AND B) W2)).
#include "common/safetensors.h"
#include "engine/block_part.h"
#include "engine/synapse.h"

namespace ss {
namespace {

class Emsp : public BlockPart {
 public:
  explicit Emsp(const PartArgs& a) : p_(a.prefix) {
    const int D = a.ctx.spec.dim, H = a.ctx.spec.ffn.hidden;
    fc1_ = Synapse(a.ctx, a.w, p_ + ".fc1", H, D, false);
    gate_ = Synapse(a.ctx, a.w, p_ + ".gate", H / 2, 1, true);  // depthwise: [9][C] taps
    fc2_ = Synapse(a.ctx, a.w, p_ + ".fc2", D, H / 2, false);
  }
  void forward(const Context& ctx, const Values& x, Values& residual) const override {
    const double th = ctx.spec.neuron.threshold;
    const int C = ctx.spec.ffn.hidden / 2, T = x.T, N = x.tokens;
    const int gh = ctx.spec.grid_height(), gw = ctx.spec.grid_width();
    SpikeTensor h1 = fc1_.run(ctx, Planes::of(x), th);
    SpikeTensor A = slice_channels(h1, 0, C), B = slice_channels(h1, C, C);
    Currents cur;
    cur.T = T, cur.rows = N, cur.cout = C;
    std::vector<int64_t> exec(T, 0);
    // depthwise 3x3 over the token grid: taps in ascending (ky, kx) order summed straight into
    // the (zeroed) currents, which the gate synapse then finishes (int sums stay below 9 x 128)
    auto depthwise = [&](const auto* wt, auto* out) {
      for (int t = 0; t < T; ++t)
        for (int y = 0; y < gh; ++y)
          for (int xx = 0; xx < gw; ++xx) {
            auto* o = out + (size_t(t) * N + size_t(y) * gw + xx) * C;
            for (int k = 0; k < 9; ++k) {
              const int sy = y + k / 3 - 1, sx = xx + k % 3 - 1;
              if (sy < 0 || sy >= gh || sx < 0 || sx >= gw) continue;
              const uint64_t* r = A.row(t, sy * gw + sx);
              const auto* wk = wt + size_t(k) * C;
              for (size_t w = 0; w < A.stride(); ++w)
                for (uint64_t m = r[w]; m; m &= m - 1) {
                  const int c = int(w * 64) + __builtin_ctzll(m);
                  ++exec[t];
                  o[c] += wk[c];
                }
            }
          }
    };
    const size_t n = size_t(T) * N * C;
    if (ctx.mode == Mode::Int) {
      cur.i.assign(n, 0);
      depthwise(gate_.qweight_t().data(), cur.i.data());
    } else {
      cur.f.assign(n, 0.f);
      depthwise(gate_.weight_t().data(), cur.f.data());
    }
    gate_.finish_currents(ctx, cur);
    SpikeTensor g = gate_.fire(ctx, cur, N, th);
    ctx.report(p_ + ".gate", g, std::vector<int64_t>(T, int64_t(N) * 9 * C), exec);
    for (size_t r = 0; r < g.rows(); ++r)
      for (size_t w = 0; w < g.stride(); ++w) g.row(r)[w] &= B.row(r)[w];
    residual.add(fc2_.run(ctx, Planes::of(g), th));
  }
  std::vector<std::string> layer_names() const override {
    return {p_ + ".fc1", p_ + ".gate", p_ + ".fc2"};
  }

 private:
  std::string p_;
  Synapse fc1_, gate_, fc2_;
};

std::unique_ptr<BlockPart> make(const PartArgs& a) { return std::make_unique<Emsp>(a); }
RegisterPart reg("ffn", "emsp", &make);

}  // namespace
}  // namespace ss
