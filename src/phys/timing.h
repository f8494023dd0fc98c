// Clock and memory latency from critical paths: each path is gate delay plus wire delay
// (plus a bond where it crosses tiers); the slowest sets the achievable clock.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "phys/block.h"
#include "phys/links.h"
#include "tech/technology.h"

namespace ss::phys {

struct PathDelay {
  std::string name;   // "pe_array.se_cores", "buffer_to_pe.weight", "spike_gen", "router", "noc"
  double gate_s = 0;  // logic (or macro access) part
  double wire_s = 0;  // planar + bond part
  double total_s() const { return gate_s + wire_s; }
};

struct BufferLatency {
  std::string role;
  double access_s = 0;     // macro access time
  double wire_s = 0;       // to the farthest consumer (and its bond)
  double registers_s = 0;  // pipeline registers on a multi-cycle bus
  double total_s() const { return access_s + wire_s + registers_s; }
  int cycles = 0;       // at the achieved clock
  double accesses = 0;  // reads + writes per inference (weights the headline latency)
};

struct Timing {
  std::vector<PathDelay> paths;  // at the typical corner
  std::string critical;          // name of the slowest path
  // What a designer signs off: 1 / (slow-corner derate x slowest path + clock uncertainty).
  double clock_hz = 0;
  double typical_clock_hz = 0;  // 1 / slowest path (typical corner, ideal clock)
  std::vector<BufferLatency> buffers;
};

// bus_stages: the interconnect's latency in cycles. With one stage a buffer's data must cross
// the wire in the cycle it leaves the macro (path = access + wire + setup); with more, the wire
// is registered and split evenly over stages - 1 cycles of its own (clk->Q + wire + setup).
// The wire the stages of a logic block's own path drive (0 for memories), typical corner.
double path_stage_wire_s(const Block& b, const tech::Technology& t);

// The register-to-register path a link's wire is part of: its name, the rest of the path
// (gate_s: logic or macro access and setup; own_wire_s: the wire the block's own stages drive)
// and the cycles the link's wire is split over. The spike generators own the partial sums coming in, the router and each buffer
// the wires going out; other links are on no timed path (nullopt). The floorplanner's timing
// objective and analyze_timing read the same paths.
struct LinkPath {
  std::string name;
  double gate_s = 0;
  double own_wire_s = 0;
  int stages = 1;
};
std::optional<LinkPath> link_path(const Link& l, const std::vector<Block>& blocks,
                                  const tech::Technology& t, int bus_stages);

Timing analyze_timing(const std::vector<Block>& blocks, const std::vector<Link>& links,
                      const tech::Technology& t, int bus_stages = 1);

}  // namespace ss::phys
