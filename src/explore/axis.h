// One axis of a design space: a dotted architecture or technology key ("se_cores.count",
// "tech.bond.pitch") and the values it takes, written as a list or a range with units.
#pragma once
#include <string>
#include <vector>

namespace ss::explore {

struct AxisValue {
  std::string text;   // what is passed to --set: a TOML value ("4", "\"512 KiB\"", "true")
  std::string label;  // what people read ("4", "512 KiB")
  double number = 0;  // SI value (bits for sizes) for charts and sensitivity; index if none
};

struct Axis {
  std::string key;  // dotted key; "tech." prefix for technology keys
  std::vector<AxisValue> values;
  std::string unit;      // the unit the values are written in ("" for plain numbers)
  bool numeric = false;  // values have a number (else they are categories)
  std::string spec;      // as written, for messages
  // "key=value" for --set / apply_toml_override
  std::string set(size_t i) const { return key + "=" + values.at(i).text; }
};

// Parses "key=SPEC" where SPEC is
//   v1,v2,...            a list: numbers, quantities with units ("1 um", "256KiB"), strings, bools
//   lo..hi               integers lo, lo+1, ..., hi
//   lo..hi:xF            geometric, factor F > 1 (256KiB..2MiB:x2)
//   lo..hi:log:N         N log-spaced values, both ends included (1um..10um:log:6)
//   lo..hi:lin:N | :N    N evenly spaced values, both ends included
//   lo..hi:+S            arithmetic, step S
// An empty or inverted range, a unit whose dimension differs between the ends, or a
// malformed spec throws ss::Error naming the axis.
Axis parse_axis(const std::string& key_eq_spec);
Axis parse_axis(const std::string& key, const std::string& spec);

}  // namespace ss::explore
