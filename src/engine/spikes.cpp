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
  if (len <= 0) return o;
  // 64 channels per step: destination word k is source bits [start + 64k, start + 64k + 64),
  // i.e. word first + k shifted down by sh, topped up from the next word while that still
  // holds slice bits; the last word is cut to the slice's length.
  const size_t first = size_t(start) >> 6, sh = size_t(start) & 63;
  const size_t last = (size_t(start) + size_t(len) - 1) >> 6, words = (size_t(len) + 63) >> 6;
  const uint64_t tail = (len & 63) ? (uint64_t(1) << (len & 63)) - 1 : ~uint64_t(0);
  for (size_t r = 0; r < s.rows(); ++r) {
    const uint64_t* src = s.row(r) + first;
    uint64_t* dst = o.row(r);
    for (size_t k = 0; k < words; ++k) {
      uint64_t v = src[k] >> sh;
      if (sh && first + k + 1 <= last) v |= src[k + 1] << (64 - sh);
      dst[k] = v;
    }
    dst[words - 1] &= tail;
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
