// Small cases computed by hand on configs/arch/small.toml: one 4x4 SE core with 2 time lanes,
// weight buffer 2 banks x 32 b (64 b/cycle), spike buffer 1 bank x 16 b, bus 64 b latency 1,
// spike generator 4 lanes, 16 accumulator entries (a chunk of 16 / 4 = 4 tokens).
#include <gtest/gtest.h>

#include "arch/arch_spec.h"
#include "sim/analytical.h"
#include "sim/cycle_model.h"

namespace {

using namespace ss::sim;

ss::arch::Arch small() {
  return ss::arch::load_arch(std::string(SS_SOURCE_DIR) + "/configs/arch/small.toml");
}

LayerDesc one_linear(int T) {
  LayerDesc d;
  d.name = std::string("hand.linear"), d.T = T, d.tokens = 3, d.cin = 4, d.cout = 4, d.in_bits = 1;
  return d;
}

// token 0: t0 channels {0, 1}, t1 channel {1}; token 1: silent; token 2: t1 channel {3}
ss::Planes spikes(int T) {
  ss::SpikeTensor s(T, 3, 4);
  s.set(0, 0, 0, true), s.set(0, 0, 1, true), s.set(1, 0, 1, true), s.set(1, 2, 3, true);
  return ss::Planes::of(s);
}

TEST(Hand, OneLinearLayerTwoSteps) {
  auto a = small();
  SimContext c(a);
  LayerStats st;
  LayerCost r = linear_cycle(one_linear(2), spikes(2), {0, 1, 2}, 4, 1, c, st);
  // One pass: 1 time chunk (T = 2 = lanes) x 1 output tile x 1 token chunk x 1 input tile.
  //   active tokens 0 and 2 (token 1 is all zero and skipped): compute = 2 x 1 plane = 2
  //   weight tile 4 x 4 x 8 b = 128 b at 64 b/cycle = 2 cycles
  //   spike input 3 tokens x 4 ch x 2 lanes = 24 b at 16 b/cycle = ceil(1.5) = 2 cycles
  //   pass = max(2, 2, 2) = 2, no stall
  // spike generator: 3 tokens x 4 neurons x 2 steps = 24 updates / 4 lanes = 6 cycles (drain)
  // fill = rows + cols + bus latency = 4 + 4 + 1 = 9;  cycles = max(2, 6 - 6) + 6 + 9 = 17
  EXPECT_DOUBLE_EQ(r.cycles, 17);
  EXPECT_DOUBLE_EQ(r.fill_cycles, 15);
  EXPECT_DOUBLE_EQ(r.busy, 2);
  EXPECT_DOUBLE_EQ(r.stalled, 0);
  EXPECT_DOUBLE_EQ(r.idle, 15);
  // 4 input events x 4 columns
  EXPECT_DOUBLE_EQ(r.acc_ops, 16);
  EXPECT_DOUBLE_EQ(r.synaptic_ops, 16);
  EXPECT_DOUBLE_EQ(r.ops_skipped, 2 * 3 * 4 * 4 - 16);
  EXPECT_DOUBLE_EQ(r.membrane_updates, 24);
  EXPECT_DOUBLE_EQ(r.sg_busy, 6);
  EXPECT_DOUBLE_EQ(r.read_bits[kWeight], 128);
  EXPECT_DOUBLE_EQ(r.reads[kWeight], 4);  // 128 / 32 b words
  EXPECT_DOUBLE_EQ(r.read_bits[kSpike], 24);
  EXPECT_DOUBLE_EQ(r.reads[kSpike], 2);   // ceil(24 / 16)
  EXPECT_DOUBLE_EQ(r.write_bits[kSpike], 24);
  EXPECT_DOUBLE_EQ(r.writes[kSpike], 2);
  EXPECT_DOUBLE_EQ(r.read_bits[kMembrane] + r.write_bits[kMembrane], 0);  // T <= lanes
  EXPECT_DOUBLE_EQ(r.noc_bits, 128 + 24 + 24);
  EXPECT_DOUBLE_EQ(r.noc_transfers, 2 + 1 + 1);  // ceil(128/64) + ceil(24/64) + ceil(24/64)
  EXPECT_DOUBLE_EQ(st.in_events, 4);
  EXPECT_DOUBLE_EQ(st.in_nonzero, 4);
}

TEST(Hand, ThreeStepsSpillMembranes) {
  auto a = small();
  SimContext c(a);
  LayerStats st;
  ss::Planes in = spikes(3);
  in.p[0].set(2, 1, 2, true);  // token 1 fires at t2
  LayerCost r = linear_cycle(one_linear(3), in, {0, 1, 2}, 4, 1, c, st);
  // Time chunk 0 (t0, t1): as above, pass 2 cycles, spike gen 24 updates = 6 cycles.
  // Time chunk 1 (t2): active token 1 only -> compute 1; weights refetched 2 cycles;
  //   spikes 3 x 4 x 1 = 12 b -> 1 cycle; pass = 2 (1 cycle weight stall);
  //   spike gen 3 x 4 x 1 = 12 updates = 3 cycles.
  // time = 2 + 2 = 4, sg = 6 + 3 = 9, last = 3: cycles = max(4, 6) + 3 + 9 = 18
  EXPECT_DOUBLE_EQ(r.cycles, 18);
  EXPECT_DOUBLE_EQ(r.busy, 3);
  EXPECT_DOUBLE_EQ(r.stalled, 1);
  EXPECT_DOUBLE_EQ(r.buf_stalled[kWeight], 1);
  EXPECT_DOUBLE_EQ(r.acc_ops, 5 * 4);
  EXPECT_DOUBLE_EQ(r.read_bits[kWeight], 256);  // one weight tile per time chunk
  // membranes of 3 tokens x 4 neurons x 24 b = 288 b leave after chunk 0 and return for
  // chunk 1, in 288 / 16 = 18 words of the 16-bit membrane buffer
  EXPECT_DOUBLE_EQ(r.write_bits[kMembrane], 288);
  EXPECT_DOUBLE_EQ(r.read_bits[kMembrane], 288);
  EXPECT_DOUBLE_EQ(r.writes[kMembrane], 18);
  EXPECT_DOUBLE_EQ(r.read_bits[kSpike], 24 + 12);
}

TEST(Hand, RoutedExpertSeesOnlyItsTokens) {
  auto a = small();
  SimContext c(a);
  LayerStats st;
  LayerDesc d = one_linear(2);
  d.expert = 0, d.routed = true, d.group = 0;
  LayerCost r = linear_cycle(d, spikes(2), {1, 2}, 4, 1, c, st);
  // tokens 1 and 2 routed: token 1 silent (skipped), token 2 one event -> compute 1
  // weights 2 cycles, spikes 2 x 4 x 2 = 16 b = 1 cycle: pass = 2 (1 weight stall)
  // spike gen 2 x 4 x 2 = 16 updates = 4 cycles: cycles = max(2, 0) + 4 + 9 = 15
  EXPECT_DOUBLE_EQ(r.cycles, 15);
  EXPECT_DOUBLE_EQ(r.acc_ops, 4);
  EXPECT_DOUBLE_EQ(r.ops_unrouted, 1 * 2 * 4 * 4);
  EXPECT_DOUBLE_EQ(r.ops_skipped, 2 * 3 * 4 * 4 - 4);
  EXPECT_DOUBLE_EQ(r.tokens_active, 2);
}

// The classification head: Linear 4 -> 4 classes on every token, accumulated over tokens and
// steps in the class accumulators (no firing), scale + bias once per class at the end.
LayerDesc head_desc(int T) {
  LayerDesc d = one_linear(T);
  d.name = std::string("head"), d.kind = Kind::head;
  return d;
}

TEST(Hand, ClassificationHead) {
  auto a = small();
  SimContext c(a);
  LayerStats st;
  LayerCost r = linear_cycle(head_desc(2), spikes(2), {0, 1, 2}, 4, 1, c, st);
  // All 3 tokens share the 4 class accumulators: one chunk, one pass.
  //   active tokens 0 and 2: compute 2; weights 128 b / 64 = 2; spikes 3 x 4 x 2 = 24 b / 16 = 2
  //   pass = 2, no stall
  // end: scale + bias for 4 classes = 4 updates / 4 lanes = 1 cycle (drain);
  //   scores 4 x acc_bits 16 = 64 b written (4 words of 16 b, one 64 b bus transfer)
  // cycles = max(2, 1 - 1) + 1 + fill 9 = 12
  EXPECT_DOUBLE_EQ(r.cycles, 12);
  EXPECT_DOUBLE_EQ(r.fill_cycles, 10);
  EXPECT_DOUBLE_EQ(r.busy, 2);
  EXPECT_DOUBLE_EQ(r.stalled, 0);
  EXPECT_DOUBLE_EQ(r.idle, 10);
  EXPECT_DOUBLE_EQ(r.acc_ops, 16);  // 4 input events x 4 classes
  EXPECT_DOUBLE_EQ(r.synaptic_ops, 16);
  EXPECT_DOUBLE_EQ(r.ops_skipped, 2 * 3 * 4 * 4 - 16);
  EXPECT_DOUBLE_EQ(r.passes, 1);
  EXPECT_DOUBLE_EQ(r.membrane_updates, 4);
  EXPECT_DOUBLE_EQ(r.sg_busy, 1);
  EXPECT_DOUBLE_EQ(r.read_bits[kWeight], 128);
  EXPECT_DOUBLE_EQ(r.reads[kWeight], 4);
  EXPECT_DOUBLE_EQ(r.read_bits[kSpike], 24);
  EXPECT_DOUBLE_EQ(r.reads[kSpike], 2);
  EXPECT_DOUBLE_EQ(r.write_bits[kSpike], 64);
  EXPECT_DOUBLE_EQ(r.writes[kSpike], 4);
  EXPECT_DOUBLE_EQ(r.read_bits[kMembrane] + r.write_bits[kMembrane], 0);
  EXPECT_DOUBLE_EQ(r.noc_bits, 128 + 24 + 64);
  EXPECT_DOUBLE_EQ(r.noc_transfers, 2 + 1 + 1);

  // T = 3 on 2 lanes: time chunk 0 as above (pass 2) then the 4 partial scores (24 b each =
  // 96 b, 6 words) go to the membrane buffer; time chunk 1 (t2, no events): compute 0, weights
  // refetched 2 cycles, spikes 3 x 4 x 1 = 12 b = 1 cycle: pass 2 (2 cycles weight stall); the
  // scores come back (96 b), scale + bias 1 cycle, 64 b written.
  // cycles = max(2 + 2, 0) + 1 + 9 = 14
  LayerStats st3;
  LayerCost r3 = linear_cycle(head_desc(3), spikes(3), {0, 1, 2}, 4, 1, c, st3);
  EXPECT_DOUBLE_EQ(r3.cycles, 14);
  EXPECT_DOUBLE_EQ(r3.busy, 2);
  EXPECT_DOUBLE_EQ(r3.stalled, 2);
  EXPECT_DOUBLE_EQ(r3.buf_stalled[kWeight], 2);
  EXPECT_DOUBLE_EQ(r3.read_bits[kWeight], 256);
  EXPECT_DOUBLE_EQ(r3.write_bits[kMembrane], 96);
  EXPECT_DOUBLE_EQ(r3.writes[kMembrane], 6);
  EXPECT_DOUBLE_EQ(r3.read_bits[kMembrane], 96);
  EXPECT_DOUBLE_EQ(r3.read_bits[kSpike], 24 + 12);
  EXPECT_DOUBLE_EQ(r3.write_bits[kSpike], 64);
  EXPECT_DOUBLE_EQ(r3.membrane_updates, 4);

  // the analytical model on the same head with the exact statistics of this input
  LayerStats s;
  s.tokens_active = 3, s.silent_tokens = 1.0 / 3;   // token 1 is silent
  s.in_events = s.in_syn = 4.0 / 24, s.in_nonzero = 4.0 / 24;
  LayerCost an = analytical_layer(head_desc(2), s, 1, c);
  EXPECT_DOUBLE_EQ(an.acc_ops, 16);
  EXPECT_DOUBLE_EQ(an.read_bits[kWeight], 128);
  EXPECT_DOUBLE_EQ(an.read_bits[kSpike], 24);
  EXPECT_DOUBLE_EQ(an.write_bits[kSpike], 64);
  EXPECT_DOUBLE_EQ(an.membrane_updates, 4);
  EXPECT_DOUBLE_EQ(an.noc_transfers, 4);
}

TEST(Hand, AttentionQkFirst) {
  auto a = small();
  SimContext c(a);
  LayerStats st;
  LayerDesc d;
  d.name = std::string("hand.attention"), d.kind = Kind::attention, d.unit = Unit::attention_cores;
  d.T = 2, d.tokens = 3, d.heads = 1, d.dh = 2, d.cin = 2, d.cout = 2;
  ss::SpikeTensor q(2, 3, 2), k(2, 3, 2), v(2, 3, 2);
  q.set(0, 0, 0, true);                       // Q: token 0, t0, channel 0
  k.set(0, 1, 0, true), k.set(1, 2, 1, true);  // K: token 1 t0 c0, token 2 t1 c1
  v.set(1, 0, 1, true);                       // V: token 0, t1, channel 1
  LayerCost r = attention_cycle(d, q, k, v, {0, 1, 2}, {0}, 1, c, st);
  // one 3 x 3 map tile, both steps in the lanes:
  //   Q K^T mode: channels with a Q spike (c0) and a K spike (c0, c1): 1 cycle
  //   A V mode: channels with a V spike: c1: 1 cycle -> compute 2
  //   spikes read: (3 Q rows + 3 K cols + 3 V cols) x 2 ch x 2 lanes = 36 b / 16 = 3 cycles,
  //   the layer's first tile: loaded before it computes (double buffer; Q, K, V are the
  //   outputs of the layers just before) -> 3 spike-buffer stall cycles, time 3 + 2 = 5
  //   spike gen 3 x 2 x 2 = 12 updates = 3 cycles; fill 4 + 4 + 1
  //   cycles = max(5, 0) + 3 + 9 = 17
  EXPECT_DOUBLE_EQ(r.cycles, 17);
  EXPECT_DOUBLE_EQ(r.busy, 2);
  EXPECT_DOUBLE_EQ(r.stalled, 3);
  EXPECT_DOUBLE_EQ(r.buf_stalled[kSpike], 3);
  // engine's QK-first count: nnz(Q) N + nnz(V) N = 3 + 3
  EXPECT_DOUBLE_EQ(r.and_ops, 3);
  EXPECT_DOUBLE_EQ(r.acc_ops, 3);
  EXPECT_DOUBLE_EQ(r.read_bits[kSpike], 36);
  EXPECT_DOUBLE_EQ(r.write_bits[kSpike], 12);
  EXPECT_DOUBLE_EQ(r.ops_skipped, 2.0 * 2 * 3 * 3 * 2 - 6);
}

}  // namespace
