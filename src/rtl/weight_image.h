// The weight tiles of every SE-core layer of a model as ss_top holds them: resident in the weight
// buffer for the whole inference (and the next ones) when they fit, else in the off-chip weight
// memory, from which the chip streams them layer by layer (rtl::top_program). Each layer starts
// at a row (`banks` words, what a fill writes at once). A tile is the ru x cu block of
// one pass of sim::weight_schedule, packed (element (r, c) at bits (r cu + c) x weight_bits from
// the tile's first bit), starting at a word boundary, so a pass reads
// ceil(ru cu weight_bits / width) words: the simulator's weight-buffer accesses. An op names its
// tile by the word address of its first word (hw/wfetch.v reads and unpacks it).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "arch/arch_spec.h"
#include "engine/model_spec.h"
#include "rtl/se_program.h"
#include "sim/workload.h"

namespace ss {
class SafeTensors;
}

namespace ss::rtl {

class WeightImage {
 public:
  // The tiles of every SE-core layer of `wl` (model `m`, weights `w`) on architecture `a`, whose
  // cores are built with `p`; throws naming buffers.weight.size when they do not fit the buffer.
  WeightImage(const ModelSpec& m, const SafeTensors& w, const sim::Workload& wl,
              const arch::Arch& a, const SeCoreParams& p);
  // Word address of layer `layer`'s tile whose first reduction row is r0 and first output
  // channel c0 (the model's channel); throws if the image holds no such tile.
  int address(const std::string& layer, int r0, int c0) const;
  // Layer `layer`'s first row and its rows (of `banks` words); throws for a layer without tiles.
  int layer_row(const std::string& layer) const;
  int layer_rows(const std::string& layer) const;
  // The layers with tiles, in image order.
  const std::vector<std::string>& layers() const { return order_; }
  int words() const { return words_; }  // words used (the rest of the buffer is zero)
  int width() const { return width_; }
  int banks() const { return banks_; }
  // Whether the image fits the weight buffer of `p` (else the chip streams it).
  bool fits(const SeCoreParams& p) const { return words_ <= p.wg_words; }
  // bits [32 k, 32 k + 32) of word `a` (zero beyond the word)
  uint32_t word32(int a, int k) const;
  // $readmemh text of bank b (word a lives in bank a % banks, row a / banks) holding the words
  // before word `end` (default: all): one word per line, hex, most significant digit first
  std::string bank_hex(int b, int end = -1) const;
  // $readmemh text of the off-chip weight memory: one row (banks words, word 0 in the low bits)
  // a line
  std::string rows_hex() const;

 private:
  void put(int64_t bit, int64_t value, int bits);
  std::string word_hex(int a) const;
  int width_ = 32, banks_ = 2, words_ = 0;
  std::vector<std::string> order_;
  std::map<std::string, std::pair<int, int>> rows_;  // per layer: first row, rows
  std::vector<uint64_t> bits_;
  std::map<std::tuple<std::string, int, int>, int> addr_;
};

}  // namespace ss::rtl
