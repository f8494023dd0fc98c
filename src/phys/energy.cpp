#include "phys/energy.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <mutex>

#include "phys/flow_carried.h"

namespace ss::phys {

double active_cycles(const Block& b, const ActivityView& act) {
  const auto* c = act.find(b.name);
  if (!c) return act.cycles();
  if (b.kind == BlockKind::memory) return c->get("reads") + c->get("writes");
  // The simulator sums busy cycles over identical cores; each core's registers tick only in its
  // own.
  if (c->counters.count("cycles_busy"))
    return (c->get("cycles_busy") + c->get("cycles_stalled")) / std::max(1, b.instances);
  return act.cycles();
}

namespace {
// The Davis mean length depends on (cells, Rent parameters) only and costs two numerical
// integrals; a design-space sweep asks for the same blocks again and again. Exact memo.
double davis_mean_length(double cells, const RentParams& r) {
  static std::mutex mu;
  static std::map<std::array<double, 4>, double> memo;
  const std::array<double, 4> key{cells, r.p, r.k, r.fanout};
  {
    std::lock_guard lock(mu);
    if (auto it = memo.find(key); it != memo.end()) return it->second;
  }
  const double v = DavisDistribution(cells, r).average_length();
  std::lock_guard lock(mu);
  if (memo.size() > 100000) memo.clear();
  memo.emplace(key, v);
  return v;
}
}  // namespace

double internal_net_length_m(const Block& b, const tech::Technology& t) {
  if (b.gates < 4) return 0;
  const double cells = b.gates / kGateEquivalentsPerCell;
  const double mean_length = davis_mean_length(cells / std::max(1, b.instances), b.rent);
  const double pitch = std::sqrt(b.cell_area_m2 / t.logic.utilization / cells);
  return kNetLengthPerDavisMean * mean_length * pitch;
}

double internal_wire_ratio(const Block& b, const tech::Technology& t) {
  if (b.gates < 4) return 0;
  // Nets per cell, their routed length and their pin load as our open flow measured them
  // (src/phys/flow_carried.h), re-priced with this node's wire c and minimum-inverter C0: the
  // routed length is the Davis mean over the block's cells in pitches of its placed area
  // (the gates' own area: macros inside a logic block, e.g. accumulators, are not cells).
  // Identical cores are placed as separate blocks: the distribution is one core's.
  const double cells = b.gates / kGateEquivalentsPerCell;
  const double mean_length = davis_mean_length(cells / std::max(1, b.instances), b.rent);
  const double pitch = std::sqrt(b.cell_area_m2 / t.logic.utilization / cells);
  const double wire_cap =
      kNetLengthPerDavisMean * mean_length * pitch * t.wire("local").c_f_per_m +
      b.fold_bond_cap_per_cell_f;
  return wire_cap / (kDataPinLoadPerCellC0 * t.driver.c0_f);
}

double clock_leaf_cap_f(double sinks, double area_m2, const tech::Technology& t) {
  if (sinks <= 0) return 0;
  // The wire and its buffers; the sinks' pins are added by the caller (switching_energy). The
  // Steiner length x the buffered tree's detours measured on our flow (flow_carried.h).
  return tech::repeated_wire_cap_f(t.wire("intermediate"),
                                   kClockWirePerSteiner * 0.7124 * std::sqrt(sinks * area_m2));
}

double clock_trunk_cap_f(double outline_m2, const tech::Technology& t) {
  return tech::repeated_wire_cap_f(t.wire("intermediate"), 2 * std::sqrt(outline_m2));
}

std::vector<EnergyEntry> switching_energy(const std::vector<Block>& blocks, const ActivityView& act,
                                          const std::vector<Link>& links, const Floorplan& fp,
                                          const tech::Technology& t) {
  std::vector<EnergyEntry> out;
  const double v2 = t.vdd_v * t.vdd_v;
  std::map<arch::Tier, bool> tiers;
  for (const auto& b : blocks) {
    double dyn = 0, macros = 0;
    for (const auto& [counter, e] : b.energy_per_event_j)
      if (counter != "clock_bit_cycle") dyn += act.get(b.name, counter) * e;
    for (const auto& [counter, e] : b.macro_energy_per_event_j)
      macros += act.get(b.name, counter) * e;
    const double clk_pins =
        b.clocked_bits * active_cycles(b, act) *
        (b.energy_per_event_j.count("clock_bit_cycle") ? b.energy_per_event_j.at("clock_bit_cycle")
                                                       : 0);
    out.push_back({b.name, b.tier, "dynamic", dyn + macros + clk_pins});
    if (b.kind != BlockKind::memory)
      out.push_back({b.name, b.tier, "wire_internal", dyn * internal_wire_ratio(b, t)});
    // Clock gating at core level (integrated clock gates): the leaf tree below a gate toggles
    // only in the block's active cycles.
    // The leaf tree's wire and buffers reach every sink; the ungated sinks' clock pins load it
    // every active cycle (the gated ones are charged with their events).
    const double leaf_f = clock_leaf_cap_f(b.clocked_bits + b.gated_clock_bits, b.area_m2, t) +
                          b.clocked_bits * t.logic.dff_clock_pin_cap_f;
    out.push_back({"clock:" + b.name, b.tier, "clock", leaf_f * v2 * active_cycles(b, act)});
    tiers[b.tier] = true;
  }
  for (const auto& l : links)
    out.push_back({"link:" + l.name(), fp.tiers.at(l.from), "wire", l.energy_j});
  // The trunk to every block's gate toggles every cycle of the run.
  for (const auto& [tier, used] : tiers)
    out.push_back(
        {"clock:trunk", tier, "clock", clock_trunk_cap_f(fp.footprint_m2, t) * v2 * act.cycles()});
  return out;
}

std::vector<EnergyEntry> leakage_energy(const std::vector<Block>& blocks,
                                        const std::map<std::string, double>& block_temp_k,
                                        const tech::Technology& t, double run_s) {
  std::vector<EnergyEntry> out;
  for (const auto& b : blocks) {
    const double temp =
        block_temp_k.count(b.name) ? block_temp_k.at(b.name) : t.logic.leakage_ref_temp_k;
    out.push_back(
        {b.name, b.tier, "leakage", b.leakage_ref_w * t.logic.leakage_factor(temp) * run_s});
  }
  return out;
}

}  // namespace ss::phys
