// Block-level floorplan of one or two tiers sharing one outline. Each tier is cut by recursive
// area-proportional bisection (a slicing floorplan). Memories are placed per bank (each bank is
// its own macro) and arrays per core, so a buffer's banks can surround or sit over the cores
// they feed. The cut order of both tiers is searched to minimize wire-weighted half-perimeter
// wire length (the classic floorplanning objective); the follower tier's pieces slide towards
// their partners on the leading tier.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "phys/block.h"

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
};

// Default adjacency order: the search's starting point (unknown names go last).
const std::vector<std::string>& floorplan_order();

// A bus between two blocks and how many wires it has (the net weight of floorplanning).
struct Affinity {
  std::string a, b;
  double weight = 0;
  int offset = -1;  // >= 0: piece i of a pairs with piece offset + i of b (one net per pair)
};

// Pieces a block is placed as: an SRAM's banks, an array's cores, the spike generators' per-core
// lane groups, otherwise 1.
int placement_parts(const Block& b);

// whitespace: fraction of the outline not covered by blocks on the fuller tier, in [0, 1).
// Cut orders: simulated annealing from floorplan_order() with a fixed seed (deterministic);
// both tiers are tried as the leader.
Floorplan make_floorplan(const std::vector<Block>& blocks, double whitespace,
                         const std::vector<Affinity>& affinity = {});

}  // namespace ss::phys
