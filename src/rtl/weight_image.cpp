#include "rtl/weight_image.h"

#include <fmt/format.h>

#include "common/error.h"
#include "rtl/layer_quant.h"
#include "sim/schedule.h"

namespace ss::rtl {

WeightImage::WeightImage(const ModelSpec& m, const SafeTensors& w, const sim::Workload& wl,
                         const arch::Arch& a, const SeCoreParams& p)
    : width_(p.wg_width), banks_(p.wg_banks) {
  // the tiles in workload order: each layer's passes over all its tokens and channels
  // (a pass of an inference covers one of them: routed experts and head pruning only skip)
  struct Tile {
    std::string layer;
    int r0, c0, ru, cu;
    const LayerQuant* q;
  };
  std::vector<LayerQuant> quants;
  quants.reserve(wl.layers.size());
  std::vector<Tile> tiles;
  int64_t words = 0;
  for (const sim::LayerDesc& d : wl.layers) {
    if (d.kind == sim::Kind::attention || d.kind == sim::Kind::router) continue;
    quants.push_back(quantize_layer(m, w, d));
    words = (words + banks_ - 1) / banks_ * banks_;  // the layer starts at a row
    const int64_t first = words;
    // one token: the schedule's every (output tile, input tile) in every time chunk
    for (const sim::WeightPass& s : sim::weight_schedule(d, 1, d.cout, a).passes) {
      if (addr_.count({d.name, s.r0, s.c0})) continue;
      addr_[{d.name, s.r0, s.c0}] = int(std::min<int64_t>(words, INT32_MAX));
      tiles.push_back({d.name, s.r0, s.c0, s.ru, s.cu, &quants.back()});
      words += (int64_t(s.ru) * s.cu * p.weight_bits + width_ - 1) / width_;
    }
    if (words > first) {
      order_.push_back(d.name);
      rows_[d.name] = {int(first / banks_), int((words - first + banks_ - 1) / banks_)};
    }
  }
  words = (words + banks_ - 1) / banks_ * banks_;
  if (words > INT32_MAX)  // word addresses are ints
    throw Error(fmt::format("{}: the SE-core weight tiles need {} words of {} bits: too many",
                            m.file, words, width_));
  words_ = int(words);
  bits_.assign(size_t((words * width_ + 63) / 64), 0);
  for (const Tile& t : tiles) {
    const int64_t base = int64_t(addr_.at({t.layer, t.r0, t.c0})) * width_;
    for (int r = 0; r < t.ru; ++r)
      for (int c = 0; c < t.cu; ++c)
        put(base + (int64_t(r) * t.cu + c) * p.weight_bits, t.q->w(t.r0 + r, t.c0 + c),
            p.weight_bits);
  }
}

void WeightImage::put(int64_t bit, int64_t value, int bits) {
  for (int i = 0; i < bits; ++i, ++bit)
    if ((value >> i) & 1) bits_[size_t(bit / 64)] |= uint64_t(1) << (bit % 64);
}

int WeightImage::address(const std::string& layer, int r0, int c0) const {
  auto it = addr_.find({layer, r0, c0});
  if (it == addr_.end())
    throw Error(
        fmt::format("weight image: no tile of layer {} at row {}, channel {}", layer, r0, c0));
  return it->second;
}

uint32_t WeightImage::word32(int a, int k) const {
  uint32_t v = 0;
  for (int i = 0; i < 32 && 32 * k + i < width_; ++i) {
    const int64_t bit = int64_t(a) * width_ + 32 * k + i;
    if (a < words_ && ((bits_[size_t(bit / 64)] >> (bit % 64)) & 1)) v |= uint32_t(1) << i;
  }
  return v;
}

int WeightImage::layer_row(const std::string& layer) const {
  auto it = rows_.find(layer);
  if (it == rows_.end()) throw Error("weight image: layer " + layer + " has no tiles");
  return it->second.first;
}

int WeightImage::layer_rows(const std::string& layer) const {
  auto it = rows_.find(layer);
  if (it == rows_.end()) throw Error("weight image: layer " + layer + " has no tiles");
  return it->second.second;
}

std::string WeightImage::word_hex(int a) const {
  const int digits = (width_ + 3) / 4;
  std::string line(size_t(digits), '0');
  for (int d = 0; d < digits; ++d) {  // digit d from the least significant end
    int v = 0;
    for (int i = 0; i < 4 && 4 * d + i < width_; ++i)
      v |= int((word32(a, (4 * d + i) / 32) >> ((4 * d + i) % 32)) & 1) << i;
    line[size_t(digits - 1 - d)] = "0123456789abcdef"[v];
  }
  return line;
}

std::string WeightImage::bank_hex(int b, int end) const {
  std::string s;
  for (int a = b; a < (end < 0 ? words_ : std::min(end, words_)); a += banks_)
    s += word_hex(a) + "\n";
  return s;
}

std::string WeightImage::rows_hex() const {
  std::string s;
  for (int r = 0; r < words_ / banks_; ++r) {
    for (int b = banks_; b-- > 0;) s += word_hex(r * banks_ + b);
    s += "\n";
  }
  return s;
}

}  // namespace ss::rtl
