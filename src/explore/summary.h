// What a study's store says, for people: a text table of each style's Pareto front and the
// exploration page (fronts, chosen designs, front table, sensitivity), from the store alone,
// so a finished or interrupted study can be re-reported.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "explore/store.h"
#include "report/explore_page.h"

namespace ss::explore {

struct Summary {
  size_t designs = 0, rows = 0, failed = 0, feasible = 0;
  nlohmann::json json;  // counts, fronts with chosen designs, sensitivity
  std::string text;     // the fronts as a table
  report::ExplorePage page;
};

// Objectives and constraints come from the store's study description.
Summary summarize(const Store& store);

}  // namespace ss::explore
