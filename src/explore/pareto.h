// What a finished study says: the non-dominated designs per style (Pareto fronts), the designs
// chosen from them, and which axis moves each objective most (main-effect sensitivity).
#pragma once
#include <string>
#include <vector>

#include "explore/metrics.h"
#include "explore/store.h"

namespace ss::explore {

// Indices of the points not dominated by any other (all objectives minimized; NaN rows never
// make the front). Ties (equal vectors) are all kept. O(n log n) for 2 objectives.
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& pts);

// One row of the store flattened: a design in one style.
struct Row {
  const StoredDesign* design = nullptr;
  size_t style = 0;  // index into design->result.styles
  const std::vector<double>& metrics() const { return design->result.styles[style].metrics; }
  const std::string& style_name() const { return design->result.styles[style].style; }
};

// Rows that were built and meet every constraint.
std::vector<Row> feasible_rows(const std::vector<StoredDesign>& ds,
                               const std::vector<Constraint>& cs);

// Main effect of each factor (model, each axis, style) on a metric over the rows: the spread
// (max - min) of the metric's mean per factor value, relative to the overall mean. Factors
// with one value give 0.
struct Sensitivity {
  std::string factor;
  double spread = 0;        // relative, e.g. 0.4 = the best and worst value's means differ by 40 %
  std::string best, worst;  // factor values with the lowest and highest mean
};
std::vector<Sensitivity> sensitivity(const std::vector<Row>& rows, size_t metric,
                                     const std::vector<std::string>& axis_keys);

}  // namespace ss::explore
