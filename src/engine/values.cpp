#include "engine/values.h"

#include <algorithm>

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
  for (uint8_t e : x.v) mx = std::max(mx, e);
  int bits = 1;
  while ((1 << bits) <= mx) ++bits;
  Planes out;
  out.p.assign(bits, SpikeTensor(x.T, x.tokens, x.channels));
  for (size_t r = 0; r < size_t(x.T) * x.tokens; ++r) {
    const uint8_t* s = x.v.data() + r * x.channels;
    for (int c = 0; c < x.channels; ++c)
      if (uint8_t e = s[c])
        for (int b = 0; b < bits; ++b)
          if ((e >> b) & 1) out.p[b].row(r)[c >> 6] |= uint64_t(1) << (c & 63);
  }
  return out;
}

}  // namespace ss
