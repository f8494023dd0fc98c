#include "tech/technology.h"
#include "tech/technology_table.h"

#include "common/toml_get.h"

namespace ss::tech {

SramMacro Technology::sram_macro(double capacity_bits, int width_bits, int banks) const {
  return tech::sram_macro(sram, logic, wire("local"), wire("intermediate"), driver, vdd_v,
                          capacity_bits, width_bits, banks);
}

const WireClass& Technology::wire(const std::string& cls) const {
  auto it = wires.find(cls);
  if (it == wires.end()) throw error_at(file, "wires." + cls, "missing wire class");
  return it->second;
}

namespace {

constexpr double kBig = 1e300;
const Dim kPowerPerBit = dim::power / dim::bits;
const Dim kThermalResistance = dim::temperature / dim::power;

double pos(const TomlReader& r, const std::string& k, const Dim& d) {
  return r.quantity(k, d, std::nullopt, 1e-300, kBig);
}
double nonneg(const TomlReader& r, const std::string& k, const Dim& d) {
  return r.quantity(k, d, std::nullopt, 0, kBig);
}

void read_logic(const TomlReader& r, const NodeScaling& s, LogicTech& l) {
  r.only({"fo4_delay",
          "utilization",
          "full_adder_energy",
          "full_adder_area",
          "and2_energy",
          "and2_area",
          "mux2_energy",
          "mux2_area",
          "dff_clock_energy",
          "dff_clock_pin_cap",
          "dff_data_energy",
          "dff_area",
          "nand2_area",
          "full_adder_sum_delay_fo4",
          "full_adder_carry_delay_fo4",
          "and2_delay_fo4",
          "mux2_delay_fo4",
          "dff_clk_q_fo4",
          "dff_setup_fo4",
          "leakage_density",
          "leakage_reference_temperature",
          "leakage_doubling",
          "slow_corner_delay_derate",
          "clock_uncertainty"});
  l.fo4_delay_s = pos(r, "fo4_delay", dim::time);
  l.utilization = r.number("utilization", std::nullopt, 0.05, 1.0);
  // Energies and areas are quoted at the reference node and scaled here.
  l.fa_energy_j = pos(r, "full_adder_energy", dim::energy) * s.energy_factor;
  l.fa_area_m2 = pos(r, "full_adder_area", dim::area) * s.area_factor;
  l.and2_energy_j = pos(r, "and2_energy", dim::energy) * s.energy_factor;
  l.and2_area_m2 = pos(r, "and2_area", dim::area) * s.area_factor;
  l.mux2_energy_j = pos(r, "mux2_energy", dim::energy) * s.energy_factor;
  l.mux2_area_m2 = pos(r, "mux2_area", dim::area) * s.area_factor;
  l.dff_clock_energy_j = pos(r, "dff_clock_energy", dim::energy) * s.energy_factor;
  l.dff_data_energy_j = pos(r, "dff_data_energy", dim::energy) * s.energy_factor;
  // Quoted at this node (like fo4_delay), not scaled.
  l.dff_clock_pin_cap_f = pos(r, "dff_clock_pin_cap", dim::capacitance);
  l.dff_area_m2 = pos(r, "dff_area", dim::area) * s.area_factor;
  l.nand2_area_m2 = pos(r, "nand2_area", dim::area) * s.area_factor;
  // Delays are in FO4 of this node (ratios read from a cell library).
  auto fo4 = [&](const char* k) { return r.number(k, std::nullopt, 0.01, 100) * l.fo4_delay_s; };
  l.fa_sum_delay_s = fo4("full_adder_sum_delay_fo4");
  l.fa_carry_delay_s = fo4("full_adder_carry_delay_fo4");
  l.and2_delay_s = fo4("and2_delay_fo4");
  l.mux2_delay_s = fo4("mux2_delay_fo4");
  l.dff_clk_q_s = fo4("dff_clk_q_fo4");
  l.dff_setup_s = fo4("dff_setup_fo4");
  l.leakage_w_per_m2 = nonneg(r, "leakage_density", dim::power_density);
  l.leakage_ref_temp_k = pos(r, "leakage_reference_temperature", dim::temperature);
  l.leakage_doubling_k = pos(r, "leakage_doubling", dim::temperature);
  // Optional: a library characterized at one corner and compared with a flow signed off there
  // (osu018) leaves them at 1 and 0.
  l.slow_corner_delay_derate = r.number("slow_corner_delay_derate", 1.0, 1.0, 10.0);
  l.clock_uncertainty_s = r.quantity("clock_uncertainty", dim::time, 0.0, 0, 1e-6);
}

void read_sram(const TomlReader& r, SramTech& m) {
  r.only({"bitcell_area", "array_efficiency", "macro_overhead_area", "mat_rows", "mat_cols",
          "bitline_cap_per_cell", "wordline_cap_per_cell", "cell_read_current", "sense_swing",
          "sense_delay_fo4", "sense_amp_energy", "leakage_per_bit"});
  // Reported 6T cells span 0.021 um^2 (5 and 3 nm high-density) to about 5 um^2 (0.18 um,
  // osu018.toml); a value far outside (1e12 m^2 made a die the thermal solver cannot solve)
  // is a typo, named here rather than as "conjugate gradients did not converge".
  m.bitcell_area_m2 = r.quantity("bitcell_area", dim::area, "0.001 um^2", "1000 um^2");
  m.array_efficiency = r.number("array_efficiency", std::nullopt, 0.05, 1.0);
  m.macro_overhead_area_m2 = nonneg(r, "macro_overhead_area", dim::area);
  m.mat_rows = static_cast<int>(r.integer("mat_rows", std::nullopt, 8, 4096));
  m.mat_cols = static_cast<int>(r.integer("mat_cols", std::nullopt, 8, 4096));
  m.bitline_cap_per_cell_f = pos(r, "bitline_cap_per_cell", dim::capacitance);
  m.wordline_cap_per_cell_f = r.quantity("wordline_cap_per_cell", dim::capacitance, 0.0, 0, kBig);
  m.cell_read_current_a = pos(r, "cell_read_current", dim::current);
  m.sense_swing_v = pos(r, "sense_swing", dim::voltage);
  m.sense_delay_fo4 = r.number("sense_delay_fo4", std::nullopt, 0, 100);
  m.sense_amp_energy_j = pos(r, "sense_amp_energy", dim::energy);
  m.leakage_w_per_bit = r.quantity("leakage_per_bit", kPowerPerBit, std::nullopt, 0, kBig);
}

void read_wires(const TomlReader& r, std::map<std::string, WireClass>& wires) {
  for (const char* cls : {"local", "intermediate", "global"}) {
    auto w = r.sub(cls);
    w.only({"resistance", "capacitance"});
    wires[cls] = {cls, pos(w, "resistance", dim::resistance_per_length),
                  pos(w, "capacitance", dim::capacitance_per_length)};
  }
}

void read_bond(const TomlReader& r, BondTech& b) {
  r.only({"pitch", "resistance", "capacitance", "pad_diameter", "keepout_area", "signal_fraction"});
  b.pitch_m = pos(r, "pitch", dim::length);
  b.r_ohm = nonneg(r, "resistance", dim::resistance);
  b.c_f = nonneg(r, "capacitance", dim::capacitance);
  b.pad_diameter_m = pos(r, "pad_diameter", dim::length);
  if (b.pad_diameter_m >= b.pitch_m)
    throw error_at(r.file(), r.key("pad_diameter"), "must be smaller than the pitch");
  b.keepout_area_m2 = nonneg(r, "keepout_area", dim::area);
  b.signal_fraction = r.number("signal_fraction", std::nullopt, 0.01, 1.0);
}

void read_thermal(const TomlReader& r, ThermalStack& t) {
  r.only({"ambient", "sink_resistance", "spreader_conductivity", "tim_thickness",
          "tim_conductivity", "die_thickness", "thinned_die_thickness", "silicon_conductivity",
          "device_layer_thickness", "beol_thickness", "beol_conductivity", "bond_layer_thickness",
          "bond_oxide_conductivity", "copper_conductivity"});
  t.ambient_k = pos(r, "ambient", dim::temperature);
  t.sink_resistance_k_per_w = nonneg(r, "sink_resistance", kThermalResistance);
  t.spreader_k_w_per_mk = pos(r, "spreader_conductivity", dim::thermal_conductivity);
  t.tim_thickness_m = pos(r, "tim_thickness", dim::length);
  t.tim_k_w_per_mk = pos(r, "tim_conductivity", dim::thermal_conductivity);
  t.die_thickness_m = pos(r, "die_thickness", dim::length);
  t.thinned_die_thickness_m = pos(r, "thinned_die_thickness", dim::length);
  t.si_k_w_per_mk = pos(r, "silicon_conductivity", dim::thermal_conductivity);
  t.device_layer_thickness_m = pos(r, "device_layer_thickness", dim::length);
  t.beol_thickness_m = pos(r, "beol_thickness", dim::length);
  t.beol_k_w_per_mk = pos(r, "beol_conductivity", dim::thermal_conductivity);
  t.bond_thickness_m = pos(r, "bond_layer_thickness", dim::length);
  t.bond_oxide_k_w_per_mk = pos(r, "bond_oxide_conductivity", dim::thermal_conductivity);
  t.copper_k_w_per_mk = pos(r, "copper_conductivity", dim::thermal_conductivity);
}

Technology from_table(const toml::table& root, const std::string& origin) {
  TomlReader r(root, origin);
  r.only(
      {"name", "node", "vdd", "reference", "logic", "sram", "wires", "driver", "bond", "thermal"});
  Technology t;
  t.file = origin;
  t.name = r.string("name");
  t.node_m = pos(r, "node", dim::length);
  t.vdd_v = pos(r, "vdd", dim::voltage);

  auto ref = r.sub("reference");
  ref.only({"node", "vdd", "source", "energy_factor", "delay_factor", "area_factor"});
  t.scaling = classical_scaling(pos(ref, "node", dim::length), pos(ref, "vdd", dim::voltage),
                                t.node_m, t.vdd_v);
  t.scaling.energy_factor = ref.number("energy_factor", t.scaling.energy_factor, 1e-6, 1e6);
  t.scaling.delay_factor = ref.number("delay_factor", t.scaling.delay_factor, 1e-6, 1e6);
  t.scaling.area_factor = ref.number("area_factor", t.scaling.area_factor, 1e-6, 1e6);

  read_logic(r.sub("logic"), t.scaling, t.logic);
  auto sr = r.sub("sram");
  read_sram(sr, t.sram);

  read_wires(r.sub("wires"), t.wires);
  auto d = r.sub("driver");
  d.only({"min_inverter_input_cap"});
  t.driver.c0_f = pos(d, "min_inverter_input_cap", dim::capacitance);
  // FO4 = 0.69 R0 (4 C0 + Cp) with Cp = C0.
  t.driver.r0_ohm = t.logic.fo4_delay_s / (0.69 * 5 * t.driver.c0_f);
  read_bond(r.sub("bond"), t.bond);
  read_thermal(r.sub("thermal"), t.thermal);
  return t;
}

}  // namespace

Technology load_technology(const std::string& path) {
  return from_table(parse_toml_file(path), path);
}

Technology technology_from_table(const toml::table& root, const std::string& origin) {
  return from_table(root, origin);
}

Technology parse_technology(const std::string& text, const std::string& origin) {
  return from_table(parse_toml_text(text, origin), origin);
}

}  // namespace ss::tech
