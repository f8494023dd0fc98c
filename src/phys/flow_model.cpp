#include "phys/flow_model.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "phys/component_model.h"
#include "phys/flow_carried.h"

namespace ss::phys {

namespace {

using nlohmann::json;

const json& field(const json& j, const std::string& file, const std::string& path) {
  const json* cur = &j;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!cur->is_object() || !cur->contains(key))
      throw error_at(file, path, "missing (expected a spikestack.flow.point/1 result)");
    cur = &(*cur)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return *cur;
}

double number(const json& j, const std::string& file, const std::string& path) {
  const auto& v = field(j, file, path);
  if (!v.is_number()) throw error_at(file, path, "expected a number");
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < 0) throw error_at(file, path, "expected a finite number >= 0");
  return x;
}

std::string text(const json& j, const std::string& file, const std::string& path) {
  const auto& v = field(j, file, path);
  if (!v.is_string()) throw error_at(file, path, "expected a string");
  return v.get<std::string>();
}

const FlowPoint& find(const std::vector<FlowPoint>& ps, const std::string& name,
                      const std::string& style) {
  for (const auto& p : ps)
    if (p.name == name && p.style == style) return p;
  throw Error(fmt::format("flow fit: no stored point {} in style {}", name, style));
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

// Model flip-flops and combinational cell area (um^2) of the block.
struct BlockCells {
  double flip_flops = 0, comb_um2 = 0;
};
BlockCells block_cells(const Block& b, const tech::Technology& t) {
  const double ff = b.clocked_bits + b.gated_clock_bits;
  return {ff, (b.cell_area_m2 - ff * t.logic.dff_area_m2) * 1e12};
}

// The PE's register-to-register path with the carry chain as the flow's synthesis maps it,
// without the wire its stages drive (pe_path_stages of them).
double pe_path_gates_s(const FlowDesign& d, const tech::Technology& t, double carry_per_bit_s) {
  const auto& l = t.logic;
  return l.dff_clk_q_s + tech::mux2(l, d.weight_bits).delay_s + d.psum_bits * carry_per_bit_s +
         tech::mux2(l, d.psum_bits).delay_s + l.dff_setup_s;
}
// Stages of that path that drive a net: the bank bit's Q, the bank mux, one per carry bit, the
// lane mux.
int pe_path_stages(const FlowDesign& d) { return d.psum_bits + 3; }

// Delay per um of wire a path's stage drives (src/phys/flow_carried.h).
double stage_wire_s_per_um(const tech::Technology& t, double wire_ff_per_um) {
  return kPathWirePerMinDriver * t.logic.fo4_delay_s / (5 * t.driver.c0_f) * wire_ff_per_um * 1e-15;
}

}  // namespace

int compare_tree_levels(int bits) {
  return bits <= 1 ? 1 : 1 + static_cast<int>(std::ceil(std::log2(static_cast<double>(bits))));
}

namespace {

// Davis mean point-to-point length (gate pitches) of a block of `cells` at the array's Rent
// parameters (src/phys/component_model.h: p = 0.5, k = 4, fan-out 3).
double davis_mean(double cells) { return DavisDistribution(cells, kArrayRent).average_length(); }

}  // namespace

FlowPoint load_flow_point(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw error_at(path, "", "cannot read");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw error_at(path, "", "not JSON ({})", e.what());
  }
  if (!j.is_object() || j.value("schema", "") != "spikestack.flow.point/1")
    throw error_at(path, "schema", "expected spikestack.flow.point/1");
  if (!field(j, path, "complete").is_boolean() || !j["complete"].get<bool>())
    throw error_at(path, "complete", "the flow did not finish this point");
  FlowPoint p;
  p.file = path;
  p.name = text(j, path, "name");
  p.style = text(j, path, "style");
  p.top = text(j, path, "design.top");
  const auto& params = field(j, path, "design.params");
  if (!params.is_object()) throw error_at(path, "design.params", "expected an object");
  for (const auto& [k, v] : params.items()) {
    try {
      p.params[k] = v.is_number_integer() ? v.get<int>() : std::stoi(v.get<std::string>());
    } catch (const std::exception&) {
      throw error_at(path, "design.params." + k, "expected an integer");
    }
  }
  p.cells = number(j, path, "cells.count");
  p.cell_area_um2 = number(j, path, "cells.area_um2");
  p.synthesized_area_um2 = number(j, path, "cells.synthesized_area_um2");
  p.flip_flops = number(j, path, "cells.flip_flops");
  p.die_um2 = number(j, path, "die.area_um2");
  p.footprint_um2 = number(j, path, "footprint_um2");
  p.density_target = number(j, path, "density_target");
  p.gate_pitch_um = number(j, path, "gate_pitch_um");
  p.wirelength_um = number(j, path, "wirelength.total_um");
  p.nets = number(j, path, "wirelength.per_net_um.count");
  p.sinks = number(j, path, "fanout.total");
  p.wire_ff = number(j, path, "capacitance.wire_ff");
  p.pin_ff = number(j, path, "capacitance.pin_ff");
  p.clock_wire_um = number(j, path, "clock.length_um");
  p.clock_buffers = number(j, path, "clock.buffers");
  p.period_ns = number(j, path, "timing.period_ns");
  p.fmax_mhz = number(j, path, "timing.fmax_mhz");
  p.internal_w = number(j, path, "power.internal_w");
  p.switching_w = number(j, path, "power.switching_w");
  p.leakage_w = number(j, path, "power.leakage_w");
  p.total_w = number(j, path, "power.total_w");
  p.activity = number(j, path, "power.activity_per_cycle");
  p.clock_mhz = number(j, path, "power.clock_mhz");
  p.macros = static_cast<int>(number(j, path, "macros.count"));
  if (j.contains("3d") && j["3d"].is_object() && j["3d"].contains("bonds"))
    p.bonds = number(j, path, "3d.bonds.count");
  if (j.contains("3d") && j["3d"].is_object() && j["3d"].contains("tiers")) {
    p.top_area_um2 = number(j, path, "3d.tiers.top.area_um2");
    p.bottom_area_um2 = number(j, path, "3d.tiers.bottom.area_um2");
    p.top_flip_flops = number(j, path, "3d.tiers.top.flip_flops");
    p.bottom_flip_flops = number(j, path, "3d.tiers.bottom.flip_flops");
    p.top_power_w = number(j, path, "3d.tiers.top.power.total_w");
    p.bottom_power_w = number(j, path, "3d.tiers.bottom.power.total_w");
    p.top_wire_um = number(j, path, "3d.tiers.top.wirelength_um");
    p.bottom_wire_um = number(j, path, "3d.tiers.bottom.wirelength_um");
  }
  p.die_width_um = number(j, path, "die.width_um");
  p.die_height_um = number(j, path, "die.height_um");
  if (j.contains("memory_nets")) {
    p.memory_nets = number(j, path, "memory_nets.count");
    p.memory_wire_um = number(j, path, "memory_nets.length_um");
    p.io_nets = number(j, path, "memory_nets.io_count");
    p.io_wire_um = number(j, path, "memory_nets.io_length_um");
  }
  if (p.macros > 0) p.macro_area_um2 = number(j, path, "macros.area_um2");
  if (j["macros"].contains("placement")) {
    p.halo_um = number(j, path, "macros.placement.halo_um");
    p.logic_die_width_um = number(j, path, "macros.placement.logic_die_width_um");
    p.logic_die_height_um = number(j, path, "macros.placement.logic_die_height_um");
    const auto& ms = field(j, path, "macros.placement.macros");
    if (!ms.is_array() || ms.empty())
      throw error_at(path, "macros.placement.macros", "expected the placed macros");
    for (const auto& m : ms) {
      p.macro_row_width_um += m.at("width_um").get<double>();
      p.macro_height_um = std::max(p.macro_height_um, m.at("height_um").get<double>());
    }
    p.macro_row_width_um += p.halo_um * static_cast<double>(ms.size() - 1);
  }
  return p;
}

std::vector<FlowPoint> load_flow_points(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const auto f = e.path().filename().string();
    if (e.path().extension() == ".json" && f.rfind("synth_blocks", 0) != 0 &&
        f.rfind(prefix, 0) == 0)
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<FlowPoint> out;
  for (const auto& f : files) out.push_back(load_flow_point(f));
  return out;
}

FlowPoint seed_median(const FlowPoint& p, const std::string& seeds_dir) {
  if (!std::filesystem::is_directory(seeds_dir)) return p;
  // 3d-mol without macros is the 2d layout (flow.py places the same netlist alike; the CI's
  // flow.tiny checks it): the 2d runs are its runs
  const std::string style = p.style == "3d-mol" && p.macros == 0 ? "2d" : p.style;
  std::vector<FlowPoint> runs{p};
  for (auto& r : load_flow_points(seeds_dir, p.name + "-" + style + "-s")) {
    if (r.name != p.name || r.style != style)
      throw error_at(r.file, "name", "'{} {}' in a seed run of {} {}", r.name, r.style, p.name,
                     style);
    if (r.cells != p.cells || r.cell_area_um2 != p.cell_area_um2)
      throw error_at(r.file, "cells", "{} cells, {} um^2: not the netlist of {} ({}, {} um^2)",
                     r.cells, r.cell_area_um2, p.file, p.cells, p.cell_area_um2);
    runs.push_back(std::move(r));
  }
  FlowPoint m = p;
  m.seeds = static_cast<int>(runs.size());
  if (runs.size() == 1) return m;
  for (double FlowPoint::*f :
       {&FlowPoint::wirelength_um, &FlowPoint::wire_ff, &FlowPoint::pin_ff,
        &FlowPoint::clock_wire_um, &FlowPoint::clock_buffers, &FlowPoint::fmax_mhz,
        &FlowPoint::internal_w, &FlowPoint::switching_w, &FlowPoint::leakage_w, &FlowPoint::total_w,
        &FlowPoint::bonds, &FlowPoint::memory_wire_um, &FlowPoint::io_wire_um,
        &FlowPoint::top_power_w, &FlowPoint::bottom_power_w, &FlowPoint::top_wire_um,
        &FlowPoint::bottom_wire_um}) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.*f);
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    m.*f = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }
  return m;
}

FlowDesign se_array_design(const FlowPoint& p) {
  if (p.top != "se_array") throw error_at(p.file, "design.top", "'{}' is not se_array", p.top);
  FlowDesign d;  // hw/se_array.v's parameter defaults
  auto get = [&](const char* k, int& v) {
    if (p.params.count(k)) v = p.params.at(k);
  };
  get("ROWS", d.rows), get("COLS", d.cols), get("LANES", d.lanes);
  get("WEIGHT_BITS", d.weight_bits), get("PSUM_BITS", d.psum_bits), get("META_BITS", d.meta_bits);
  return d;
}

Block flow_block(const FlowDesign& d, const tech::Technology& t) {
  arch::Arch a;
  a.file = "<flow point>";
  a.name = fmt::format("se_array_{}x{}", d.rows, d.cols);
  a.weight_bits = d.weight_bits;
  a.acc_bits = d.psum_bits;
  a.se = {"st_systolic", 1, d.rows, d.cols, d.lanes, arch::Tier::bottom};
  a.attention.count = 0;
  return component_model("st_systolic", a.file, "se_cores")
      .build({a, t, "se_cores", "st_systolic", arch::Tier::bottom});
}

double rtl_only_flip_flops(const FlowDesign& d) {
  return static_cast<double>(d.meta_bits) * (d.rows + d.cols - 1);
}

FlowFit fit_flow(const std::vector<FlowPoint>& points, const std::vector<std::string>& names,
                 const tech::Technology& t) {
  FlowFit f;
  f.fitted_on = names;
  const double dff_um2 = t.logic.dff_area_m2 * 1e12;
  std::vector<double> mapping, fanout, cell, npc, nlf, nlfp, clk, pins, eff, carry, cut;
  double wire_ff = 0, wire_um = 0;
  for (const auto& n : names) {
    const auto& p = find(points, n, "2d");
    wire_ff += p.wire_ff, wire_um += p.wirelength_um;
  }
  f.wire_ff_per_um = wire_ff / wire_um;
  f.stage_wire_s_per_um = stage_wire_s_per_um(t, f.wire_ff_per_um);
  for (const auto& n : names) {
    const auto& p = find(points, n, "2d");
    if (f.activity > 0 && p.activity != f.activity)
      throw error_at(p.file, "power.activity_per_cycle", "fitted points must share one activity");
    f.activity = p.activity;
    const auto d = se_array_design(p);
    const auto bc = block_cells(flow_block(d, t), t);
    mapping.push_back((p.synthesized_area_um2 - p.flip_flops * dff_um2) / bc.comb_um2);
    fanout.push_back(p.cell_area_um2 / p.synthesized_area_um2);
    cell.push_back(p.cell_area_um2 / p.cells);
    npc.push_back(p.nets / p.cells);
    nlf.push_back(p.wirelength_um / p.nets / (davis_mean(p.cells) * p.gate_pitch_um));
    nlfp.push_back(p.wirelength_um / p.nets /
                   (davis_mean(p.cells) * std::sqrt(p.die_um2 / p.cells)));
    clk.push_back(p.clock_wire_um / (0.7124 * std::sqrt(p.flip_flops * p.die_um2)));
    pins.push_back((p.pin_ff - p.flip_flops * t.logic.dff_clock_pin_cap_f * 1e15) / p.cells);
    eff.push_back(p.internal_w / (p.clock_mhz * 1e6) / p.flip_flops);
    const auto& l = t.logic;
    const double fixed = l.dff_clk_q_s + tech::mux2(l, d.weight_bits).delay_s +
                         tech::mux2(l, d.psum_bits).delay_s + l.dff_setup_s;
    // The wire the path's stages drive, at this layout's own mean routed net.
    const double path_wire_s =
        pe_path_stages(d) * f.stage_wire_s_per_um * kPathNetPerMeanNet * p.wirelength_um / p.nets;
    carry.push_back((1 / (p.fmax_mhz * 1e6) - fixed - path_wire_s) / d.psum_bits);
    const auto& q = find(points, n, "3d-lol");
    cut.push_back(q.bonds / q.cells);
  }
  f.comb_mapping = mean(mapping);
  f.fanout_area = mean(fanout);
  f.mean_cell_um2 = mean(cell);
  f.nets_per_cell = mean(npc);
  f.net_length_factor = mean(nlf);
  f.net_length_factor_placed = mean(nlfp);
  f.clock_wire_factor = mean(clk);
  f.data_pin_ff_per_cell = mean(pins);
  f.ff_internal_j = mean(eff);
  f.carry_delay_per_bit_s = mean(carry);
  f.cut_nets_per_cell = mean(cut);
  return f;
}

// Internal energy is fitted per cycle: a point at another activity cannot be predicted.
static void check_activity(const FlowPoint& p, const FlowFit& f) {
  if (p.activity != f.activity)
    throw error_at(p.file, "power.activity_per_cycle",
                   "{} differs from the fitted points' {} (internal energy is fitted per cycle)",
                   p.activity, f.activity);
}

FlowPrediction predict_flow(const FlowPoint& p, const FlowFit& f, const tech::Technology& t) {
  const auto d = se_array_design(p);
  check_activity(p, f);
  const auto bc = block_cells(flow_block(d, t), t);
  FlowPrediction r;
  r.name = p.name;
  r.style = p.style;
  const double dff_um2 = t.logic.dff_area_m2 * 1e12;
  r.flip_flops = bc.flip_flops + rtl_only_flip_flops(d);
  r.cell_area_um2 = (r.flip_flops * dff_um2 + bc.comb_um2 * f.comb_mapping) * f.fanout_area;
  r.cells = r.cell_area_um2 / f.mean_cell_um2;
  r.die_um2 = r.cell_area_um2 / p.density_target;
  // 3d-lol folds the block over two tiers (Shrunk-2D): half the footprint, every planar length
  // x 1/sqrt(2). 3d-mol of a design without macros is its 2D layout (docs/flow.md).
  const bool folded = p.style == "3d-lol";
  if (p.style == "3d-mol" && p.macros > 0)
    throw error_at(p.file, "style", "memory-on-logic with macros is not modelled for se_array");
  const double shrink = folded ? kFoldLengthRatio : 1.0;
  r.footprint_um2 = folded ? r.die_um2 / 2 : r.die_um2;
  const double nets = r.cells * f.nets_per_cell;
  const double pitch_um = std::sqrt(f.mean_cell_um2);
  r.wirelength_um = shrink * nets * f.net_length_factor * davis_mean(r.cells) * pitch_um;
  r.clock_wire_um = shrink * f.clock_wire_factor * 0.7124 * std::sqrt(r.flip_flops * r.die_um2);
  r.bonds = folded ? f.cut_nets_per_cell * r.cells : 0;
  // Net switching as OpenSTA books it: clock nets two transitions per cycle, data nets
  // `activity` transitions per cycle, 1/2 C V^2 per transition.
  const double v2 = t.vdd_v * t.vdd_v, hz = p.clock_mhz * 1e6;
  const double c_clock_f =
      r.flip_flops * t.logic.dff_clock_pin_cap_f + r.clock_wire_um * f.wire_ff_per_um * 1e-15;
  const double c_data_f =
      ((r.wirelength_um - r.clock_wire_um) * f.wire_ff_per_um + r.cells * f.data_pin_ff_per_cell) *
          1e-15 +
      r.bonds * t.bond.c_f;
  r.switching_w = v2 * hz * (c_clock_f + 0.5 * p.activity * c_data_f);
  r.internal_w = hz * r.flip_flops * f.ff_internal_j;
  r.leakage_w = r.cell_area_um2 * 1e-12 * t.logic.leakage_w_per_m2;
  r.total_w = r.internal_w + r.switching_w + r.leakage_w;
  const double path_net_um = kPathNetPerMeanNet * r.wirelength_um / nets;
  r.fmax_mhz = 1e-6 / (pe_path_gates_s(d, t, f.carry_delay_per_bit_s) +
                       pe_path_stages(d) * f.stage_wire_s_per_um * path_net_um);
  return r;
}

UnitDesign se_unit_design(const FlowPoint& p) {
  if (p.top != "se_unit") throw error_at(p.file, "design.top", "'{}' is not se_unit", p.top);
  UnitDesign d;  // scripts/flow/designs/se_unit.v's parameter defaults
  auto get = [&](const char* k, int& v) {
    if (p.params.count(k)) v = p.params.at(k);
  };
  get("ROWS", d.rows), get("COLS", d.cols), get("LANES", d.lanes);
  get("WEIGHT_BITS", d.weight_bits), get("PSUM_BITS", d.psum_bits), get("ACC_W", d.acc_w);
  get("MEM_W", d.mem_w);
  return d;
}

UnitPrediction predict_unit(const FlowPoint& p, const FlowFit& f, const tech::Technology& t) {
  const auto d = se_unit_design(p);
  check_activity(p, f);
  if (p.style == "3d-mol" && p.macros > 0)
    throw error_at(p.file, "style", "the SE unit has no macros");
  const auto& l = t.logic;
  const double dff_um2 = l.dff_area_m2 * 1e12;
  // The array (bottom tier).
  const FlowDesign ad{d.rows, d.cols, d.lanes, d.weight_bits, d.psum_bits, d.meta_bits};
  const auto ab = block_cells(flow_block(ad, t), t);
  const double ff_bottom = ab.flip_flops + rtl_only_flip_flops(ad);
  const double comb_bottom = ab.comb_um2;
  // The LIF lanes (top tier): the model's "lif" block, one lane per column, without its
  // accumulator SRAM (the unit keeps two entries per column in flip-flops, below).
  arch::Arch a;
  a.file = "<flow point>";
  a.name = p.name;
  a.weight_bits = d.weight_bits;
  a.acc_bits = d.acc_w;  // the lane reads the exact accumulated sum
  a.membrane_bits = d.mem_w;
  a.se = {"st_systolic", 1, d.rows, d.cols, d.lanes, arch::Tier::bottom};
  a.attention.count = 0;
  a.spike_gen.lanes_per_core = d.cols;
  a.spike_gen.acc_entries = 0;
  const auto lb = block_cells(component_model("lif", a.file, "spike_gen")
                                  .build({a, t, "spike_gen", "lif", arch::Tier::top}),
                              t);
  // Accumulators: per column 2 entries x lanes x acc_w bits, a read-modify-write adder and a
  // bank read mux per lane, and the lane's read port (2 x lanes entries: 2 lanes - 1 mux2 of
  // acc_w). Membranes: per column 2 x mem_w bits and a read mux.
  const double cols = d.cols;
  const double ff_store = cols * (2.0 * d.lanes * d.acc_w + 2.0 * d.mem_w);
  const double comb_store =
      cols *
      (d.lanes * (tech::adder(l, d.acc_w).area_m2 + tech::mux2(l, d.acc_w).area_m2) +
       (2.0 * d.lanes - 1) * tech::mux2(l, d.acc_w).area_m2 + tech::mux2(l, d.mem_w).area_m2) *
      1e12;
  const double ff_top = lb.flip_flops + ff_store;
  const double comb_top = lb.comb_um2 + comb_store;
  UnitPrediction u;
  auto& r = u.all;
  r.name = p.name;
  r.style = p.style;
  u.bottom_cell_area_um2 = (ff_bottom * dff_um2 + comb_bottom * f.comb_mapping) * f.fanout_area;
  u.top_cell_area_um2 = (ff_top * dff_um2 + comb_top * f.comb_mapping) * f.fanout_area;
  u.top_flip_flops = ff_top;
  r.flip_flops = ff_bottom + ff_top;
  r.cell_area_um2 = u.bottom_cell_area_um2 + u.top_cell_area_um2;
  r.cells = r.cell_area_um2 / f.mean_cell_um2;
  r.die_um2 = r.cell_area_um2 / p.density_target;
  const bool folded = p.style == "3d-lol";
  const double shrink = folded ? kFoldLengthRatio : 1.0;
  r.footprint_um2 = folded ? r.die_um2 / 2 : r.die_um2;
  const double pitch_um = std::sqrt(f.mean_cell_um2);
  const double n_bottom = u.bottom_cell_area_um2 / f.mean_cell_um2;
  const double n_top = u.top_cell_area_um2 / f.mean_cell_um2;
  const double w_bottom =
      n_bottom * f.nets_per_cell * f.net_length_factor * davis_mean(n_bottom) * pitch_um;
  const double w_top = n_top * f.nets_per_cell * f.net_length_factor *
                       DavisDistribution(n_top, kLogicRent).average_length() * pitch_um;
  // What leaves each column towards its lane (se_unit.v: out_psum_o, out_valid_o, out_meta_o).
  u.psum_link_bits = cols * (d.lanes * d.psum_bits + 1 + d.meta_bits);
  // Fused link (docs/physical.md, Links): the gap between the array and its lane group (0: they
  // abut) plus half the lane group's side.
  const double link_len_um = 0.5 * std::sqrt(u.top_cell_area_um2 / p.density_target);
  u.link_wire_um = shrink * u.psum_link_bits * link_len_um;
  u.wire_bottom_um = shrink * w_bottom, u.wire_top_um = shrink * w_top;
  r.wirelength_um = shrink * (w_bottom + w_top) + u.link_wire_um;
  r.clock_wire_um = shrink * f.clock_wire_factor * 0.7124 * std::sqrt(r.flip_flops * r.die_um2);
  r.bonds = folded ? u.psum_link_bits : 0;
  const double v2 = t.vdd_v * t.vdd_v, hz = p.clock_mhz * 1e6;
  const double c_clock_f =
      r.flip_flops * l.dff_clock_pin_cap_f + r.clock_wire_um * f.wire_ff_per_um * 1e-15;
  const double c_data_f =
      ((r.wirelength_um - r.clock_wire_um) * f.wire_ff_per_um + r.cells * f.data_pin_ff_per_cell) *
          1e-15 +
      r.bonds * t.bond.c_f;
  r.switching_w = v2 * hz * (c_clock_f + 0.5 * p.activity * c_data_f);
  r.internal_w = hz * r.flip_flops * f.ff_internal_j;
  r.leakage_w = r.cell_area_um2 * 1e-12 * l.leakage_w_per_m2;
  r.total_w = r.internal_w + r.switching_w + r.leakage_w;
  // The wire on the paths: each stage drives a net of kPathNetPerMeanNet x the mean routed net
  // of its block (the array for the PE's path, the lanes and their state for the LIF path), as
  // placed in this style.
  const double npc = f.nets_per_cell;
  u.pe_path_net_um = kPathNetPerMeanNet * u.wire_bottom_um / (n_bottom * npc);
  u.lif_path_net_um = kPathNetPerMeanNet * u.wire_top_um / (n_top * npc);
  u.pe_path_stages = pe_path_stages(ad);
  const double pe_s = pe_path_gates_s(ad, t, f.carry_delay_per_bit_s) +
                      u.pe_path_stages * f.stage_wire_s_per_um * u.pe_path_net_um;
  const int sel_levels = static_cast<int>(std::ceil(std::log2(2.0 * d.lanes)));
  const int compare_levels = compare_tree_levels(d.mem_w);
  // Stages that drive a net: Q, the read-mux levels, the membrane mux, the add's carry stages,
  // the compare's levels, the reset mux.
  u.lif_path_stages = 1 + sel_levels + 1 + (d.mem_w + 1 + compare_levels) + 1;
  // The charge add is a ripple of (mem_w + 1) carry stages (one AOI21/OAI21 per bit, as in the
  // PE); the fire compare is a log-depth tree after the add's top bit: one bit-level stage, then
  // ceil(log2 mem_w) merges of (greater, equal) pairs, each one AOI/OAI/NAND gate, priced at the
  // same per-stage delay. The flow's paths (docs/validation.md): 6 such levels after the sum's
  // top bit in se_unit 3x3, 33-34 cells from clk->Q to D in all four layouts.
  const double lif_s =
      l.dff_clk_q_s + sel_levels * tech::mux2(l, d.acc_w).delay_s + tech::mux2(l, d.mem_w).delay_s +
      (d.mem_w + 1 + compare_levels) * f.carry_delay_per_bit_s + tech::mux2(l, d.mem_w).delay_s +
      l.dff_setup_s + u.lif_path_stages * f.stage_wire_s_per_um * u.lif_path_net_um;
  u.pe_path_ns = pe_s * 1e9;
  u.lif_path_ns = lif_s * 1e9;
  r.fmax_mhz = 1e-6 / std::max(pe_s, lif_s);
  return u;
}

MolFit fit_mol(const std::vector<FlowPoint>& points, const std::vector<std::string>& names,
               double wire_ff_per_um) {
  MolFit f;
  f.fitted_on = names;
  f.wire_ff_per_um = wire_ff_per_um;
  std::vector<double> kappa, rho, iota;
  for (const auto& n : names) {
    const auto& p2 = find(points, n, "2d");
    const auto& p3 = find(points, n, "3d-mol");
    if (p2.memory_nets <= 0 || p3.memory_nets <= 0 || p2.logic_die_height_um <= 0)
      throw error_at(p2.file, "memory_nets",
                     "a memory-on-logic fit needs memory nets and a 2d row placed with "
                     "--macro-place edge");
    const double l3 = p3.memory_wire_um / p3.memory_nets;
    rho.push_back(l3 / p3.gate_pitch_um);
    kappa.push_back((p2.memory_wire_um / p2.memory_nets - l3 - p2.halo_um) /
                    p2.logic_die_height_um);
    if (p2.io_nets > 0)
      iota.push_back((p2.io_wire_um / p2.io_nets - p2.halo_um) / p2.logic_die_width_um);
  }
  f.kappa = mean(kappa);
  f.rho_pitches = mean(rho);
  f.iota = mean(iota);
  return f;
}

MolPrediction predict_mol(const FlowPoint& p, const MolFit& f, const tech::Technology& t) {
  if (p.style != "2d" || p.logic_die_height_um <= 0 || p.memory_nets <= 0)
    throw error_at(p.file, "macros.placement",
                   "expected a 2d tile with macros placed by --macro-place edge");
  MolPrediction r;
  r.name = p.name;
  const double l3 = f.rho_pitches * p.gate_pitch_um;
  r.memory_wire_3d_um = p.memory_nets * l3;
  r.memory_wire_2d_um = p.memory_nets * (l3 + p.halo_um + f.kappa * p.logic_die_height_um);
  r.io_wire_2d_um = p.io_nets * (p.halo_um + f.iota * p.logic_die_width_um);
  const double removed_um = r.memory_wire_2d_um - r.memory_wire_3d_um + r.io_wire_2d_um;
  r.wirelength_3d_um = p.wirelength_um - removed_um;
  const double logic_um2 = p.logic_die_width_um * p.logic_die_height_um;
  r.footprint_2d_um2 = std::max(p.logic_die_width_um, p.macro_row_width_um) *
                       (p.logic_die_height_um + p.halo_um + p.macro_height_um);
  r.footprint_3d_um2 = std::max(logic_um2, p.macro_area_um2);
  // Net switching as OpenSTA books it (data nets `activity` transitions per cycle; the macro's
  // clock net, one of the memory nets, twice: counted with the data nets here, a small
  // under-estimate), and each bond's capacitance added to its net.
  const double v2 = t.vdd_v * t.vdd_v, hz = p.clock_mhz * 1e6;
  const double dc_f = removed_um * f.wire_ff_per_um * 1e-15 - p.memory_nets * t.bond.c_f;
  const double dp = v2 * hz * 0.5 * p.activity * dc_f;
  r.switching_3d_w = p.switching_w - dp;
  r.total_3d_w = p.total_w - dp;
  r.fmax_3d_mhz = p.fmax_mhz;
  return r;
}

}  // namespace ss::phys
