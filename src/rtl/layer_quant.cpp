#include "rtl/layer_quant.h"

#include "common/error.h"
#include "engine/context.h"
#include "engine/kernels/kernels.h"
#include "engine/synapse.h"

namespace ss::rtl {

LayerQuant quantize_layer(const ModelSpec& m, const SafeTensors& w, const sim::LayerDesc& d) {
  using sim::Kind;
  const Context ctx{m, Mode::Int, kern::kernels(), nullptr};
  Synapse s;
  switch (d.kind) {
    case Kind::linear:
      s = d.grid_h > 0 ? Synapse(ctx, w, d.name, d.cout, d.channels_in, true)
                       : Synapse(ctx, w, d.name, d.cout, d.cin, false);
      break;
    case Kind::pixel_conv:
      s = Synapse(ctx, w, d.name, d.cout, d.channels_in, true, true, /*pixels=*/true);
      break;
    case Kind::dwconv:
      s = Synapse(ctx, w, d.name, d.cout, 1, true);
      break;
    case Kind::head:
      s = Synapse(ctx, w, d.name, d.cout, d.cin, false, /*bn=*/false);
      break;
    case Kind::router:  // as the engine's MoE route() builds it
      s = Synapse(ctx, w, d.name, d.experts, d.cin, false, /*bn=*/false);
      break;
    default:
      throw Error("layer " + d.name + " runs on the " + sim::unit_name(d.unit) +
                  ", not on the SE cores: it has no weight tile");
  }
  LayerQuant q;
  q.name = d.name;
  q.cin = s.cin(), q.cout = s.cout();
  q.acc_bits = s.acc_bits(), q.frac_bits = s.frac_bits();
  q.q = s.qweight_t();
  q.bias_fx = s.qbias();
  q.th.resize(size_t(q.cout));
  for (int o = 0; o < q.cout && d.kind != Kind::router; ++o)
    q.th[size_t(o)] =
        fx::threshold(m.neuron.threshold, s.scale()[size_t(o)], q.frac_bits, m.quant.mem_bits);
  if (d.kind == Kind::head || d.kind == Kind::router) {
    // the engine's own expressions (Network::run: mean over steps and tokens; MoE route():
    // mean over steps)
    const int64_t count = d.kind == Kind::head ? int64_t(d.T) * d.tokens : int64_t(d.T);
    for (int o = 0; o < q.cout; ++o) {
      q.mul.push_back(
          fx::round_half_away(double(s.scale()[size_t(o)]) / double(count) * double(1 << 24)));
      q.score_bias.push_back(fx::round_half_away(double(s.bias()[size_t(o)]) * double(1 << 24)));
    }
  }
  return q;
}

}  // namespace ss::rtl
