// Bit-packed spike tensor [T, tokens, channels], packed along channels (the reduction
// dimension of the weight layers); rows are (t, token) in t-major order.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

namespace ss {

class SpikeTensor {
 public:
  SpikeTensor() = default;
  SpikeTensor(int T, int tokens, int channels)
      : T_(T), tokens_(tokens), channels_(channels), stride_((channels + 63) / 64),
        words_(size_t(T) * tokens * stride_, 0) {}

  int T() const { return T_; }
  int tokens() const { return tokens_; }
  int channels() const { return channels_; }
  size_t rows() const { return size_t(T_) * tokens_; }
  size_t stride() const { return stride_; }  // uint64 words per row

  uint64_t* row(size_t r) { return words_.data() + r * stride_; }
  const uint64_t* row(size_t r) const { return words_.data() + r * stride_; }
  uint64_t* row(int t, int n) { return row(size_t(t) * tokens_ + n); }
  const uint64_t* row(int t, int n) const { return row(size_t(t) * tokens_ + n); }
  uint64_t* data() { return words_.data(); }
  const uint64_t* data() const { return words_.data(); }

  bool get(int t, int n, int c) const { return (row(t, n)[c >> 6] >> (c & 63)) & 1; }
  void set(int t, int n, int c, bool v) {
    uint64_t m = uint64_t(1) << (c & 63);
    uint64_t& w = row(t, n)[c >> 6];
    w = v ? (w | m) : (w & ~m);
  }
  void clear() { std::memset(words_.data(), 0, words_.size() * 8); }
  // Number of spikes at time step t (all tokens and channels).
  int64_t count(int t) const;
  int64_t count() const;
  // Dense 0/1 bytes [T][tokens][channels].
  std::vector<uint8_t> to_bytes() const;

 private:
  int T_ = 0, tokens_ = 0, channels_ = 0;
  size_t stride_ = 0;
  std::vector<uint64_t> words_;
};

// Channels [start, start + len) of every row.
SpikeTensor slice_channels(const SpikeTensor& s, int start, int len);
// Selected tokens (all T steps), in the given order.
SpikeTensor gather_tokens(const SpikeTensor& s, const std::vector<int>& tokens);

}  // namespace ss
