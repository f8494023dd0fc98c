#include "sim/layer_cost.h"

namespace ss::sim {

void LayerCost::add(const LayerCost& o, double s) {
  cycles += s * o.cycles, fill_cycles += s * o.fill_cycles;
  busy += s * o.busy, stalled += s * o.stalled, idle += s * o.idle;
  acc_ops += s * o.acc_ops, and_ops += s * o.and_ops, ops_skipped += s * o.ops_skipped;
  synaptic_ops += s * o.synaptic_ops;
  ops_gated += s * o.ops_gated, ops_unrouted += s * o.ops_unrouted, ops_pruned += s * o.ops_pruned;
  passes += s * o.passes;
  membrane_updates += s * o.membrane_updates, spikes_fired += s * o.spikes_fired;
  sg_busy += s * o.sg_busy;
  score_ops += s * o.score_ops, compare_ops += s * o.compare_ops, router_busy += s * o.router_busy;
  for (int b = 0; b < 3; ++b) {
    read_bits[b] += s * o.read_bits[b], write_bits[b] += s * o.write_bits[b];
    reads[b] += s * o.reads[b], writes[b] += s * o.writes[b];
    buf_stalled[b] += s * o.buf_stalled[b];
  }
  weight_fill_bits += s * o.weight_fill_bits, weight_wait += s * o.weight_wait;
  spike_spill_bits += s * o.spike_spill_bits;
  noc_bits += s * o.noc_bits, noc_transfers += s * o.noc_transfers, noc_busy += s * o.noc_busy;
  tokens_active += s * o.tokens_active;
}

SimContext::SimContext(const arch::Arch& a) : arch(a), comps(a) {}

void LayerStats::add(const LayerStats& x) {
  tokens_active += x.tokens_active, in_nonzero += x.in_nonzero, in_events += x.in_events;
  in_syn += x.in_syn, out_spikes += x.out_spikes;
  q_rate += x.q_rate, k_rate += x.k_rate, v_rate += x.v_rate, heads_kept += x.heads_kept;
  silent_tokens += x.silent_tokens;
  q_dead += x.q_dead, k_dead += x.k_dead, v_dead += x.v_dead;
  if (rows_hist.size() < x.rows_hist.size()) rows_hist.resize(x.rows_hist.size(), 0.0);
  for (size_t n = 0; n < x.rows_hist.size(); ++n) rows_hist[n] += x.rows_hist[n];
}

}  // namespace ss::sim
