// Heatmaps: a grid of coloured cells with a colour bar; category axes (layers x time steps)
// or a spatial map in millimetres (a die tier, row 0 at the bottom).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/chart_parts.h"
#include "report/charts.h"

namespace ss::report {

using namespace parts;

namespace {

constexpr double kBarW = 12, kBarGap = 14;

// Vertical colour bar from y_top (vmax) to y_bottom (vmin) at x.
void colour_bar(Svg& svg, const Heatmap& h, double x, double y_top, double y_bottom) {
  svg.open("g", {{"class", "colour-bar"}});
  constexpr int kSteps = 48;
  double step_h = (y_bottom - y_top) / kSteps;
  for (int i = 0; i < kSteps; ++i) {
    double t = (i + 0.5) / kSteps;
    svg.rect(x, y_bottom - (i + 1) * step_h, kBarW, step_h + 0.3, scale_colour(h.scale, t));
  }
  double lo = h.vmin * h.legend_scale, hi = h.vmax * h.legend_scale;
  Ticks t = nice_ticks(lo, hi, 6);
  for (double v : t.values) {
    if (v < lo - 1e-12 || v > hi + 1e-12 || hi == lo) continue;
    double y = y_bottom - (v - lo) / (hi - lo) * (y_bottom - y_top);
    svg.line(x + kBarW, y, x + kBarW + 3, y, "tickmark");
    svg.text(x + kBarW + 5, y + 4, format_tick(v, t.decimals), "start", {{"class", "tick"}});
  }
  if (hi == lo) svg.text(x + kBarW + 5, y_top + 8, format_value(hi), "start", {{"class", "tick"}});
  if (!h.legend_label.empty())
    svg.text(x, y_top - 8, h.legend_label, "start", {{"class", "axis-title"}});
  svg.close();
}

}  // namespace

std::string heatmap(const Heatmap& h) {
  bool spatial = h.extent_mm.has_value();
  double cell_w = h.cell_w, cell_h = h.cell_h;
  if (spatial) {
    auto [w_mm, h_mm] = *h.extent_mm;
    cell_w = h.plot_width / h.cols;
    cell_h = cell_w * (h_mm / h.rows) / (w_mm / h.cols);  // square millimetres stay square
  }
  double row_label_w = 0;
  for (const auto& l : h.row_labels) row_label_w = std::max(row_label_w, text_width(l));
  double left = spatial ? 52 : std::min(row_label_w, 240.0) + 14;
  double top = 28, plot_w = cell_w * h.cols, plot_h = cell_h * h.rows;
  double bottom = top + plot_h;
  double legend_w = 0;
  {
    Ticks lt = nice_ticks(h.vmin * h.legend_scale, h.vmax * h.legend_scale, 6);
    for (double v : lt.values)
      legend_w = std::max(legend_w, text_width(format_tick(v, lt.decimals)));
    legend_w = std::max(legend_w + kBarW + 10, text_width(h.legend_label) - 8);
  }
  double width = left + plot_w + kBarGap + legend_w + 8;
  double height = bottom + (spatial || !h.col_labels.empty() ? 44 : 12);

  Svg svg(width, height, h.title);
  svg.open("g", {{"class", "cells"}, {"shape-rendering", "crispEdges"}});
  double span = h.vmax - h.vmin;
  for (int r = 0; r < h.rows; ++r)
    for (int col = 0; col < h.cols; ++col) {
      double v = h.values[size_t(r) * size_t(h.cols) + size_t(col)];
      double t = span > 0 ? (v - h.vmin) / span : 0.5;
      double y = spatial ? bottom - (r + 1) * cell_h : top + r * cell_h;
      // cells overlap by a hair so no background seams show between them
      svg.rect(left + col * cell_w, y, cell_w + 0.25, cell_h + 0.25, scale_colour(h.scale, t),
               h.tooltip ? h.tooltip(r, col, v) : format_value(v), {{"class", "cell"}});
    }
  svg.close();

  svg.open("g", {{"class", "axis"}});
  if (spatial) {
    auto [w_mm, h_mm] = *h.extent_mm;
    Ticks tx = nice_ticks(0, w_mm, 6), ty = nice_ticks(0, h_mm, 6);
    for (double v : tx.values) {
      if (v > w_mm + 1e-9) continue;
      double x = left + v / w_mm * plot_w;
      svg.line(x, bottom, x, bottom + 4, "tickmark");
      svg.text(x, bottom + 16, format_tick(v, tx.decimals), "middle", {{"class", "tick"}});
    }
    for (double v : ty.values) {
      if (v > h_mm + 1e-9) continue;
      double y = bottom - v / h_mm * plot_h;
      svg.line(left - 4, y, left, y, "tickmark");
      svg.text(left - 6, y + 4, format_tick(v, ty.decimals), "end", {{"class", "tick"}});
    }
    svg.element("rect", {{"x", coord(left)},
                         {"y", coord(top)},
                         {"width", coord(plot_w)},
                         {"height", coord(plot_h)},
                         {"class", "outline"}});
  } else {
    for (int r = 0; r < h.rows && r < int(h.row_labels.size()); ++r)
      svg.text(left - 6, top + r * cell_h + cell_h / 2 + 4, fit_text(h.row_labels[r], left - 14),
               "end");
    for (int col = 0; col < h.cols && col < int(h.col_labels.size()); ++col)
      svg.text(left + col * cell_w + cell_w / 2, bottom + 16, h.col_labels[col], "middle",
               {{"class", "tick"}});
  }
  if (!h.x_label.empty())
    svg.text(left + plot_w / 2, bottom + 34, h.x_label, "middle", {{"class", "axis-title"}});
  if (!h.y_label.empty())
    svg.text(12, top + plot_h / 2, h.y_label, "middle",
             {{"class", "axis-title"},
              {"transform", fmt::format("rotate(-90 12 {})", coord(top + plot_h / 2))}});
  svg.close();
  colour_bar(svg, h, left + plot_w + kBarGap, top, bottom);
  return svg.str();
}

}  // namespace ss::report
