// Small non-negative integer activations (the residual stream, merged expert outputs) as dense
// bytes, and their bit-plane decomposition into spike tensors: x = sum_b 2^b * plane_b. Weight
// layers consume planes, so binary spikes and residual sums share one bit-serial datapath.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/spikes.h"

namespace ss {

struct Values {
  int T = 0, tokens = 0, channels = 0;
  std::vector<uint8_t> v;  // [T][tokens][channels]
  Values() = default;
  Values(int t, int n, int c) : T(t), tokens(n), channels(c), v(size_t(t) * n * c, 0) {}
  uint8_t& at(int t, int n, int c) { return v[(size_t(t) * tokens + n) * channels + c]; }
  uint8_t at(int t, int n, int c) const { return v[(size_t(t) * tokens + n) * channels + c]; }
  void add(const SpikeTensor& s);  // v += s (saturating at 255)
};

struct Planes {
  std::vector<SpikeTensor> p;  // p[b] holds bit b
  static Planes of(const SpikeTensor& s) { return Planes{{s}}; }
  static Planes of(const Values& x);
  int T() const { return p[0].T(); }
  int tokens() const { return p[0].tokens(); }
  int channels() const { return p[0].channels(); }
};

}  // namespace ss
