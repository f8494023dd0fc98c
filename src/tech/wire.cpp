#include "tech/wire.h"

#include <algorithm>
#include <cmath>

namespace ss::tech {

double unrepeated_delay_s(const WireClass& w, double length_m, double drive_r_ohm, double load_f) {
  const double rw = w.r_ohm_per_m * length_m, cw = w.c_f_per_m * length_m;
  return 0.69 * drive_r_ohm * (cw + load_f) + 0.38 * rw * cw + 0.69 * rw * load_f;
}

double repeated_delay_s(const WireClass& w, double length_m, const Driver& d) {
  return 2.5 * std::sqrt(d.r0_ohm * d.c0_f * w.r_ohm_per_m * w.c_f_per_m) * length_m;
}

namespace {
// The unrepeated wire is driven by a 4x inverter into a 4x load (a typical cell pin); the
// repeated one pays one extra FO4-like stage for its first repeater.
double unrepeated(const WireClass& w, double length_m, const Driver& d) {
  return unrepeated_delay_s(w, length_m, d.r0_ohm / 4, 4 * d.c0_f);
}
double repeated(const WireClass& w, double length_m, const Driver& d) {
  return repeated_delay_s(w, length_m, d) + 0.69 * d.r0_ohm * d.c0_f * 5;
}
}  // namespace

double wire_delay_s(const WireClass& w, double length_m, const Driver& d) {
  return std::min(unrepeated(w, length_m, d), repeated(w, length_m, d));
}

double wire_switched_cap_f(const WireClass& w, double length_m, const Driver& d) {
  const bool rep = repeated(w, length_m, d) < unrepeated(w, length_m, d);
  return (rep ? repeated_wire_cap_f(w, length_m) : w.c_f_per_m * length_m) + 4 * d.c0_f;
}

double repeated_wire_cap_f(const WireClass& w, double length_m) {
  return w.c_f_per_m * length_m * (1.0 + 2.0 * std::sqrt(0.4 / 0.7));
}

}  // namespace ss::tech
