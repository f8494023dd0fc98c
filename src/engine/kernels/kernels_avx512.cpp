// AVX-512 kernel set (F/BW/VL/DQ/VPOPCNTDQ/VNNI). Bit-identical to the scalar set: integer
// kernels are exact, float kernels vectorise across output channels only (each output element
// still sums its inputs in ascending input-channel order) and never round differently: the
// only FMA is fma(w, 1, acc), which rounds exactly like acc + w.
//
// Everything lives in an anonymous namespace and avoids std:: templates: this file is compiled
// with AVX-512 flags, and an inline function shared by name with the generic files could
// otherwise be merged by the linker into code that runs on CPUs without AVX-512.

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

inline __mmask16 mask16(size_t n) {  // lowest min(n, 16) lanes
  return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1);
}

inline uint32_t load_u32(const void* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Per-thread grow-only scratch buffers (packed weights, expanded spikes, spike lists).
struct Scratch {
  void* p[3] = {nullptr, nullptr, nullptr};
  size_t n[3] = {0, 0, 0};
  ~Scratch() {
    std::free(p[0]);
    std::free(p[1]);
    std::free(p[2]);
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
// and_popcount: R rows of A x NV vectors of 8 columns; 64-bit lane accumulators.

template <int R, int NV>
void ap_block(const uint64_t* A, size_t lda, const uint64_t* Bt, size_t J, size_t kw, int32_t* C,
              size_t ldc, __mmask8 tail) {
  __m512i acc[R][NV];
  __m512i b[NV];
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v)
    b[v] =
        v == NV - 1 ? _mm512_maskz_loadu_epi64(tail, Bt + 8 * v) : _mm512_loadu_si512(Bt + 8 * v);
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
    const __m512i a = _mm512_set1_epi64(static_cast<long long>(A[r * lda]));
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_popcnt_epi64(_mm512_and_si512(a, b[v]));
  }
  for (size_t w = 1; w < kw; ++w) {
    const uint64_t* bw = Bt + w * J;
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      b[v] =
          v == NV - 1 ? _mm512_maskz_loadu_epi64(tail, bw + 8 * v) : _mm512_loadu_si512(bw + 8 * v);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m512i a = _mm512_set1_epi64(static_cast<long long>(A[r * lda + w]));
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        acc[r][v] = _mm512_add_epi64(acc[r][v], _mm512_popcnt_epi64(_mm512_and_si512(a, b[v])));
    }
  }
  // Narrow to int32: vector pairs with one two-source shuffle and one (masked) 64-byte store,
  // an odd last vector with a masked narrowing store.
  const __m512i evens =
      _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v + 1 < NV; v += 2) {
      const __mmask16 m = v + 2 == NV ? static_cast<__mmask16>(0xFF | (tail << 8)) : 0xFFFF;
      _mm512_mask_storeu_epi32(C + r * ldc + 8 * v, m,
                               _mm512_permutex2var_epi32(acc[r][v], evens, acc[r][v + 1]));
    }
    if (NV % 2 == 1)
      _mm512_mask_cvtepi64_storeu_epi32(C + r * ldc + 8 * (NV - 1), tail, acc[r][NV - 1]);
  }
}

using ApFn = void (*)(const uint64_t*, size_t, const uint64_t*, size_t, size_t, int32_t*, size_t,
                      __mmask8);
template <int R>
constexpr ApFn ap_row[4] = {&ap_block<R, 1>, &ap_block<R, 2>, &ap_block<R, 3>, &ap_block<R, 4>};
constexpr const ApFn* ap_table[4] = {ap_row<1>, ap_row<2>, ap_row<3>, ap_row<4>};

void and_popcount(const uint64_t* A, size_t I, size_t lda, const uint64_t* Bt, size_t J, size_t kw,
                  int32_t* C, size_t ldc) {
  if (kw == 0) {
    for (size_t i = 0; i < I; ++i) std::memset(C + i * ldc, 0, J * sizeof(int32_t));
    return;
  }
  for (size_t i0 = 0; i0 < I; i0 += 4) {
    const size_t R = min_sz(4, I - i0);
    for (size_t j0 = 0; j0 < J; j0 += 32) {
      const size_t n = min_sz(32, J - j0);
      const size_t nv = (n + 7) / 8;
      const size_t last = n - 8 * (nv - 1);  // 1..8 lanes in the last vector
      const __mmask8 tail = static_cast<__mmask8>((1u << last) - 1);
      ap_table[R - 1][nv - 1](A + i0 * lda, lda, Bt + j0, J, kw, C + i0 * ldc + j0, ldc, tail);
    }
  }
}

// ------------------------------------------------------------------------------------------
// popcount_words

uint64_t popcount_words(const uint64_t* p, size_t n) {
  __m512i a0 = _mm512_setzero_si512(), a1 = _mm512_setzero_si512();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = _mm512_add_epi64(a0, _mm512_popcnt_epi64(_mm512_loadu_si512(p + i)));
    a1 = _mm512_add_epi64(a1, _mm512_popcnt_epi64(_mm512_loadu_si512(p + i + 8)));
  }
  for (; i < n; i += 8) {
    const __mmask8 m = static_cast<__mmask8>(n - i >= 8 ? 0xFF : (1u << (n - i)) - 1);
    a0 = _mm512_add_epi64(a0, _mm512_popcnt_epi64(_mm512_maskz_loadu_epi64(m, p + i)));
  }
  return static_cast<uint64_t>(_mm512_reduce_add_epi64(_mm512_add_epi64(a0, a1)));
}

// ------------------------------------------------------------------------------------------
// Event-driven spmm. The set bits of every row are first decoded into lists of channel indices
// (branch-free, vpcompressd); then, for each chunk of outputs and each row, the weight rows of
// the listed channels are added into register accumulators. Chunks are the outer loop so that
// a chunk of W stays cached across rows.

// Writes the indices of the set bits in words [w0, w1) of a row (ascending, absolute channel
// numbers) to idx, returns their count. idx needs room for the words' channels + 16 entries.
inline size_t decode_row_words(const uint64_t* x, size_t cin, size_t w0, size_t w1, uint32_t* idx) {
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  size_t n = 0;
  for (size_t w = w0; w < w1; ++w) {
    const uint64_t bits = x[w] & valid_bits(w, cin);
#pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) {
      const __mmask16 m = static_cast<__mmask16>(bits >> (16 * q));
      const __m512i base =
          _mm512_add_epi32(iota, _mm512_set1_epi32(static_cast<int>(64 * w + 16 * q)));
      _mm512_storeu_si512(idx + n, _mm512_maskz_compress_epi32(m, base));
      n += static_cast<size_t>(__builtin_popcount(m));
    }
  }
  return n;
}

// The whole row.
inline size_t decode_row(const uint64_t* x, size_t cin, uint32_t* idx) {
  return decode_row_words(x, cin, 0, (cin + 63) / 64, idx);
}

// Spike lists of all rows: row r's channel indices are idx[start[r] .. start[r + 1]).
struct SpikeLists {
  const uint32_t* idx;
  const size_t* start;
};

SpikeLists decode_rows(const uint64_t* X, size_t rows, size_t xstride, size_t cin) {
  size_t* start = static_cast<size_t*>(tl_scratch.get(0, (rows + 1) * sizeof(size_t)));
  uint32_t* idx = static_cast<uint32_t*>(tl_scratch.get(1, (rows * cin + 64) * sizeof(uint32_t)));
  size_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    start[r] = n;
    n += decode_row(X + r * xstride, cin, idx + n);
  }
  start[rows] = n;
  return {idx, start};
}

// int8: int16 lane accumulators (|sum of 256 int8| <= 32768 fits), flushed into the int32
// output every 256 spikes. A chunk covers up to NV*32 outputs.
template <int NV>
void ev_i8_chunk(const uint32_t* idx, size_t n, const int8_t* W, size_t cout, int32_t* o,
                 __mmask32 tail) {
  for (size_t s0 = 0; s0 < n; s0 += 256) {
    const size_t s1 = min_sz(n, s0 + 256);
    __m512i acc[NV];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) acc[v] = _mm512_setzero_si512();
    for (size_t k = s0; k < s1; ++k) {
      const int8_t* wr = W + idx[k] * cout;
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) {
        const __m256i b = v == NV - 1
                              ? _mm256_maskz_loadu_epi8(tail, wr + 32 * v)
                              : _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wr + 32 * v));
        acc[v] = _mm512_add_epi16(acc[v], _mm512_cvtepi8_epi16(b));
      }
    }
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) {
      const __mmask32 m = v == NV - 1 ? tail : ~__mmask32(0);
      const __mmask16 mlo = static_cast<__mmask16>(m), mhi = static_cast<__mmask16>(m >> 16);
      const __m512i lo = _mm512_cvtepi16_epi32(_mm512_castsi512_si256(acc[v]));
      const __m512i hi = _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(acc[v], 1));
      int32_t* p = o + 32 * v;
      _mm512_mask_storeu_epi32(p, mlo, _mm512_add_epi32(_mm512_maskz_loadu_epi32(mlo, p), lo));
      _mm512_mask_storeu_epi32(p + 16, mhi,
                               _mm512_add_epi32(_mm512_maskz_loadu_epi32(mhi, p + 16), hi));
    }
  }
}

// int32: accumulators start from `out`.
// A chunk covers up to NV*16 outputs.
template <int NV>
void ev_i32_chunk(const uint32_t* idx, size_t n, const int32_t* W, size_t cout, int32_t* o,
                  __mmask16 tail) {
  if (n == 0) return;
  __m512i acc[NV];
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v)
    acc[v] = _mm512_maskz_loadu_epi32(v == NV - 1 ? tail : __mmask16(0xFFFF), o + 16 * v);
  for (size_t k = 0; k < n; ++k) {
    const int32_t* wr = W + idx[k] * cout;
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      acc[v] = _mm512_add_epi32(acc[v], v == NV - 1 ? _mm512_maskz_loadu_epi32(tail, wr + 16 * v)
                                                    : _mm512_loadu_si512(wr + 16 * v));
  }
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v)
    _mm512_mask_storeu_epi32(o + 16 * v, v == NV - 1 ? tail : __mmask16(0xFFFF), acc[v]);
}

// Chunk widths: 8 int16 vectors (256 outputs) for int8, 16 vectors (256 outputs) for int32.
constexpr size_t kEvI8Vecs = 8;
constexpr size_t kEvVecs = 16;

constexpr decltype(&ev_i8_chunk<1>) ev_i8_table[kEvI8Vecs] = {
    &ev_i8_chunk<1>, &ev_i8_chunk<2>, &ev_i8_chunk<3>, &ev_i8_chunk<4>,
    &ev_i8_chunk<5>, &ev_i8_chunk<6>, &ev_i8_chunk<7>, &ev_i8_chunk<8>};
#define SS_EV_TABLE(name, fn)                                               \
  constexpr decltype(&fn<1>) name[kEvVecs] = {                              \
      &fn<1>, &fn<2>,  &fn<3>,  &fn<4>,  &fn<5>,  &fn<6>,  &fn<7>,  &fn<8>, \
      &fn<9>, &fn<10>, &fn<11>, &fn<12>, &fn<13>, &fn<14>, &fn<15>, &fn<16>};
SS_EV_TABLE(ev_i32_table, ev_i32_chunk)
#undef SS_EV_TABLE

void spmm_i8_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int8_t* W,
                   size_t cout, int32_t* out) {
  const SpikeLists s = decode_rows(X, rows, xstride, cin);
  for (size_t o0 = 0; o0 < cout; o0 += 32 * kEvI8Vecs) {
    const size_t n = min_sz(32 * kEvI8Vecs, cout - o0);
    const size_t nv = (n + 31) / 32;
    const size_t last = n - 32 * (nv - 1);
    const __mmask32 tail = last >= 32 ? ~__mmask32(0) : __mmask32((1u << last) - 1);
    for (size_t r = 0; r < rows; ++r)
      ev_i8_table[nv - 1](s.idx + s.start[r], s.start[r + 1] - s.start[r], W + o0, cout,
                          out + r * cout + o0, tail);
  }
}

void spmm_i32_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int32_t* W,
                    size_t cout, int32_t* out) {
  const SpikeLists s = decode_rows(X, rows, xstride, cin);
  for (size_t o0 = 0; o0 < cout; o0 += 16 * kEvVecs) {
    const size_t n = min_sz(16 * kEvVecs, cout - o0);
    const size_t nv = (n + 15) / 16;
    const __mmask16 tail = mask16(n - 16 * (nv - 1));
    for (size_t r = 0; r < rows; ++r)
      ev_i32_table[nv - 1](s.idx + s.start[r], s.start[r + 1] - s.start[r], W + o0, cout,
                           out + r * cout + o0, tail);
  }
}

// Float event kernel, cache-blocked: the output is cut into chunks of 16*kEvF32Vecs channels
// and the input channels into blocks of 64*kEvF32KWords, so one weight panel (64 x 64 floats,
// 16 KiB) stays in L1 while the spikes of every row in that block are added from it. Each row
// keeps the ascending-channel order: blocks are visited in ascending order and the
// accumulators are reloaded from `out` between blocks. Spike list offsets per (row, word)
// come from the word popcounts.
constexpr size_t kEvF32Vecs = 4;
constexpr size_t kEvF32KWords = 1;

template <int NV>
void ev_f32_panel(const uint32_t* const* lists, const uint32_t* lens, size_t rows, const float* W,
                  size_t wstride, size_t cout, float* out, __mmask16 tail) {
  for (size_t r = 0; r < rows; ++r) {
    const size_t n = lens[r];
    if (n == 0) continue;
    const uint32_t* idx = lists[r];
    float* o = out + r * cout;
    __m512 acc[NV];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      acc[v] = _mm512_maskz_loadu_ps(v == NV - 1 ? tail : __mmask16(0xFFFF), o + 16 * v);
    for (size_t k = 0; k < n; ++k) {
      const float* wr = W + idx[k] * wstride;
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) acc[v] = _mm512_add_ps(acc[v], _mm512_loadu_ps(wr + 16 * v));
    }
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      _mm512_mask_storeu_ps(o + 16 * v, v == NV - 1 ? tail : __mmask16(0xFFFF), acc[v]);
  }
}

constexpr decltype(&ev_f32_panel<1>) ev_f32_panel_table[kEvF32Vecs] = {
    &ev_f32_panel<1>, &ev_f32_panel<2>, &ev_f32_panel<3>, &ev_f32_panel<4>};

void spmm_f32_event(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const float* W,
                    size_t cout, float* out) {
  if (rows == 0 || cin == 0 || cout == 0) return;
  const size_t nw = (cin + 63) / 64;
  const size_t nkb = (nw + kEvF32KWords - 1) / kEvF32KWords;
  // idx: rows*cin (+64) channel indices; the per-block list pointers and lengths follow.
  uint32_t* idx = static_cast<uint32_t*>(tl_scratch.get(1, (rows * cin + 64) * sizeof(uint32_t)));
  const size_t meta = rows * nkb;
  char* mp = static_cast<char*>(
      tl_scratch.get(0, meta * (sizeof(const uint32_t*) + sizeof(uint32_t)) + 64));
  const uint32_t** lists = reinterpret_cast<const uint32_t**>(mp);
  uint32_t* lens = reinterpret_cast<uint32_t*>(mp + meta * sizeof(const uint32_t*));
  // Block-major metadata: lists[kb*rows + r], lens[kb*rows + r].
  size_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t kb = 0; kb < nkb; ++kb) {
      const size_t w0 = kb * kEvF32KWords, w1 = min_sz(nw, w0 + kEvF32KWords);
      const size_t start = n;
      n += decode_row_words(X + r * xstride, cin, w0, w1, idx + n);
      lists[kb * rows + r] = idx + start;
      lens[kb * rows + r] = static_cast<uint32_t>(n - start);
    }
  }
  const size_t ow = 16 * kEvF32Vecs, kb_rows = 64 * kEvF32KWords;
  float* P = static_cast<float*>(tl_scratch.get(2, kb_rows * ow * sizeof(float)));
  for (size_t o0 = 0; o0 < cout; o0 += ow) {
    const size_t cn = min_sz(ow, cout - o0);
    const size_t nv = (cn + 15) / 16;
    const __mmask16 tail = mask16(cn - 16 * (nv - 1));
    if (cout == 16 * nv) {
      // One chunk, whole vectors: the rows of W are the panel already (contiguous, no tail).
      for (size_t kb = 0; kb < nkb; ++kb)
        ev_f32_panel_table[nv - 1](lists + kb * rows, lens + kb * rows, rows, W, cout, cout, out,
                                   tail);
      continue;
    }
    for (size_t kb = 0; kb < nkb; ++kb) {
      // Pack the panel: rows k0..k1 of W, outputs o0..o0+cn, zero padded to nv vectors (so a
      // stride of cout floats cannot alias the panel onto a few L1 sets). The panel is indexed
      // by absolute channel number, hence the -k0 offset.
      const size_t k0 = kb * kb_rows, k1 = min_sz(cin, k0 + kb_rows);
      for (size_t i = k0; i < k1; ++i)
        for (size_t v = 0; v < nv; ++v)
          _mm512_store_ps(P + (i - k0) * 16 * nv + 16 * v,
                          _mm512_maskz_loadu_ps(v == nv - 1 ? tail : __mmask16(0xFFFF),
                                                W + i * cout + o0 + 16 * v));
      ev_f32_panel_table[nv - 1](lists + kb * rows, lens + kb * rows, rows, P - k0 * 16 * nv,
                                 16 * nv, cout, out + o0, tail);
    }
  }
}

// ------------------------------------------------------------------------------------------
// spmm_i8_dense: VNNI. W is repacked so that the 4 weights of input channels 4g..4g+3 for one
// output are adjacent (P[(g*coutp + o)*4 + k] = W[(4g+k)*cout + o], zero padded), spikes are
// expanded to 0/1 bytes, and vpdpbusd(acc, spikes4 (u8), weights4 (s8)) adds 4 channels at once.

void pack_w4(const int8_t* W, size_t cin, size_t cout, size_t coutp, int8_t* P) {
  const size_t G = (cin + 3) / 4;
  for (size_t g = 0; g < G; ++g) {
    const int8_t* row[4];
#pragma GCC unroll 16
    for (int k = 0; k < 4; ++k) row[k] = 4 * g + k < cin ? W + (4 * g + k) * cout : nullptr;
    int8_t* dst = P + g * coutp * 4;
    for (size_t o0 = 0; o0 < coutp; o0 += 16) {
      const __mmask16 m = mask16(cout - o0);  // o0 < cout always (coutp = round_up(cout, 16))
      __m128i a[4];
#pragma GCC unroll 16
      for (int k = 0; k < 4; ++k)
        a[k] = row[k] != nullptr ? _mm_maskz_loadu_epi8(m, row[k] + o0) : _mm_setzero_si128();
      const __m128i t0 = _mm_unpacklo_epi8(a[0], a[1]), t1 = _mm_unpackhi_epi8(a[0], a[1]);
      const __m128i t2 = _mm_unpacklo_epi8(a[2], a[3]), t3 = _mm_unpackhi_epi8(a[2], a[3]);
      __m128i* d = reinterpret_cast<__m128i*>(dst + o0 * 4);
      _mm_storeu_si128(d + 0, _mm_unpacklo_epi16(t0, t2));
      _mm_storeu_si128(d + 1, _mm_unpackhi_epi16(t0, t2));
      _mm_storeu_si128(d + 2, _mm_unpacklo_epi16(t1, t3));
      _mm_storeu_si128(d + 3, _mm_unpackhi_epi16(t1, t3));
    }
  }
}

// E[r*es + i] = spike bit i of row r (0/1 bytes), es = nw*64.
void expand_bytes(const uint64_t* X, size_t rows, size_t xstride, size_t cin, uint8_t* E) {
  const size_t nw = (cin + 63) / 64;
  for (size_t r = 0; r < rows; ++r)
    for (size_t w = 0; w < nw; ++w)
      _mm512_storeu_si512(E + (r * nw + w) * 64,
                          _mm512_maskz_set1_epi8(X[r * xstride + w] & valid_bits(w, cin), 1));
}

template <int R, int NV>
void dn_i8_block(const uint8_t* E, size_t es, const int8_t* P, size_t coutp, size_t G, int32_t* out,
                 size_t cout, __mmask16 tail) {
  __m512i acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      acc[r][v] =
          _mm512_maskz_loadu_epi32(v == NV - 1 ? tail : __mmask16(0xFFFF), out + r * cout + 16 * v);
  for (size_t g = 0; g < G; ++g) {
    __m512i w[NV];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) w[v] = _mm512_loadu_si512(P + (g * coutp + 16 * v) * 4);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m512i s = _mm512_set1_epi32(static_cast<int>(load_u32(E + r * es + 4 * g)));
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], s, w[v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      _mm512_mask_storeu_epi32(out + r * cout + 16 * v, v == NV - 1 ? tail : __mmask16(0xFFFF),
                               acc[r][v]);
}

using DnI8Fn = void (*)(const uint8_t*, size_t, const int8_t*, size_t, size_t, int32_t*, size_t,
                        __mmask16);
template <int R>
constexpr DnI8Fn dn_i8_row[4] = {&dn_i8_block<R, 1>, &dn_i8_block<R, 2>, &dn_i8_block<R, 3>,
                                 &dn_i8_block<R, 4>};
constexpr const DnI8Fn* dn_i8_table[4] = {dn_i8_row<1>, dn_i8_row<2>, dn_i8_row<3>, dn_i8_row<4>};

void spmm_i8_dense(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const int8_t* W,
                   size_t cout, int32_t* out) {
  if (rows == 0 || cin == 0 || cout == 0) return;
  const size_t nw = (cin + 63) / 64, es = nw * 64;
  const size_t G = (cin + 3) / 4, coutp = (cout + 15) & ~size_t{15};
  int8_t* P = static_cast<int8_t*>(tl_scratch.get(0, G * coutp * 4));
  uint8_t* E = static_cast<uint8_t*>(tl_scratch.get(1, rows * es));
  pack_w4(W, cin, cout, coutp, P);
  expand_bytes(X, rows, xstride, cin, E);
  for (size_t r0 = 0; r0 < rows; r0 += 4) {
    const size_t R = min_sz(4, rows - r0);
    for (size_t o0 = 0; o0 < cout; o0 += 64) {
      const size_t n = min_sz(64, cout - o0);
      const size_t nv = (n + 15) / 16;
      const __mmask16 tail = mask16(n - 16 * (nv - 1));
      dn_i8_table[R - 1][nv - 1](E + r0 * es, es, P + o0 * 4, coutp, G, out + r0 * cout + o0, cout,
                                 tail);
    }
  }
}

// ------------------------------------------------------------------------------------------
// spmm_f32_dense: every channel is visited; a masked add leaves silent lanes untouched. Odd
// vectors use fma(w, 1, acc), which rounds exactly like acc + w (w * 1 is exact) but runs on
// the FMA pipes, so adds and FMAs proceed in parallel.

template <int R, int NV>
void dn_f32_block(const uint64_t* X, size_t xstride, size_t cin, const float* W, size_t cout,
                  float* out, __mmask16 tail) {
  __m512 acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      acc[r][v] =
          _mm512_maskz_loadu_ps(v == NV - 1 ? tail : __mmask16(0xFFFF), out + r * cout + 16 * v);
  const __m512 one = _mm512_set1_ps(1.0f);
  const size_t nw = (cin + 63) / 64;
  for (size_t w = 0; w < nw; ++w) {
    uint64_t bits[R];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) bits[r] = X[r * xstride + w];
    const size_t nb = min_sz(64, cin - 64 * w);
    const float* wrow = W + 64 * w * cout;
    for (size_t b = 0; b < nb; ++b, wrow += cout) {
      __m512 wv[NV];
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        wv[v] = v == NV - 1 ? _mm512_maskz_loadu_ps(tail, wrow + 16 * v)
                            : _mm512_loadu_ps(wrow + 16 * v);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const __mmask16 k = static_cast<__mmask16>(0u - static_cast<unsigned>((bits[r] >> b) & 1));
#pragma GCC unroll 16
        for (int v = 0; v < NV; ++v)
          acc[r][v] = (v & 1) ? _mm512_mask3_fmadd_ps(wv[v], one, acc[r][v], k)
                              : _mm512_mask_add_ps(acc[r][v], k, acc[r][v], wv[v]);
      }
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      _mm512_mask_storeu_ps(out + r * cout + 16 * v, v == NV - 1 ? tail : __mmask16(0xFFFF),
                            acc[r][v]);
}

using DnF32Fn = void (*)(const uint64_t*, size_t, size_t, const float*, size_t, float*, __mmask16);
template <int R>
constexpr DnF32Fn dn_f32_row[4] = {&dn_f32_block<R, 1>, &dn_f32_block<R, 2>, &dn_f32_block<R, 3>,
                                   &dn_f32_block<R, 4>};
constexpr const DnF32Fn* dn_f32_table[4] = {dn_f32_row<1>, dn_f32_row<2>, dn_f32_row<3>,
                                            dn_f32_row<4>};

void spmm_f32_dense(const uint64_t* X, size_t rows, size_t xstride, size_t cin, const float* W,
                    size_t cout, float* out) {
  for (size_t r0 = 0; r0 < rows; r0 += 4) {
    const size_t R = min_sz(4, rows - r0);
    for (size_t o0 = 0; o0 < cout; o0 += 64) {
      const size_t n = min_sz(64, cout - o0);
      const size_t nv = (n + 15) / 16;
      const __mmask16 tail = mask16(n - 16 * (nv - 1));
      dn_f32_table[R - 1][nv - 1](X + r0 * xstride, xstride, cin, W + o0, cout,
                                  out + r0 * cout + o0, tail);
    }
  }
}

// ------------------------------------------------------------------------------------------
// LIF: per row and 64-channel word, the membrane stays in registers over the T steps.

// kMul: `f` is 1/tau and exact_reciprocal() held (same bits as dividing by tau).
template <bool kMul>
void lif_f32_impl(const float* x, size_t T, size_t rows, size_t c, float f, const float* th,
                  float* v, uint64_t* spikes, size_t sstride) {
  const size_t nw = (c + 63) / 64;
  const __m512 vf = _mm512_set1_ps(f);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t w = 0; w < nw; ++w) {
      const size_t c0 = 64 * w, n = c - c0;
      __mmask16 m[4];
      __m512 vv[4], tt[4];
#pragma GCC unroll 16
      for (int k = 0; k < 4; ++k) {
        m[k] = n > 16u * k ? mask16(n - 16 * k) : __mmask16(0);
        vv[k] = _mm512_maskz_loadu_ps(m[k], v + r * c + c0 + 16 * k);
        tt[k] = _mm512_maskz_loadu_ps(m[k], th + c0 + 16 * k);
      }
      for (size_t t = 0; t < T; ++t) {
        const float* xr = x + (t * rows + r) * c + c0;
        uint64_t word = 0;
#pragma GCC unroll 16
        for (int k = 0; k < 4; ++k) {
          const __m512 xx = _mm512_maskz_loadu_ps(m[k], xr + 16 * k);
          const __m512 h = _mm512_add_ps(vv[k], kMul ? _mm512_mul_ps(_mm512_sub_ps(xx, vv[k]), vf)
                                                     : _mm512_div_ps(_mm512_sub_ps(xx, vv[k]), vf));
          const __mmask16 fire = _mm512_mask_cmp_ps_mask(m[k], h, tt[k], _CMP_GE_OQ);
          vv[k] = _mm512_maskz_mov_ps(static_cast<__mmask16>(~fire), h);
          word |= static_cast<uint64_t>(fire) << (16 * k);
        }
        spikes[(t * rows + r) * sstride + w] = word;
      }
#pragma GCC unroll 16
      for (int k = 0; k < 4; ++k) _mm512_mask_storeu_ps(v + r * c + c0 + 16 * k, m[k], vv[k]);
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

// h = clamp(v + ((x - v) * decay >> 16)) on 8 lanes of 64 bits, narrowed back to int32.
inline __m256i lif_i32_half(__m256i x, __m256i v, __m512i dec, __m512i mn, __m512i mx) {
  const __m512i v64 = _mm512_cvtepi32_epi64(v);
  const __m512i d = _mm512_sub_epi64(_mm512_cvtepi32_epi64(x), v64);
  __m512i h = _mm512_add_epi64(v64, _mm512_srai_epi64(_mm512_mullo_epi64(d, dec), 16));
  h = _mm512_min_epi64(_mm512_max_epi64(h, mn), mx);
  return _mm512_cvtepi64_epi32(h);
}

void lif_i32(const int32_t* x, size_t T, size_t rows, size_t c, int32_t decay, const int32_t* th,
             int32_t mem_min, int32_t mem_max, int32_t* v, uint64_t* spikes, size_t sstride) {
  const size_t nw = (c + 63) / 64;
  const __m512i dec = _mm512_set1_epi64(decay);
  const __m512i mn = _mm512_set1_epi64(mem_min), mx = _mm512_set1_epi64(mem_max);
  const __m512i mn32 = _mm512_set1_epi32(mem_min), mx32 = _mm512_set1_epi32(mem_max);
  const bool small_decay = decay >= 0 && decay <= 65536;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t w = 0; w < nw; ++w) {
      const size_t c0 = 64 * w, n = c - c0;
      __mmask16 m[4];
      __m512i vv[4], tt[4];
#pragma GCC unroll 16
      for (int k = 0; k < 4; ++k) {
        m[k] = n > 16u * k ? mask16(n - 16 * k) : __mmask16(0);
        vv[k] = _mm512_maskz_loadu_epi32(m[k], v + r * c + c0 + 16 * k);
        tt[k] = _mm512_maskz_loadu_epi32(m[k], th + c0 + 16 * k);
      }
      for (size_t t = 0; t < T; ++t) {
        const int32_t* xr = x + (t * rows + r) * c + c0;
        uint64_t word = 0;
#pragma GCC unroll 16
        for (int k = 0; k < 4; ++k) {
          const __m512i xx = _mm512_maskz_loadu_epi32(m[k], xr + 16 * k);
          const __m512i d = _mm512_sub_epi32(xx, vv[k]);
          // lanes where x - v overflows int32: signs of x and v differ and d's sign is not x's
          const __mmask16 ovf = _mm512_movepi32_mask(
              _mm512_and_si512(_mm512_xor_si512(xx, vv[k]), _mm512_xor_si512(xx, d)));
          __m512i h;
          if (small_decay && ovf == 0) {
            // 32-bit path: |d| < 2^31 and 0 <= decay <= 2^16 put q = floor(d * decay / 2^16)
            // between 0 and d, so q and h = v + q (between v and x) fit int32. Products of
            // even / odd lanes with vpmuldq, shifted, merged back to 32-bit lanes.
            const __m512i pe = _mm512_srai_epi64(_mm512_mul_epi32(d, dec), 16);
            const __m512i po =
                _mm512_srai_epi64(_mm512_mul_epi32(_mm512_srli_epi64(d, 32), dec), 16);
            const __m512i q =
                _mm512_mask_blend_epi32(__mmask16(0xAAAA), pe, _mm512_slli_epi64(po, 32));
            h = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(vv[k], q), mn32), mx32);
          } else {
            const __m256i lo = lif_i32_half(_mm512_castsi512_si256(xx),
                                            _mm512_castsi512_si256(vv[k]), dec, mn, mx);
            const __m256i hi = lif_i32_half(_mm512_extracti64x4_epi64(xx, 1),
                                            _mm512_extracti64x4_epi64(vv[k], 1), dec, mn, mx);
            h = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
          }
          const __mmask16 fire = _mm512_mask_cmpge_epi32_mask(m[k], h, tt[k]);
          vv[k] = _mm512_maskz_mov_epi32(static_cast<__mmask16>(~fire), h);
          word |= static_cast<uint64_t>(fire) << (16 * k);
        }
        spikes[(t * rows + r) * sstride + w] = word;
      }
#pragma GCC unroll 16
      for (int k = 0; k < 4; ++k) _mm512_mask_storeu_epi32(v + r * c + c0 + 16 * k, m[k], vv[k]);
    }
    for (size_t t = 0; t < T; ++t)
      for (size_t w = nw; w < sstride; ++w) spikes[(t * rows + r) * sstride + w] = 0;
  }
}

void currents_i32(int32_t* x, size_t n, size_t c, const int32_t* bias, int acc_bits, int F) {
  const __m512i alo = _mm512_set1_epi32(static_cast<int32_t>(-(int64_t{1} << (acc_bits - 1))));
  const __m512i ahi = _mm512_set1_epi32(static_cast<int32_t>((int64_t{1} << (acc_bits - 1)) - 1));
  const __m512i clo = _mm512_set1_epi32(static_cast<int32_t>(-(int64_t{1} << (acc_bits + F))));
  const __m512i chi = _mm512_set1_epi32(static_cast<int32_t>((int64_t{1} << (acc_bits + F)) - 1));
  const __m128i sh = _mm_cvtsi32_si128(F);
  for (size_t r = 0; r + c <= n; r += c)
    for (size_t o = 0; o < c; o += 16) {
      const __mmask16 m = mask16(c - o);
      __m512i a =
          _mm512_min_epi32(_mm512_max_epi32(_mm512_maskz_loadu_epi32(m, x + r + o), alo), ahi);
      a = _mm512_add_epi32(_mm512_sll_epi32(a, sh), _mm512_maskz_loadu_epi32(m, bias + o));
      _mm512_mask_storeu_epi32(x + r + o, m, _mm512_min_epi32(_mm512_max_epi32(a, clo), chi));
    }
}

// LZCNT (CPUID 0x80000001 ECX bit 5, "ABM"): read directly, since clang's
// __builtin_cpu_supports does not know "lzcnt" (the fuzzer build uses clang).
bool has_lzcnt() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & (1u << 5));
}

// Only reads libgcc's CPU model; emits no AVX-512 instruction.
bool supported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("avx512vnni") &&
         __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("popcnt") && has_lzcnt();
}

// Constant-initialised (no code runs at start-up in this file besides the Register call).
constexpr KernelSet kAvx512{
    "avx512",        20,
    &supported,      &and_popcount,
    &spmm_i8_event,  &spmm_i8_dense,
    &spmm_i32_event, &spmm_f32_event,
    &spmm_f32_dense, &lif_f32,
    &lif_i32,        &popcount_words,
    &currents_i32,   0.7,
};

// Runs before default-priority static constructors, so code that looks kernels up during
// static initialisation (e.g. benchmark registration) sees every set.
__attribute__((init_priority(200))) const Register kRegisterAvx512(kAvx512);

}  // namespace
}  // namespace ss::kern
