// What a design point measures: the metrics stored per (design, style), the ones that can be
// objectives (all minimized), and constraints on them written with units.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/units.h"
#include "phys/evaluate.h"

namespace ss::explore {

struct MetricInfo {
  const char* column;     // store column, unit in the name ("energy_uj")
  const char* objective;  // short name for objectives and constraints ("energy"); "" if none
  const char* unit;       // the column's unit ("uJ"); "" for plain numbers
  const char* label;      // axis title in the report
};
// Every metric, in store column order.
const std::vector<MetricInfo>& metric_infos();
// Index of a metric by column or objective name; throws ss::Error listing the names.
size_t metric_index(const std::string& name);
// The objective names ("energy", "latency", "edp", ...), for messages.
std::string objective_names();

// Metrics of one style, in metric_infos() order; NaN where not computed (peak temperature
// without thermal).
std::vector<double> metrics_of(const phys::SiliconResult& r, bool thermal);

// "peak_temperature <= 360 K", "footprint<=12mm2", "meets_clock >= 1"
struct Constraint {
  size_t metric = 0;
  bool upper = true;  // <= (else >=)
  double bound = 0;   // in the metric's column unit
  std::string text;   // as written
  bool ok(const std::vector<double>& m) const;
};
Constraint parse_constraint(const std::string& text);

}  // namespace ss::explore
