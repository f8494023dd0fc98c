// Compact steady-state thermal model of the die stack (HotSpot-style grid): every layer is an
// nx x ny grid of nodes with lateral and vertical conductances; the sink-side TIM face feeds one
// spreader node, which reaches ambient through the spreading resistance of the die footprint
// into the copper spreader plus the sink's convection resistance. Solved by preconditioned
// conjugate gradients (the conductance matrix is symmetric positive definite).
#pragma once
#include <string>
#include <vector>

#include "tech/thermal_stack.h"

namespace ss::phys {

struct ThermalLayer {
  std::string name;
  double thickness_m = 0;
  double k_vertical = 0;  // W/(m K)
  double k_lateral = 0;
  int source_tier = -1;  // 0 bottom die, 1 top die: this layer receives that tier's power map
};

// Layers from the sink side down. 2D: TIM, bulk, device, BEOL. Stacked face to face: TIM, top
// bulk, top device, top BEOL, bond, bottom BEOL, bottom device, thinned bottom bulk.
std::vector<ThermalLayer> stack_layers(const tech::ThermalStack& s, bool stacked,
                                       double bond_pitch_m, double bond_pad_m);

// Spreading resistance of a die of area A into a half-space of conductivity k: an isothermal
// disk of the same area, R = 1 / (4 k a), a = sqrt(A / pi) (Carslaw & Jaeger).
double spreading_resistance(double area_m2, double k);

struct ThermalSolution {
  int nx = 0, ny = 0;
  std::vector<std::vector<double>>
      tier_kelvin;  // per tier (0 bottom, 1 top) device-layer grid, row-major y
  double peak_k = 0;
  double spreader_k = 0;
  int iterations = 0;
};

// power[tier][iy * nx + ix] in watts on the device layer of that tier (tier 1 only if stacked).
ThermalSolution solve_thermal(const tech::ThermalStack& s, const std::vector<ThermalLayer>& layers,
                              double width_m, double height_m, int nx, int ny,
                              const std::vector<std::vector<double>>& power);

}  // namespace ss::phys
