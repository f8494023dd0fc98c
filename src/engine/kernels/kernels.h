// Compute kernels of the engine behind a runtime CPU dispatch. Every kernel set (scalar, AVX2,
// AVX-512) registers itself and must give bit-identical results; callers use kernels().
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ss::kern {

// Packed spike layout used everywhere: a "row" of C channels occupies `stride` uint64 words;
// channel i is bit (i % 64) of word (i / 64). Bits at or past C are always zero.
//
// Contracts (all kernels):
// - pointers may be unaligned unless stated; outputs never alias inputs;
// - results are identical across kernel sets, including float results (same summation order
//   per output element: ascending input channel i).
// When tau is a power of two whose reciprocal is a normal float, x / tau and x * (1 / tau)
// are the correctly rounded results of the same real number, so they are equal for every
// float x (subnormals, infinities and NaNs included): the LIF kernels may then multiply
// instead of divide (division is ~5x slower per vector) without changing a single bit.
inline bool exact_reciprocal(float tau, float* inv) {
  int e = 0;
  if (!(tau > 0.0f) || std::frexp(tau, &e) != 0.5f) return false;
  *inv = 1.0f / tau;
  return std::isnormal(*inv);
}

// The float LIF kernels' shared dispatch: `mul` gets f = 1/tau when exact_reciprocal holds,
// otherwise `div` gets f = tau (both compute h = v + (x - v) op f).
using LifF32Fn = void (*)(const float* x, size_t T, size_t rows, size_t c, float f, const float* th,
                          float* v, uint64_t* spikes, size_t sstride);
inline void lif_f32_by_tau(LifF32Fn mul, LifF32Fn div, const float* x, size_t T, size_t rows,
                           size_t c, float tau, const float* th, float* v, uint64_t* spikes,
                           size_t sstride) {
  float inv = 0.0f;
  if (exact_reciprocal(tau, &inv)) return mul(x, T, rows, c, inv, th, v, spikes, sstride);
  div(x, T, rows, c, tau, th, v, spikes, sstride);
}

struct KernelSet {
  const char* name;  // "scalar", "avx2", "avx512"
  int priority;      // higher wins when supported
  bool (*supported)();

  // C[i*ldc + j] = sum_{w<kw} popcount(A[i*lda + w] & Bt[w*J + j]) for i<I, j<J.
  // Bt is "k-major": word w of column j is at Bt[w*J + j].
  void (*and_popcount)(const uint64_t* A, size_t I, size_t lda, const uint64_t* Bt, size_t J,
                       size_t kw, int32_t* C, size_t ldc);

  // Spike x weight accumulation, W row-major [cin][cout]:
  //   for r<rows, for every set bit i<cin of X row r: out[r*cout + o] += W[i*cout + o], o<cout.
  // `_event` walks set bits (cost ~ spikes * cout); `_dense` touches every input channel
  // (cost ~ cin * cout, no branches). Both give the same result.
  void (*spmm_i8_event)(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int8_t* W,
                        size_t cout, int32_t* out);
  void (*spmm_i8_dense)(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int8_t* W,
                        size_t cout, int32_t* out);
  void (*spmm_i32_event)(const uint64_t* X, size_t rows, size_t xstride, size_t cin,
                         const int32_t* W, size_t cout, int32_t* out);
  void (*spmm_f32_event)(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const float* W,
                         size_t cout, float* out);
  void (*spmm_f32_dense)(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const float* W,
                         size_t cout, float* out);

  // Multi-step LIF (hard reset to 0) over T steps for `rows` rows of `c` channels.
  // x[(t*rows + r)*c + ch] is the input current, v[r*c + ch] the membrane (read and updated).
  // Spikes of step t, row r go to packed row (t*rows + r) of `spikes` (stride sstride words);
  // the kernel writes whole rows (zero padding bits included).
  // float: h = v + (x - v) / tau; s = h >= th[ch]; v = s ? 0 : h   (float32 arithmetic)
  void (*lif_f32)(const float* x, size_t T, size_t rows, size_t c, float tau, const float* th,
                  float* v, uint64_t* spikes, size_t sstride);
  // int (fixed point): h = sat(v + ((x - v) * decay >> 16)) with 64-bit intermediates and an
  // arithmetic (floor) shift; sat clamps to [mem_min, mem_max]; s = h >= th[ch]; v = s ? 0 : h.
  void (*lif_i32)(const int32_t* x, size_t T, size_t rows, size_t c, int32_t decay,
                  const int32_t* th, int32_t mem_min, int32_t mem_max, int32_t* v, uint64_t* spikes,
                  size_t sstride);

  // Number of set bits in n words.
  uint64_t (*popcount_words)(const uint64_t* p, size_t n);

  // Int-mode layer currents, in place over n values (Synapse::current):
  //   x[e] = sat_{acc_bits+F+1}(sat_{acc_bits}(x[e]) * 2^F + bias[e % c]),
  // sat_b clamping to the signed b-bit range. Requires 1 <= acc_bits, acc_bits + F <= 30 (so
  // every intermediate fits int32) and n a multiple of c.
  void (*currents_i32)(int32_t* x, size_t n, size_t c, const int32_t* bias, int acc_bits, int F);

  // Firing density below which this set's spmm_f32_event beats its spmm_f32_dense (measured
  // with ss_bench; the choice never changes a result, only the speed).
  double f32_event_density;
};

// Registers a kernel set at static-initialisation time.
struct Register {
  explicit Register(const KernelSet& k);
};

// Every registered set this CPU supports, best first.
std::vector<const KernelSet*> supported_sets();
// The set in use: the best supported one, or the one named by SPIKESTACK_KERNELS (error if
// that one is unknown or unsupported).
const KernelSet& kernels();
// Selects a set by name for this process (tests, benchmarks). Throws ss::Error if unsupported.
void select(const std::string& name);

}  // namespace ss::kern
