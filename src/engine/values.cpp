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
  for (uint8_t e : x.v) mx |= e;
  int bits = 1;
  while ((1 << bits) <= mx) ++bits;
  Planes out;
  out.p.assign(bits, SpikeTensor(x.T, x.tokens, x.channels));
  const size_t stride = out.p[0].stride();
  for (size_t r = 0; r < size_t(x.T) * x.tokens; ++r) {
    const uint8_t* s = x.v.data() + r * x.channels;
    for (size_t w = 0; w < stride; ++w) {
      const int n = std::min(64, x.channels - int(w * 64));
      const uint8_t* c = s + w * 64;
      for (int b = 0; b < bits; ++b) {
        uint64_t word = 0;
        for (int j = 0; j < n; ++j) word |= uint64_t((c[j] >> b) & 1) << j;
        out.p[b].row(r)[w] = word;
      }
    }
  }
  return out;
}

}  // namespace ss
