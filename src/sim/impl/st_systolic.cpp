// "st_systolic": the spatio-temporal systolic SE array. A rows x cols weight tile stays in the
// PEs; each cycle one token's spikes (all time lanes, one bit plane) enter along the rows and
// every column accumulates into its per-lane partial sums; all-zero token vectors are skipped.
#include "sim/components.h"

namespace ss::sim {
namespace {

class StSystolic : public ArrayModel {
 public:
  explicit StSystolic(const arch::ArraySpec& s) : s_(s) {}
  double pass_cycles(double active_tokens, int planes) const override {
    return active_tokens * planes;
  }
  // Skew in along the rows and out along the columns (architect's choice: weights are
  // double-buffered, so passes pipeline back to back and the skew is paid once per layer).
  double fill_cycles() const override { return double(s_.rows + s_.cols); }
  // Measured on the RTL (hw/se_core.v, docs/rtl.md): the last vector of pass k reaches PE
  // (rows-1, cols-1) rows + cols - 2 cycles after it entered; the bank is then rewritten with
  // pass k+2's tile (1 cycle) and k+2 issues from the cycle after (1 more): the start of k+2
  // is at least start(k) + compute(k) + rows + cols - 1.
  double bank_reuse_cycles() const override { return double(s_.rows + s_.cols - 1); }

 private:
  arch::ArraySpec s_;
};

std::unique_ptr<ArrayModel> make(const arch::Arch& a, const std::string&) {
  return std::make_unique<StSystolic>(a.se);
}
RegisterModel<ArrayModel> reg("array", "st_systolic", &make);

}  // namespace
}  // namespace ss::sim
