// The report's figures: each turns part of the document into one chart with an id (the
// data-chart attribute the browser test looks for), a title and a caption saying how to read it.
#pragma once
#include <string>
#include <vector>

#include "report/document.h"

namespace ss::report {

struct Figure {
  std::string id, section, title, caption, svg;
};

// Sections, in page order: "comparison", "energy", "area", "thermal", "workload".
std::vector<Figure> figures(const Document& d);

// The chart ids figures(d) produces, without rendering (for tests and the browser test).
std::vector<std::string> figure_ids(const Document& d);

// A 3D style's change against the baseline for people: "−16.7 %", or for metrics compared as
// differences (temperatures) "+7.6 °C"; and "good", "bad" or "same" by the metric's direction.
std::string change_label(const std::string& key, double value, double baseline);
const char* change_class(const std::string& key, double value, double baseline);

// Colour of style i (the baseline is a neutral slate) and of a breakdown component.
std::string style_colour(size_t i);
// Component names in first-appearance order over every style's energy, then area breakdown.
std::vector<std::string> components(const Document& d);
// "thermal-3d-mol-top": lower-case letters, digits and dashes only.
std::string slug(const std::string& s);

}  // namespace ss::report
