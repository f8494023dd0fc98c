// "lif": membrane update + fire/reset lanes behind each core; one neuron-step per lane per cycle.
#include <cmath>

#include "sim/components.h"

namespace ss::sim {
namespace {

class Lif : public SpikeGenModel {
 public:
  explicit Lif(int lanes) : lanes_(lanes) {}
  double cycles(double updates) const override { return std::ceil(updates / lanes_); }

 private:
  int lanes_;
};

std::unique_ptr<SpikeGenModel> make(const arch::Arch& a, const std::string&) {
  return std::make_unique<Lif>(a.spike_gen.lanes_per_core);
}
RegisterModel<SpikeGenModel> reg("spike_gen", "lif", &make);

}  // namespace
}  // namespace ss::sim
