// An independent, plain scalar re-implementation of the engine's int mode (the hardware's golden
// model, docs/formats.md sections 3 and 4): dense unpacked integer arrays with one value per
// neuron, straightforward loops, no bit packing and no engine code beyond reading the model file
// and the weights. Used by int_mode_test.cpp to check the engine bit for bit.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/safetensors.h"
#include "engine/model_spec.h"

namespace ss::intref {

// Dense integer activations [T][N][C] (spikes 0/1, residual sums, pixels).
struct Tensor {
  int T = 0, N = 0, C = 0;
  std::vector<int32_t> v;
  Tensor() = default;
  Tensor(int t, int n, int c) : T(t), N(n), C(c), v(size_t(t) * n * c, 0) {}
  int32_t& at(int t, int n, int c) { return v[(size_t(t) * N + n) * C + c]; }
  int32_t at(int t, int n, int c) const { return v[(size_t(t) * N + n) * C + c]; }
};

// How often each saturation / clamp of §4 took effect.
struct SatCounts {
  int64_t bias = 0;       // load time: fixed-point bias clamped to acc_bits + F + 1 bits
  int64_t threshold = 0;  // load time: threshold clamped to the membrane maximum
  int64_t acc = 0;        // integration sum clamped to acc_bits
  int64_t current = 0;    // acc * 2^F + bias clamped to acc_bits + F + 1 bits
  int64_t attn = 0;       // attention current clamped to acc_bits + F + 1 bits
  int64_t mem = 0;        // membrane clamped to mem_bits
  int64_t total() const { return bias + threshold + acc + current + attn + mem; }
};

// One quantised Linear or 3x3 Conv with its folded BatchNorm (and the LIF threshold for the
// layer's V_th).
struct Unit {
  int A = 16, F = 8;  // accumulator bits and fraction bits of this layer's currents
  std::string name;
  int cout = 0, cin = 0, taps = 1;  // taps = 9 for a 3x3 conv (weight [cout][cin][3][3])
  std::vector<int32_t> q;           // [cout][cin][taps], i.e. q[o][c][ky * 3 + kx]
  std::vector<float> scale;         // s_o
  std::vector<float> bias;          // folded b'_o (float32)
  std::vector<int64_t> bias_fx;     // sat(round(b'_o / s_o * 2^F))
  std::vector<int64_t> th;          // round(V_th / s_o * 2^F), clamped
  int32_t w(int o, int c, int tap = 0) const { return q[(size_t(o) * cin + c) * taps + tap]; }
};

struct Result {
  std::vector<std::string> order;                      // spiking layers in execution order
  std::map<std::string, Tensor> spikes;                // layer -> [T][tokens][channels] 0/1
  std::map<std::string, std::vector<int32_t>> routes;  // "blocks.{b}" -> [N][K], best first
  std::map<std::string, std::vector<uint8_t>> heads;   // pruned "blocks.{b}.attn" -> ran [H]
  std::vector<int64_t> scores;                         // head scores, fixed point 2^-24
  int label = -1;
  SatCounts sat;         // load-time clamps plus everything clamped during this run
  int max_residual = 0;  // largest value of the residual stream (block inputs)
};

class Reference {
 public:
  Reference(const ModelSpec& spec, const SafeTensors& weights);
  // One image: uint8 pixels, CHW.
  Result run(const uint8_t* image) const;

  // Weights where round(W' / s) in float32 and in double differ (the doc leaves it open).
  int64_t division_sensitive_weights() const { return div_sensitive_; }

 private:
  struct Block {
    // ssa: q, k, v, proj. emsa: router, k, v, proj and qs.
    Unit q, k, v, proj, router;
    std::vector<Unit> qs;
    // mlp / emsp: fc1, fc2 (+ gate). moe: experts' fc1 / fc2 and the plain-Linear router.
    Unit fc1, gate, fc2, moe_router;
    std::vector<Unit> e_fc1, e_fc2;
  };
  Unit unit(const SafeTensors& w, const std::string& name, int cout, int cin, int taps, bool bn,
            double input_scale, double v_th);

  ModelSpec spec_;
  std::vector<Unit> stages_;
  Unit rpe_, head_;
  std::vector<Block> blocks_;
  SatCounts load_sat_;
  int64_t div_sensitive_ = 0;
};

}  // namespace ss::intref
