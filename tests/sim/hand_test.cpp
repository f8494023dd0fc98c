// Small cases computed by hand on configs/arch/small.toml: one 4x4 SE core with 2 time lanes,
// weight buffer 2 banks x 32 b (64 b/cycle), spike buffer 1 bank x 16 b, bus 64 b latency 1,
// spike generator 4 lanes, 16 accumulator entries (a chunk of 16 / 4 = 4 tokens).
#include <gtest/gtest.h>

#include "arch/arch_spec.h"
#include "sim/analytical.h"
#include "sim/capacity.h"
#include "sim/cycle.h"
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
  // Firing (docs/sim.md, timing): chunk 0 is ready when its pass has issued, at 0 + 2 = 2,
  //   and its LIF takes a start cycle + 6: F0 = 2 + 1 + 6 = 9; chunk 1 (2 accumulator
  //   banks: no wait for the second chunk) issues at 2, ready at 3, and fires after chunk 0.
  // time = 2 + 2 = 4; the last chunk fires after F0: cycles = max(4, 9) + 3 + 9 = 21
  //   (without the order of firing, max(time, sg - last) + last + fill = max(4, 6) + 3 + 9 = 18)
  EXPECT_DOUBLE_EQ(r.cycles, 21);
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

// Two accumulator banks between the array and the LIF lanes: chunk k + 2 accumulates only once
// chunk k has fired. One linear layer 4 -> 4, T = 2 (one time chunk), 12 tokens = 3 chunks of
// 4, one pass per chunk (1 input tile, 1 output tile), every token active.
LayerDesc twelve_tokens(int in_bits) {
  LayerDesc d = one_linear(2);
  d.tokens = 12, d.in_bits = in_bits;
  return d;
}
ss::Planes all_active(int planes) {  // every token: channel (token mod 4) at t0, all planes
  ss::Planes in;
  for (int b = 0; b < planes; ++b) {
    ss::SpikeTensor s(2, 12, 4);
    for (int n = 0; n < 12; ++n) s.set(0, n, n % 4, true);
    in.p.push_back(s);
  }
  return in;
}

TEST(Hand, AccumulatorBanksBind) {
  auto a = small();
  SimContext c(a);
  LayerStats st;
  std::vector<int> toks(12);
  for (int n = 0; n < 12; ++n) toks[n] = n;
  LayerCost r = linear_cycle(twelve_tokens(1), all_active(1), toks, 4, 1, c, st);
  // Per pass: compute 4 tokens x 1 plane = 4; weights 128 b at 64 b/cycle = 2; spikes
  //   4 tokens x 4 ch x 2 lanes = 32 b at 16 b/cycle = 2: slot 4. Per chunk the LIF takes
  //   4 tokens x 4 neurons x 2 steps = 32 updates / 4 lanes = 8 cycles + 1 start cycle = 9.
  // The firing runs on the passes' clock; the hardware does it rows + cols - 1 = 7 cycles later
  // (the last vector through the skewed array).
  // chunk 0: issues at 0, ends 4; fires 4 .. 4 + 9 = 13 (F0)
  // chunk 1: issues at 4, ends 8; fires max(8, F0) = 13 .. 22 (F1)
  // chunk 2: weight bank 0 was pass 0's: free at 0 + 4 + (4 + 4 - 1) = 11 > 8: waits 3;
  //   accumulator bank 0 was chunk 0's: free at F0 + 7 = 20 > 11: issues at 20 (waits 9 more;
  //   its tiles loaded meanwhile), ends 24; fires max(24, F1) = 24 .. 33
  // cycles = max(end of the passes 24, F1 = 22) + last LIF 8 + fill (4 + 4 + 1) = 41
  // stalled: 3 (weight bank) + 9 (accumulator bank) = 12; none charged to a buffer.
  // With unbounded banks (chunk 2 at 11, ends 15; F1 = 22) it would be max(15, 22) + 8 + 9 = 39.
  EXPECT_DOUBLE_EQ(r.cycles, 41);
  EXPECT_DOUBLE_EQ(r.busy, 12);
  EXPECT_DOUBLE_EQ(r.stalled, 12);
  EXPECT_DOUBLE_EQ(r.buf_stalled[kWeight] + r.buf_stalled[kSpike], 0);
  EXPECT_DOUBLE_EQ(r.sg_busy, 24);  // the start cycles are time, not LIF work
  EXPECT_DOUBLE_EQ(r.membrane_updates, 96);

  // The analytical model, fed statistics under which every token is active (its closed form
  //   takes a token's 8 inputs as independent: at this input's density 1/8 it would see
  //   1 - (7/8)^8 = 66 % of them active; density 1 gives the same compute as the spikes):
  //   per pass max(compute 4, loads 2) = 4 and the weight-bank share (4 + 7) / 2 = 5.5: c = 5.5
  //   per chunk; LIF s' = 9; steady state per chunk max(c, s', (c + s' + 7) / 2) = 10.75, so
  //   5.25 waiting per chunk, for the 3 - 2 chunks after the first two: 5.25 x 3 x 1/3.
  //   passes: 3 x 5.5 + 5.25 = 21.75; the last chunk fires after the one before it, which
  //   fires after its passes: 21.75 - 5.5 + 9 = 25.25 (or the LIF chain from the first chunk:
  //   5.5 + 3 x 9 - 8 - 1 = 23.5); cycles = max(21.75, 25.25) + 8 + 9 = 42.25
  LayerStats s;
  s.tokens_active = 12, s.silent_tokens = 0;
  s.in_events = s.in_syn = s.in_nonzero = 1.0;
  LayerCost an = analytical_layer(twelve_tokens(1), s, 1, c);
  EXPECT_DOUBLE_EQ(an.cycles, 42.25);
}

TEST(Hand, AccumulatorBanksDoNotBind) {
  auto a = small();
  SimContext c(a);
  LayerStats st;
  std::vector<int> toks(12);
  for (int n = 0; n < 12; ++n) toks[n] = n;
  // The same layer with 8-bit inputs (every plane set): compute 4 tokens x 8 planes = 32 per
  //   pass; spikes 4 x 8 x 4 x 2 = 256 b at 16 b/cycle = 16, weights 2: slot 32.
  // chunk 0: 0 .. 32, fires 32 .. 41 (F0)
  // chunk 1: 32 .. 64, fires 64 .. 73 (F1)
  // chunk 2: weight bank free at 0 + 32 + 7 = 39, accumulator bank at F0 + 7 = 48, both
  //   before 64: no wait; 64 .. 96, fires 96 .. 105
  // cycles = max(96, F1 = 73) + 8 + 9 = 113, as with unbounded banks (max(96, 24 - 8) + 8 + 9)
  LayerCost r = linear_cycle(twelve_tokens(8), all_active(8), toks, 4, 1, c, st);
  EXPECT_DOUBLE_EQ(r.cycles, 113);
  EXPECT_DOUBLE_EQ(r.busy, 96);
  EXPECT_DOUBLE_EQ(r.stalled, 0);
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

// Weight fills from off-chip (add_fill_waits), worked by hand. small.toml's weight buffer rows
// are 2 banks x 32 b = 64 b; with a 16-bit memory a row takes 4 cycles, and latency 10.
struct FillCase {
  Workload w;
  std::vector<LayerCost> layers;
  void add(const char* name, double cycles, double words, int expert = -1, int group = -1) {
    LayerDesc d;
    d.name = name, d.expert = expert, d.group = group;
    w.layers.push_back(d);
    LayerCost l;
    l.cycles = cycles, l.writes[kWeight] = words, l.weight_fill_bits = 32 * words;
    layers.push_back(l);
  }
};

TEST(Hand, FillWaitsInOrder) {
  auto a = ss::arch::load_arch(std::string(SS_SOURCE_DIR) + "/configs/arch/small.toml",
                               {"offchip.width=\"16 bits\"", "offchip.latency_cycles=10"});
  SimContext c(a);
  c.weights_resident = false;
  FillCase f;
  // cycles, words (rows = words / 2; fill = 10 + 4 rows)
  f.add("l0", 100, 8);   // 4 rows: 26 cycles
  f.add("l1", 10, 8);    // 26
  f.add("l2", 10, 100);  // 50 rows: 210
  f.add("l3", 500, 40);  // 20 rows: 90
  add_fill_waits(f.w, f.layers, c);
  // l0, l1: filled by the inference before (released at its l2, l3 starts; done long before)
  // l2: fill released at l0's start (0), done 210; l1 ends at 110: waits 100, ends 220
  // l3: fill released at l1's start (100), after l2's fill (210): done 300; waits 80
  EXPECT_DOUBLE_EQ(f.layers[0].weight_wait, 0);
  EXPECT_DOUBLE_EQ(f.layers[1].weight_wait, 0);
  EXPECT_DOUBLE_EQ(f.layers[2].weight_wait, 100);
  EXPECT_DOUBLE_EQ(f.layers[2].cycles, 110);
  EXPECT_DOUBLE_EQ(f.layers[3].weight_wait, 80);
  EXPECT_DOUBLE_EQ(f.layers[3].cycles, 580);
  EXPECT_DOUBLE_EQ(total_cycles(f.w, f.layers, a), 800);
  // resident weights, or no [offchip]: no wait
  FillCase g = f;
  for (auto& l : g.layers) l.cycles -= l.weight_wait, l.weight_wait = 0;
  c.weights_resident = true;
  add_fill_waits(g.w, g.layers, c);
  EXPECT_DOUBLE_EQ(total_cycles(g.w, g.layers, a), 620);
  c.weights_resident = false;
  auto free = small();
  SimContext cf(free);
  cf.weights_resident = false;
  add_fill_waits(g.w, g.layers, cf);  // small.toml's own memory: 64 b, latency 2
  // l2: 2 + 50 = 52 from 0; l1 ends at 110: no wait. l3: from max(100, 52) + 22 = 122 > 120: 2
  EXPECT_DOUBLE_EQ(g.layers[2].weight_wait, 0);
  EXPECT_DOUBLE_EQ(g.layers[3].weight_wait, 2);
}

TEST(Hand, FillWaitsOfAGroupPerCore) {
  auto a = ss::arch::load_arch(
      std::string(SS_SOURCE_DIR) + "/configs/arch/small.toml",
      {"offchip.width=\"16 bits\"", "offchip.latency_cycles=10", "se_cores.count=2"});
  SimContext c(a);
  c.weights_resident = false;
  FillCase f;
  f.add("l0", 100, 8);         // 26 cycles
  f.add("e0", 50, 20, 0, 0);   // 10 rows: 50, core 0
  f.add("e1", 50, 200, 1, 0);  // 100 rows: 410, core 1
  f.add("l3", 10, 8);          // 26
  add_fill_waits(f.w, f.layers, c);
  // the group starts at 100 on both cores. e0's fill came with the inference before (the
  // second of the model). e1's: released at l0's start, done 410: core 1 waits 310, ends 460.
  // l3's: released at e0's start (100), after e1's fill: done 436; the group ends at 460.
  // The next inference's e0 fill: after l3's start (460) and l0's fill (released at e1's start
  // 410, done 436 + 26 = 462): 462 + 50 = 512, 42 past the end (470), under l0's 100: no wait.
  EXPECT_DOUBLE_EQ(f.layers[1].weight_wait, 0);
  EXPECT_DOUBLE_EQ(f.layers[2].weight_wait, 310);
  EXPECT_DOUBLE_EQ(f.layers[3].weight_wait, 0);
  EXPECT_DOUBLE_EQ(total_cycles(f.w, f.layers, a), 100 + 360 + 10);
}

}  // namespace
