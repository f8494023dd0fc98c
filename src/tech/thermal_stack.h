// Materials and thicknesses of the package and die stack the thermal model discretizes:
// sink, spreader, TIM, top die (bulk, BEOL), bond layer, bottom die (BEOL, bulk).
#pragma once

namespace ss::tech {

struct ThermalStack {
  double ambient_k = 318.15;
  double sink_resistance_k_per_w = 0.1;  // convection, sink to ambient
  double spreader_k_w_per_mk = 400;      // copper spreader below the sink
  double tim_thickness_m = 20e-6, tim_k_w_per_mk = 4;
  double die_thickness_m = 100e-6;         // 2D die and the sink-side die of the 3D pair
  double thinned_die_thickness_m = 20e-6;  // far die of the F2F pair (thinned for TSVs)
  double si_k_w_per_mk = 120;
  double device_layer_thickness_m = 2e-6;  // silicon where the heat is generated (source layer)
  double beol_thickness_m = 8e-6, beol_k_w_per_mk = 2.25;
  double bond_thickness_m = 2e-6;
  double bond_oxide_k_w_per_mk = 1.4, copper_k_w_per_mk = 400;
};

}  // namespace ss::tech
