// Microbenchmarks of every supported kernel set; names are "<kernel>/<set>/<shape>".
// Rates: binary MAC/s for and_popcount (I*J*kw*64 per call); for spmm, dense-equivalent
// synaptic ops/s (rows*cin*cout) and executed ops/s (spikes*cout).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/kernels/kernels.h"

namespace {

using ss::kern::KernelSet;
using Rate = benchmark::Counter;

std::vector<uint64_t> spikes(size_t rows, size_t cin, size_t stride, double p, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution fire(p);
  std::vector<uint64_t> x(rows * stride, 0);
  for (size_t r = 0; r < rows; ++r)
    for (size_t i = 0; i < cin; ++i)
      if (fire(rng)) x[r * stride + i / 64] |= uint64_t{1} << (i % 64);
  return x;
}

void bm_and_popcount(benchmark::State& st, const KernelSet* k, size_t I, size_t J, size_t kw) {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> A(I * kw), B(kw * J);
  for (auto& a : A) a = rng();
  for (auto& b : B) b = rng();
  std::vector<int32_t> C(I * J);
  for (auto _ : st) {
    k->and_popcount(A.data(), I, kw, B.data(), J, kw, C.data(), J);
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  st.counters["binMAC/s"] = Rate(double(I * J * kw * 64) * double(st.iterations()), Rate::kIsRate);
}

enum class Spmm { I8Event, I8Dense, I32Event, F32Event, F32Dense };

template <typename W, typename O>
void run_spmm(benchmark::State& st,
              void (*fn)(const uint64_t*, size_t, size_t, size_t, const W*, size_t, O*),
              size_t rows, size_t cin, size_t cout, double p) {
  const size_t stride = (cin + 63) / 64;
  auto X = spikes(rows, cin, stride, p, 2);
  std::mt19937_64 rng(3);
  std::vector<W> w(cin * cout);
  for (auto& e : w) e = static_cast<W>(static_cast<int>(rng() % 255) - 127);
  std::vector<O> out(rows * cout, O{});
  uint64_t nspk = 0;
  for (uint64_t word : X) nspk += static_cast<uint64_t>(__builtin_popcountll(word));
  for (auto _ : st) {
    fn(X.data(), rows, stride, cin, w.data(), cout, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  const double it = double(st.iterations());
  st.counters["dense_ops/s"] = Rate(double(rows * cin * cout) * it, Rate::kIsRate);
  st.counters["exec_ops/s"] = Rate(double(nspk * cout) * it, Rate::kIsRate);
  st.counters["firing"] = double(nspk) / double(rows * cin);
}

void bm_spmm(benchmark::State& st, const KernelSet* k, Spmm kind, size_t rows, size_t cin,
             size_t cout, double p) {
  switch (kind) {
    case Spmm::I8Event:
      return run_spmm(st, k->spmm_i8_event, rows, cin, cout, p);
    case Spmm::I8Dense:
      return run_spmm(st, k->spmm_i8_dense, rows, cin, cout, p);
    case Spmm::I32Event:
      return run_spmm(st, k->spmm_i32_event, rows, cin, cout, p);
    case Spmm::F32Event:
      return run_spmm(st, k->spmm_f32_event, rows, cin, cout, p);
    case Spmm::F32Dense:
      return run_spmm(st, k->spmm_f32_dense, rows, cin, cout, p);
  }
}

void bm_lif_f32(benchmark::State& st, const KernelSet* k, size_t T, size_t rows, size_t c) {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<float> u(-1.0f, 3.0f);
  std::vector<float> x(T * rows * c), v(rows * c, 0.0f), th(c, 1.0f);
  for (auto& e : x) e = u(rng);
  const size_t ss = (c + 63) / 64;
  std::vector<uint64_t> s(T * rows * ss);
  for (auto _ : st) {
    k->lif_f32(x.data(), T, rows, c, 2.0f, th.data(), v.data(), s.data(), ss);
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  st.counters["neuron_steps/s"] =
      Rate(double(T * rows * c) * double(st.iterations()), Rate::kIsRate);
}

void bm_lif_i32(benchmark::State& st, const KernelSet* k, size_t T, size_t rows, size_t c) {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int32_t> u(-60000, 200000);
  std::vector<int32_t> x(T * rows * c), v(rows * c, 0), th(c, 65536);
  for (auto& e : x) e = u(rng);
  const size_t ss = (c + 63) / 64;
  std::vector<uint64_t> s(T * rows * ss);
  for (auto _ : st) {
    k->lif_i32(x.data(), T, rows, c, 32768, th.data(), -1 << 20, 1 << 20, v.data(), s.data(), ss);
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  st.counters["neuron_steps/s"] =
      Rate(double(T * rows * c) * double(st.iterations()), Rate::kIsRate);
}

void bm_popcount(benchmark::State& st, const KernelSet* k, size_t n) {
  std::mt19937_64 rng(6);
  std::vector<uint64_t> p(n);
  for (auto& e : p) e = rng();
  for (auto _ : st) benchmark::DoNotOptimize(k->popcount_words(p.data(), n));
  st.counters["bits/s"] = Rate(double(n * 64) * double(st.iterations()), Rate::kIsRate);
}

// "<kernel>/<set>/<shape>"; built with appends (GCC 12 warns falsely on "lit" + string&&).
std::string bname(const char* kernel, const char* set, const std::string& shape) {
  std::string n = kernel;
  n += '/';
  n += set;
  n += '/';
  n += shape;
  return n;
}

std::string dims(const char* a, size_t x, const char* b, size_t y, const char* c, size_t z) {
  std::string n = a;
  n += std::to_string(x);
  n += b;
  n += std::to_string(y);
  n += c;
  n += std::to_string(z);
  return n;
}

// Registered at static-initialisation time; the kernel sets register themselves earlier
// (init_priority), so every supported set is visible here.
const bool registered = [] {
  for (const KernelSet* k : ss::kern::supported_sets()) {
    const char* s = k->name;
    for (auto [I, J, kw] : {std::tuple<size_t, size_t, size_t>{64, 64, 1},
                            {196, 196, 1},
                            {256, 256, 1},
                            {512, 512, 1},
                            {256, 256, 2},
                            {256, 256, 8},
                            {512, 512, 8}})
      benchmark::RegisterBenchmark(
          bname("and_popcount", s, dims("I", I, "_J", J, "_kw", kw)).c_str(), bm_and_popcount, k, I,
          J, kw);
    // T=4, N=64 tokens: rows = 256; embedding 384, MLP hidden 1536
    const size_t rows = 256;
    for (auto [cin, cout] : {std::pair<size_t, size_t>{384, 384}, {384, 1536}, {1536, 384}}) {
      const std::string shape = dims("r", rows, "_", cin, "x", cout);
      for (size_t pct : {5, 10, 20, 50}) {
        const double p = static_cast<double>(pct) / 100.0;
        const std::string sp = shape + "/p" + std::to_string(pct);
        benchmark::RegisterBenchmark(bname("spmm_i8_event", s, sp).c_str(), bm_spmm, k,
                                     Spmm::I8Event, rows, cin, cout, p);
        benchmark::RegisterBenchmark(bname("spmm_f32_event", s, sp).c_str(), bm_spmm, k,
                                     Spmm::F32Event, rows, cin, cout, p);
      }
      const std::string sp = shape + "/p10";
      benchmark::RegisterBenchmark(bname("spmm_i32_event", s, sp).c_str(), bm_spmm, k,
                                   Spmm::I32Event, rows, cin, cout, 0.1);
      benchmark::RegisterBenchmark(bname("spmm_i8_dense", s, sp).c_str(), bm_spmm, k, Spmm::I8Dense,
                                   rows, cin, cout, 0.1);
      benchmark::RegisterBenchmark(bname("spmm_f32_dense", s, sp).c_str(), bm_spmm, k,
                                   Spmm::F32Dense, rows, cin, cout, 0.1);
    }
    // The Fashion-MNIST benchmark model (BENCHMARKS.md): T=4, 49 tokens, D=128, MLP 512,
    // 3x3 conv 128 -> 128 (cin = 9*128), at its typical 40 % firing.
    for (auto [cin, cout] :
         {std::pair<size_t, size_t>{128, 128}, {128, 512}, {512, 128}, {1152, 128}}) {
      const std::string sp = dims("r", 196, "_", cin, "x", cout) + "/p40";
      benchmark::RegisterBenchmark(bname("spmm_f32_dense", s, sp).c_str(), bm_spmm, k,
                                   Spmm::F32Dense, 196, cin, cout, 0.4);
      benchmark::RegisterBenchmark(bname("spmm_i8_dense", s, sp).c_str(), bm_spmm, k, Spmm::I8Dense,
                                   196, cin, cout, 0.4);
      for (size_t pct : {20, 40, 60, 80}) {
        const std::string se = dims("r", 196, "_", cin, "x", cout) + "/p" + std::to_string(pct);
        const double p = static_cast<double>(pct) / 100.0;
        benchmark::RegisterBenchmark(bname("spmm_f32_event", s, se).c_str(), bm_spmm, k,
                                     Spmm::F32Event, 196, cin, cout, p);
        benchmark::RegisterBenchmark(bname("spmm_i8_event", s, se).c_str(), bm_spmm, k,
                                     Spmm::I8Event, 196, cin, cout, p);
      }
    }
    const std::string lif = dims("T", 4, "_r", 64, "_c", 384);
    benchmark::RegisterBenchmark(bname("lif_f32", s, lif).c_str(), bm_lif_f32, k, 4, 64, 384);
    benchmark::RegisterBenchmark(bname("lif_i32", s, lif).c_str(), bm_lif_i32, k, 4, 64, 384);
    benchmark::RegisterBenchmark(bname("popcount_words", s, "n4096").c_str(), bm_popcount, k, 4096);
  }
  return true;
}();

}  // namespace
