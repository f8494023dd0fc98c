#include "tech/bond.h"

#include <cmath>

namespace ss::tech {

double bond_capacity(const BondTech& b, double area_m2) {
  return std::floor(area_m2 / (b.pitch_m * b.pitch_m) + 1e-9);
}

double signal_bond_capacity(const BondTech& b, double area_m2) {
  return std::floor(bond_capacity(b, area_m2) * b.signal_fraction + 1e-9);
}

double bond_delay_s(const BondTech& b, const Driver& d) {
  return 0.69 * (d.r0_ohm / 4 + b.r_ohm) * b.c_f + 0.69 * b.r_ohm * 4 * d.c0_f;
}

double bus_delay_s(const WireClass& w, double length_m, const Driver& d, const BondTech& b,
                   bool cross_tier) {
  return wire_delay_s(w, length_m, d) + (cross_tier ? bond_delay_s(b, d) : 0.0);
}

}  // namespace ss::tech
