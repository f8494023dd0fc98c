// Block-level floorplan of one or two tiers sharing one outline. Each tier is cut by recursive
// area-proportional bisection (a slicing floorplan). Memories are placed per bank (each bank is
// its own macro) and arrays per core, so a buffer's banks can surround or sit over the cores
// they feed. The cut order of both tiers is searched to minimize the clock period the timed
// buses allow, then the buses' wires x their mean length; the follower tier's pieces slide
// towards their partners on the leading tier.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "phys/block.h"
#include "tech/bond.h"
#include "tech/wire.h"

namespace ss::phys {

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;  // metres, origin at the outline's lower-left corner
  double cx() const { return x + w / 2; }
  double cy() const { return y + h / 2; }
  double area() const { return w * h; }
};

struct Floorplan {
  bool stacked = false;
  double whitespace = 0;  // block-level placement overhead (channels, rings)
  double outline_w_m = 0, outline_h_m = 0;
  double footprint_m2 = 0;                          // outline area (what the package sees)
  double silicon_area_m2 = 0;                       // outline x number of dies
  std::map<arch::Tier, double> tier_block_area_m2;  // sum of block areas per tier
  std::map<std::string, std::vector<Rect>> parts;   // each block's pieces (banks), >= 1
  std::map<std::string, arch::Tier> tiers;

  // Manhattan distance between part centroids in the plane (the vertical hop is a bond):
  // the mean over part pairs (each part carries an equal share of the traffic) and the max.
  // With offset >= 0 the pieces are matched instead: piece i of a talks only to piece
  // offset + i of b (a core and its own spike-generator lanes), and the length is the gap
  // between the two pieces plus half of b's side (the core's outputs leave along its edge).
  double lateral_distance_m(const std::string& a, const std::string& b, int offset = -1) const;
  double max_lateral_distance_m(const std::string& a, const std::string& b, int offset = -1) const;
  bool cross_tier(const std::string& a, const std::string& b) const;
  // Overlap area of two blocks' pieces seen from above.
  double overlap_m2(const std::string& a, const std::string& b) const;
  // Bounding box of a block's pieces.
  Rect bounds(const std::string& a) const;
  // The clock period the timing objective found (typical corner; 0 without timing) and the
  // wire objective (wires x mean piece distance, summed over buses) of the arrangement.
  double period_s = 0;
  double weighted_length = 0;
};

// The order pieces are listed in before the search (unknown names go last): it breaks ties
// between equal positions in the global placement and the cuts.
const std::vector<std::string>& floorplan_order();

// A bus between two blocks and how many wires it has (the net weight of floorplanning).
struct Affinity {
  std::string a, b;
  double weight = 0;
  int offset = -1;  // >= 0: piece i of a pairs with piece offset + i of b (one net per pair)
  // When the bus is on a register-to-register path (phys/timing.h, link_path): the rest of
  // that path (typical corner) and the cycles the bus's wire is split over; < 0: not timed.
  double path_rest_s = -1;
  int stages = 1;
};

// What the timing objective needs: the wire the buses run on, its driver, the bond a
// cross-tier bus crosses, and the slowest path no arrangement changes (the period's floor).
struct FloorplanTiming {
  tech::WireClass wire;
  tech::Driver driver;
  tech::BondTech bond;
  double floor_s = 0;
};

struct FloorplanOptions {
  // Absent: the arrangement minimizes wire-weighted length only.
  std::optional<FloorplanTiming> timing;
  // Descents from this many shuffled orders of the leading tier besides the global
  // placement's (seeded by `seed`); the best arrangement wins. 16: the paper MoE's 2D energy
  // within 0.2 % and its 2D->3D energy deltas within 0.12 (memory-on-logic) to 0.45 points
  // (logic-on-logic) over seeds (PaperConfig.FloorplanSearch); one start leaves 3D
  // arrangements points worse.
  int extra_starts = 16;
  uint64_t seed = 1;
};

// Pieces a block is placed as: an SRAM's banks, an array's cores, the spike generators' per-core
// lane groups, otherwise 1.
int placement_parts(const Block& b);

// whitespace: fraction of the outline not covered by blocks on the fuller tier, in [0, 1).
// Cut orders: quadratic placement and partitioning of the leading tier, the other tier
// following its partners, then a descent over swaps of two pieces; both tiers are tried as the
// leader. With timing, as a designer floorplans: first the shortest clock period the timed
// buses allow, then the least wires x mean length among the arrangements that keep it.
Floorplan make_floorplan(const std::vector<Block>& blocks, double whitespace,
                         const std::vector<Affinity>& affinity = {},
                         const FloorplanOptions& options = {});

}  // namespace ss::phys
