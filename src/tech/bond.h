// Face-to-face hybrid bonds: electrical parasitics and how many fit in an area.
#pragma once

#include "tech/wire.h"

namespace ss::tech {

struct BondTech {
  double pitch_m = 0;          // centre-to-centre pitch of the bond array
  double r_ohm = 0;            // one bond, pad to pad
  double c_f = 0;              // one bond including its landing pads
  double pad_diameter_m = 0;   // copper pad (sets the bond layer's copper fraction)
  double keepout_area_m2 = 0;  // device-layer area lost per bond (0 for F2F: lands on top metal)
  double signal_fraction =
      1;  // share of bond sites usable for signals (rest: power, ground, dummy)
};

// Bond sites in `area_m2` on a square grid: area / pitch^2.
double bond_capacity(const BondTech& b, double area_m2);
// Signal bonds available in `area_m2`.
double signal_bond_capacity(const BondTech& b, double area_m2);

// What one bond adds to a wire that crosses the tiers: a lumped R and C at the wire's end; the
// driver (a 4x inverter) plus the bond's R charge its C, and its R the 4x receiver.
double bond_delay_s(const BondTech& b, const Driver& d);

// A bus wire of `length_m` on `w` (wire_delay_s), plus one bond when it crosses the tiers.
double bus_delay_s(const WireClass& w, double length_m, const Driver& d, const BondTech& b,
                   bool cross_tier);

}  // namespace ss::tech
