// Engine building blocks against hand-computed or brute-force values.
#include <gtest/gtest.h>

#include <bit>
#include <random>

#include "common/error.h"
#include "engine/attention_core.h"
#include "engine/model_spec.h"
#include "engine/tokenizer.h"
#include "engine/values.h"
#include "test_models.h"

namespace ss {
namespace {

SpikeTensor random_spikes(int T, int N, int C, double p, uint64_t seed) {
  std::mt19937_64 g(seed);
  std::bernoulli_distribution b(p);
  SpikeTensor s(T, N, C);
  for (int t = 0; t < T; ++t)
    for (int n = 0; n < N; ++n)
      for (int c = 0; c < C; ++c) s.set(t, n, c, b(g));
  return s;
}

TEST(Planes, DecomposeAndCount) {
  Values v(1, 2, 3);
  v.at(0, 0, 0) = 5, v.at(0, 1, 2) = 2, v.at(0, 0, 1) = 1;
  Planes p = Planes::of(v);
  ASSERT_EQ(p.p.size(), 3u);  // max 5 needs 3 bits
  EXPECT_TRUE(p.p[0].get(0, 0, 0));
  EXPECT_FALSE(p.p[1].get(0, 0, 0));
  EXPECT_TRUE(p.p[2].get(0, 0, 0));
  EXPECT_TRUE(p.p[1].get(0, 1, 2));
  EXPECT_TRUE(p.p[0].get(0, 0, 1));
  EXPECT_EQ(p.p[0].count() + p.p[1].count() + p.p[2].count(), 4);
}

TEST(Planes, EveryBitOfEveryValueLandsInItsPlane) {
  std::mt19937 rng(4);
  for (int channels : {1, 7, 8, 9, 63, 64, 65, 130}) {
    for (int top : {1, 3, 200, 255}) {
      Values v(2, 3, channels);
      for (auto& e : v.v) e = uint8_t(rng() % (top + 1));
      v.v[rng() % v.v.size()] = uint8_t(top);  // the planes' count follows the maximum
      Planes p = Planes::of(v);
      int bits = 0;
      while ((1 << bits) <= top) ++bits;
      ASSERT_EQ(int(p.p.size()), bits) << channels;
      for (int t = 0; t < 2; ++t)
        for (int n = 0; n < 3; ++n)
          for (int c = 0; c < channels; ++c)
            for (int b = 0; b < bits; ++b)
              ASSERT_EQ(p.p[size_t(b)].get(t, n, c), bool((v.at(t, n, c) >> b) & 1))
                  << "channels " << channels << " t " << t << " n " << n << " c " << c << " b "
                  << b;
      if (channels % 64 == 0) continue;
      for (const auto& plane : p.p)  // padding bits past the last channel stay zero
        for (size_t r = 0; r < plane.rows(); ++r)
          ASSERT_EQ(plane.row(r)[plane.stride() - 1] >> (channels % 64), 0u);
    }
  }
}

// Word-parallel channel slices equal the bit-by-bit definition at every offset and length,
// including slices that start mid-word, cross words and end at the source's padding.
TEST(Spikes, SliceChannelsMatchesTheBitDefinition) {
  for (int channels : {1, 50, 64, 100, 128, 192, 384}) {
    SpikeTensor s = random_spikes(2, 3, channels, 0.5, uint64_t(channels));
    for (int start = 0; start < channels; start += (start < 70 ? 1 : 13))
      for (int len : {1, 5, 63, 64, 65, channels - start}) {
        if (start + len > channels) continue;
        SpikeTensor o = slice_channels(s, start, len);
        ASSERT_EQ(o.channels(), len);
        for (int t = 0; t < 2; ++t)
          for (int n = 0; n < 3; ++n) {
            for (int c = 0; c < len; ++c)
              ASSERT_EQ(o.get(t, n, c), s.get(t, n, start + c))
                  << channels << " " << start << "+" << len;
            // padding stays clear: a row's popcount is the slice's spikes only
            int64_t bits = 0;
            for (size_t w = 0; w < o.stride(); ++w) bits += std::popcount(o.row(t, n)[w]);
            int64_t expect = 0;
            for (int c = 0; c < len; ++c) expect += s.get(t, n, start + c);
            ASSERT_EQ(bits, expect) << channels << " " << start << "+" << len;
          }
      }
  }
}

TEST(Tokenizer, MaxPoolIsOrOverWindow) {
  // 5x5 grid, one channel; brute-force OR over clipped 3x3 windows at stride 2
  SpikeTensor s = random_spikes(2, 25, 70, 0.1, 3);
  SpikeTensor o = maxpool3x3s2(s, 5, 5);
  ASSERT_EQ(o.tokens(), 9);
  for (int t = 0; t < 2; ++t)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 3; ++x)
        for (int c = 0; c < 70; ++c) {
          bool any = false;
          for (int sy = 2 * y - 1; sy <= 2 * y + 1; ++sy)
            for (int sx = 2 * x - 1; sx <= 2 * x + 1; ++sx)
              if (sy >= 0 && sy < 5 && sx >= 0 && sx < 5) any |= s.get(t, sy * 5 + sx, c);
          EXPECT_EQ(o.get(t, y * 3 + x, c), any);
        }
}

TEST(Tokenizer, Im2colPlacesNeighbours) {
  SpikeTensor s = random_spikes(1, 12, 65, 0.3, 4);  // 3x4 grid, 65 channels (word-straddling)
  SpikeTensor o = im2col3x3(s, 3, 4);
  ASSERT_EQ(o.channels(), 9 * 65);
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x)
      for (int k = 0; k < 9; ++k)
        for (int c = 0; c < 65; ++c) {
          int sy = y + k / 3 - 1, sx = x + k % 3 - 1;
          bool want = sy >= 0 && sy < 3 && sx >= 0 && sx < 4 && s.get(0, sy * 4 + sx, c);
          EXPECT_EQ(o.get(0, y * 4 + x, k * 65 + c), want);
        }
}

TEST(Attention, BothOrdersEqualBruteForce) {
  ModelSpec spec = test::small_spec("ssa", "mlp");
  for (int N : {1, 7, 49, 70})
    for (int dh : {1, 16, 33}) {
      const int heads = 2, D = heads * dh;
      SpikeTensor Q = random_spikes(2, N, D, 0.3, N * 100 + dh),
                  K = random_spikes(2, N, D, 0.4, N * 100 + dh + 1),
                  V = random_spikes(2, N, D, 0.2, N * 100 + dh + 2);
      Context ctx{spec, Mode::Int, kern::kernels(), nullptr};
      for (int t = 0; t < 2; ++t)
        for (int h = 0; h < heads; ++h) {
          auto a = attention_counts(ctx, Q, K, V, t, h, dh, AttnOrder::QK_first);
          auto b = attention_counts(ctx, Q, K, V, t, h, dh, AttnOrder::KV_first);
          for (int n = 0; n < N; ++n)
            for (int d = 0; d < dh; ++d) {
              int want = 0;
              for (int m = 0; m < N; ++m) {
                int s = 0;
                for (int j = 0; j < dh; ++j) s += Q.get(t, n, h * dh + j) & K.get(t, m, h * dh + j);
                want += s * V.get(t, m, h * dh + d);
              }
              ASSERT_EQ(a[n * dh + d], want) << "N=" << N << " dh=" << dh;
              ASSERT_EQ(b[n * dh + d], want) << "N=" << N << " dh=" << dh;
            }
        }
    }
}

TEST(ModelSpec, RoundTripsThroughToml) {
  for (auto a : {"ssa", "emsa"})
    for (auto f : {"mlp", "emsp", "moe"}) {
      ModelSpec s = test::small_spec(a, f);
      ModelSpec r = ModelSpec::parse(s.to_toml(), "rt.toml");
      EXPECT_EQ(r.to_toml(), s.to_toml());
      EXPECT_EQ(r.tokens(), 9);  // 12 -> 6 -> 3
    }
}

// Found by fuzz_model_toml: to_toml wrote strings between quotes unescaped, so a name with a
// backslash or a quote printed as a file that parsed to another name (or not at all).
TEST(ModelSpec, StringsWithEscapesRoundTrip) {
  ModelSpec s = test::small_spec("ssa", "mlp");
  s.name = "a \"quoted\" \\ name\r\t\x01 \u00e9";
  s.weights = "/x/w \\\"eights\".safetensors";
  const std::string text = s.to_toml();
  const ModelSpec r = ModelSpec::parse(text, "/y/rt.toml");
  EXPECT_EQ(r.name, s.name) << text;
  EXPECT_EQ(r.weights, "/y/w \\\"eights\".safetensors") << text;
  EXPECT_EQ(r.to_toml(), text);
  EXPECT_NE(text.find("type = \"ssa\""), std::string::npos) << text;  // plain strings unchanged
  // also found by fuzz_model_toml: bn_eps = -0.0 printed as "-0", which reads back as 0
  s.bn_eps = 0;
  const auto zero = s.to_toml();
  std::string neg = zero;
  neg.replace(neg.find("bn_eps = 0\n"), 10, "bn_eps = -0.0");
  EXPECT_EQ(ModelSpec::parse(neg, "/y/neg.toml").to_toml(), zero);
}

void expect_error(const std::string& text, const std::string& needle) {
  try {
    ModelSpec::parse(text, "bad.toml");
    FAIL() << "no error for: " << needle;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.toml"), std::string::npos) << e.what();
  }
}

TEST(ModelSpec, BadFilesNameFieldAndExpectation) {
  const std::string ok = test::small_spec("ssa", "mlp").to_toml();
  auto replace = [&](std::string from, std::string to) {
    std::string s = ok;
    auto p = s.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    return s.replace(p, from.size(), to);
  };
  expect_error(replace("heads = 4", "heads = 5"), "attention.heads");
  // found by fuzz_model_toml: a directory printed as weights = "" and read back as no weights
  expect_error(replace("[model]\n", "[model]\nweights = \"w/\"\n"), "model.weights");
  expect_error(replace("timesteps = 2", "timesteps = \"two\""), "model.timesteps");
  expect_error(replace("threshold = 1", "treshold = 1"), "neuron.treshold");
  expect_error(replace("type = \"mlp\"", "type = \"conv\""), "ffn.type");
  expect_error(replace("pool = [true, true]", "pool = [true]"), "tokenizer.pool");
  expect_error(replace("channels = [8, 72]", "channels = [8, 64]"), "tokenizer.channels");
  expect_error(replace("dim = 72", "dim = -1"), "model.dim");
  expect_error("[model\nname=1", "bad.toml:1");
  expect_error(replace("acc_bits = 16", "acc_bits = 23"), "quant.mem_frac_bits");
}

}  // namespace
}  // namespace ss
