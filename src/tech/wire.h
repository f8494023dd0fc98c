// On-chip wires by metal class: distributed RC, unrepeated (Elmore) and optimally repeated
// (Bakoglu) delay, and switching energy per transition including the repeaters.
#pragma once
#include <string>

namespace ss::tech {

struct WireClass {
  std::string name;        // "local", "intermediate", "global"
  double r_ohm_per_m = 0;  // resistance per length
  double c_f_per_m = 0;    // capacitance per length (ground + coupling, average)
};

// The driver that launches a wire: a minimum inverter's output resistance and input
// capacitance, derived from the node's FO4 delay (FO4 = 0.69 R0 (4 C0 + Cp), Cp ~ C0).
struct Driver {
  double r0_ohm = 0;
  double c0_f = 0;
};

// Elmore delay of an unrepeated wire of length_m driven by `drive_r_ohm` into `load_f`:
// 0.69 Rd (c L + Cl) + 0.38 r c L^2 + 0.69 r L Cl.
double unrepeated_delay_s(const WireClass& w, double length_m, double drive_r_ohm, double load_f);

// Bakoglu & Meindl (IEEE TED 32(5), 1985): optimally repeated wire,
// t = 2.5 sqrt(R0 C0 r c) L, segments of length sqrt(2 R0 C0 / (r c)) ... with repeaters
// of size h = sqrt(R0 c / (r C0)).
double repeated_delay_s(const WireClass& w, double length_m, const Driver& d);

// The faster of the two (a designer inserts repeaters only where they help).
double wire_delay_s(const WireClass& w, double length_m, const Driver& d);

// Capacitance switched by one transition of a repeated wire: wire plus repeater input and
// diffusion capacitance. For Bakoglu's optimum the repeaters' input capacitance is
// sqrt(0.4/0.7) = 0.756 of the wire's; their diffusion capacitance adds as much again.
double repeated_wire_cap_f(const WireClass& w, double length_m);

// Capacitance one transition switches on a wire built the way wire_delay_s chose (with or
// without repeaters), including the 4x receiver it drives.
double wire_switched_cap_f(const WireClass& w, double length_m, const Driver& d);

}  // namespace ss::tech
