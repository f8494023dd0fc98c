// Lines over categorical x positions, one per series, with a marker and tooltip per point.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/chart_parts.h"
#include "report/charts.h"

namespace ss::report {

using namespace parts;

std::string line_chart(const LineChart& c) {
  const Frame& f = c.frame;
  size_t n = c.x_labels.size();
  double lo = 0, hi = 0;
  for (const auto& s : c.series)
    for (double v : s.values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  Ticks t = nice_ticks(c.y_min.value_or(lo), c.y_max.value_or(hi), 5);

  LegendItems items;
  for (const auto& s : c.series) items.emplace_back(s.name, s.colour);
  double leg_h = legend_height(items, f.width - 16);
  double step = f.plot_w() / std::max<double>(double(n), 1);
  double label_w = 0;
  for (const auto& l : c.x_labels) label_w = std::max(label_w, text_width(l, kSmallFont));
  bool rotate = label_w > step - 2;
  double label_h = rotate ? std::min(label_w, 170.0) * std::sin(40 * M_PI / 180) + 14 : 16;
  double extra_bottom = std::max(0.0, label_h - (f.bottom - 6));
  double top = leg_h + f.top, bottom = top + f.plot_h();
  auto x_of = [&](size_t i) { return f.left + (double(i) + 0.5) * step; };
  auto y_of = [&](double v) { return bottom - (v - t.lo) / (t.hi - t.lo) * f.plot_h(); };

  Svg svg(f.width, leg_h + f.height + extra_bottom, c.title);
  legend(svg, items, 8, 4, f.width - 16);
  y_axis(svg, t, f.left, f.width - f.right, top, bottom, c.y_label);
  for (const auto& s : c.series) {
    svg.open("g", {{"class", "series"}, {"data-series", s.name}});
    std::string d;
    for (size_t i = 0; i < n && i < s.values.size(); ++i) {
      if (!std::isfinite(s.values[i])) continue;
      d += fmt::format("{}{} {}", d.empty() ? "M" : " L", coord(x_of(i)), coord(y_of(s.values[i])));
    }
    svg.element("path", {{"d", d}, {"fill", "none"}, {"stroke", s.colour}, {"class", "line"}});
    for (size_t i = 0; i < n && i < s.values.size(); ++i) {
      if (!std::isfinite(s.values[i])) continue;
      svg.element("circle",
                  {{"cx", coord(x_of(i))},
                   {"cy", coord(y_of(s.values[i]))},
                   {"r", "2.6"},
                   {"fill", s.colour},
                   {"class", "point"},
                   {"data-value", fmt::format("{}", s.values[i])}},
                  fmt::format("{} · {}: {}{}{}", c.x_labels[i], s.name,
                              format_value(s.values[i] * c.value_scale), c.unit.empty() ? "" : " ",
                              c.unit));
    }
    svg.close();
  }
  svg.open("g", {{"class", "categories"}});
  for (size_t i = 0; i < n; ++i) {
    double x = x_of(i), y = bottom + 12;
    if (rotate)
      svg.text(x + 3, y, fit_text(c.x_labels[i], 170, kSmallFont), "end",
               {{"class", "small"},
                {"transform", fmt::format("rotate(-40 {} {})", coord(x + 3), coord(y))}});
    else
      svg.text(x, bottom + 16, c.x_labels[i], "middle", {{"class", "small"}});
  }
  svg.close();
  return svg.str();
}

}  // namespace ss::report
