// Spiking patch splitting (SPS): Conv3x3-BN-LIF stages with optional 3x3/2 max pools, the
// first fed with analog pixels repeated over T, then a relative position embedding.
#pragma once
#include <vector>

#include "engine/synapse.h"

namespace ss {

class Tokenizer {
 public:
  Tokenizer(const Context& ctx, const SafeTensors& w);
  // image: uint8 CHW. Returns the token stream [T, tokens, dim] (values 0..2 with rpe).
  Values forward(const Context& ctx, const uint8_t* image) const;
  std::vector<std::string> layer_names() const;

 private:
  std::vector<Synapse> stages_;
  Synapse rpe_;
};

// Packed 3x3 patches (padding 1): row (t, y, x) holds 9*C bits ordered (ky, kx, c).
SpikeTensor im2col3x3(const SpikeTensor& s, int h, int w);
// 3x3 stride-2 padding-1 max pool (OR) over an h x w token grid.
SpikeTensor maxpool3x3s2(const SpikeTensor& s, int h, int w);

}  // namespace ss
