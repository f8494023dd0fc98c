#include "engine/values.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace ss {

void Values::add(const SpikeTensor& s) {
  for (size_t r = 0; r < s.rows(); ++r) {
    const uint64_t* w = s.row(r);
    uint8_t* d = v.data() + r * channels;
    for (size_t k = 0; k < s.stride(); ++k)
      for (uint64_t m = w[k]; m; m &= m - 1) {
        uint8_t& x = d[k * 64 + __builtin_ctzll(m)];
        if (x != 255) ++x;
      }
  }
}

Planes Planes::of(const Values& x) {
  uint8_t mx = 0;
  for (uint8_t e : x.v) mx |= e;
  int bits = 1;
  while ((1 << bits) <= mx) ++bits;
  Planes out;
  out.p.assign(bits, SpikeTensor(x.T, x.tokens, x.channels));
  const size_t stride = out.p[0].stride();
  // Eight channels at a time: bit b of each of 8 bytes, (x >> b) & 0x01..01, gathered into
  // one byte (byte i -> bit i) by a multiply that sends bit 8i to bit 56 + i.
  static_assert(std::endian::native == std::endian::little, "bytes are read as uint64 words");
  constexpr uint64_t kLow = 0x0101010101010101ull, kGather = 0x0102040810204080ull;
  for (size_t r = 0; r < size_t(x.T) * x.tokens; ++r) {
    const uint8_t* s = x.v.data() + r * x.channels;
    for (size_t w = 0; w < stride; ++w) {
      const size_t n = std::min<size_t>(64, size_t(x.channels) - w * 64);
      uint8_t c[64] = {};
      std::memcpy(c, s + w * 64, n);
      uint64_t word[8] = {};
      for (size_t g = 0; g < 8; ++g) {
        uint64_t v;
        std::memcpy(&v, c + 8 * g, 8);
        for (int b = 0; b < bits; ++b) word[b] |= ((((v >> b) & kLow) * kGather) >> 56) << (8 * g);
      }
      for (int b = 0; b < bits; ++b) out.p[b].row(r)[w] = word[b];
    }
  }
  return out;
}

}  // namespace ss
