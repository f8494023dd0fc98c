// Bit-field access to Verilator port values (narrow CData/SData/IData/QData or VlWide words),
// so testbenches pack per-lane fields of flattened vector ports the same way at any width.
#pragma once
#include <verilated.h>

#include <cstdint>
#include <type_traits>

namespace ss::rtl {

// Registers and memories start as random bits, not zeros (the models are verilated with
// --x-initial unique): a block that depends on a value it never reset fails its test.
inline const bool kRandomInitialValues = (Verilated::randReset(2), true);

template <class T>
inline bool get_bit(const T& w, int i) {
  if constexpr (std::is_integral_v<T>)
    return (uint64_t(w) >> i) & 1u;
  else
    return (w[i / 32] >> (i % 32)) & 1u;
}

template <class T>
inline void set_bit(T& w, int i, bool b) {
  if constexpr (std::is_integral_v<T>) {
    const T m = T(T(1) << i);
    w = b ? T(w | m) : T(w & ~m);
  } else {
    const uint32_t m = uint32_t(1) << (i % 32);
    w[i / 32] = b ? (w[i / 32] | m) : (w[i / 32] & ~m);
  }
}

// Writes the low `width` bits of v at bit `lsb` (two's complement for negative v).
template <class T>
inline void put(T& w, int lsb, int width, int64_t v) {
  for (int i = 0; i < width; ++i) set_bit(w, lsb + i, (uint64_t(v) >> i) & 1u);
}

// Reads `width` bits at `lsb`, unsigned.
template <class T>
inline uint64_t get_u(const T& w, int lsb, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v |= uint64_t(get_bit(w, lsb + i)) << i;
  return v;
}

// Reads `width` bits at `lsb`, sign-extended.
template <class T>
inline int64_t get_s(const T& w, int lsb, int width) {
  const uint64_t u = get_u(w, lsb, width);
  return width < 64 && ((u >> (width - 1)) & 1u) ? int64_t(u | (~uint64_t(0) << width))
                                                 : int64_t(u);
}

// One rising edge of clk_i.
template <class M>
inline void tick(M& m) {
  m.clk_i = 0;
  m.eval();
  m.clk_i = 1;
  m.eval();
}

}  // namespace ss::rtl
