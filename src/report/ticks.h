// Axis ticks at "nice" numbers (1, 2, 5 x 10^k; Heckbert, Graphics Gems I, 1990) and the
// number formats used on axes, labels and tables.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace ss::report {

struct Ticks {
  double lo = 0, hi = 1, step = 1;  // the axis spans [lo, hi]; ticks at lo, lo+step, ..., hi
  std::vector<double> values;
  int decimals = 0;  // digits after the point that tell ticks apart
};

// About `target` ticks covering [lo, hi]; an empty range is widened so the axis is never flat.
Ticks nice_ticks(double lo, double hi, int target = 5);

// A tick label with the ticks' decimals ("0.25", "1500").
std::string format_tick(double v, int decimals);
// A value for people: 3 significant digits, no exponent between 1e-3 and 1e6 ("0.0123", "15.2",
// "1234").
std::string format_value(double v);
// "+12.3 %", "−4.0 %" (typographic minus), "n/a" for none.
std::string format_change(std::optional<double> pct);

}  // namespace ss::report
