// Reads the simulator's activity tree by the architecture's block names ("buffers.weight" may
// be a child named so, or "weight" under "buffers"), and the derived rates the models need.
#pragma once
#include <map>
#include <string>

#include "sim/activity.h"

namespace ss::phys {

class ActivityView {
 public:
  explicit ActivityView(const sim::Activity& a) : a_(a) {}
  const sim::ComponentActivity* find(const std::string& block) const;
  // A counter: one the physical model derived (set_derived) first, else the simulator's; 0 when
  // absent.
  double get(const std::string& block, const std::string& counter) const;
  // Counters the simulator does not give but the physical model derives from its counters and
  // the blocks (e.g. the spike generators' partial-sum accumulations), so per-event energies
  // can be keyed by them like any other counter.
  void set_derived(const std::string& block, const std::string& counter, double v) {
    derived_[block][counter] = v;
  }
  double cycles() const { return a_.cycles; }
  // Fraction of the arrays' synaptic work done by the expert cores (the rest by attention).
  double se_share() const;
  // Output spikes per membrane update (the spike buses' '1' probability).
  double firing_rate() const;

 private:
  const sim::Activity& a_;
  std::map<std::string, std::map<std::string, double>> derived_;
};

}  // namespace ss::phys
