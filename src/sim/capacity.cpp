#include "sim/capacity.h"

#include <algorithm>

namespace ss::sim {

bool weights_fit(const Workload& w, const arch::Arch& a) {
  double bits = 0;
  for (const auto& d : w.layers) bits += d.weight_bits(a.weight_bits);
  return bits <= a.buffer("weight").size_bits;
}

void capacity_traffic(const LayerDesc& d, double tokens, const SimContext& c, LayerCost& cost) {
  if (tokens <= 0) return;
  if (!c.weights_resident) {
    const double wbits = d.weight_bits(c.arch.weight_bits);
    cost.weight_fill_bits += wbits;
    cost.write_bits[kWeight] += wbits;
    cost.writes[kWeight] += c.comps.weight->accesses(wbits);
  }
  if (d.kind == Kind::attention) return;  // Q, K, V and O are counted with their linear layers
  const double steps = d.kind == Kind::pixel_conv ? 1 : d.T;
  const double in_ch = d.grid_h > 0 && d.kind != Kind::dwconv ? d.channels_in : d.cin;
  const double in = tokens * in_ch * steps * d.in_bits;
  const double out = d.kind == Kind::router ? 0 : tokens * d.cout * d.T * d.out_bits;
  const double excess = in + out - c.arch.buffer("spike").size_bits;
  if (excess > 0) {
    cost.spike_spill_bits += 2 * excess;
    cost.write_bits[kSpike] += excess;
    cost.read_bits[kSpike] += excess;
    cost.writes[kSpike] += c.comps.spike->accesses(excess);
    cost.reads[kSpike] += c.comps.spike->accesses(excess);
  }
}

}  // namespace ss::sim
