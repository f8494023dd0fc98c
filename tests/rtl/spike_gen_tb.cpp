// Spike generator (hw/spike_gen.v): hand-worked neuron-steps, then >= 10^5 random steps per
// format against the engine's own int-mode kernels (currents_i32, lif_i32, fx::sat) as golden.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "Vspike_gen.h"
#include "Vspike_gen_const.h"
#include "Vspike_gen_m16.h"
#include "engine/kernels/kernels.h"
#include "engine/synapse.h"
#include "rtl/rtl_bits.h"

namespace {

using ss::rtl::get_s;
using ss::rtl::get_u;
using ss::rtl::put;

constexpr int kLanes = 4, kAccW = 32, kBiasW = 32;

struct Format {
  int A, F;          // accumulator and fraction bits
  int32_t decay;     // llround(2^16 / tau)
  bool attn;         // attention current: sat_{A+F+1}(count * scale)
  int32_t scale_fx;  // llround(attn_scale * 2^F)
};

struct Step {
  int32_t acc = 0, bias = 0, th = 0, v = 0;
};
struct Out {
  bool spike;
  int32_t v;
};

template <class M, int kMemW>
class SpikeGen {
 public:
  SpikeGen() {
    m_->rst_ni = 0;
    m_->valid_i = 0;
    ss::rtl::tick(*m_);
    m_->rst_ni = 1;
  }
  void config(const Format& f) {
    m_->cfg_acc_bits_i = f.A;
    m_->cfg_frac_bits_i = f.F;
    m_->cfg_attn_i = f.attn;
    m_->cfg_attn_scale_i = f.scale_fx;
    m_->cfg_decay_i = f.decay;
  }
  // One cycle with a step on every lane; the results come out registered after the edge.
  std::vector<Out> step(const std::vector<Step>& s) {
    m_->valid_i = (1u << kLanes) - 1;
    for (int l = 0; l < kLanes; ++l) {
      put(m_->acc_i, l * kAccW, kAccW, s[l].acc);
      put(m_->bias_i, l * kBiasW, kBiasW, s[l].bias);
      put(m_->th_i, l * kMemW, kMemW, s[l].th);
      put(m_->v_i, l * kMemW, kMemW, s[l].v);
    }
    ss::rtl::tick(*m_);
    std::vector<Out> o(kLanes);
    for (int l = 0; l < kLanes; ++l) {
      EXPECT_EQ(get_u(m_->valid_o, l, 1), 1u);
      o[l] = {get_u(m_->spike_o, l, 1) != 0, int32_t(get_s(m_->v_o, l * kMemW, kMemW))};
    }
    return o;
  }
  Out one(const Step& s) { return step({s, s, s, s})[0]; }
  M& model() { return *m_; }

 private:
  std::unique_ptr<M> m_ = std::make_unique<M>();
};

// The engine's int mode for one neuron-step: the same kernels Synapse::finish_currents,
// attention_currents and lif() call.
Out golden(const Format& f, int mem_bits, const Step& s) {
  const auto& k = ss::kern::kernels();
  int32_t x = s.acc;
  if (f.attn)
    x = ss::fx::sat(int64_t(s.acc) * f.scale_fx, f.A + f.F + 1);
  else
    k.currents_i32(&x, 1, 1, &s.bias, f.A, f.F);
  const int32_t hi = int32_t((int64_t(1) << (mem_bits - 1)) - 1), lo = -hi - 1;
  int32_t v = s.v;
  uint64_t spk = 0;
  k.lif_i32(&x, 1, 1, 1, f.decay, &s.th, lo, hi, &v, &spk, 1);
  return {spk != 0, v};
}

const Format kLayer{16, 8, 32768, false, 0};  // every shipped layer: A 16, F 8, tau 2
const Format kPixel{24, 0, 32768, false, 0};  // pixel-fed first conv: A + 8, max(0, F - 8)
const Format kAttn{16, 8, 32768, true, 32};   // attention: llround(0.125 * 2^8) = 32

TEST(SpikeGen, HandWorkedLayerSteps) {
  SpikeGen<Vspike_gen, 24> g;
  g.config(kLayer);
  // X = 100 * 2^8 - 50 = 25550; H = 0 + floor(25550 * 32768 / 2^16) = 12775 >= 1000: fire, V = 0
  Out o = g.one({100, -50, 1000, 0});
  EXPECT_TRUE(o.spike);
  EXPECT_EQ(o.v, 0);
  // X = 3 * 256 + 10 = 778; H = floor(778 / 2) = 389 < 1000: V = 389
  o = g.one({3, 10, 1000, 0});
  EXPECT_FALSE(o.spike);
  EXPECT_EQ(o.v, 389);
  // same input, V = 389: H = 389 + floor((778 - 389) / 2) = 389 + 194 = 583
  o = g.one({3, 10, 1000, 389});
  EXPECT_FALSE(o.spike);
  EXPECT_EQ(o.v, 583);
  // floor, not truncation: X = -1 * 256 + 1 = -255; H = floor(-127.5) = -128
  o = g.one({-1, 1, 1000, 0});
  EXPECT_FALSE(o.spike);
  EXPECT_EQ(o.v, -128);
  // sat_A: acc 40000 -> 32767; X = 32767 * 256 + (2^24 - 1) = 25165567 -> sat_25 = 16777215;
  // H = floor(16777215 / 2) = 8388607 = 2^23 - 1 = th clamped to the membrane maximum: the
  // engine fires (H >= th), so a "never fires" threshold still fires on a saturated membrane.
  o = g.one({40000, (1 << 24) - 1, (1 << 23) - 1, 0});
  EXPECT_TRUE(o.spike);
  EXPECT_EQ(o.v, 0);
  // negative corner: acc -40000 -> -32768; X = -8388608 - 2^24 -> sat_25 = -16777216;
  // V = -2^23: H = -8388608 + floor(-8388608 / 2) = -12582912 -> sat_24 = -8388608
  o = g.one({-40000, -(1 << 24), 100, -(1 << 23)});
  EXPECT_FALSE(o.spike);
  EXPECT_EQ(o.v, -(1 << 23));
  // threshold is inclusive: X = 2 * 256 = 512, H = 256 = th: fire
  o = g.one({2, 0, 256, 0});
  EXPECT_TRUE(o.spike);
  o = g.one({2, -2, 256, 0});  // X = 510, H = 255 < 256
  EXPECT_FALSE(o.spike);
  EXPECT_EQ(o.v, 255);
}

TEST(SpikeGen, HandWorkedPixelAndAttention) {
  SpikeGen<Vspike_gen, 24> g;
  g.config(kPixel);
  // A 24, F 0: acc 10^7 -> sat_24 = 8388607; X = 8388607 - 7 = 8388600; H = 4194300 < th
  Out o = g.one({10000000, -7, 5000000, 0});
  EXPECT_FALSE(o.spike);
  EXPECT_EQ(o.v, 4194300);
  g.config(kAttn);
  // count 20: X = 20 * 32 = 640 (bias ignored), H = 320 >= th = llround(0.5 * 2^8) = 128
  o = g.one({20, 12345, 128, 0});
  EXPECT_TRUE(o.spike);
  // count 7: X = 224, H = 112 < 128; next step H = 112 + floor((224 - 112) / 2) = 168: fire
  o = g.one({7, 0, 128, 0});
  EXPECT_FALSE(o.spike);
  EXPECT_EQ(o.v, 112);
  o = g.one({7, 0, 128, 112});
  EXPECT_TRUE(o.spike);
  // saturation of the product: count 2^20 * 32 = 2^25 -> sat_25 = 2^24 - 1; H = 8388607
  o = g.one({1 << 20, 0, (1 << 23) - 1, 0});
  EXPECT_TRUE(o.spike);
  o = g.one({-(1 << 20), 0, 0, 0});  // -2^25 -> -2^24; H = -2^23
  EXPECT_FALSE(o.spike);
  EXPECT_EQ(o.v, -(1 << 23));
}

TEST(SpikeGen, LatencyOneCycleAndValid) {
  SpikeGen<Vspike_gen, 24> g;
  g.config(kLayer);
  auto& m = g.model();
  m.valid_i = 0b0101;
  for (int l = 0; l < kLanes; ++l) {
    put(m.acc_i, l * kAccW, kAccW, 100);
    put(m.bias_i, l * kBiasW, kBiasW, 0);
    put(m.th_i, l * 24, 24, 10);
    put(m.v_i, l * 24, 24, 0);
  }
  m.eval();
  EXPECT_EQ(unsigned(m.valid_o), 0u);  // nothing before the edge
  EXPECT_EQ(unsigned(m.spike_o), 0u);
  ss::rtl::tick(m);
  EXPECT_EQ(unsigned(m.valid_o), 0b0101u);
  EXPECT_EQ(unsigned(m.spike_o), 0b0101u);  // invalid lanes never spike
  m.valid_i = 0;
  ss::rtl::tick(m);
  EXPECT_EQ(unsigned(m.valid_o), 0u);
  EXPECT_EQ(unsigned(m.spike_o), 0u);
}

// Random values with the corners over-represented: around sat_A, sat_{A+F+1}, the int32
// extremes, zero, and the membrane limits.
class Stimulus {
 public:
  explicit Stimulus(uint32_t seed) : rng_(seed) {}
  int64_t pick(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  int32_t acc(const Format& f) {
    const int64_t a = int64_t(1) << (f.A - 1);
    switch (pick(0, 7)) {
      case 0:
        return int32_t(pick(-a - 4, -a + 4));
      case 1:
        return int32_t(pick(a - 5, a + 3));
      case 2:
        return int32_t(pick(INT32_MIN, INT32_MAX));
      case 3:
        return int32_t(pick(-8, 8));
      case 4:
        return pick(0, 1) ? INT32_MIN : INT32_MAX;
      default:
        return int32_t(pick(-2 * a, 2 * a));
    }
  }
  int32_t bias(const Format& f) {
    const int64_t c = int64_t(1) << (f.A + f.F);
    switch (pick(0, 4)) {
      case 0:
        return int32_t(pick(0, 1) ? -c : c - 1);
      case 1:
        return int32_t(pick(-256, 256));
      default:
        return int32_t(pick(-c, c - 1));
    }
  }
  int32_t mem(int mem_bits) {
    const int64_t m = int64_t(1) << (mem_bits - 1);
    switch (pick(0, 5)) {
      case 0:
        return int32_t(pick(0, 1) ? -m : m - 1);
      case 1:
        return int32_t(pick(-300, 300));
      default:
        return int32_t(pick(-m, m - 1));
    }
  }
  int32_t threshold(const Format& f, int mem_bits) {
    const int64_t m = int64_t(1) << (mem_bits - 1);
    switch (pick(0, 4)) {
      case 0:
        return int32_t(m - 1);  // fx::threshold's clamp
      case 1:
        return int32_t(pick(1, int64_t(4) << f.F));
      default:
        return int32_t(pick(-m, m - 1));
    }
  }

 private:
  std::mt19937_64 rng_;
};

// kCycles cycles x 4 lanes of random steps in format f. Each lane follows one neuron whose
// membrane is the engine's own, re-drawn now and then so that every region is visited.
template <class M, int kMemW>
void random_compare(const Format& f, int cycles, uint32_t seed) {
  SpikeGen<M, kMemW> g;
  g.config(f);
  Stimulus st(seed);
  std::vector<int32_t> v(kLanes, 0), th(kLanes), bias(kLanes);
  for (int l = 0; l < kLanes; ++l) th[l] = st.threshold(f, kMemW), bias[l] = st.bias(f);
  int64_t spikes = 0, mismatches = 0;
  for (int c = 0; c < cycles; ++c) {
    std::vector<Step> s(kLanes);
    for (int l = 0; l < kLanes; ++l) {
      if (st.pick(0, 15) == 0) v[l] = st.mem(kMemW);
      if (st.pick(0, 31) == 0) th[l] = st.threshold(f, kMemW), bias[l] = st.bias(f);
      s[l] = {st.acc(f), bias[l], th[l], v[l]};
    }
    const auto out = g.step(s);
    for (int l = 0; l < kLanes; ++l) {
      const Out want = golden(f, kMemW, s[l]);
      if (out[l].spike != want.spike || out[l].v != want.v) {
        if (++mismatches <= 5)
          ADD_FAILURE() << "A=" << f.A << " F=" << f.F << " attn=" << f.attn << " acc=" << s[l].acc
                        << " bias=" << s[l].bias << " th=" << s[l].th << " v=" << s[l].v
                        << ": rtl (" << out[l].spike << ", " << out[l].v << ") engine ("
                        << want.spike << ", " << want.v << ")";
      }
      spikes += want.spike;
      v[l] = want.v;
    }
  }
  EXPECT_EQ(mismatches, 0);
  // the stimulus exercises both outcomes
  EXPECT_GT(spikes, cycles / 20);
  EXPECT_LT(spikes, int64_t(cycles) * kLanes - cycles / 20);
}

constexpr int kCycles = 25000;  // x 4 lanes = 10^5 steps per format

TEST(SpikeGen, RandomVsEngineLayer) { random_compare<Vspike_gen, 24>(kLayer, kCycles, 1); }
TEST(SpikeGen, RandomVsEnginePixel) { random_compare<Vspike_gen, 24>(kPixel, kCycles, 2); }
TEST(SpikeGen, RandomVsEngineAttention) { random_compare<Vspike_gen, 24>(kAttn, kCycles, 3); }
TEST(SpikeGen, RandomVsEngineOtherFormats) {
  // tau 1, 1.5, 3, 4; narrow and wide formats; an attention scale of a different F
  random_compare<Vspike_gen, 24>({16, 8, 65536, false, 0}, kCycles / 5, 4);
  random_compare<Vspike_gen, 24>({16, 8, 43691, false, 0}, kCycles / 5, 5);
  random_compare<Vspike_gen, 24>({20, 10, 21845, false, 0}, kCycles / 5, 6);
  random_compare<Vspike_gen, 24>({8, 4, 16384, false, 0}, kCycles / 5, 7);
  random_compare<Vspike_gen, 24>({12, 12, 32768, true, 1448}, kCycles / 5, 8);
  random_compare<Vspike_gen, 24>({24, 6, 32768, true, 65535}, kCycles / 5, 9);
}
TEST(SpikeGen, RandomVsEngineMem16) {
  // configs/arch/small.toml: membrane_bits = 16
  random_compare<Vspike_gen_m16, 16>(kLayer, kCycles / 2, 10);
  random_compare<Vspike_gen_m16, 16>(kAttn, kCycles / 2, 11);
}

}  // namespace

namespace {
// DECAY_CONST 32768 and SCALE_CONST 32 (tau 2, s = 1/8 at F 8): the cfg inputs are ignored.
TEST(SpikeGen, RandomVsEngineConstantDecayAndScale) {
  // the bench drives cfg_decay 65536 and scale 1: the constants must win
  SpikeGen<Vspike_gen_const, 24> g;
  g.config({16, 8, 65536, false, 1});
  Out o = g.one({3, 10, 1000, 0});  // X = 778, H = floor(778 * 32768 / 2^16) = 389
  EXPECT_EQ(o.v, 389);
  g.config({16, 8, 65536, true, 1});
  o = g.one({7, 0, 128, 0});  // X = 7 * 32 = 224, H = 112
  EXPECT_EQ(o.v, 112);
  random_compare<Vspike_gen_const, 24>(kLayer, kCycles / 5, 12);
  random_compare<Vspike_gen_const, 24>(kAttn, kCycles / 5, 13);
}
}  // namespace
