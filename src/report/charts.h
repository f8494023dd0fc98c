// Hand-written SVG charts: vertical bars (grouped or stacked), horizontal bars, lines, heatmaps.
// Each function takes a plain description and returns one <svg> element; no I/O, no document.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "report/colour.h"

namespace ss::report {

// The plot area is [left, width-right] x [top, height-bottom] below the legend rows; labels
// that need more room grow the picture downwards, never the plot.
struct Frame {
  double width = 640, height = 300;
  double left = 64, right = 16, top = 16, bottom = 40;
  double plot_w() const { return width - left - right; }
  double plot_h() const { return height - top - bottom; }
};

struct Series {
  std::string name, colour;
  std::vector<double> values;  // one per category (NaN: no bar)
};

struct BarChart {
  std::string title;  // for screen readers (aria-label)
  Frame frame;
  std::vector<std::string> categories;  // x positions, left to right
  std::vector<std::string> groups;      // optional second label row; equal neighbours cluster
  std::vector<Series> series;           // grouped side by side, or stacked bottom to top
  bool stacked = false;
  std::string y_label;                   // axis title with unit
  std::string unit;                      // appended to values in tooltips
  std::vector<std::string> annotations;  // optional, one per category, written above the bar(s)
  std::vector<std::string> category_colours;  // optional: colour per category (single series)
  bool legend = true;
  std::optional<std::pair<double, std::string>> reference;  // dashed line at a value, labelled
};
std::string bar_chart(const BarChart& c);

struct HBarChart {
  std::string title;
  double width = 640, row_height = 18;
  std::vector<std::string> labels;
  std::vector<double> values;
  std::vector<std::string> colours;      // one per bar
  std::vector<std::string> tooltips;     // one per bar
  std::vector<std::string> annotations;  // optional, written after each bar's end
  std::string x_label;
  std::vector<std::pair<std::string, std::string>> legend;  // (name, colour)
};
std::string hbar_chart(const HBarChart& c);

struct LineChart {
  std::string title;
  Frame frame;
  std::vector<std::string> x_labels;  // one per point
  std::vector<Series> series;
  std::string y_label, unit;
  std::optional<double> y_min, y_max;  // fixed axis range (else from the data, from zero)
  double value_scale = 1;              // tooltip value = value * value_scale (e.g. 100 for %)
};
std::string line_chart(const LineChart& c);

// Cells on a grid. Category axes (row_labels / col_labels) or, when extent is set, a spatial
// map in millimetres with nice ticks and row 0 at the bottom.
struct Heatmap {
  std::string title;
  int rows = 0, cols = 0;
  std::vector<double> values;  // row-major
  std::vector<std::string> row_labels, col_labels;
  std::string x_label, y_label;
  std::optional<std::pair<double, double>> extent_mm;  // (width, height): spatial map
  double cell_w = 24, cell_h = 16;  // category mode; spatial mode fits plot_width
  double plot_width = 280;          // spatial mode
  double vmin = 0, vmax = 1;        // colour scale range
  Scale scale = Scale::Viridis;
  std::string legend_label;  // colour bar title with unit
  double legend_scale = 1;   // colour bar tick value = value * legend_scale
  std::function<std::string(int row, int col, double v)> tooltip;
};
std::string heatmap(const Heatmap& h);

// An SVG that says there is nothing to plot (keeps every figure present).
std::string empty_chart(const std::string& title, const std::string& message);

}  // namespace ss::report
