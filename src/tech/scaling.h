// Node scaling of per-operation energy, delay and area between CMOS nodes.
// Used when a technology file quotes a reference-node number (e.g. Horowitz 45 nm).
#pragma once

namespace ss::tech {

// How numbers quoted at a reference node map to the target node.
struct NodeScaling {
  double energy_factor = 1;  // E_target / E_reference
  double delay_factor = 1;   // t_target / t_reference
  double area_factor = 1;    // A_target / A_reference
};

// Classical (Dennard) scaling with the supply voltage held explicit:
// E ~ C V^2 with C ~ L, t ~ C V / I ~ L (at constant field), A ~ L^2.
// Stillmaker & Baas (Integration 58, 2017) show this can be off by large factors across many
// nodes; across one 45 -> 28 nm step at equal V it is within their fitted curves' spread.
// A technology file may override each factor with a value read off their tables.
NodeScaling classical_scaling(double from_node_m, double from_vdd_v, double to_node_m,
                              double to_vdd_v);

}  // namespace ss::tech
