// Portable reference kernel set (plain C++, no ISA flags). The SIMD sets must match it bit for
// bit; the float kernels therefore fix the summation order (ascending input channel, starting
// from the existing output value) and the LIF update h = v + (x - v) / tau.
#include <bit>
#include <cstdint>
#include <cstring>

#include "engine/kernels/kernels.h"

namespace ss::kern {
namespace {

// Bits of word w of a row of `cin` channels that are real channels (the contract keeps the
// padding bits zero; masking them makes a violation harmless instead of an out-of-bounds read).
inline uint64_t valid_bits(size_t w, size_t cin) {
  const size_t rem = cin - w * 64;
  return rem >= 64 ? ~uint64_t{0} : (uint64_t{1} << rem) - 1;
}

void and_popcount(const uint64_t* A, size_t I, size_t lda, const uint64_t* Bt, size_t J, size_t kw,
                  int32_t* C, size_t ldc) {
  for (size_t i = 0; i < I; ++i) {
    const uint64_t* a = A + i * lda;
    for (size_t j = 0; j < J; ++j) {
      uint64_t s = 0;
      for (size_t w = 0; w < kw; ++w) s += std::popcount(a[w] & Bt[w * J + j]);
      C[i * ldc + j] = static_cast<int32_t>(s);
    }
  }
}

// Integer kernels accumulate in uint32_t: wrap-around instead of undefined overflow, like the
// SIMD sets.
template <typename WT>
void spmm_int_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const WT* W,
                    size_t cout, int32_t* out) {
  const size_t nw = (cin + 63) / 64;
  for (size_t r = 0; r < rows; ++r) {
    int32_t* o = out + r * cout;
    for (size_t w = 0; w < nw; ++w) {
      uint64_t bits = X[r * xstride + w] & valid_bits(w, cin);
      while (bits != 0) {
        const size_t i = w * 64 + static_cast<size_t>(std::countr_zero(bits));
        bits &= bits - 1;
        const WT* wr = W + i * cout;
        for (size_t k = 0; k < cout; ++k)
          o[k] = static_cast<int32_t>(static_cast<uint32_t>(o[k]) + static_cast<uint32_t>(wr[k]));
      }
    }
  }
}

void spmm_i8_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int8_t* W,
                   size_t cout, int32_t* out) {
  spmm_int_event(X, rows, xstride, cin, W, cout, out);
}

void spmm_i32_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int32_t* W,
                    size_t cout, int32_t* out) {
  spmm_int_event(X, rows, xstride, cin, W, cout, out);
}

void spmm_i8_dense(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int8_t* W,
                   size_t cout, int32_t* out) {
  for (size_t r = 0; r < rows; ++r) {
    int32_t* o = out + r * cout;
    for (size_t i = 0; i < cin; ++i) {
      // all-ones when channel i fired, else zero; no branch on the spike
      const uint32_t m = 0u - static_cast<uint32_t>((X[r * xstride + i / 64] >> (i % 64)) & 1);
      const int8_t* wr = W + i * cout;
      for (size_t k = 0; k < cout; ++k)
        o[k] = static_cast<int32_t>(static_cast<uint32_t>(o[k]) +
                                    (static_cast<uint32_t>(static_cast<int32_t>(wr[k])) & m));
    }
  }
}

void spmm_f32_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const float* W,
                    size_t cout, float* out) {
  const size_t nw = (cin + 63) / 64;
  for (size_t r = 0; r < rows; ++r) {
    float* o = out + r * cout;
    for (size_t w = 0; w < nw; ++w) {
      uint64_t bits = X[r * xstride + w] & valid_bits(w, cin);
      while (bits != 0) {
        const size_t i = w * 64 + static_cast<size_t>(std::countr_zero(bits));
        bits &= bits - 1;
        const float* wr = W + i * cout;
        for (size_t k = 0; k < cout; ++k) o[k] += wr[k];
      }
    }
  }
}

// Silent channels add -0.0f, which leaves every value (signed zeros included) unchanged, so the
// result equals the event-driven one.
void spmm_f32_dense(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const float* W,
                    size_t cout, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    float* o = out + r * cout;
    for (size_t i = 0; i < cin; ++i) {
      const uint32_t m = 0u - static_cast<uint32_t>((X[r * xstride + i / 64] >> (i % 64)) & 1);
      const float* wr = W + i * cout;
      for (size_t k = 0; k < cout; ++k) {
        const uint32_t b = (std::bit_cast<uint32_t>(wr[k]) & m) | (~m & 0x80000000u);
        o[k] += std::bit_cast<float>(b);
      }
    }
  }
}

void lif_f32(const float* x, size_t T, size_t rows, size_t c, float tau, const float* th, float* v,
             uint64_t* spikes, size_t sstride) {
  for (size_t t = 0; t < T; ++t) {
    for (size_t r = 0; r < rows; ++r) {
      uint64_t* s = spikes + (t * rows + r) * sstride;
      std::memset(s, 0, sstride * sizeof(uint64_t));
      const float* xr = x + (t * rows + r) * c;
      float* vr = v + r * c;
      for (size_t ch = 0; ch < c; ++ch) {
        const float h = vr[ch] + (xr[ch] - vr[ch]) / tau;
        const bool fire = h >= th[ch];
        vr[ch] = fire ? 0.0f : h;
        s[ch / 64] |= static_cast<uint64_t>(fire) << (ch % 64);
      }
    }
  }
}

void lif_i32(const int32_t* x, size_t T, size_t rows, size_t c, int32_t decay, const int32_t* th,
             int32_t mem_min, int32_t mem_max, int32_t* v, uint64_t* spikes, size_t sstride) {
  for (size_t t = 0; t < T; ++t) {
    for (size_t r = 0; r < rows; ++r) {
      uint64_t* s = spikes + (t * rows + r) * sstride;
      std::memset(s, 0, sstride * sizeof(uint64_t));
      const int32_t* xr = x + (t * rows + r) * c;
      int32_t* vr = v + r * c;
      for (size_t ch = 0; ch < c; ++ch) {
        const int64_t d = (int64_t{xr[ch]} - int64_t{vr[ch]}) * int64_t{decay};
        int64_t h = int64_t{vr[ch]} + (d >> 16);  // arithmetic shift: floor
        h = h < mem_min ? int64_t{mem_min} : h;   // max(h, mem_min) ...
        h = h > mem_max ? int64_t{mem_max} : h;   // ... then min(., mem_max)
        const bool fire = h >= th[ch];
        vr[ch] = fire ? 0 : static_cast<int32_t>(h);
        s[ch / 64] |= static_cast<uint64_t>(fire) << (ch % 64);
      }
    }
  }
}

uint64_t popcount_words(const uint64_t* p, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; ++i) s += std::popcount(p[i]);
  return s;
}

void currents_i32(int32_t* x, size_t n, size_t c, const int32_t* bias, int acc_bits, int F) {
  const int32_t alo = static_cast<int32_t>(-(int64_t{1} << (acc_bits - 1)));
  const int32_t ahi = static_cast<int32_t>((int64_t{1} << (acc_bits - 1)) - 1);
  const int32_t clo = static_cast<int32_t>(-(int64_t{1} << (acc_bits + F)));
  const int32_t chi = static_cast<int32_t>((int64_t{1} << (acc_bits + F)) - 1);
  for (size_t r = 0; r + c <= n; r += c)
    for (size_t o = 0; o < c; ++o) {
      int32_t a = x[r + o] < alo ? alo : x[r + o];
      a = a > ahi ? ahi : a;
      int32_t v = static_cast<int32_t>(static_cast<uint32_t>(a) << F) + bias[o];
      v = v < clo ? clo : v;
      x[r + o] = v > chi ? chi : v;
    }
}

bool supported() { return true; }

constexpr KernelSet kScalar{
    "scalar",        0,
    &supported,      &and_popcount,
    &spmm_i8_event,  &spmm_i8_dense,
    &spmm_i32_event, &spmm_f32_event,
    &spmm_f32_dense, &lif_f32,
    &lif_i32,        &popcount_words,
    &currents_i32,   0.35,
};

// Runs before default-priority static constructors, so code that looks kernels up during
// static initialisation (e.g. benchmark registration) sees every set.
__attribute__((init_priority(200))) const Register kRegisterScalar(kScalar);

}  // namespace
}  // namespace ss::kern
