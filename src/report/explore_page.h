// The exploration page of a design-space study (spikestack explore --report): scatter charts
// of the designs with each style's Pareto front, tables of the fronts and of the objectives'
// sensitivity to each axis. Plain descriptions in, one self-contained HTML page out.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "report/charts.h"

namespace ss::report {

struct ScatterPoint {
  double x = 0, y = 0;
  std::string tooltip;
  std::string label;  // written next to the marker (chosen designs: "A", "B", ...)
};

struct ScatterSeries {
  std::string name, colour;
  std::vector<ScatterPoint> points;
  bool front = false;  // a Pareto front: markers joined in x order by a step line
  bool legend = true;
};

struct ScatterChart {
  std::string title;
  Frame frame{640, 340, 72, 16, 16, 44};
  std::string x_label, y_label;
  std::vector<ScatterSeries> series;  // drawn in order (background clouds first)
};
std::string scatter_chart(const ScatterChart& c);

struct ExplorePage {
  std::string title, lead;
  std::vector<std::pair<std::string, std::string>> inputs;  // (name, value) cards
  std::string note;                                         // optional highlighted paragraph
  struct Figure {
    std::string title, svg, caption;
  };
  struct Table {
    std::string id, title, caption;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
  };
  std::vector<Figure> figures;
  std::vector<Table> tables;
  std::string footer;
};
std::string render_explore_page(const ExplorePage& p);

}  // namespace ss::report
