// "bus": one shared, pipelined bus between the global buffers and the cores.
#include <cmath>

#include "sim/components.h"

namespace ss::sim {
namespace {

class Bus : public NocModel {
 public:
  explicit Bus(const arch::InterconnectSpec& s) : s_(s) {}
  double bits_per_cycle() const override { return s_.width_bits; }
  double transfers(double bits) const override { return std::ceil(bits / s_.width_bits); }
  double latency_cycles() const override { return s_.latency_cycles; }

 private:
  arch::InterconnectSpec s_;
};

std::unique_ptr<NocModel> make(const arch::Arch& a, const std::string&) {
  return std::make_unique<Bus>(a.noc);
}
RegisterModel<NocModel> reg("noc", "bus", &make);

}  // namespace
}  // namespace ss::sim
