// Wires between blocks: who sends how many bits to whom per inference, over what length
// (floorplan centroids, plus a face-to-face bond when the two blocks sit on different tiers),
// and what that costs in delay and energy.
#pragma once
#include <string>
#include <vector>

#include "phys/activity_view.h"
#include "phys/block.h"
#include "phys/floorplan.h"
#include "tech/technology.h"

namespace ss::phys {

struct Link {
  std::string from, to;
  double bits = 0;           // bits moved per inference
  double toggle = 0.5;       // probability that a wire changes value per bit moved
  int width_bits = 0;        // parallel wires (bonds needed when cross-tier)
  double lateral_m = 0;      // planar wire length, mean over the blocks' pieces (energy)
  double max_lateral_m = 0;  // to the farthest piece (timing)
  bool cross_tier = false;
  int offset = -1;      // >= 0: core i feeds only its own spike-generator lanes offset + i
  double cap_f = 0;     // switched capacitance per wire (wire, repeaters, bond, receiver)
  double delay_s = 0;   // driver to receiver, including the bond
  double energy_j = 0;  // per inference: bits x toggle x C V^2 / 2

  std::string name() const { return from + "->" + to; }
};

// The data paths of the accelerator (buffers to arrays, arrays to spike generators, spike
// generators to buffers, router to expert cores), for the blocks that exist; no geometry yet.
std::vector<Link> make_links(const std::vector<Block>& blocks, const ActivityView& act,
                             int acc_bits);

// Placement affinity of the links: their widths (wires), independent of the workload.
std::vector<Affinity> link_affinity(const std::vector<Link>& links);

// Lengths, delays and energies from the floorplan. Buses between blocks run on the
// intermediate metals: hundreds of parallel bits do not fit the few thick global layers,
// which carry power and clock.
void route_links(std::vector<Link>& links, const Floorplan& fp, const tech::Technology& t);

// Bonds the tier interface needs (sum of cross-tier link widths) and what the pitch allows
// over the footprint; throws ss::Error naming the style when the pitch cannot carry them.
struct BondReport {
  double required = 0;
  double capacity = 0;
  double pitch_m = 0;
};
BondReport check_bonds(const std::vector<Link>& links, const Floorplan& fp, const tech::BondTech& b,
                       const std::string& style, const std::string& tech_file);

}  // namespace ss::phys
