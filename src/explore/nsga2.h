// Multi-objective search for spaces too large to enumerate: pagmo2's NSGA-II over the value
// indices of the axes (integer genes: model, each axis, style), minimizing the study's
// objectives; designs that break a constraint or cannot be built rank behind all others.
#pragma once
#include "explore/runner.h"

namespace ss::explore {

// Runs population x (generations + 1) evaluations at most (repeats come from the store).
void run_nsga2(const StudySpec& s, const Evaluator& ev, Runner& runner);

// The fitness NSGA-II sees for one style of a result: the objectives, or a penalty (1e30 plus
// the relative violation) when the style failed or breaks a constraint.
std::vector<double> fitness_of(const StyleResult& r, const std::vector<size_t>& objectives,
                               const std::vector<Constraint>& constraints);

}  // namespace ss::explore
