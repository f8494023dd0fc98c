// Kernel sets against naive implementations written here (bit loops, not the scalar set), for
// every kernel set the CPU supports, plus bit-for-bit agreement of the float kernels across
// sets.
#include "engine/kernels/kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "common/error.h"

namespace {

using ss::kern::KernelSet;
using u64 = uint64_t;

std::vector<const KernelSet*> sets() {
  auto s = ss::kern::supported_sets();
  EXPECT_FALSE(s.empty());
  return s;
}

size_t words(size_t c) { return (c + 63) / 64; }

bool bit(const u64* row, size_t i) { return ((row[i / 64] >> (i % 64)) & 1) != 0; }

// Packed spike rows: each bit set with probability p (bits at or past c zero, padding words zero).
std::vector<u64> random_spikes(std::mt19937_64& rng, size_t rows, size_t c, size_t stride,
                               double p) {
  std::vector<u64> x(rows * stride + 1, 0);
  std::bernoulli_distribution fire(p);
  for (size_t r = 0; r < rows; ++r)
    for (size_t i = 0; i < c; ++i)
      if (fire(rng)) x[r * stride + i / 64] |= u64{1} << (i % 64);
  return x;
}

// Floats spanning many magnitudes and both signs (so the summation order matters), some zeros
// of either sign.
float random_float(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> kind(0, 19), ex(-20, 20);
  std::uniform_real_distribution<float> mant(-1.0f, 1.0f);
  const int k = kind(rng);
  if (k == 0) return 0.0f;
  if (k == 1) return -0.0f;
  return std::ldexp(mant(rng), ex(rng));
}

template <typename T>
::testing::AssertionResult bits_equal(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return ::testing::AssertionFailure() << "size differs";
  for (size_t k = 0; k < a.size(); ++k)
    if (std::memcmp(&a[k], &b[k], sizeof(T)) != 0)
      return ::testing::AssertionFailure() << "element " << k << ": " << a[k] << " vs " << b[k];
  return ::testing::AssertionSuccess();
}

// ------------------------------------------------------------------------------------------
// Naive references.

void naive_and_popcount(const u64* A, size_t I, size_t lda, const u64* Bt, size_t J, size_t kw,
                        int32_t* C, size_t ldc) {
  for (size_t i = 0; i < I; ++i)
    for (size_t j = 0; j < J; ++j) {
      int32_t s = 0;
      for (size_t w = 0; w < kw; ++w)
        for (int b = 0; b < 64; ++b)
          s += static_cast<int32_t>((A[i * lda + w] >> b) & (Bt[w * J + j] >> b) & 1);
      C[i * ldc + j] = s;
    }
}

template <typename W, typename O>
void naive_spmm(const u64* X, size_t rows, size_t xstride, size_t cin, const W* w, size_t cout,
                O* out) {
  for (size_t r = 0; r < rows; ++r)
    for (size_t o = 0; o < cout; ++o) {
      O acc = out[r * cout + o];
      for (size_t i = 0; i < cin; ++i)
        if (bit(X + r * xstride, i)) acc += static_cast<O>(w[i * cout + o]);
      out[r * cout + o] = acc;
    }
}

void naive_lif_f32(const float* x, size_t T, size_t rows, size_t c, float tau, const float* th,
                   float* v, u64* spikes, size_t sstride) {
  for (size_t t = 0; t < T; ++t)
    for (size_t r = 0; r < rows; ++r) {
      for (size_t w = 0; w < sstride; ++w) spikes[(t * rows + r) * sstride + w] = 0;
      for (size_t ch = 0; ch < c; ++ch) {
        float& m = v[r * c + ch];
        const float diff = x[(t * rows + r) * c + ch] - m;
        const float step = diff / tau;
        const float h = m + step;
        if (h >= th[ch]) {
          spikes[(t * rows + r) * sstride + ch / 64] |= u64{1} << (ch % 64);
          m = 0.0f;
        } else {
          m = h;
        }
      }
    }
}

int64_t floor_div_65536(int64_t a) {
  int64_t q = a / 65536;
  if (a % 65536 != 0 && a < 0) --q;
  return q;
}

void naive_lif_i32(const int32_t* x, size_t T, size_t rows, size_t c, int32_t decay,
                   const int32_t* th, int32_t mem_min, int32_t mem_max, int32_t* v, u64* spikes,
                   size_t sstride) {
  for (size_t t = 0; t < T; ++t)
    for (size_t r = 0; r < rows; ++r) {
      for (size_t w = 0; w < sstride; ++w) spikes[(t * rows + r) * sstride + w] = 0;
      for (size_t ch = 0; ch < c; ++ch) {
        int32_t& m = v[r * c + ch];
        const int64_t prod = (static_cast<int64_t>(x[(t * rows + r) * c + ch]) - m) * decay;
        const int64_t h = std::clamp<int64_t>(m + floor_div_65536(prod), mem_min, mem_max);
        if (h >= th[ch]) {
          spikes[(t * rows + r) * sstride + ch / 64] |= u64{1} << (ch % 64);
          m = 0;
        } else {
          m = static_cast<int32_t>(h);
        }
      }
    }
}

// ------------------------------------------------------------------------------------------
// Registry.

TEST(KernelRegistry, SupportedSetsAreOrderedAndIncludeScalar) {
  auto s = sets();
  ASSERT_FALSE(s.empty());
  for (size_t k = 1; k < s.size(); ++k) EXPECT_GE(s[k - 1]->priority, s[k]->priority);
  std::vector<std::string> names;
  for (auto* k : s) names.push_back(k->name);
  EXPECT_NE(std::find(names.begin(), names.end(), "scalar"), names.end());
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
      __builtin_cpu_supports("fma")) {
    EXPECT_NE(std::find(names.begin(), names.end(), "avx2"), names.end());
  }
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("avx512vnni")) {
    EXPECT_NE(std::find(names.begin(), names.end(), "avx512"), names.end());
    EXPECT_EQ(names.front(), "avx512");
  }
}

TEST(KernelRegistry, SelectSwitchesAndRejectsUnknown) {
  std::string before;
  try {
    before = ss::kern::kernels().name;
  } catch (const ss::Error&) {  // SPIKESTACK_KERNELS names an unknown set
    before = sets().front()->name;
  }
  for (auto* k : sets()) {
    ss::kern::select(k->name);
    EXPECT_STREQ(ss::kern::kernels().name, k->name);
  }
  EXPECT_THROW(ss::kern::select("no-such-set"), ss::Error);
  EXPECT_THROW(ss::kern::select(""), ss::Error);
  try {
    ss::kern::select("sse9");
    FAIL() << "expected ss::Error";
  } catch (const ss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("sse9"), std::string::npos) << e.what();
  }
  ss::kern::select(before);
  EXPECT_EQ(std::string(ss::kern::kernels().name), before);
}

// ------------------------------------------------------------------------------------------
// and_popcount

TEST(Kernels, AndPopcountMatchesNaive) {
  std::mt19937_64 rng(1);
  const size_t dims[] = {1, 3, 7, 8, 9, 16, 17, 31, 33, 64, 100};
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    for (size_t kw : {1, 2, 3, 4, 5, 8, 33})
      for (size_t I : dims)
        for (size_t J : dims) {
          if (kw == 33 && (I > 9 || J > 33)) continue;
          SCOPED_TRACE(testing::Message() << "I=" << I << " J=" << J << " kw=" << kw);
          const size_t lda = kw + (I % 2), ldc = J + (J % 3);
          std::vector<u64> A(I * lda), B(kw * J);
          // vary the density per case, including all-ones words
          const int mode = static_cast<int>((I + J + kw) % 3);
          for (auto& a : A) a = mode == 0 ? ~u64{0} : rng() & (mode == 1 ? rng() : ~u64{0});
          for (auto& b : B) b = mode == 2 ? ~u64{0} : rng();
          std::vector<int32_t> C(I * ldc + 1, -7), E(I * ldc + 1, -7);
          ks->and_popcount(A.data(), I, lda, B.data(), J, kw, C.data(), ldc);
          naive_and_popcount(A.data(), I, lda, B.data(), J, kw, E.data(), ldc);
          ASSERT_TRUE(bits_equal(C, E));
        }
  }
}

TEST(Kernels, AndPopcountAllOnesAndZeros) {
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    for (size_t kw : {1, 5, 32, 40, 70}) {
      const size_t I = 5, J = 13;
      std::vector<u64> A(I * kw, ~u64{0}), B(kw * J, ~u64{0});
      for (size_t j = 0; j < J; ++j) B[j] = 0;  // column j: word 0 is zero
      std::vector<int32_t> C(I * J);
      ks->and_popcount(A.data(), I, kw, B.data(), J, kw, C.data(), J);
      for (int32_t c : C) EXPECT_EQ(c, static_cast<int32_t>(64 * (kw - 1)));
    }
  }
}

TEST(Kernels, PopcountWords) {
  std::mt19937_64 rng(2);
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    for (size_t n : {0, 1, 7, 8, 9, 15, 16, 17, 100, 1001}) {
      std::vector<u64> p(n + 1);
      for (auto& w : p) w = rng();
      p[n] = ~u64{0};  // past the end: must not be counted
      uint64_t expect = 0;
      for (size_t k = 0; k < n; ++k)
        for (int b = 0; b < 64; ++b) expect += (p[k] >> b) & 1;
      EXPECT_EQ(ks->popcount_words(p.data(), n), expect) << "n=" << n;
    }
    std::vector<u64> ones(77, ~u64{0});
    EXPECT_EQ(ks->popcount_words(ones.data(), 77), 77u * 64u);
  }
}

// ------------------------------------------------------------------------------------------
// spmm

struct SpmmCase {
  size_t rows, cin, cout;
  double p;  // firing probability
};

std::vector<SpmmCase> spmm_cases() {
  std::vector<SpmmCase> cs;
  const size_t cins[] = {1, 7, 63, 64, 65, 100, 130};
  const size_t couts[] = {1, 7, 16, 31, 33, 65, 100, 257, 300};
  const double ps[] = {0.0, 0.05, 0.3, 1.0};
  size_t k = 0;
  for (size_t rows : {1, 4, 7})
    for (size_t cin : cins)
      for (size_t cout : couts) cs.push_back({rows, cin, cout, ps[k++ % 4]});
  // bigger typical shapes, dense enough to exercise the int16 flushes of the int8 kernels
  cs.push_back({196, 512, 384, 0.1});
  cs.push_back({9, 1536, 96, 0.6});
  cs.push_back({5, 600, 130, 1.0});
  // the float event kernel's cases: several 64-channel blocks with an unpacked panel
  // (cout = 16, 48, 64) and with packed panels (several 64-output chunks, tails)
  cs.push_back({13, 200, 64, 0.5});
  cs.push_back({6, 130, 48, 0.3});
  cs.push_back({11, 129, 16, 0.9});
  cs.push_back({3, 70, 128, 0.7});
  cs.push_back({196, 1152, 128, 0.4});
  cs.push_back({8, 300, 200, 0.35});
  return cs;
}

template <typename W>
std::vector<W> random_weights(std::mt19937_64& rng, size_t n) {
  std::vector<W> w(n);
  if constexpr (std::is_same_v<W, float>) {
    for (auto& x : w) x = random_float(rng);
  } else if constexpr (std::is_same_v<W, int8_t>) {
    std::uniform_int_distribution<int> d(-128, 127), pick(0, 3);
    for (auto& x : w) {
      const int k = pick(rng);
      x = static_cast<int8_t>(k == 0 ? -128 : k == 1 ? 127 : d(rng));
    }
  } else {
    std::uniform_int_distribution<int32_t> d(-1000000, 1000000);
    for (auto& x : w) x = d(rng);
  }
  return w;
}

template <typename W, typename O, typename Fn>
void check_spmm(const char* what, Fn pick_kernel) {
  std::mt19937_64 rng(3);
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(std::string(ks->name) + " " + what);
    for (const SpmmCase& c : spmm_cases()) {
      SCOPED_TRACE(testing::Message()
                   << "rows=" << c.rows << " cin=" << c.cin << " cout=" << c.cout << " p=" << c.p);
      const size_t xstride = words(c.cin) + (c.rows % 2);
      auto X = random_spikes(rng, c.rows, c.cin, xstride, c.p);
      if (c.rows > 2) {  // an all-zero and an all-one row
        for (size_t w = 0; w < xstride; ++w) X[w] = 0;
        for (size_t i = 0; i < c.cin; ++i) X[xstride + i / 64] |= u64{1} << (i % 64);
      }
      auto Wt = random_weights<W>(rng, c.cin * c.cout);
      std::vector<O> out(c.rows * c.cout + 3);
      for (auto& o : out) {
        if constexpr (std::is_same_v<O, float>)
          o = random_float(rng);
        else
          o = static_cast<O>(rng() % 2001) - 1000;
      }
      auto expect = out;
      naive_spmm(X.data(), c.rows, xstride, c.cin, Wt.data(), c.cout, expect.data());
      pick_kernel (*ks)(X.data(), c.rows, xstride, c.cin, Wt.data(), c.cout, out.data());
      ASSERT_TRUE(bits_equal(out, expect));
    }
  }
}

TEST(Kernels, SpmmI8EventMatchesNaive) {
  check_spmm<int8_t, int32_t>("spmm_i8_event", [](const KernelSet& k) { return k.spmm_i8_event; });
}
TEST(Kernels, SpmmI8DenseMatchesNaive) {
  check_spmm<int8_t, int32_t>("spmm_i8_dense", [](const KernelSet& k) { return k.spmm_i8_dense; });
}
TEST(Kernels, SpmmI32EventMatchesNaive) {
  check_spmm<int32_t, int32_t>("spmm_i32_event",
                               [](const KernelSet& k) { return k.spmm_i32_event; });
}
TEST(Kernels, SpmmF32EventMatchesNaive) {
  check_spmm<float, float>("spmm_f32_event", [](const KernelSet& k) { return k.spmm_f32_event; });
}
TEST(Kernels, SpmmF32DenseMatchesNaive) {
  check_spmm<float, float>("spmm_f32_dense", [](const KernelSet& k) { return k.spmm_f32_dense; });
}

// Extreme int8 weights with every channel firing: the sums leave the int16 range many times.
TEST(Kernels, SpmmI8ExtremeWeights) {
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    for (int8_t wv : {int8_t{-128}, int8_t{127}})
      for (size_t cin : {255, 256, 257, 1000, 1536}) {
        const size_t rows = 3, cout = 70, xs = words(cin);
        std::vector<u64> X(rows * xs, 0);
        for (size_t r = 0; r < rows; ++r)
          for (size_t i = 0; i < cin; ++i) X[r * xs + i / 64] |= u64{1} << (i % 64);
        std::vector<int8_t> W(cin * cout, wv);
        const int32_t expect = static_cast<int32_t>(cin) * wv + 5;
        for (auto fn : {ks->spmm_i8_event, ks->spmm_i8_dense}) {
          std::vector<int32_t> out(rows * cout, 5);
          fn(X.data(), rows, xs, cin, W.data(), cout, out.data());
          for (int32_t o : out) ASSERT_EQ(o, expect) << "cin=" << cin << " w=" << int(wv);
        }
      }
  }
}

// Bits past cin violate the layout contract; every set ignores them rather than reading W out of
// bounds.
TEST(Kernels, SpmmIgnoresBitsPastCin) {
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    const size_t rows = 2, cin = 70, cout = 20, xs = 2;
    std::vector<u64> X = {~u64{0}, ~u64{0}, 1, ~u64{0} << 6};
    std::vector<int8_t> W(cin * cout, 1);
    std::vector<int32_t> out(rows * cout, 0);
    ks->spmm_i8_event(X.data(), rows, xs, cin, W.data(), cout, out.data());
    EXPECT_EQ(out[0], 70);
    EXPECT_EQ(out[cout], 1);
    std::fill(out.begin(), out.end(), 0);
    ks->spmm_i8_dense(X.data(), rows, xs, cin, W.data(), cout, out.data());
    EXPECT_EQ(out[0], 70);
    EXPECT_EQ(out[cout], 1);
  }
}

// Float kernels: all sets and both strategies agree bit for bit, signed zeros included.
TEST(Kernels, SpmmF32AllSetsAgreeBitwise) {
  std::mt19937_64 rng(4);
  auto all = sets();
  for (const SpmmCase& c : spmm_cases()) {
    SCOPED_TRACE(testing::Message() << "rows=" << c.rows << " cin=" << c.cin << " cout=" << c.cout);
    const size_t xstride = words(c.cin);
    auto X = random_spikes(rng, c.rows, c.cin, xstride, c.p == 0.0 ? 0.5 : c.p);
    auto W = random_weights<float>(rng, c.cin * c.cout);
    std::vector<float> init(c.rows * c.cout);
    for (auto& o : init) o = random_float(rng);
    init[0] = -0.0f;  // a -0.0 output that no spike touches must stay -0.0
    std::vector<float> ref;
    for (const KernelSet* ks : all)
      for (auto fn : {ks->spmm_f32_event, ks->spmm_f32_dense}) {
        auto out = init;
        fn(X.data(), c.rows, xstride, c.cin, W.data(), c.cout, out.data());
        if (ref.empty())
          ref = out;
        else
          ASSERT_TRUE(bits_equal(out, ref)) << ks->name;
      }
  }
}

TEST(Kernels, SpmmF32SignedZeros) {
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    const size_t cin = 3, cout = 17;
    const std::vector<u64> X = {0b101};  // channels 0 and 2 fire
    std::vector<float> W(cin * cout, 1.0f);
    for (size_t o = 0; o < cout; ++o) W[o] = W[2 * cout + o] = -0.0f;
    for (auto fn : {ks->spmm_f32_event, ks->spmm_f32_dense}) {
      std::vector<float> out(cout, -0.0f);
      fn(X.data(), 1, 1, cin, W.data(), cout, out.data());
      for (float o : out) EXPECT_TRUE(o == 0.0f && std::signbit(o));
    }
  }
}

// Empty shapes: nothing is read past the (empty) inputs and outputs stay as they are.
TEST(Kernels, EmptyShapes) {
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    const std::vector<u64> X(4, ~u64{0});
    const std::vector<int8_t> W8(64, 1);
    const std::vector<int32_t> W32(64, 1);
    const std::vector<float> Wf(64, 1.0f);
    std::vector<int32_t> oi(8, 3);
    std::vector<float> of(8, 3.0f);
    for (auto fn : {ks->spmm_i8_event, ks->spmm_i8_dense}) {
      fn(X.data(), 0, 1, 5, W8.data(), 5, oi.data());  // rows = 0
      fn(X.data(), 2, 1, 0, W8.data(), 4, oi.data());  // cin = 0
      fn(X.data(), 2, 1, 5, W8.data(), 0, oi.data());  // cout = 0
    }
    ks->spmm_i32_event(X.data(), 2, 1, 0, W32.data(), 4, oi.data());
    for (auto fn : {ks->spmm_f32_event, ks->spmm_f32_dense}) {
      fn(X.data(), 0, 1, 5, Wf.data(), 5, of.data());
      fn(X.data(), 2, 1, 0, Wf.data(), 4, of.data());
      fn(X.data(), 2, 1, 5, Wf.data(), 0, of.data());
    }
    for (int32_t o : oi) EXPECT_EQ(o, 3);
    for (float o : of) EXPECT_EQ(o, 3.0f);
    std::vector<int32_t> C(6, -1);
    ks->and_popcount(X.data(), 2, 1, X.data(), 3, 0, C.data(), 3);  // kw = 0: all zero
    for (int32_t c : C) EXPECT_EQ(c, 0);
    std::vector<u64> s(6, ~u64{0});
    std::vector<float> v;
    ks->lif_f32(nullptr, 2, 3, 0, 2.0f, nullptr, v.data(), s.data(), 1);  // c = 0: zero rows
    for (u64 w : s) EXPECT_EQ(w, 0u);
    EXPECT_EQ(ks->popcount_words(X.data(), 0), 0u);
  }
}

// ------------------------------------------------------------------------------------------
// LIF

TEST(Kernels, LifF32MatchesNaive) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> ux(-1.0f, 3.0f), uth(0.2f, 1.5f);
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    for (size_t T : {1, 4})
      for (size_t rows : {1, 3})
        for (size_t c : {1, 7, 16, 63, 64, 65, 100, 130}) {
          const size_t sstride = words(c) + (c % 2) * 2;
          const float tau = c % 3 == 0 ? 2.0f : 1.7f;
          SCOPED_TRACE(testing::Message() << "T=" << T << " rows=" << rows << " c=" << c);
          std::vector<float> x(T * rows * c), v(rows * c), th(c);
          for (auto& e : x) e = ux(rng);
          for (auto& e : v) e = ux(rng) * 0.5f;
          for (auto& e : th) e = uth(rng);
          // some thresholds equal to h of row 0, step 0 exactly (must fire: h >= th)
          for (size_t ch = 0; ch < c; ch += 3) th[ch] = v[ch] + (x[ch] - v[ch]) / tau;
          auto v2 = v;
          std::vector<u64> s(T * rows * sstride, 0xDEADBEEFull), s2 = s;
          ks->lif_f32(x.data(), T, rows, c, tau, th.data(), v.data(), s.data(), sstride);
          naive_lif_f32(x.data(), T, rows, c, tau, th.data(), v2.data(), s2.data(), sstride);
          ASSERT_TRUE(bits_equal(v, v2));
          ASSERT_TRUE(bits_equal(s, s2));
          for (size_t ch = 0; ch < c; ch += 3) EXPECT_TRUE(bit(s.data(), ch)) << ch;
        }
  }
}

TEST(Kernels, LifF32AllSetsAgreeBitwise) {
  std::mt19937_64 rng(6);
  const size_t T = 4, rows = 5, c = 97, sst = 2;
  std::vector<float> x(T * rows * c), v0(rows * c), th(c);
  for (auto& e : x) e = random_float(rng) * 1000.0f;
  for (size_t i = 0; i < x.size(); i += 7) x[i] = std::ldexp(random_float(rng), -140);  // subnormal
  for (auto& e : v0) e = random_float(rng);
  for (auto& e : th) e = random_float(rng);
  // 3.3: divided; 2 and 0.25: multiplied by the exact reciprocal (the scalar set divides).
  for (float tau : {3.3f, 2.0f, 0.25f}) {
    std::vector<float> vref;
    std::vector<u64> sref;
    for (const KernelSet* ks : sets()) {
      auto v = v0;
      std::vector<u64> s(T * rows * sst, ~u64{0});
      ks->lif_f32(x.data(), T, rows, c, tau, th.data(), v.data(), s.data(), sst);
      if (vref.empty()) {
        vref = v;
        sref = s;
      } else {
        EXPECT_TRUE(bits_equal(v, vref)) << ks->name << " tau " << tau;
        EXPECT_TRUE(bits_equal(s, sref)) << ks->name << " tau " << tau;
      }
    }
  }
}

TEST(Kernels, ExactReciprocalOnlyForPowersOfTwo) {
  float inv = 0;
  EXPECT_TRUE(ss::kern::exact_reciprocal(2.0f, &inv));
  EXPECT_EQ(inv, 0.5f);
  EXPECT_TRUE(ss::kern::exact_reciprocal(0.25f, &inv));
  EXPECT_EQ(inv, 4.0f);
  EXPECT_TRUE(ss::kern::exact_reciprocal(1.0f, &inv));
  for (float tau : {1.7f, 3.0f, 0.0f, -2.0f, std::ldexp(1.0f, 127), std::ldexp(1.0f, -140),
                    std::numeric_limits<float>::infinity(), std::nanf("")})
    // not a power of two, or 1/tau not a normal float
    EXPECT_FALSE(ss::kern::exact_reciprocal(tau, &inv)) << tau;
  // The claim the LIF kernels rely on, checked on random bit patterns of every class.
  std::mt19937_64 rng(11);
  for (float tau : {2.0f, 0.5f, 8.0f, std::ldexp(1.0f, 100)}) {
    ASSERT_TRUE(ss::kern::exact_reciprocal(tau, &inv));
    for (int i = 0; i < 200000; ++i) {
      const float x = std::bit_cast<float>(uint32_t(rng()));
      const float q = x / tau, p = x * inv;
      if (std::isnan(x)) continue;
      ASSERT_EQ(std::bit_cast<uint32_t>(q), std::bit_cast<uint32_t>(p)) << x << " / " << tau;
    }
  }
}

TEST(Kernels, LifI32MatchesNaive) {
  std::mt19937_64 rng(7);
  const int32_t imin = std::numeric_limits<int32_t>::min();
  const int32_t imax = std::numeric_limits<int32_t>::max();
  struct P {
    int32_t decay, mem_min, mem_max;
    int32_t lo, hi;  // range of x and v
  };
  const P params[] = {
      {40000, -50000, 50000, -100000, 100000},  // saturation at both ends
      {65536, imin, imax, -30000, 30000},       // h = x
      {0, -1000, 1000, -5000, 5000},            // h = v (clamped)
      {12345, -20000, 80000, -70000, 90000},
      {-30000, -100000, 100000, -100000, 100000},  // negative decay
      {imax, imin, imax, imin, imax},              // 64-bit intermediates needed
      {imin, -1, 1, imin, imax},
      // decay <= 2^16 (the AVX-512 32-bit path) with x - v overflowing int32 in some lanes
      {32768, imin, imax, imin, imax},
      {40000, -50000, 50000, imin, imax},
      {65536, imin + 5, imax - 5, imin, imax},
  };
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    for (const P& p : params)
      for (size_t T : {1, 4})
        for (size_t c : {1, 8, 9, 63, 64, 65, 100}) {
          const size_t rows = 3, sstride = words(c) + 1;
          SCOPED_TRACE(testing::Message() << "decay=" << p.decay << " T=" << T << " c=" << c);
          std::uniform_int_distribution<int32_t> d(p.lo, p.hi), pick(0, 9);
          auto val = [&] {
            const int k = pick(rng);
            return k == 0 ? p.lo : k == 1 ? p.hi : d(rng);
          };
          std::vector<int32_t> x(T * rows * c), v(rows * c), th(c);
          for (auto& e : x) e = val();
          for (auto& e : v) e = val();
          for (auto& e : th) e = val() / 2;
          // thresholds equal to h exactly (row 0, step 0)
          for (size_t ch = 0; ch < c; ch += 4) {
            const int64_t prod = (static_cast<int64_t>(x[ch]) - v[ch]) * p.decay;
            th[ch] = static_cast<int32_t>(
                std::clamp<int64_t>(v[ch] + floor_div_65536(prod), p.mem_min, p.mem_max));
          }
          auto v2 = v;
          std::vector<u64> s(T * rows * sstride, 0x1234ull), s2 = s;
          ks->lif_i32(x.data(), T, rows, c, p.decay, th.data(), p.mem_min, p.mem_max, v.data(),
                      s.data(), sstride);
          naive_lif_i32(x.data(), T, rows, c, p.decay, th.data(), p.mem_min, p.mem_max, v2.data(),
                        s2.data(), sstride);
          ASSERT_TRUE(bits_equal(v, v2));
          ASSERT_TRUE(bits_equal(s, s2));
          for (size_t ch = 0; ch < c; ch += 4) EXPECT_TRUE(bit(s.data(), ch)) << ch;
        }
  }
}

TEST(Kernels, LifI32Saturates) {
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    const size_t c = 20;
    std::vector<int32_t> x(c), v(c, 0), th(c, std::numeric_limits<int32_t>::max());
    for (size_t ch = 0; ch < c; ++ch) x[ch] = ch % 2 ? 1000000 : -1000000;
    std::vector<u64> s(1, ~u64{0});
    ks->lif_i32(x.data(), 1, 1, c, 65536, th.data(), -300, 400, v.data(), s.data(), 1);
    for (size_t ch = 0; ch < c; ++ch) EXPECT_EQ(v[ch], ch % 2 ? 400 : -300);
    EXPECT_EQ(s[0], 0u);
    // floor shift: (x - v) * decay = -1 -> -1 >> 16 = -1
    std::vector<int32_t> x1(c, -1), v1(c, 0), th1(c, 1);
    ks->lif_i32(x1.data(), 1, 1, c, 1, th1.data(), -10, 10, v1.data(), s.data(), 1);
    for (int32_t e : v1) EXPECT_EQ(e, -1);
  }
}

}  // namespace

// currents_i32 against the formula of Synapse::current (64-bit arithmetic), every set, with
// values around both saturation bounds, several formats and a channel count not a multiple of
// the vector width.
TEST(Kernels, CurrentsI32MatchesFormula) {
  std::mt19937_64 rng(11);
  for (const KernelSet* ks : sets()) {
    SCOPED_TRACE(ks->name);
    for (auto [acc, F] :
         {std::pair<int, int>{16, 8}, {24, 6}, {22, 8}, {8, 0}, {1, 0}, {30, 0}, {12, 18}}) {
      for (size_t c : {1, 7, 16, 37, 64, 130}) {
        const size_t rows = 5, n = rows * c;
        const int64_t amax = int64_t(1) << (acc - 1), cmax = int64_t(1) << (acc + F);
        std::vector<int32_t> x(n), bias(c);
        for (auto& v : x) {
          const int64_t span = 3 * amax;
          int64_t r = int64_t(rng() % uint64_t(2 * span + 1)) - span;
          if (rng() % 8 == 0) r = int64_t(int32_t(rng()));  // anything in int32
          v = int32_t(std::clamp<int64_t>(r, INT32_MIN, INT32_MAX));
        }
        for (auto& b : bias) b = int32_t(int64_t(rng() % uint64_t(2 * cmax)) - cmax);
        std::vector<int32_t> expect(n);
        for (size_t e = 0; e < n; ++e) {
          const int64_t a = std::clamp<int64_t>(x[e], -amax, amax - 1);
          expect[e] =
              int32_t(std::clamp<int64_t>(a * (int64_t(1) << F) + bias[e % c], -cmax, cmax - 1));
        }
        ks->currents_i32(x.data(), n, c, bias.data(), acc, F);
        ASSERT_EQ(x, expect) << "acc=" << acc << " F=" << F << " c=" << c;
      }
    }
  }
}
