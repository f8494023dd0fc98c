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

// Partial-sum words (acc_bits each) an array sends to its spike generators per inference.
// Partial sums accumulate across every input-tile pass (docs/sim.md), so this is the arrays'
// streaming cycles x the words each emits per cycle (Block::psum_words_per_busy_cycle), or the
// simulator's own `psum_words` counter on the array when it provides one.
double partial_sum_words(const Block& array, const ActivityView& act);
// Stores the spike generators' derived counters `psum_words:<array>` (accumulator
// read-modify-writes of the words each array sends) in the view.
void derive_partial_sums(const std::vector<Block>& blocks, ActivityView& act);

// The data paths of the accelerator (buffers to arrays, arrays to spike generators, spike
// generators to buffers, router to expert cores), for the blocks that exist; no geometry yet.
std::vector<Link> make_links(const std::vector<Block>& blocks, const ActivityView& act,
                             int acc_bits);

// Placement affinity of the links: their widths (wires), independent of the workload.
std::vector<Affinity> link_affinity(const std::vector<Link>& links);

// The metal buses between blocks run on: the intermediate layers (hundreds of parallel bits
// do not fit the few thick global layers, which carry power and clock).
const tech::WireClass& bus_wire(const tech::Technology& t);

// Lengths, delays and energies from the floorplan, on bus_wire.
void route_links(std::vector<Link>& links, const Floorplan& fp, const tech::Technology& t);

// Bonds the tier interface needs (sum of cross-tier link widths) and what the pitch allows
// over the footprint; throws ss::Error naming the style when the pitch cannot carry them.
// Each cross-tier link is also checked where its bonds land without lateral detours: the
// overlap, seen from above, of the two blocks it joins (of each matched core / lane-group pair
// for a fused link). A link whose bonds do not fit its overlap is reported (fits = false), not
// an error: a real layout would spread them beyond the overlap at the cost of lateral wire.
struct LinkBonds {
  std::string link;
  double required = 0;    // the link's wires
  double capacity = 0;    // signal bond sites in the overlap (summed over matched pairs)
  double overlap_m2 = 0;  // the overlap (summed over matched pairs)
  double outside = 0;     // bonds that do not fit their (pair's) overlap
  bool fits() const { return outside <= 0; }
};
struct BondReport {
  double required = 0;
  double capacity = 0;
  double pitch_m = 0;
  std::vector<LinkBonds> links;  // cross-tier links only
  // Share of the required bonds that do not fit where their link's blocks overlap (0..1).
  double outside_overlap_share() const;
};
BondReport check_bonds(const std::vector<Link>& links, const Floorplan& fp, const tech::BondTech& b,
                       const std::string& style, const std::string& tech_file);

}  // namespace ss::phys
