#include "rtl/top_program.h"

#include <algorithm>
#include <string>

#include "common/error.h"

namespace ss::rtl {

namespace {

constexpr int kMulW = 24, kScoreW = 64, kCfgW = 6;  // hw/ss_top.v's scorer and ss_ctrl's CFG_W

int op_bits(const SeCoreParams& p) {
  return 67 + p.t_w + p.tok_w + p.ch_w + p.rows * p.cols * p.weight_bits + p.chunk * p.tok_bits() +
         p.cols * p.bias_w + p.cols * p.mem_w;
}

// Appends fields to a record, bit 0 first.
class RecordWriter {
 public:
  explicit RecordWriter(int bits) : w_(size_t(bits / 32), 0u), bits_(bits) {}
  void put(int64_t v, int width, const char* what) {
    if (width < 64) {
      const int64_t lo = -(int64_t(1) << (width - 1)), hi = (int64_t(1) << width) - 1;
      if (v < lo || v > hi)
        throw Error(std::string("ss_top program: ") + what + " = " + std::to_string(v) +
                    " does not fit " + std::to_string(width) + " bits");
    }
    uint64_t u = width < 64 ? uint64_t(v) & ((uint64_t(1) << width) - 1) : uint64_t(v);
    for (int left = width; left > 0;) {
      const int b = pos_ % 32, take = std::min(32 - b, left);
      w_[size_t(pos_ / 32)] |= uint32_t(u & ((uint64_t(1) << take) - 1)) << b;
      u >>= take, pos_ += take, left -= take;
    }
  }
  std::vector<uint32_t> take() {
    if (pos_ > bits_) throw Error("ss_top program: record overflow");
    return std::move(w_);
  }

 private:
  std::vector<uint32_t> w_;
  int bits_, pos_ = 0;
};

}  // namespace

int record_bits(const SeCoreParams& p) {
  const int bits = std::max(op_bits(p), 10 + kMulW + kScoreW);
  return (bits + 31) / 32 * 32;
}

std::vector<std::vector<uint32_t>> top_program(const std::vector<TopLayer>& layers,
                                               const SeCoreParams& p) {
  const int R = record_bits(p);
  std::vector<std::vector<uint32_t>> recs;
  for (const TopLayer& l : layers) {
    RecordWriter h(R);
    h.put(int(RecordType::layer), 2, "type");
    h.put(l.acc_bits, kCfgW, "acc_bits");
    h.put(l.frac_bits, kCfgW, "frac_bits");
    h.put(l.decay, 17, "decay");
    h.put(l.dw, 1, "dw");
    h.put(l.head, 1, "head");
    h.put(l.id, 16, "layer id");
    recs.push_back(h.take());
    for (size_t c = 0; c < l.class_mul.size(); ++c) {
      RecordWriter r(R);
      r.put(int(RecordType::class_consts), 2, "type");
      r.put(int64_t(c), 8, "class");
      r.put(l.class_mul[c], kMulW, "scorer mul");
      r.put(l.class_bias[c], kScoreW, "scorer bias");
      recs.push_back(r.take());
    }
    for (const SeOp& op : l.ops) {
      const auto& s = op.pass;
      RecordWriter r(R);
      r.put(int(RecordType::op), 2, "type");
      r.put(s.nt, 8, "ntok");
      r.put(op.planes, 4, "planes");
      r.put(s.nl, 8, "nl");
      r.put(op.steps, 8, "steps");
      r.put(s.ru, 16, "ru");
      r.put(s.cu, 16, "cu");
      r.put(s.first_in, 1, "first"), r.put(s.last_in, 1, "last");
      r.put(op.tc_first, 1, "tc_first"), r.put(op.tc_last, 1, "tc_last");
      r.put(op.wkeep, 1, "wkeep");
      r.put(s.t0, p.t_w, "t0");
      r.put(s.j0, p.tok_w, "j0");
      r.put(s.c0, p.ch_w, "o0");
      for (int8_t w : op.w) r.put(w, p.weight_bits, "weight");
      for (uint8_t x : op.x) r.put(x, 1, "spike");
      for (int32_t b : op.bias) r.put(b, p.bias_w, "bias");
      for (int32_t t : op.th) r.put(t, p.mem_w, "threshold");
      recs.push_back(r.take());
    }
  }
  RecordWriter e(R);
  e.put(int(RecordType::end), 2, "type");
  recs.push_back(e.take());
  return recs;
}

}  // namespace ss::rtl
