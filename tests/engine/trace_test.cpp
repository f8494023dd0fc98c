// The trace's silence statistics (for the simulator's analytical mode): counted by hand.
#include <gtest/gtest.h>

#include <cstdio>

#include "common/safetensors.h"
#include "engine/trace.h"

namespace {

using namespace ss;

TEST(Trace, SilenceAndActivityByHand) {
  // T = 2, 3 tokens, 2 channels
  //   token 0: t0 {c0}, t1 {c0, c1}; token 1: silent; token 2: t1 {c1}
  SpikeTensor s(2, 3, 2);
  s.set(0, 0, 0, true), s.set(1, 0, 0, true), s.set(1, 0, 1, true), s.set(1, 2, 1, true);
  std::vector<int64_t> ops{0, 0};
  Trace a, b;
  a.on_layer(LayerEvent{std::string("l"), s, ops, ops});
  b.on_layer(LayerEvent{std::string("l"), s, ops, ops});
  a.merge(b);
  const LayerTrace& l = a.layers().at(0);
  // silent rows: t0 tokens 1, 2; t1 token 1 -> {2, 1} per sample, 2 samples
  EXPECT_EQ(l.silent_rows, (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(l.silent_tokens, 2);                         // token 1, twice
  EXPECT_EQ(l.active_tokens, (std::vector<int64_t>{2, 4}));  // c0: token 0; c1: tokens 0, 2
  EXPECT_EQ(l.token_spikes, (std::vector<int64_t>{6, 0, 2}));
  EXPECT_EQ(l.token_active, (std::vector<int64_t>{2, 2, 0, 0, 0, 2}));

  // a 1 x 3 x 3 image with one non-zero pixel (value 5 = 2 bits) in the corner (0, 0):
  // receptive fields (3 x 3, padding 1) containing it: positions (0,0), (0,1), (1,0), (1,1)
  const uint8_t img[9] = {5, 0, 0, 0, 0, 0, 0, 0, 0};
  a.on_input(img, 1, 3, 3);
  EXPECT_EQ(a.input().samples, 1);
  EXPECT_EQ(a.input().silent_positions, 5);
  EXPECT_EQ(a.input().rf_nonzero, 4);
  EXPECT_EQ(a.input().rf_bits, 8);

  const std::string path = ::testing::TempDir() + "/trace_test.safetensors";
  a.save(path, "int");
  SafeTensors st = SafeTensors::load(path);
  for (const char* n : {"rate.l", "sops_exec.l", "silent_rows.l", "silent_tokens.l", "active_tokens.l",
                        "token_spikes.l", "token_active.l", "input.receptive_fields"})
    EXPECT_TRUE(st.has(n)) << n;
  EXPECT_EQ(st.get("token_active.l").shape, (std::vector<int64_t>{3, 2}));

  // load() restores every statistic the simulator reads
  Trace r = Trace::load(path);
  ASSERT_EQ(r.layers().size(), 1u);
  const LayerTrace& q = r.layers()[0];
  EXPECT_EQ(q.name, "l");
  EXPECT_EQ(q.T, 2);
  EXPECT_EQ(q.tokens, 3);
  EXPECT_EQ(q.channels, 2);
  EXPECT_EQ(q.samples, 2);
  EXPECT_EQ(q.spikes, l.spikes);
  EXPECT_EQ(q.sops_exec, l.sops_exec);
  EXPECT_EQ(q.silent_rows, l.silent_rows);
  EXPECT_EQ(q.silent_tokens, l.silent_tokens);
  EXPECT_EQ(q.active_tokens, l.active_tokens);
  EXPECT_EQ(q.token_spikes, l.token_spikes);
  EXPECT_EQ(q.token_active, l.token_active);
  EXPECT_EQ(r.input().channels, 1);
  EXPECT_EQ(r.input().height, 3);
  EXPECT_EQ(r.input().silent_positions, 5);
  EXPECT_EQ(r.input().rf_bits, 8);
  EXPECT_DOUBLE_EQ(q.rate(1), l.rate(1));
  std::remove(path.c_str());
}

}  // namespace
