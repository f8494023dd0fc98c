// One weight layer with its folded BatchNorm and the LIF that follows it: a Linear (or a 3x3
// conv flattened to (ky, kx, c) rows) integrated over spike planes, then fired. Holds the float
// weights (float mode) or the per-channel int8 weights and fixed-point bias/threshold (int mode).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/values.h"

namespace ss {

class SafeTensors;

// Per-time-step input currents of a layer: [T][rows][cout], float or fixed-point int.
struct Currents {
  int T = 0, rows = 0, cout = 0;
  std::vector<float> f;
  std::vector<int32_t> i;
};

// Fixed-point helpers shared by the int-mode layers.
namespace fx {
int64_t round_half_away(double x);
// clamp to the signed `bits`-wide two's-complement range
inline int32_t sat(int64_t v, int bits) {
  const int64_t hi = (int64_t(1) << (bits - 1)) - 1, lo = -(int64_t(1) << (bits - 1));
  return int32_t(v < lo ? lo : (v > hi ? hi : v));
}
inline int32_t decay(double tau) { return int32_t(round_half_away(65536.0 / tau)); }
// Threshold v_th / scale in fixed point, clamped to the membrane range.
int32_t threshold(double v_th, double scale, int frac_bits, int mem_bits);
}  // namespace fx

class Synapse {
 public:
  Synapse() = default;
  // Reads `<name>.weight` (shape [cout, cin] or [cout, cin, 3, 3]), optional `<name>.bias`,
  // and `<name>.bn.*` when `bn` is set; folds BN; quantises in int mode. A `pixels` layer is
  // fed raw 8-bit pixels: its float input is pixel / 255, and in int mode its weights absorb
  // the 1/255 and its accumulator trades 8 fraction bits for 8 integer bits (the pixel's own
  // 8 bits of resolution), so acc_bits + 8 and max(0, F - 8).
  Synapse(const Context& ctx, const SafeTensors& w, const std::string& name, int cout, int cin,
          bool conv, bool bn = true, bool pixels = false);

  int cin() const { return cin_; }  // rows of the flattened weight (9*c for a conv)
  int cout() const { return cout_; }
  const std::string& name() const { return name_; }

  // currents = bias + sum_b 2^b * (plane_b x W); returns executed synaptic ops per step.
  std::vector<int64_t> integrate(const Context& ctx, const Planes& x, Currents& out) const;
  // Same for a dense integer input (pixels), rows = x.size() / cin, one step.
  void integrate_dense(const Context& ctx, const std::vector<int32_t>& x, int rows,
                       Currents& out) const;
  // Multi-step LIF with this layer's threshold (v_th in float units).
  SpikeTensor fire(const Context& ctx, const Currents& c, int tokens, double v_th) const;
  // integrate + fire + report to the observer under name().
  SpikeTensor run(const Context& ctx, const Planes& x, double v_th) const;
  // The same with only the output channels whose `keep` entry is non-zero present (head
  // pruning): the others emit no spike and count no executed op (events x kept channels).
  SpikeTensor run_channels(const Context& ctx, const Planes& x, double v_th,
                           const std::vector<uint8_t>& keep) const;

  // Float-mode folded weight [cin][cout] and bias (tests, exporters).
  const std::vector<float>& weight_t() const { return wt_; }
  const std::vector<float>& bias() const { return bias_; }
  const std::vector<int8_t>& qweight_t() const { return qt_; }
  const std::vector<float>& scale() const { return scale_; }
  const std::vector<int32_t>& qbias() const { return bias_fx_; }
  int acc_bits() const { return acc_bits_; }
  int frac_bits() const { return frac_bits_; }
  // Raw weighted sums in `c` -> currents, in place: int applies current() to every element
  // (vectorised kernel), float adds the bias to sums that started at +0. Every integration path
  // ends here, including layers that sum their own way (EMSP's depthwise gate).
  void finish_currents(const Context& ctx, Currents& c) const;
  // X = sat_{acc+F+1}(sat_acc(acc) * 2^F + bias_fx[o]): the current of output channel o.
  // acc_bits + F <= 30 (validated), so every step fits int32 and the loops calling it vectorise.
  int32_t current(int64_t acc, int o) const {
    const int32_t a = fx::sat(acc, acc_bits_);
    return fx::sat(int64_t(int32_t(uint32_t(a) << frac_bits_)) + bias_fx_[o],
                   acc_bits_ + frac_bits_ + 1);
  }

 private:
  std::string name_;
  int cin_ = 0, cout_ = 0;
  int acc_bits_ = 16, frac_bits_ = 8;  // int mode fixed-point format of this layer
  std::vector<float> wt_, bias_;
  std::vector<int8_t> qt_;
  std::vector<float> scale_;
  std::vector<int32_t> bias_fx_;
};

// LIF over currents with a uniform threshold (float units) or per-channel fixed-point ones.
SpikeTensor lif(const Context& ctx, const Currents& c, int tokens, const std::vector<float>& th_f,
                const std::vector<int32_t>& th_i);

}  // namespace ss
