// "sram": a banked global buffer. Addresses are striped across banks, so a burst spreads
// evenly; each bank serves `ports` accesses of `width` bits per cycle.
#include <cmath>

#include "sim/components.h"

namespace ss::sim {
namespace {

class Sram : public BufferModel {
 public:
  explicit Sram(const arch::BufferSpec& s) : s_(s) {}
  double bits_per_cycle() const override { return double(s_.width_bits) * s_.banks * s_.ports; }
  double accesses(double bits) const override { return std::ceil(bits / s_.width_bits); }
  int banks() const override { return s_.banks; }

 private:
  arch::BufferSpec s_;
};

std::unique_ptr<BufferModel> make(const arch::Arch& a, const std::string& role) {
  return std::make_unique<Sram>(a.buffer(role));
}
RegisterModel<BufferModel> reg("buffer", "sram", &make);

}  // namespace
}  // namespace ss::sim
