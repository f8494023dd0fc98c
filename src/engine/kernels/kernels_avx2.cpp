// AVX2 kernel set (+FMA/BMI/BMI2/POPCNT/LZCNT flags; no FMA is used). Bit-identical to the
// scalar set: integer kernels are exact, float kernels vectorise across output channels only
// (each output element still sums in ascending input-channel order).
//
// Everything lives in an anonymous namespace and avoids std:: templates: this file is compiled
// with AVX2/BMI flags, and an inline function shared by name with the generic files could
// otherwise be merged by the linker into code that runs on CPUs without them.

// GCC 12 reports its own _mm512_undefined_* placeholders inside the intrinsic headers as
// uninitialised (GCC bug 105593); the pragmas apply to the header's locations only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <cpuid.h>
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "engine/kernels/kernels.h"

namespace ss::kern {
namespace {

// The fixed-size register-block loops carry "#pragma GCC unroll": without full unrolling GCC
// keeps the larger accumulator arrays in memory (stack round trips in the inner loop).

inline size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

inline uint64_t valid_bits(size_t w, size_t cin) {
  const size_t rem = cin - w * 64;
  return rem >= 64 ? ~uint64_t{0} : (uint64_t{1} << rem) - 1;
}

inline uint16_t load_u16(const void* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// Lane mask for vmaskmov: the lowest min(n, 8) int32 lanes.
inline __m256i lane_mask(size_t n) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(min_sz(n, 8))), idx);
}

struct Scratch {
  void* p[2] = {nullptr, nullptr};
  size_t n[2] = {0, 0};
  ~Scratch() {
    std::free(p[0]);
    std::free(p[1]);
  }
  void* get(int slot, size_t bytes) {
    if (bytes > n[slot]) {
      std::free(p[slot]);
      const size_t sz = (bytes + 4095) & ~size_t{4095};
      p[slot] = std::aligned_alloc(64, sz);
      if (p[slot] == nullptr) std::abort();
      n[slot] = sz;
    }
    return p[slot];
  }
};
thread_local Scratch tl_scratch;

// ------------------------------------------------------------------------------------------
// and_popcount: nibble-lookup popcount (vpshufb) into byte counters, which hold up to 31 words
// (31*8 = 248 < 256) before vpsadbw folds them into 64-bit lane sums. Blocks of R rows x NV
// vectors of 4 columns; the last J % 4 columns use scalar popcnt.

template <int R, int NV>
void ap_block(const uint64_t* A, size_t lda, const uint64_t* Bt, size_t J, size_t kw, int32_t* C,
              size_t ldc) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                       1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low4 = _mm256_set1_epi8(0x0f);
  const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  for (size_t w0 = 0; w0 < kw; w0 += 31) {
    const size_t w1 = min_sz(kw, w0 + 31);
    __m256i acc[R][NV];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_setzero_si256();
    for (size_t w = w0; w < w1; ++w) {
      __m256i b[NV];
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        b[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(Bt + w * J + 4 * v));
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const __m256i a = _mm256_set1_epi64x(static_cast<long long>(A[r * lda + w]));
#pragma GCC unroll 16
        for (int v = 0; v < NV; ++v) {
          const __m256i x = _mm256_and_si256(a, b[v]);
          const __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(x, low4));
          const __m256i hi =
              _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low4));
          acc[r][v] = _mm256_add_epi8(acc[r][v], _mm256_add_epi8(lo, hi));
        }
      }
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) {
        const __m256i s = _mm256_sad_epu8(acc[r][v], _mm256_setzero_si256());
        __m128i s32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(s, pick));
        __m128i* c = reinterpret_cast<__m128i*>(C + r * ldc + 4 * v);
        if (w0 != 0) s32 = _mm_add_epi32(s32, _mm_loadu_si128(c));
        _mm_storeu_si128(c, s32);
      }
  }
}

using ApFn = void (*)(const uint64_t*, size_t, const uint64_t*, size_t, size_t, int32_t*, size_t);
constexpr ApFn ap_table[4][2] = {{&ap_block<1, 1>, &ap_block<1, 2>},
                                 {&ap_block<2, 1>, &ap_block<2, 2>},
                                 {&ap_block<3, 1>, &ap_block<3, 2>},
                                 {&ap_block<4, 1>, &ap_block<4, 2>}};

void and_popcount(const uint64_t* A, size_t I, size_t lda, const uint64_t* Bt, size_t J, size_t kw,
                  int32_t* C, size_t ldc) {
  if (kw == 0) {
    for (size_t i = 0; i < I; ++i) std::memset(C + i * ldc, 0, J * sizeof(int32_t));
    return;
  }
  const size_t Jv = J & ~size_t{3};
  for (size_t i0 = 0; i0 < I; i0 += 4) {
    const size_t R = min_sz(4, I - i0);
    for (size_t j0 = 0; j0 < Jv; j0 += 8) {
      const size_t nv = min_sz(8, Jv - j0) / 4;
      ap_table[R - 1][nv - 1](A + i0 * lda, lda, Bt + j0, J, kw, C + i0 * ldc + j0, ldc);
    }
    for (size_t i = i0; i < i0 + R; ++i)
      for (size_t j = Jv; j < J; ++j) {
        uint64_t s = 0;
        for (size_t w = 0; w < kw; ++w) s += _mm_popcnt_u64(A[i * lda + w] & Bt[w * J + j]);
        C[i * ldc + j] = static_cast<int32_t>(s);
      }
  }
}

uint64_t popcount_words(const uint64_t* p, size_t n) {
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += _mm_popcnt_u64(p[i]);
    s1 += _mm_popcnt_u64(p[i + 1]);
    s2 += _mm_popcnt_u64(p[i + 2]);
    s3 += _mm_popcnt_u64(p[i + 3]);
  }
  for (; i < n; ++i) s0 += _mm_popcnt_u64(p[i]);
  return s0 + s1 + s2 + s3;
}

// ------------------------------------------------------------------------------------------
// Event-driven spmm. Vector chunks cover whole vectors of outputs; the last cout % (vector
// width) outputs are done by a scalar pass over the same spikes.

inline void add_to(float& o, float w) { o += w; }
inline void add_to(int32_t& o, int32_t w) {
  o = static_cast<int32_t>(static_cast<uint32_t>(o) + static_cast<uint32_t>(w));
}

template <typename WT, typename OT>
void event_scalar_tail(const uint64_t* x, size_t cin, const WT* W, size_t cout, OT* o, size_t k0) {
  const size_t nw = (cin + 63) / 64;
  for (size_t w = 0; w < nw; ++w) {
    uint64_t bits = x[w] & valid_bits(w, cin);
    while (bits != 0) {
      const WT* wr = W + (w * 64 + _tzcnt_u64(bits)) * cout;
      bits = _blsr_u64(bits);
      for (size_t k = k0; k < cout; ++k) add_to(o[k], static_cast<OT>(wr[k]));
    }
  }
}

// int8: int16 lane accumulators (|sum of 256 int8| <= 32768), flushed at most every 256 spikes.
template <int NV>
inline void ev_i8_flush(__m256i (&acc)[NV], int32_t* o) {
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v) {
    __m256i* p = reinterpret_cast<__m256i*>(o + 16 * v);
    const __m256i lo = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(acc[v]));
    const __m256i hi = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(acc[v], 1));
    _mm256_storeu_si256(p, _mm256_add_epi32(_mm256_loadu_si256(p), lo));
    _mm256_storeu_si256(p + 1, _mm256_add_epi32(_mm256_loadu_si256(p + 1), hi));
    acc[v] = _mm256_setzero_si256();
  }
}

template <int NV>
void ev_i8_chunk(const uint64_t* x, size_t cin, const int8_t* W, size_t cout, int32_t* o) {
  __m256i acc[NV];
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v) acc[v] = _mm256_setzero_si256();
  const size_t nw = (cin + 63) / 64;
  unsigned cnt = 0;
  for (size_t w = 0; w < nw; ++w) {
    uint64_t bits = x[w] & valid_bits(w, cin);
    if (bits == 0) continue;
    const unsigned pc = static_cast<unsigned>(_mm_popcnt_u64(bits));
    if (cnt + pc > 256) {
      ev_i8_flush<NV>(acc, o);
      cnt = 0;
    }
    cnt += pc;
    const int8_t* wbase = W + w * 64 * cout;
    do {
      const int8_t* wr = wbase + _tzcnt_u64(bits) * cout;
      bits = _blsr_u64(bits);
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        acc[v] = _mm256_add_epi16(
            acc[v],
            _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wr + 16 * v))));
    } while (bits != 0);
  }
  if (cnt != 0) ev_i8_flush<NV>(acc, o);
}

using EvI8Fn = void (*)(const uint64_t*, size_t, const int8_t*, size_t, int32_t*);
constexpr EvI8Fn ev_i8_table[8] = {&ev_i8_chunk<1>, &ev_i8_chunk<2>, &ev_i8_chunk<3>,
                                   &ev_i8_chunk<4>, &ev_i8_chunk<5>, &ev_i8_chunk<6>,
                                   &ev_i8_chunk<7>, &ev_i8_chunk<8>};

void spmm_i8_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int8_t* W,
                   size_t cout, int32_t* out) {
  const size_t cv = cout & ~size_t{15};
  for (size_t o0 = 0; o0 < cv; o0 += 128) {
    const size_t nv = min_sz(128, cv - o0) / 16;
    for (size_t r = 0; r < rows; ++r)
      ev_i8_table[nv - 1](X + r * xstride, cin, W + o0, cout, out + r * cout + o0);
  }
  if (cv < cout)
    for (size_t r = 0; r < rows; ++r)
      event_scalar_tail(X + r * xstride, cin, W, cout, out + r * cout, cv);
}

// int32 / float: accumulators start from `out` (float sums keep the ascending-channel order).
template <int NV>
void ev_i32_chunk(const uint64_t* x, size_t cin, const int32_t* W, size_t cout, int32_t* o) {
  __m256i acc[NV];
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v)
    acc[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(o + 8 * v));
  const size_t nw = (cin + 63) / 64;
  for (size_t w = 0; w < nw; ++w) {
    uint64_t bits = x[w] & valid_bits(w, cin);
    const int32_t* wbase = W + w * 64 * cout;
    while (bits != 0) {
      const int32_t* wr = wbase + _tzcnt_u64(bits) * cout;
      bits = _blsr_u64(bits);
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        acc[v] = _mm256_add_epi32(acc[v],
                                  _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wr + 8 * v)));
    }
  }
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v) _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 8 * v), acc[v]);
}

template <int NV>
void ev_f32_chunk(const uint64_t* x, size_t cin, const float* W, size_t cout, float* o) {
  __m256 acc[NV];
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v) acc[v] = _mm256_loadu_ps(o + 8 * v);
  const size_t nw = (cin + 63) / 64;
  for (size_t w = 0; w < nw; ++w) {
    uint64_t bits = x[w] & valid_bits(w, cin);
    const float* wbase = W + w * 64 * cout;
    while (bits != 0) {
      const float* wr = wbase + _tzcnt_u64(bits) * cout;
      bits = _blsr_u64(bits);
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) acc[v] = _mm256_add_ps(acc[v], _mm256_loadu_ps(wr + 8 * v));
    }
  }
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v) _mm256_storeu_ps(o + 8 * v, acc[v]);
}

using EvI32Fn = void (*)(const uint64_t*, size_t, const int32_t*, size_t, int32_t*);
constexpr EvI32Fn ev_i32_table[8] = {&ev_i32_chunk<1>, &ev_i32_chunk<2>, &ev_i32_chunk<3>,
                                     &ev_i32_chunk<4>, &ev_i32_chunk<5>, &ev_i32_chunk<6>,
                                     &ev_i32_chunk<7>, &ev_i32_chunk<8>};
using EvF32Fn = void (*)(const uint64_t*, size_t, const float*, size_t, float*);
constexpr EvF32Fn ev_f32_table[8] = {&ev_f32_chunk<1>, &ev_f32_chunk<2>, &ev_f32_chunk<3>,
                                     &ev_f32_chunk<4>, &ev_f32_chunk<5>, &ev_f32_chunk<6>,
                                     &ev_f32_chunk<7>, &ev_f32_chunk<8>};

void spmm_i32_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int32_t* W,
                    size_t cout, int32_t* out) {
  const size_t cv = cout & ~size_t{7};
  for (size_t o0 = 0; o0 < cv; o0 += 64) {
    const size_t nv = min_sz(64, cv - o0) / 8;
    for (size_t r = 0; r < rows; ++r)
      ev_i32_table[nv - 1](X + r * xstride, cin, W + o0, cout, out + r * cout + o0);
  }
  if (cv < cout)
    for (size_t r = 0; r < rows; ++r)
      event_scalar_tail(X + r * xstride, cin, W, cout, out + r * cout, cv);
}

void spmm_f32_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const float* W,
                    size_t cout, float* out) {
  const size_t cv = cout & ~size_t{7};
  for (size_t o0 = 0; o0 < cv; o0 += 64) {
    const size_t nv = min_sz(64, cv - o0) / 8;
    for (size_t r = 0; r < rows; ++r)
      ev_f32_table[nv - 1](X + r * xstride, cin, W + o0, cout, out + r * cout + o0);
  }
  if (cv < cout)
    for (size_t r = 0; r < rows; ++r)
      event_scalar_tail(X + r * xstride, cin, W, cout, out + r * cout, cv);
}

// ------------------------------------------------------------------------------------------
// spmm_i8_dense: weights of channel pairs interleaved (P[(p*coutp + o)*2 + k] =
// W[(2p+k)*cout + o], zero padded to coutp = round_up(cout, 16)), spikes expanded to 0/1 bytes;
// vpmaddubsw(spikes2 (u8), weights2 (s8)) gives exact int16 pair sums (|.| <= 256), accumulated
// in int16 for up to 128 pairs (|.| <= 32768) and then flushed into the int32 output.

void pack_w2(const int8_t* W, size_t cin, size_t cout, size_t coutp, int8_t* P) {
  const size_t np = (cin + 1) / 2;
  for (size_t p = 0; p < np; ++p) {
    const int8_t* r0 = W + 2 * p * cout;
    const int8_t* r1 = 2 * p + 1 < cin ? W + (2 * p + 1) * cout : nullptr;
    int8_t* dst = P + p * coutp * 2;
    for (size_t o0 = 0; o0 < coutp; o0 += 16) {
      __m128i a0, a1 = _mm_setzero_si128();
      if (o0 + 16 <= cout) {
        a0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r0 + o0));
        if (r1 != nullptr) a1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r1 + o0));
      } else {
        alignas(16) int8_t t0[16] = {}, t1[16] = {};
        std::memcpy(t0, r0 + o0, cout - o0);
        if (r1 != nullptr) std::memcpy(t1, r1 + o0, cout - o0);
        a0 = _mm_load_si128(reinterpret_cast<const __m128i*>(t0));
        a1 = _mm_load_si128(reinterpret_cast<const __m128i*>(t1));
      }
      __m128i* d = reinterpret_cast<__m128i*>(dst + o0 * 2);
      _mm_storeu_si128(d, _mm_unpacklo_epi8(a0, a1));
      _mm_storeu_si128(d + 1, _mm_unpackhi_epi8(a0, a1));
    }
  }
}

// E[r*es + i] = spike bit i of row r (0/1 bytes), es = nw*64.
void expand_bytes(const uint64_t* X, size_t rows, size_t xstride, size_t cin, uint8_t* E) {
  const size_t nw = (cin + 63) / 64;
  for (size_t r = 0; r < rows; ++r)
    for (size_t w = 0; w < nw; ++w) {
      const uint64_t bits = X[r * xstride + w] & valid_bits(w, cin);
      uint8_t* e = E + (r * nw + w) * 64;
#pragma GCC unroll 16
      for (int b = 0; b < 8; ++b) {
        const uint64_t bytes = _pdep_u64(bits >> (8 * b), 0x0101010101010101ull);
        std::memcpy(e + 8 * b, &bytes, 8);
      }
    }
}

// Adds the 16 int16 lanes of `acc` to o[0..n).
inline void add16_to_i32(int32_t* o, __m256i acc, size_t n) {
  const __m256i lo = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(acc));
  const __m256i hi = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(acc, 1));
  if (n >= 16) {
    __m256i* p = reinterpret_cast<__m256i*>(o);
    _mm256_storeu_si256(p, _mm256_add_epi32(_mm256_loadu_si256(p), lo));
    _mm256_storeu_si256(p + 1, _mm256_add_epi32(_mm256_loadu_si256(p + 1), hi));
  } else {
    alignas(32) int32_t t[16];
    _mm256_store_si256(reinterpret_cast<__m256i*>(t), lo);
    _mm256_store_si256(reinterpret_cast<__m256i*>(t + 8), hi);
    for (size_t k = 0; k < n; ++k)
      o[k] = static_cast<int32_t>(static_cast<uint32_t>(o[k]) + static_cast<uint32_t>(t[k]));
  }
}

template <int R, int NV>
void dn_i8_block(const uint8_t* E, size_t es, const int8_t* P, size_t coutp, size_t np,
                 int32_t* out, size_t cout, size_t n) {
  for (size_t p0 = 0; p0 < np; p0 += 128) {
    const size_t p1 = min_sz(np, p0 + 128);
    __m256i acc[R][NV];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_setzero_si256();
    for (size_t p = p0; p < p1; ++p) {
      __m256i w[NV];
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        w[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(P + (p * coutp + 16 * v) * 2));
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const __m256i s = _mm256_set1_epi16(static_cast<short>(load_u16(E + r * es + 2 * p)));
#pragma GCC unroll 16
        for (int v = 0; v < NV; ++v)
          acc[r][v] = _mm256_add_epi16(acc[r][v], _mm256_maddubs_epi16(s, w[v]));
      }
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        add16_to_i32(out + r * cout + 16 * v, acc[r][v], n - 16 * static_cast<size_t>(v));
  }
}

using DnI8Fn = void (*)(const uint8_t*, size_t, const int8_t*, size_t, size_t, int32_t*, size_t,
                        size_t);
constexpr DnI8Fn dn_i8_table[4][2] = {{&dn_i8_block<1, 1>, &dn_i8_block<1, 2>},
                                      {&dn_i8_block<2, 1>, &dn_i8_block<2, 2>},
                                      {&dn_i8_block<3, 1>, &dn_i8_block<3, 2>},
                                      {&dn_i8_block<4, 1>, &dn_i8_block<4, 2>}};

void spmm_i8_dense(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int8_t* W,
                   size_t cout, int32_t* out) {
  if (rows == 0 || cin == 0 || cout == 0) return;
  const size_t nw = (cin + 63) / 64, es = nw * 64;
  const size_t np = (cin + 1) / 2, coutp = (cout + 15) & ~size_t{15};
  int8_t* P = static_cast<int8_t*>(tl_scratch.get(0, np * coutp * 2));
  uint8_t* E = static_cast<uint8_t*>(tl_scratch.get(1, rows * es));
  pack_w2(W, cin, cout, coutp, P);
  expand_bytes(X, rows, xstride, cin, E);
  for (size_t r0 = 0; r0 < rows; r0 += 4) {
    const size_t R = min_sz(4, rows - r0);
    for (size_t o0 = 0; o0 < cout; o0 += 32) {
      const size_t n = min_sz(32, cout - o0);
      const size_t nv = (n + 15) / 16;
      dn_i8_table[R - 1][nv - 1](E + r0 * es, es, P + o0 * 2, coutp, np, out + r0 * cout + o0, cout,
                                 n);
    }
  }
}

// ------------------------------------------------------------------------------------------
// spmm_f32_dense: every channel is visited; silent channels add -0.0f (blendv against the
// expanded spike mask), which leaves every value unchanged, signed zeros included.

// M[r*ms + i] = spike bit i of row r ? -1 : 0, ms = nw*64.
void expand_masks(const uint64_t* X, size_t rows, size_t xstride, size_t cin, int32_t* M) {
  const size_t nw = (cin + 63) / 64;
  const __m256i sel = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  for (size_t r = 0; r < rows; ++r)
    for (size_t w = 0; w < nw; ++w) {
      const uint64_t bits = X[r * xstride + w] & valid_bits(w, cin);
      int32_t* m = M + (r * nw + w) * 64;
#pragma GCC unroll 16
      for (int b = 0; b < 8; ++b) {
        const __m256i byte = _mm256_set1_epi32(static_cast<int>((bits >> (8 * b)) & 0xFF));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(m + 8 * b),
                            _mm256_cmpeq_epi32(_mm256_and_si256(byte, sel), sel));
      }
    }
}

template <int R, int NV, bool MASKED>
void dn_f32_block(const int32_t* M, size_t ms, size_t cin, const float* W, size_t cout, float* out,
                  __m256i tail) {
  __m256 acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      acc[r][v] = MASKED ? _mm256_maskload_ps(out + r * cout + 8 * v, tail)
                         : _mm256_loadu_ps(out + r * cout + 8 * v);
  const __m256 negzero = _mm256_set1_ps(-0.0f);
  const float* wrow = W;
  for (size_t i = 0; i < cin; ++i, wrow += cout) {
    __m256 wv[NV];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      wv[v] = MASKED ? _mm256_maskload_ps(wrow + 8 * v, tail) : _mm256_loadu_ps(wrow + 8 * v);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m256 m = _mm256_broadcast_ss(reinterpret_cast<const float*>(M + r * ms + i));
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        acc[r][v] = _mm256_add_ps(acc[r][v], _mm256_blendv_ps(negzero, wv[v], m));
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) {
      if (MASKED)
        _mm256_maskstore_ps(out + r * cout + 8 * v, tail, acc[r][v]);
      else
        _mm256_storeu_ps(out + r * cout + 8 * v, acc[r][v]);
    }
}

using DnF32Fn = void (*)(const int32_t*, size_t, size_t, const float*, size_t, float*, __m256i);
constexpr DnF32Fn dn_f32_table[4][5] = {
    {&dn_f32_block<1, 1, false>, &dn_f32_block<1, 2, false>, &dn_f32_block<1, 3, false>,
     &dn_f32_block<1, 4, false>, &dn_f32_block<1, 1, true>},
    {&dn_f32_block<2, 1, false>, &dn_f32_block<2, 2, false>, &dn_f32_block<2, 3, false>,
     &dn_f32_block<2, 4, false>, &dn_f32_block<2, 1, true>},
    {&dn_f32_block<3, 1, false>, &dn_f32_block<3, 2, false>, &dn_f32_block<3, 3, false>,
     &dn_f32_block<3, 4, false>, &dn_f32_block<3, 1, true>},
    {&dn_f32_block<4, 1, false>, &dn_f32_block<4, 2, false>, &dn_f32_block<4, 3, false>,
     &dn_f32_block<4, 4, false>, &dn_f32_block<4, 1, true>}};

void spmm_f32_dense(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const float* W,
                    size_t cout, float* out) {
  if (rows == 0 || cin == 0 || cout == 0) return;
  const size_t nw = (cin + 63) / 64, ms = nw * 64;
  int32_t* M = static_cast<int32_t*>(tl_scratch.get(1, rows * ms * sizeof(int32_t)));
  expand_masks(X, rows, xstride, cin, M);
  const size_t cv = cout & ~size_t{7};
  const __m256i tail = lane_mask(cout - cv);
  // 2 rows x 4 vectors keeps acc + weights + mask within the 16 ymm registers
  for (size_t r0 = 0; r0 < rows; r0 += 2) {
    const size_t R = min_sz(2, rows - r0);
    for (size_t o0 = 0; o0 < cv; o0 += 32) {
      const size_t nv = min_sz(32, cv - o0) / 8;
      dn_f32_table[R - 1][nv - 1](M + r0 * ms, ms, cin, W + o0, cout, out + r0 * cout + o0, tail);
    }
    if (cv < cout)
      dn_f32_table[R - 1][4](M + r0 * ms, ms, cin, W + cv, cout, out + r0 * cout + cv, tail);
  }
}

// ------------------------------------------------------------------------------------------
// LIF: per row and 64-channel word, the membrane stays in registers over the T steps.

// kMul: `f` is 1/tau and exact_reciprocal() held (same bits as dividing by tau).
template <bool kMul>
void lif_f32_impl(const float* x, size_t T, size_t rows, size_t c, float f, const float* th,
                  float* v, uint64_t* spikes, size_t sstride) {
  const size_t nw = (c + 63) / 64;
  const __m256 vf = _mm256_set1_ps(f);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t w = 0; w < nw; ++w) {
      const size_t c0 = 64 * w, n = c - c0;
      for (size_t q = 0; q < 8 && 8 * q < n; ++q) {  // 8 channels; membrane kept in a register
        const size_t nk = n - 8 * q;
        const __m256i m = lane_mask(nk);
        const int bits_ok = nk >= 8 ? 0xFF : (1 << nk) - 1;
        float* vp = v + r * c + c0 + 8 * q;
        __m256 vv = _mm256_maskload_ps(vp, m);
        const __m256 tt = _mm256_maskload_ps(th + c0 + 8 * q, m);
        for (size_t t = 0; t < T; ++t) {
          const __m256 xx = _mm256_maskload_ps(x + (t * rows + r) * c + c0 + 8 * q, m);
          const __m256 h = _mm256_add_ps(vv, kMul ? _mm256_mul_ps(_mm256_sub_ps(xx, vv), vf)
                                                  : _mm256_div_ps(_mm256_sub_ps(xx, vv), vf));
          const __m256 fire = _mm256_cmp_ps(h, tt, _CMP_GE_OQ);
          vv = _mm256_andnot_ps(fire, h);
          const uint64_t fired = static_cast<uint64_t>(_mm256_movemask_ps(fire) & bits_ok);
          uint64_t& word = spikes[(t * rows + r) * sstride + w];
          word = (q == 0 ? 0 : word) | (fired << (8 * q));
        }
        _mm256_maskstore_ps(vp, m, vv);
      }
    }
    for (size_t t = 0; t < T; ++t)
      for (size_t w = nw; w < sstride; ++w) spikes[(t * rows + r) * sstride + w] = 0;
  }
}

void lif_f32(const float* x, size_t T, size_t rows, size_t c, float tau, const float* th, float* v,
             uint64_t* spikes, size_t sstride) {
  lif_f32_by_tau(&lif_f32_impl<true>, &lif_f32_impl<false>, x, T, rows, c, tau, th, v, spikes,
                 sstride);
}

// h = clamp(v + ((x - v) * decay >> 16)) on 4 lanes of 64 bits; AVX2 lacks 64-bit multiply,
// arithmetic shift and min/max, so they are composed from 32-bit products and compares.
struct LifI32Consts {
  __m256i dec_lo, dec_hi, mn, mx, zero;
};

inline __m256i lif_i32_quad(__m128i x, __m128i v, const LifI32Consts& k) {
  const __m256i v64 = _mm256_cvtepi32_epi64(v);
  const __m256i d = _mm256_sub_epi64(_mm256_cvtepi32_epi64(x), v64);
  const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(d, 32), k.dec_lo),
                                         _mm256_mul_epu32(d, k.dec_hi));
  const __m256i p = _mm256_add_epi64(_mm256_mul_epu32(d, k.dec_lo), _mm256_slli_epi64(cross, 32));
  const __m256i neg = _mm256_cmpgt_epi64(k.zero, p);
  const __m256i s = _mm256_or_si256(_mm256_srli_epi64(p, 16), _mm256_slli_epi64(neg, 48));
  __m256i h = _mm256_add_epi64(v64, s);
  h = _mm256_blendv_epi8(h, k.mn, _mm256_cmpgt_epi64(k.mn, h));  // max(h, mem_min)
  h = _mm256_blendv_epi8(h, k.mx, _mm256_cmpgt_epi64(h, k.mx));  // min(h, mem_max)
  return h;
}

inline __m256i lif_i32_oct(__m256i x, __m256i v, const LifI32Consts& k) {
  const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  const __m256i lo = _mm256_permutevar8x32_epi32(
      lif_i32_quad(_mm256_castsi256_si128(x), _mm256_castsi256_si128(v), k), pick);
  const __m256i hi = _mm256_permutevar8x32_epi32(
      lif_i32_quad(_mm256_extracti128_si256(x, 1), _mm256_extracti128_si256(v, 1), k), pick);
  return _mm256_permute2x128_si256(lo, hi, 0x20);
}

void lif_i32(const int32_t* x, size_t T, size_t rows, size_t c, int32_t decay, const int32_t* th,
             int32_t mem_min, int32_t mem_max, int32_t* v, uint64_t* spikes, size_t sstride) {
  const size_t nw = (c + 63) / 64;
  const uint64_t dec = static_cast<uint64_t>(static_cast<int64_t>(decay));
  const LifI32Consts k{_mm256_set1_epi64x(static_cast<long long>(dec & 0xFFFFFFFFu)),
                       _mm256_set1_epi64x(static_cast<long long>(dec >> 32)),
                       _mm256_set1_epi64x(mem_min), _mm256_set1_epi64x(mem_max),
                       _mm256_setzero_si256()};
  for (size_t r = 0; r < rows; ++r) {
    for (size_t w = 0; w < nw; ++w) {
      const size_t c0 = 64 * w, n = c - c0;
      for (size_t q = 0; q < 8 && 8 * q < n; ++q) {  // 8 channels; membrane kept in a register
        const size_t nk = n - 8 * q;
        const __m256i m = lane_mask(nk);
        const int bits_ok = nk >= 8 ? 0xFF : (1 << nk) - 1;
        int32_t* vp = v + r * c + c0 + 8 * q;
        __m256i vv = _mm256_maskload_epi32(vp, m);
        const __m256i tt = _mm256_maskload_epi32(th + c0 + 8 * q, m);
        for (size_t t = 0; t < T; ++t) {
          const __m256i xx = _mm256_maskload_epi32(x + (t * rows + r) * c + c0 + 8 * q, m);
          const __m256i h = lif_i32_oct(xx, vv, k);
          const __m256i keep = _mm256_cmpgt_epi32(tt, h);  // !(h >= th)
          vv = _mm256_and_si256(keep, h);
          const uint64_t fired =
              static_cast<uint64_t>(~_mm256_movemask_ps(_mm256_castsi256_ps(keep)) & bits_ok);
          uint64_t& word = spikes[(t * rows + r) * sstride + w];
          word = (q == 0 ? 0 : word) | (fired << (8 * q));
        }
        _mm256_maskstore_epi32(vp, m, vv);
      }
    }
    for (size_t t = 0; t < T; ++t)
      for (size_t w = nw; w < sstride; ++w) spikes[(t * rows + r) * sstride + w] = 0;
  }
}

void currents_i32(int32_t* x, size_t n, size_t c, const int32_t* bias, int acc_bits, int F) {
  const int32_t alo = static_cast<int32_t>(-(int64_t{1} << (acc_bits - 1)));
  const int32_t ahi = static_cast<int32_t>((int64_t{1} << (acc_bits - 1)) - 1);
  const int32_t clo = static_cast<int32_t>(-(int64_t{1} << (acc_bits + F)));
  const int32_t chi = static_cast<int32_t>((int64_t{1} << (acc_bits + F)) - 1);
  const __m256i valo = _mm256_set1_epi32(alo), vahi = _mm256_set1_epi32(ahi);
  const __m256i vclo = _mm256_set1_epi32(clo), vchi = _mm256_set1_epi32(chi);
  const __m128i sh = _mm_cvtsi32_si128(F);
  for (size_t r = 0; r + c <= n; r += c) {
    size_t o = 0;
    for (; o + 8 <= c; o += 8) {
      __m256i* p = reinterpret_cast<__m256i*>(x + r + o);
      __m256i a = _mm256_min_epi32(_mm256_max_epi32(_mm256_loadu_si256(p), valo), vahi);
      a = _mm256_add_epi32(_mm256_sll_epi32(a, sh),
                           _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + o)));
      _mm256_storeu_si256(p, _mm256_min_epi32(_mm256_max_epi32(a, vclo), vchi));
    }
    for (; o < c; ++o) {
      int32_t a = x[r + o] < alo ? alo : x[r + o];
      a = a > ahi ? ahi : a;
      int32_t v = static_cast<int32_t>(static_cast<uint32_t>(a) << F) + bias[o];
      v = v < clo ? clo : v;
      x[r + o] = v > chi ? chi : v;
    }
  }
}

// LZCNT (CPUID 0x80000001 ECX bit 5, "ABM"): read directly, since clang's
// __builtin_cpu_supports does not know "lzcnt" (the fuzzer build uses clang).
bool has_lzcnt() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & (1u << 5));
}

// Only reads libgcc's CPU model; emits no AVX2 instruction.
bool supported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("popcnt") && has_lzcnt();
}

constexpr KernelSet kAvx2{
    "avx2",          10,
    &supported,      &and_popcount,
    &spmm_i8_event,  &spmm_i8_dense,
    &spmm_i32_event, &spmm_f32_event,
    &spmm_f32_dense, &lif_f32,
    &lif_i32,        &popcount_words,
    &currents_i32,   0.35,
};

// Runs before default-priority static constructors, so code that looks kernels up during
// static initialisation (e.g. benchmark registration) sees every set.
__attribute__((init_priority(200))) const Register kRegisterAvx2(kAvx2);

}  // namespace
}  // namespace ss::kern
