// The trace's silence statistics (for the simulator's analytical mode): counted by hand.
#include "engine/trace.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "common/safetensors.h"
#include "engine/random_model.h"
#include "test_models.h"

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
  EXPECT_EQ(l.silent_tokens, 2);                             // token 1, twice
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
  for (const char* n :
       {"rate.l", "sops_exec.l", "silent_rows.l", "silent_tokens.l", "active_tokens.l",
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

// EMSA gating: open slots per expert are the router spikes per channel, over steps and tokens.
TEST(Trace, ExpertGatingByHand) {
  // T = 2, 3 tokens, 2 experts: t0 token 0 {e0}; t1 token 0 {e0, e1}; t1 token 2 {e1}
  SpikeTensor g(2, 3, 2);
  g.set(0, 0, 0, true), g.set(1, 0, 0, true), g.set(1, 0, 1, true), g.set(1, 2, 1, true);
  Trace a, b;
  a.on_gate("blocks.0.attn", g);
  b.on_gate("blocks.0.attn", g);
  b.on_gate("blocks.1.attn", g);
  a.merge(b);
  const GateUsage& u = a.expert_gating().at("blocks.0.attn");
  EXPECT_EQ(u.open, (std::vector<int64_t>{4, 4}));  // 2 samples x {2, 2}
  EXPECT_EQ(u.slots, 12);                           // 2 samples x T 2 x 3 tokens
  EXPECT_DOUBLE_EQ(u.share(1), 4.0 / 12.0);
  EXPECT_EQ(a.expert_gating().at("blocks.1.attn").slots, 6);

  const std::string path = ::testing::TempDir() + "/trace_gating.safetensors";
  a.save(path, "float");
  Trace r = Trace::load(path);
  ASSERT_EQ(r.expert_gating().size(), 2u);
  EXPECT_EQ(r.expert_gating().at("blocks.0.attn").open, u.open);
  EXPECT_EQ(r.expert_gating().at("blocks.0.attn").slots, u.slots);
  std::remove(path.c_str());
}

// In a whole network, each EMSA part reports as gates exactly the spikes its router layer
// reports (counted here from the layer events, a path independent of on_gate).
TEST(Trace, NetworkGatesAreTheRouterSpikes) {
  ModelSpec spec = test::small_spec("emsa", "mlp", 3);
  SafeTensors w = SafeTensors::parse(random_weights(spec, 3).serialize(), "mem");
  struct RouterCount : Observer {
    std::map<std::string, std::vector<int64_t>> per_channel;
    void on_layer(const LayerEvent& e) override {
      const std::string suffix = ".router";
      if (e.name.size() < suffix.size() ||
          e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix))
        return;
      auto& c = per_channel[e.name.substr(0, e.name.size() - suffix.size())];
      c.resize(size_t(e.spikes.channels()), 0);
      const auto bytes = e.spikes.to_bytes();
      for (size_t i = 0; i < bytes.size(); ++i) c[i % c.size()] += bytes[i];
    }
  };
  for (Mode mode : {Mode::Float, Mode::Int}) {
    Network net(spec, w, mode);
    Trace tr;
    RouterCount rc;
    TeeObserver tee({&tr, &rc});
    std::vector<uint8_t> img(12 * 12);
    int64_t total = 0;
    for (int i = 0; i < 4; ++i) {
      for (size_t p = 0; p < img.size(); ++p) img[p] = uint8_t((p * 37 + size_t(i) * 101) % 256);
      net.run(img.data(), &tee);
    }
    ASSERT_EQ(tr.expert_gating().size(), 2u);  // two blocks
    for (const auto& [part, u] : tr.expert_gating()) {
      ASSERT_TRUE(rc.per_channel.count(part)) << part;
      EXPECT_EQ(u.open, rc.per_channel.at(part)) << part;
      EXPECT_EQ(u.slots, 4 * 3 * (12 / 4) * (12 / 4))
          << part;  // samples x T x tokens (12 -> 3 x 3)
      for (auto v : u.open) total += v;
    }
    EXPECT_GT(total, 0) << "random weights left every gate closed: the test checks nothing";
  }
}

}  // namespace
