// Energy per inference, as entries (component, tier, kind) that add up to the total exactly:
// dynamic = activity counters x per-event energies (+ clock pins of active cycles);
// wire_internal = the block's Davis-distributed nets charged alongside its gates;
// wire = block-to-block links from the floorplan; clock = each block's gated leaf tree over
// its active cycles plus each tier's ungated trunk over the whole run;
// leakage = leakage at the block's temperature x run time.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "phys/activity_view.h"
#include "phys/block.h"
#include "phys/floorplan.h"
#include "phys/links.h"
#include "tech/technology.h"

namespace ss::phys {

struct EnergyEntry {
  std::string component;  // block name, "link:<from>-><to>", "clock:<block>" or "clock:trunk"
  arch::Tier tier = arch::Tier::bottom;
  std::string kind;  // "dynamic", "wire_internal", "wire", "clock", "leakage"
  double energy_j = 0;
};

// Active cycles of a block (clock not gated): busy + stalled per instance for compute,
// accesses for memories; all cycles when the simulator gives nothing.
double active_cycles(const Block& b, const ActivityView& act);

// Ratio of a block's internal net capacitance to the pin capacitance its gates switch: the
// Davis mean length over its cells x the flow's routed-length factor x placed pitch x c_local,
// over the flow's pin load per cell (3.47 C0); constants in flow_carried.h.
double internal_wire_ratio(const Block& b, const tech::Technology& t);
// The mean routed net of a logic block (m): the Davis mean over one core's cells x the flow's
// routed-length factor x the placed pitch (folded blocks: the half-block's pitch); 0 for a
// block of fewer than 4 gates.
double internal_net_length_m(const Block& b, const tech::Technology& t);

// Clock distribution wire of a block: a Steiner tree over its N sinks spread over its area A,
// ~0.7124 sqrt(N A) (Beardwood-Halton-Hammersley constant) x the flow's measured detour factor
// 1.383 (flow_carried.h), repeated. Toggles every cycle.
double clock_leaf_cap_f(double sinks, double area_m2, const tech::Technology& t);
// The trunk that brings the clock to every block of a tier: an H-tree over the outline,
// ~2 die sides of repeated intermediate wire.
double clock_trunk_cap_f(double outline_m2, const tech::Technology& t);

// Everything except leakage (which depends on temperature).
std::vector<EnergyEntry> switching_energy(const std::vector<Block>& blocks, const ActivityView& act,
                                          const std::vector<Link>& links, const Floorplan& fp,
                                          const tech::Technology& t);

// Leakage energy of each block at its temperature over run_s.
std::vector<EnergyEntry> leakage_energy(const std::vector<Block>& blocks,
                                        const std::map<std::string, double>& block_temp_k,
                                        const tech::Technology& t, double run_s);

}  // namespace ss::phys
