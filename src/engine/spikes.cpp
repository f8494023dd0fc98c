#include "engine/spikes.h"

#include <bit>

#include "engine/kernels/kernels.h"

namespace ss {

int64_t SpikeTensor::count(int t) const {
  return int64_t(kern::kernels().popcount_words(row(t, 0), size_t(tokens_) * stride_));
}

int64_t SpikeTensor::count() const {
  return int64_t(kern::kernels().popcount_words(words_.data(), words_.size()));
}

std::vector<uint8_t> SpikeTensor::to_bytes() const {
  std::vector<uint8_t> out(rows() * channels_);
  for (size_t r = 0; r < rows(); ++r) {
    const uint64_t* w = row(r);
    for (int c = 0; c < channels_; ++c) out[r * channels_ + c] = (w[c >> 6] >> (c & 63)) & 1;
  }
  return out;
}

SpikeTensor slice_channels(const SpikeTensor& s, int start, int len) {
  SpikeTensor o(s.T(), s.tokens(), len);
  for (size_t r = 0; r < s.rows(); ++r) {
    const uint64_t* src = s.row(r);
    uint64_t* dst = o.row(r);
    for (int j = 0; j < len; ++j) {
      int c = start + j;
      if ((src[c >> 6] >> (c & 63)) & 1) dst[j >> 6] |= uint64_t(1) << (j & 63);
    }
  }
  return o;
}

SpikeTensor gather_tokens(const SpikeTensor& s, const std::vector<int>& tokens) {
  SpikeTensor o(s.T(), int(tokens.size()), s.channels());
  for (int t = 0; t < s.T(); ++t)
    for (size_t i = 0; i < tokens.size(); ++i)
      std::memcpy(o.row(t, int(i)), s.row(t, tokens[i]), s.stride() * 8);
  return o;
}

}  // namespace ss
