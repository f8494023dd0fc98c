// Multi-step leaky integrate-and-fire neuron with hard reset for training (BPTT over T) and
// for the float reference: forward bit-identical to docs/formats.md §3, sigmoid surrogate.
#pragma once
#include <torch/types.h>

namespace ss::train {

struct LifParams {
  float tau = 2.0f;        // time constant: H = V + (X - V) / tau (float32 division)
  float threshold = 1.0f;  // S = H >= threshold; V = S ? 0 : H
  float alpha = 4.0f;      // surrogate: dS/dH = d/dH sigmoid(alpha (H - threshold))
  // true: the reset does not carry gradient (V = H * (1 - stopgrad(S))), as Spikformer
  // configures spikingjelly (detach_reset=True); false: spikingjelly's default.
  bool detach_reset = true;
};

// x: [T, ...] float32 input currents; returns 0/1 spikes of the same shape. V starts at 0.
// Differentiable with respect to x.
torch::Tensor lif(const torch::Tensor& x, const LifParams& p);

}  // namespace ss::train
