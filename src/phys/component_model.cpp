#include "phys/component_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "common/error.h"

namespace ss::phys {

namespace {
std::map<std::string, std::unique_ptr<ComponentModel>>& registry() {
  static std::map<std::string, std::unique_ptr<ComponentModel>> r;
  return r;
}
}  // namespace

bool register_component_model(const std::string& impl, ComponentFactory f) {
  registry()[impl] = f();
  return true;
}

const ComponentModel& component_model(const std::string& impl, const std::string& arch_file,
                                      const std::string& block) {
  auto it = registry().find(impl);
  if (it == registry().end())
    throw error_at(arch_file, block + ".impl", "no physical model named '{}' (known: {})", impl,
                   fmt::join(component_model_names(), ", "));
  return *it->second;
}

std::vector<std::string> component_model_names() {
  std::vector<std::string> n;
  for (const auto& [k, v] : registry()) n.push_back(k);
  return n;
}

Block clocked_block(const BlockRequest& req, BlockKind kind, double units, double unit_cell_m2,
                    double unit_bits, const RentParams& rent) {
  const auto& l = req.tech.logic;
  Block b;
  b.name = req.name;
  b.impl = req.impl;
  b.kind = kind;
  b.tier = req.tier;
  b.cell_area_m2 = units * unit_cell_m2;
  b.area_m2 = b.cell_area_m2 / l.utilization;
  b.gates = b.cell_area_m2 / l.nand2_area_m2;
  b.clocked_bits = units * unit_bits;
  b.rent = rent;
  b.leakage_ref_w = b.cell_area_m2 * l.leakage_w_per_m2;
  b.energy_per_event_j["clock_bit_cycle"] = l.dff_clock_energy_j;
  return b;
}

}  // namespace ss::phys
