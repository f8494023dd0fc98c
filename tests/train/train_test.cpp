// Training side: LIF and attention autograd against composite LibTorch references, MoE gating,
// export round trip, recipe parsing, bit-exact resume, and a short real training run.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.h"
#include "common/safetensors.h"
#include "data/dataset.h"
#include "train/export.h"
#include "train/lif.h"
#include "train/modules.h"
#include "train/trainer.h"

namespace fs = std::filesystem;
using namespace ss::train;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("ss_train_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

const char* kTinyModel = R"(
[model]
name = "tiny"
input = [1, 28, 28]
classes = 10
timesteps = 4
dim = 32
blocks = 1
[tokenizer]
channels = [8, 32]
pool = [true, true]
rpe = true
[attention]
type = "ssa"
heads = 2
[ffn]
type = "mlp"
hidden = 64
)";

// Straightforward composite LIF (spikingjelly's formulation): the surrogate enters through
// s = sigma + stopgrad(heaviside - sigma).
torch::Tensor composite_lif(const torch::Tensor& x, const LifParams& p) {
  torch::Tensor v = torch::zeros_like(x[0]);
  std::vector<torch::Tensor> out;
  for (int64_t t = 0; t < x.size(0); ++t) {
    torch::Tensor h = v + (x[t] - v) / p.tau;
    torch::Tensor sig = torch::sigmoid(p.alpha * (h - p.threshold));
    torch::Tensor s = sig + ((h >= p.threshold).to(torch::kFloat32) - sig).detach();
    v = h * (1.0f - (p.detach_reset ? s.detach() : s));
    out.push_back(s);
  }
  return torch::stack(out);
}

bool ss_dataset_available() {
  return fs::exists(fs::path(ss::kFashionMnistDir) / "train-images-idx3-ubyte.gz");
}

}  // namespace

TEST(Lif, ForwardIsTheDocumentedRecursion) {
  // tau = 2, th = 1: H = V + (X - V) / 2.
  torch::Tensor x = torch::tensor({1.5f, 1.5f, 0.4f, 3.0f}).view({4, 1});
  torch::Tensor s = lif(x, LifParams{});
  // t0: H = 0.75 -> no spike, V = 0.75; t1: H = 1.125 -> spike, V = 0;
  // t2: H = 0.2 -> no; t3: H = 0.2 + 1.4 = 1.6 -> spike.
  EXPECT_TRUE(torch::equal(s.view({4}), torch::tensor({0.f, 1.f, 0.f, 1.f})));
  // Exactly at threshold fires (H >= th).
  EXPECT_EQ(lif(torch::tensor({2.0f}).view({1, 1}), LifParams{}).item<float>(), 1.0f);
}

TEST(Lif, GradientMatchesCompositeImplementation) {
  torch::manual_seed(3);
  for (bool detach : {true, false}) {
    LifParams p;
    p.detach_reset = detach;
    p.tau = 1.7f;
    p.threshold = 0.8f;
    torch::Tensor x = (torch::randn({5, 3, 7}) * 1.5f + 0.6f).requires_grad_();
    torch::Tensor w = torch::randn({5, 3, 7});
    torch::Tensor a = lif(x, p);
    (a * w).sum().backward();
    torch::Tensor g1 = x.grad().clone();
    x.grad().zero_();
    torch::Tensor b = composite_lif(x, p);
    (b * w).sum().backward();
    EXPECT_TRUE(torch::equal(a, b)) << "detach " << detach;
    EXPECT_TRUE(torch::allclose(g1, x.grad(), 1e-5, 1e-6)) << "detach " << detach;
  }
}

TEST(Attention, CountsAndGradientsMatchMatmul) {
  torch::manual_seed(4);
  const int64_t heads = 3;
  auto spikes = [] { return (torch::rand({2, 3, 11, 12}) < 0.3).to(torch::kFloat32); };
  torch::Tensor q = spikes().requires_grad_(), k = spikes().requires_grad_(),
                v = spikes().requires_grad_();
  torch::Tensor o = attention_counts(q, k, v, heads);
  torch::Tensor w = torch::randn_like(o);
  (o * w).sum().backward();
  auto split = [&](const torch::Tensor& t) { return t.view({2, 3, 11, heads, 4}).transpose(2, 3); };
  torch::Tensor q2 = q.detach().clone().requires_grad_(), k2 = k.detach().clone().requires_grad_(),
                v2 = v.detach().clone().requires_grad_();
  torch::Tensor r = split(q2)
                        .matmul(split(k2).transpose(-2, -1))
                        .matmul(split(v2))
                        .transpose(2, 3)
                        .reshape(o.sizes());
  (r * w).sum().backward();
  EXPECT_TRUE(torch::equal(o, r));  // integer counts: exact
  EXPECT_TRUE(torch::allclose(q.grad(), q2.grad(), 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(k.grad(), k2.grad(), 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(v.grad(), v2.grad(), 1e-4, 1e-4));
}

TEST(Moe, ForwardIsTheSpikeSumAndTheRouterLearns) {
  torch::manual_seed(5);
  ss::ModelSpec spec = ss::ModelSpec::parse(kTinyModel, "tiny");
  spec.ffn.type = "moe";
  spec.ffn.experts = 4;
  spec.ffn.top_k = 2;
  spec.ffn.expert_hidden = 24;
  Neurons n(spec, true);
  Moe moe(spec, n);
  moe->train();
  torch::Tensor x = torch::randint(0, 3, {4, 2, 49, 32}).to(torch::kFloat32);
  SpikeRecord rec;
  torch::Tensor out = moe->forward(x, "blocks.0.ffn", &rec);
  // Forward: exactly the sum of the chosen experts' output spikes.
  torch::Tensor sum = torch::zeros_like(out);
  for (int e = 0; e < 4; ++e)
    sum += rec.spikes.at("blocks.0.ffn.experts." + std::to_string(e) + ".fc2");
  EXPECT_TRUE(torch::equal(out, sum));
  EXPECT_LE(out.max().item<float>(), 2.0f);
  ASSERT_TRUE(rec.routes.count("blocks.0"));
  EXPECT_EQ(rec.routes.at("blocks.0").sizes(), (std::vector<int64_t>{2, 49, 2}));
  // g / stopgrad(g) carries a gradient to the router; so does the balancing loss.
  (out.sum() + moe->aux_loss).backward();
  EXPECT_GT(moe->router->weight.grad().abs().sum().item<float>(), 0.0f);
  EXPECT_GE(moe->aux_loss.item<float>(), 1.0f - 1e-5f);  // E sum f P >= 1, = 1 when balanced
}

TEST(Moe, TopKBreaksTiesTowardsTheLowerIndex) {
  torch::Tensor s = torch::tensor({1.f, 3.f, 3.f, 2.f, 3.f}).view({1, 1, 5});
  torch::Tensor c = MoeImpl::top_k(s, 3);
  EXPECT_TRUE(torch::equal(c.view({3}), torch::tensor({1, 2, 4}, torch::kInt64)));
}

TEST(Export, RoundTripGivesIdenticalOutputs) {
  torch::manual_seed(6);
  for (const char* variant : {"ssa-mlp", "emsa-emsp", "ssa-moe"}) {
    ss::ModelSpec spec = ss::ModelSpec::parse(kTinyModel, "tiny");
    if (std::string(variant) == "emsa-emsp") {
      spec.attention.type = "emsa";
      spec.attention.experts = 3;
      spec.attention.expert_dim = 10;
      spec.ffn.type = "emsp";
      spec.ffn.hidden = 50;
    } else if (std::string(variant) == "ssa-moe") {
      spec.ffn.type = "moe";
      spec.ffn.experts = 3;
      spec.ffn.top_k = 2;
      spec.ffn.expert_hidden = 20;
    }
    SpikingTransformer m(spec);
    {
      torch::NoGradGuard g;  // non-trivial BN statistics
      for (auto& [name, t] : export_tensors(*m)) {
        if (name.find("running_var") != std::string::npos) t.uniform_(0.5, 2.0);
        if (name.find("running_mean") != std::string::npos) t.uniform_(-0.3, 0.3);
      }
    }
    m->eval();
    TempDir dir;
    std::string path = export_model(*m, dir.path.string(), "m", {{"k", "v"}});
    SpikingTransformer back = load_model(path);
    torch::Tensor images = torch::randint(0, 256, {3, 1, 28, 28}).to(torch::kFloat32);
    torch::NoGradGuard g;
    SpikeRecord r1, r2;
    torch::Tensor a = m->forward(images, &r1), b = back->forward(images, &r2);
    EXPECT_TRUE(torch::equal(a, b)) << variant;
    for (auto& [name, s] : r1.spikes) EXPECT_TRUE(torch::equal(s, r2.spikes.at(name))) << name;
    auto st = ss::SafeTensors::load(dir.path / "m.safetensors");
    EXPECT_EQ(st.metadata().at("k"), "v");
    EXPECT_FALSE(st.has("sps.conv0.bn.num_batches_tracked"));
    EXPECT_TRUE(st.has("sps.conv0.bn.running_var"));
    EXPECT_TRUE(st.has("head.weight"));
  }
}

TEST(Export, MissingOrUnexpectedTensorsAreErrors) {
  ss::ModelSpec spec = ss::ModelSpec::parse(kTinyModel, "tiny");
  SpikingTransformer m(spec);
  TempDir dir;
  std::string path = export_model(*m, dir.path.string(), "m");
  ss::ModelSpec other = spec;
  other.blocks = 2;
  SpikingTransformer m2(other);
  auto st = ss::SafeTensors::load(ss::ModelSpec::load(path).weights);
  try {
    load_weights(*m2, st);
    FAIL() << "expected an error";
  } catch (const ss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("blocks.1."), std::string::npos) << e.what();
  }
  ss::ModelSpec smaller = spec;
  smaller.ffn.hidden = 32;
  SpikingTransformer m3(smaller);
  EXPECT_THROW(load_weights(*m3, st), ss::Error);
}

TEST(Recipe, ParsesTrainTableAndRejectsTypos) {
  std::string text = std::string(kTinyModel) + "[train]\nepochs = 3\nlr = 0.01\nhflip = false\n";
  Recipe r = Recipe::parse(text, "r.toml");
  EXPECT_EQ(r.train.epochs, 3);
  EXPECT_DOUBLE_EQ(r.train.lr, 0.01);
  EXPECT_FALSE(r.train.hflip);
  EXPECT_EQ(r.spec.dim, 32);
  try {
    Recipe::parse(std::string(kTinyModel) + "[train]\nepoks = 3\n", "r.toml");
    FAIL() << "expected an error";
  } catch (const ss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.epoks"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Recipe::parse(kTinyModel, "r.toml"), ss::Error);  // no [train]
}

TEST(Recipe, ShippedRecipesParse) {
  for (const char* name : {"spikformer", "semm", "moe"}) {
    Recipe r = Recipe::load(std::string(SS_SOURCE_DIR) + "/configs/train/" + name + ".toml");
    EXPECT_EQ(r.spec.timesteps, 4) << name;
    EXPECT_EQ(r.spec.in_height, 28) << name;
  }
}

// Synthetic data for the resume test (no data set needed).
ss::Dataset synthetic(int n, uint64_t seed) {
  ss::Dataset d;
  d.name = "synthetic";
  d.channels = 1, d.height = 28, d.width = 28, d.classes = 10;
  torch::manual_seed(seed);
  torch::Tensor px = torch::randint(0, 256, {n, 1, 28, 28}, torch::kInt64).to(torch::kUInt8);
  d.pixels.assign(px.data_ptr<uint8_t>(), px.data_ptr<uint8_t>() + px.numel());
  for (int i = 0; i < n; ++i) d.labels.push_back(i % 10);
  return d;
}

TEST(Trainer, ResumeIsBitExact) {
  torch::set_num_threads(1);
  Recipe r = Recipe::parse(std::string(kTinyModel) +
                               "[train]\nepochs = 2\nbatch_size = 16\n"
                               "warmup_epochs = 0.5\n",
                           "r.toml");
  r.spec.ffn.type = "moe";  // the most stateful variant
  r.spec.ffn.experts = 3;
  r.spec.ffn.top_k = 2;
  r.spec.ffn.expert_hidden = 16;
  ss::Dataset data = synthetic(96, 1);  // 6 steps per epoch, 12 in all
  const int64_t N = 10;                 // crosses an epoch boundary
  TempDir dir;
  const std::string ckpt = (dir.path / "c.pt").string();

  Trainer a(r.spec, r.train, data);
  a.train_steps(N);

  {
    Trainer b(r.spec, r.train, data);
    b.train_steps(N / 2);
    b.save_checkpoint(ckpt);
    b.train_steps(1);  // diverge after the checkpoint: must not leak into c
  }
  torch::manual_seed(12345);  // a new process would have another RNG state
  Trainer c(r.spec, r.train, data);
  c.load_checkpoint(ckpt);
  EXPECT_EQ(c.step(), N / 2);
  EXPECT_GT(c.train_seconds(), 0.0);  // bookkeeping survives too
  EXPECT_LT(c.train_seconds(), a.train_seconds() * 10 + 60);
  c.train_steps(N - N / 2);
  EXPECT_EQ(c.step(), N);

  auto ta = export_tensors(*a.model()), tc = export_tensors(*c.model());
  ASSERT_EQ(ta.size(), tc.size());
  for (size_t i = 0; i < ta.size(); ++i) {
    EXPECT_EQ(ta[i].first, tc[i].first);
    EXPECT_TRUE(torch::equal(ta[i].second, tc[i].second)) << ta[i].first;
  }
  // A checkpoint of another model is refused.
  ss::ModelSpec other = r.spec;
  other.dim = 16;
  other.tokenizer.channels.back() = 16;
  Trainer d(other, r.train, data);
  EXPECT_THROW(d.load_checkpoint(ckpt), ss::Error);
}

TEST(Trainer, LearningRateWarmsUpThenDecays) {
  Recipe r = Recipe::parse(std::string(kTinyModel) +
                               "[train]\nepochs = 4\nbatch_size = 10\n"
                               "lr = 0.01\nmin_lr = 0.001\nwarmup_epochs = 1\n",
                           "r.toml");
  ss::Dataset data = synthetic(100, 2);  // 10 steps per epoch
  Trainer t(r.spec, r.train, data);
  EXPECT_NEAR(t.learning_rate(0), 0.001, 1e-12);
  EXPECT_NEAR(t.learning_rate(9), 0.01, 1e-12);
  EXPECT_NEAR(t.learning_rate(10), 0.01, 1e-12);
  EXPECT_NEAR(t.learning_rate(25), 0.001 + 0.5 * 0.009, 1e-12);  // half way through the decay
  EXPECT_GT(t.learning_rate(20), t.learning_rate(30));
}

TEST(Trainer, PolishPhaseDecaysAgainOnUnaugmentedImages) {
  Recipe r = Recipe::parse(std::string(kTinyModel) +
                               "[train]\nepochs = 2\nbatch_size = 10\nlr = 0.01\nmin_lr = 0.001\n"
                               "warmup_epochs = 0\ncrop_padding = 3\nhflip = true\n"
                               "polish_epochs = 2\npolish_lr = 0.005\n",
                           "r.toml");
  ss::Dataset data = synthetic(100, 3);  // 10 steps per epoch: 20 main + 20 polish
  Trainer t(r.spec, r.train, data);
  EXPECT_EQ(t.main_steps(), 20);
  EXPECT_EQ(t.total_steps(), 40);
  // Main phase: cosine over the 20 main steps only (half way at step 10), min_lr at its end.
  EXPECT_NEAR(t.learning_rate(0), 0.01, 1e-12);
  EXPECT_NEAR(t.learning_rate(10), 0.001 + 0.5 * 0.009, 1e-12);
  // Polish: restarts at polish_lr, half way at step 30.
  EXPECT_NEAR(t.learning_rate(20), 0.005, 1e-12);
  EXPECT_NEAR(t.learning_rate(30), 0.001 + 0.5 * 0.004, 1e-12);
  EXPECT_GT(t.learning_rate(29), t.learning_rate(31));

  // Polish batches are the images exactly as stored, in the epoch's order; main-phase batches
  // (padding 3, flips) are not, for at least one image of the batch.
  auto unaugmented = [&](int64_t step) {
    auto [x, y] = t.batch(step);
    for (int b = 0; b < 10; ++b) {
      bool found = false;
      for (size_t i = 0; i < data.count() && !found; ++i) {
        torch::Tensor img =
            torch::from_blob(const_cast<uint8_t*>(data.image(i)), {1, 28, 28}, torch::kUInt8)
                .to(torch::kFloat32);
        found = torch::equal(x[b], img) && data.labels[i] == y[b].item<int64_t>();
      }
      if (!found) return false;
    }
    return true;
  };
  EXPECT_FALSE(unaugmented(5));
  EXPECT_TRUE(unaugmented(25));
  EXPECT_TRUE(unaugmented(39));
}

TEST(Trainer, ShortFashionMnistRunLearns) {
  ASSERT_TRUE(ss_dataset_available()) << "dataset-fashion-mnist missing (scripts/setup.sh installs it)";
  torch::set_num_threads(1);  // ctest runs other tests beside this one
  Recipe r = Recipe::parse(std::string(kTinyModel) +
                               "[train]\nepochs = 4\nbatch_size = 32\nlr = 0.004\n"
                               "warmup_epochs = 0.3\nlog_every = 1000\n",
                           "r.toml");
  r.spec.timesteps = 2;  // tiny and quick: 3000 images x 4 epochs
  ss::Dataset train = ss::load_dataset("fashion-mnist", "train");
  ss::Dataset test = ss::load_dataset("fashion-mnist", "test");
  train.truncate(3000);
  test.truncate(500);
  Trainer t(r.spec, r.train, train);
  StepStats first = t.train_steps(20);
  t.train_steps(t.total_steps() - 40);
  StepStats last = t.train_steps(20);
  ASSERT_TRUE(t.done());
  const double l0 = first.loss_sum / double(first.steps), l1 = last.loss_sum / double(last.steps);
  EvalResult ev = t.evaluate(test);
  std::printf("[short run] loss %.3f -> %.3f, held-out accuracy %.1f%% (%lld images), %.1f img/s\n",
              l0, l1, 100 * ev.accuracy(), (long long)ev.images,
              double(t.step() * r.train.batch_size) / t.train_seconds());
  EXPECT_LT(l1, l0 - 0.5);
  EXPECT_GT(ev.accuracy(), 0.5);
}

TEST(ShippedModels, PaperScaleShapesParse) {
  const std::string dir = std::string(SS_SOURCE_DIR) + "/models/paper/";
  for (const char* name : {"spikformer-4-384", "semm-4-384", "moe-4-384"}) {
    ss::ModelSpec s = ss::ModelSpec::load(dir + name + ".toml");
    EXPECT_TRUE(s.weights.empty()) << name;
    EXPECT_EQ(s.tokens(), 64) << name;
    EXPECT_EQ(s.timesteps, 4) << name;
    EXPECT_EQ(s.dim, 384) << name;
    SpikingTransformer m(s);
    const int64_t n = parameter_count(*m);
    std::printf("[paper] %s: %lld parameters\n", name, (long long)n);
    if (std::string(name) == "spikformer-4-384") {  // Spikformer-4-384: about 9.3 M
      EXPECT_NEAR(double(n), 9.3e6, 0.5e6);
    }
  }
}

TEST(ShippedModels, TrainedModelsLoadAndClassify) {
  ASSERT_TRUE(ss_dataset_available()) << "dataset-fashion-mnist missing (scripts/setup.sh installs it)";
  torch::set_num_threads(1);
  ss::Dataset test = ss::load_dataset("fashion-mnist", "test");
  test.truncate(500);
  for (const char* name : {"spikformer-fmnist", "semm-fmnist", "moe-fmnist"}) {
    const std::string path = std::string(SS_SOURCE_DIR) + "/models/" + name + ".toml";
    ASSERT_TRUE(fs::exists(path)) << path;
    SpikingTransformer m = load_model(path);  // every documented tensor, shape-checked
    torch::NoGradGuard g;
    torch::Tensor x =
        torch::from_blob(test.pixels.data(), {500, 1, 28, 28}, torch::kUInt8).to(torch::kFloat32);
    torch::Tensor y = torch::from_blob(test.labels.data(), {500}, torch::kInt32).to(torch::kInt64);
    const double acc = m->forward(x).argmax(1).eq(y).to(torch::kFloat64).mean().item<double>();
    std::printf("[shipped] %s: float accuracy %.1f%% on the first 500 test images\n", name,
                100 * acc);
    EXPECT_GT(acc, 0.85) << name;
  }
}

// Pruning-aware fine-tuning (issue 17): `train.init` starts from a weights file (the trainer's
// model equals it before any step), and with head pruning a head that no image of the batch
// ran gets no gradient in its K and V rows (the mask is constant in the backward pass), while
// the kept heads' rows do.
TEST(Trainer, InitFromWeightsAndPrunedHeadsGetNoGradient) {
  torch::set_num_threads(1);
  TempDir dir;
  std::string text = std::string(kTinyModel) + "[train]\nbatch_size = 16\n";
  Recipe r = Recipe::parse(text, "r.toml");
  torch::manual_seed(3);
  SpikingTransformer src(r.spec);
  const std::string model = export_model(*src, dir.path.string(), "src");
  const std::string weights = (dir.path / "src.safetensors").string();
  // relative to the recipe, like the shipped fine-tuning recipes
  std::string pruned = std::string(kTinyModel);
  pruned.replace(pruned.find("heads = 2\n"), 10, "heads = 2\nhead_keep = 0.5\n");
  Recipe p = Recipe::parse(pruned + "[train]\nbatch_size = 16\ninit = \"src.safetensors\"\n",
                           (dir.path / "r.toml").string());
  EXPECT_EQ(p.train.init, weights);
  ASSERT_EQ(p.spec.attention.heads_kept(), 1);
  ss::Dataset data = synthetic(32, 2);
  Trainer t(p.spec, p.train, data);
  auto a = export_tensors(*src), b = export_tensors(*t.model());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;

  // one image: exactly one head runs; its K/V rows get gradient, the other head's none
  auto& m = *t.model();
  m.train();
  auto [px, labels] = t.batch(0);
  torch::Tensor img = px.narrow(0, 0, 1).to(torch::kFloat32);
  SpikeRecord rec;
  torch::Tensor loss = torch::nn::functional::cross_entropy(m.forward(img, &rec), labels.narrow(0, 0, 1));
  loss.backward();
  const torch::Tensor q = rec.spikes.at("blocks.0.attn.q");  // [T, 1, N, 32]
  const torch::Tensor mask = SsaImpl::head_mask(q, 2, 1);   // [1, 2]
  const int64_t kept = mask[0][0].item<float>() > 0 ? 0 : 1, pruned_h = 1 - kept;
  auto& ssa = *m.blocks[0]->ssa;
  for (auto* lin : {&ssa.k, &ssa.v}) {
    const torch::Tensor g = (*lin)->weight.grad();
    ASSERT_TRUE(g.defined());
    EXPECT_EQ(g.narrow(0, pruned_h * 16, 16).abs().sum().item<float>(), 0.0f);
  }
  // the kept head's K and V spikes are the unmasked ones; the pruned head's are all 0
  EXPECT_EQ(rec.spikes.at("blocks.0.attn.k").narrow(3, pruned_h * 16, 16).sum().item<float>(), 0.0f);
  EXPECT_EQ(rec.spikes.at("blocks.0.attn.attn").narrow(3, pruned_h * 16, 16).sum().item<float>(), 0.0f);
  (void)model;
}
