#include "phys/timing.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "phys/energy.h"
#include "phys/flow_carried.h"

namespace ss::phys {

// The wire a block's own register-to-register path drives (issue 14, part 3): each of its
// logic_path_stages stages drives a net of kPathNetPerMeanNet x the block's mean routed net on
// local metal, at kPathWirePerMinDriver x the minimum inverter's delay per unit load,
// FO4 / (5 C0) (both measured on our open flow's se_array paths: src/phys/flow_carried.h). The
// mean net is the one wire_internal prices (equal in every seed style; x 1/sqrt(2) folded).
double path_stage_wire_s(const Block& b, const tech::Technology& t) {
  if (b.logic_path_stages <= 0 || b.kind == BlockKind::memory) return 0;
  const double per_farad = kPathWirePerMinDriver * t.logic.fo4_delay_s / (5 * t.driver.c0_f);
  return b.logic_path_stages * per_farad * t.wire("local").c_f_per_m * kPathNetPerMeanNet *
         internal_net_length_m(b, t);
}

namespace {

// The path a block owns through its links, if it owns one.
std::optional<LinkPath> owned_path(const Block& b, const tech::Technology& t, int bus_stages) {
  bus_stages = std::max(1, bus_stages);
  if (b.name == "spike_gen" || b.name == "router")
    return LinkPath{b.name, b.logic_path_s, path_stage_wire_s(b, t), 1};
  if (!b.sram) return std::nullopt;
  const std::string name = "buffer_to_pe." + b.name.substr(8);
  // One stage: macro clock-to-data plus the wire to the consumer's input register, in one
  // cycle. More: the wire is registered and split over the stages after the macro's own.
  if (bus_stages == 1) return LinkPath{name, b.logic_path_s + t.logic.dff_setup_s, 0, 1};
  return LinkPath{name, t.logic.dff_clk_q_s + t.logic.dff_setup_s, 0, bus_stages - 1};
}

const Block* path_owner(const Link& l, const std::vector<Block>& blocks) {
  auto find = [&](const std::string& n) -> const Block* {
    for (const auto& b : blocks)
      if (b.name == n) return &b;
    return nullptr;
  };
  // Partial sums leave the arrays' registers and are charged in the same cycle; a buffer's
  // output and the router's choice each end in their consumer's input register.
  if (l.to == "spike_gen" && l.from.rfind("buffers.", 0) != 0) return find(l.to);
  const Block* from = find(l.from);
  if (from && (from->name == "router" || from->sram)) return from;
  return nullptr;
}

}  // namespace

std::optional<LinkPath> link_path(const Link& l, const std::vector<Block>& blocks,
                                  const tech::Technology& t, int bus_stages) {
  const Block* owner = path_owner(l, blocks);
  return owner ? owned_path(*owner, t, bus_stages) : std::nullopt;
}

Timing analyze_timing(const std::vector<Block>& blocks, const std::vector<Link>& links,
                      const tech::Technology& t, int bus_stages) {
  bus_stages = std::max(1, bus_stages);
  Timing tm;
  const auto& l = t.logic;
  // A block's own path through its links: the rest of the path plus its slowest link's share.
  auto through_links = [&](const Block& b, const LinkPath& p) {
    double wire = 0;
    for (const auto& k : links)
      if (path_owner(k, blocks) == &b) wire = std::max(wire, k.delay_s / p.stages);
    return PathDelay{p.name, p.gate_s, p.own_wire_s + wire};
  };
  for (const auto& b : blocks) {
    if (b.name == "se_cores" || b.name == "attention_cores") {
      // PE to neighbouring PE over local metal within the path.
      tm.paths.push_back({"pe_array." + b.name, b.logic_path_s,
                          tech::wire_delay_s(t.wire("local"), b.local_wire_m, t.driver) +
                              path_stage_wire_s(b, t)});
    } else if (b.name == "spike_gen") {
      tm.paths.push_back(through_links(b, *owned_path(b, t, bus_stages)));
      // The accumulator's read-modify-write: the read of the next token is issued a cycle
      // ahead (token order is fixed), so the macro's access + setup is a stage of its own.
      // Its cycle (precharge included) bounds the clock too: one access per cycle per macro.
      if (b.accumulator) {
        tm.paths.push_back(
            {"spike_gen.accumulator", b.accumulator->access_time_s + l.dff_setup_s, 0});
        tm.paths.push_back({"spike_gen.accumulator_cycle", b.accumulator->cycle_time_s, 0});
      }
    } else if (b.name == "router") {
      tm.paths.push_back(through_links(b, *owned_path(b, t, bus_stages)));
    } else if (b.name == "noc") {
      tm.paths.push_back({"noc", b.logic_path_s, path_stage_wire_s(b, t)});
    } else if (b.sram) {
      const std::string role = b.name.substr(8);
      double wire = 0;  // the whole wire to the farthest consumer
      for (const auto& k : links)
        if (k.from == b.name) wire = std::max(wire, k.delay_s);
      // A bank takes one access per cycle: its cycle (precharge included) bounds the clock.
      tm.paths.push_back({"buffer_cycle." + role, b.sram->cycle_time_s, 0});
      const auto to_pe = through_links(b, *owned_path(b, t, bus_stages));
      if (bus_stages == 1) {
        tm.paths.push_back(to_pe);
        tm.buffers.push_back({role, b.sram->access_time_s, wire, 0, 0});
      } else {
        const double reg = l.dff_clk_q_s + l.dff_setup_s;
        tm.paths.push_back({"buffer_access." + role, b.logic_path_s + l.dff_setup_s, 0});
        tm.paths.push_back(to_pe);
        tm.buffers.push_back(
            {role, b.sram->access_time_s, wire, (bus_stages - 1) * reg + l.dff_setup_s, 0});
      }
    }
  }
  double worst = 0;
  for (const auto& p : tm.paths)
    if (p.total_s() > worst) worst = p.total_s(), tm.critical = p.name;
  tm.typical_clock_hz = worst > 0 ? 1 / worst : 0;
  tm.clock_hz = worst > 0 ? 1 / (l.slow_corner_delay_derate * worst + l.clock_uncertainty_s) : 0;
  // The macro's stage, then one cycle per bus stage after it.
  for (auto& b : tm.buffers) {
    const double first = bus_stages == 1 ? b.total_s() : b.access_s + l.dff_setup_s;
    b.cycles =
        static_cast<int>(std::ceil(l.slow_corner_delay_derate * first * tm.clock_hz - 1e-9)) +
        (bus_stages - 1);
  }
  return tm;
}

}  // namespace ss::phys
