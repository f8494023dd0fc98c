// Reads the simulator's activity tree by the architecture's block names ("buffers.weight" may
// be a child named so, or "weight" under "buffers"), and the derived rates the models need.
#pragma once
#include <string>

#include "sim/activity.h"

namespace ss::phys {

class ActivityView {
 public:
  explicit ActivityView(const sim::Activity& a) : a_(a) {}
  const sim::ComponentActivity* find(const std::string& block) const;
  double get(const std::string& block, const std::string& counter) const;  // 0 when absent
  double cycles() const { return a_.cycles; }
  // Fraction of the arrays' synaptic work done by the expert cores (the rest by attention).
  double se_share() const;
  // Output spikes per membrane update (the spike buses' '1' probability).
  double firing_rate() const;

 private:
  const sim::Activity& a_;
};

}  // namespace ss::phys
