// Whole networks give identical spikes and scores under every kernel set this CPU supports.
#include <gtest/gtest.h>

#include <random>

#include "common/safetensors.h"
#include "engine/kernels/kernels.h"
#include "engine/network.h"
#include "engine/random_model.h"
#include "test_models.h"

namespace ss {
namespace {

struct Collect : Observer {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> layers;
  void on_layer(const LayerEvent& e) override { layers.emplace_back(e.name, e.spikes.to_bytes()); }
};

TEST(Dispatch, EveryKernelSetGivesIdenticalNetworks) {
  auto sets = kern::supported_sets();
  ASSERT_FALSE(sets.empty());
  std::mt19937 g(5);
  std::vector<uint8_t> img(12 * 12);
  for (auto& p : img) p = uint8_t(g() % 256);
  for (auto attn : {"ssa", "emsa"})
    for (auto ffn : {"mlp", "emsp", "moe"})
      for (Mode mode : {Mode::Float, Mode::Int}) {
        ModelSpec spec = test::small_spec(attn, ffn, 3);
        SafeTensors w = SafeTensors::parse(random_weights(spec, 11).serialize(), "mem");
        Network net(spec, w, mode);
        std::vector<Collect> runs(sets.size());
        std::vector<Prediction> preds;
        for (size_t s = 0; s < sets.size(); ++s) {
          kern::select(sets[s]->name);
          preds.push_back(net.run(img.data(), &runs[s]));
        }
        kern::select(sets[0]->name);
        int64_t spikes = 0;
        for (auto& [n, b] : runs[0].layers)
          for (auto v : b) spikes += v;
        EXPECT_GT(spikes, 0);
        for (size_t s = 1; s < sets.size(); ++s) {
          ASSERT_EQ(runs[s].layers.size(), runs[0].layers.size());
          for (size_t l = 0; l < runs[0].layers.size(); ++l)
            EXPECT_EQ(runs[s].layers[l], runs[0].layers[l])
                << sets[s]->name << " vs " << sets[0]->name << " at " << runs[0].layers[l].first
                << " (" << attn << "/" << ffn << ", " << mode_name(mode) << ")";
          EXPECT_EQ(preds[s].scores, preds[0].scores);
        }
      }
}

}  // namespace
}  // namespace ss
