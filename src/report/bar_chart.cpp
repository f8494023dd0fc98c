// Vertical bars (grouped or stacked, optionally clustered into labelled groups), horizontal
// bars, and the empty placeholder.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/chart_parts.h"
#include "report/charts.h"

namespace ss::report {

using namespace parts;

namespace {

constexpr double kRotate = 35;  // degrees, for category labels that do not fit their slot

std::string value_attr(double v) { return fmt::format("{}", v); }

std::string tooltip_for(const std::string& category, const std::string& group,
                        const std::string& series, double v, const std::string& unit) {
  std::string where = group.empty() ? category : group + " · " + category;
  if (!series.empty()) where += " · " + series;
  return fmt::format("{}: {}{}{}", where, format_value(v), unit.empty() ? "" : " ", unit);
}

}  // namespace

std::string bar_chart(const BarChart& c) {
  const Frame& f = c.frame;
  size_t n = c.categories.size();
  // Value range: stacked bars stack positives up and negatives down from zero.
  double lo = 0, hi = 0;
  std::vector<double> up(n, 0), down(n, 0);
  for (const auto& s : c.series)
    for (size_t i = 0; i < n && i < s.values.size(); ++i) {
      double v = s.values[i];
      if (std::isnan(v)) continue;
      if (c.stacked)
        (v >= 0 ? up[i] : down[i]) += v;
      else
        up[i] = std::max(up[i], v), down[i] = std::min(down[i], v);
    }
  for (size_t i = 0; i < n; ++i) hi = std::max(hi, up[i]), lo = std::min(lo, down[i]);
  Ticks t = nice_ticks(lo, hi, 5);

  LegendItems items;
  if (c.legend)
    for (const auto& s : c.series) items.emplace_back(s.name, s.colour);
  double leg_h = legend_height(items, f.plot_w() + f.left - 8);

  // Horizontal layout: one unit per category, half a unit between groups.
  std::vector<double> centre(n);
  size_t boundaries = 0;
  bool grouped = c.groups.size() == n;
  for (size_t i = 1; i < n; ++i) boundaries += grouped && c.groups[i] != c.groups[i - 1];
  double unit_w = f.plot_w() / std::max(1.0, double(n) + 0.5 * double(boundaries));
  double x = f.left;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && grouped && c.groups[i] != c.groups[i - 1]) x += 0.5 * unit_w;
    centre[i] = x + unit_w / 2;
    x += unit_w;
  }
  double label_w = 0;
  for (const auto& cat : c.categories) label_w = std::max(label_w, text_width(cat));
  bool rotate = label_w > unit_w - 2;
  double label_h = rotate ? std::min(label_w, 160.0) * std::sin(kRotate * M_PI / 180) + 14 : 16;
  double extra_bottom = std::max(0.0, label_h + (grouped ? 18 : 0) - (f.bottom - 6));

  double top = leg_h + f.top, bottom = top + f.plot_h();
  auto y_of = [&](double v) { return bottom - (v - t.lo) / (t.hi - t.lo) * f.plot_h(); };

  Svg svg(f.width, leg_h + f.height + extra_bottom, c.title);
  legend(svg, items, 8, 4, f.plot_w() + f.left - 8);
  y_axis(svg, t, f.left, f.width - f.right, top, bottom, c.y_label);

  svg.open("g", {{"class", "bars"}});
  double usable = unit_w * 0.72;
  size_t ns = std::max<size_t>(c.series.size(), 1);
  for (size_t i = 0; i < n; ++i) {
    double pos = 0, neg = 0;
    for (size_t k = 0; k < c.series.size(); ++k) {
      const Series& s = c.series[k];
      if (i >= s.values.size() || std::isnan(s.values[i])) continue;
      double v = s.values[i];
      double bw = c.stacked ? usable : usable / double(ns);
      double bx = c.stacked ? centre[i] - usable / 2 : centre[i] - usable / 2 + double(k) * bw;
      double base = c.stacked ? (v >= 0 ? pos : neg) : 0;
      double y0 = y_of(base), y1 = y_of(base + v);
      if (c.stacked) (v >= 0 ? pos : neg) += v;
      std::string colour = c.category_colours.size() == n ? c.category_colours[i] : s.colour;
      std::string group = grouped ? c.groups[i] : "";
      svg.rect(bx, std::min(y0, y1), bw - (c.stacked ? 0 : 1), std::fabs(y1 - y0), colour,
               tooltip_for(c.categories[i], group, c.series.size() > 1 ? s.name : "", v, c.unit),
               {{"class", "bar"},
                {"data-value", value_attr(v)},
                {"data-category", c.categories[i]},
                {"data-series", s.name}});
    }
  }
  svg.close();

  if (c.reference) {
    double y = y_of(c.reference->first);
    svg.line(f.left, y, f.width - f.right, y, "reference");
    svg.text(f.width - f.right, y - 4, c.reference->second, "end", {{"class", "reference-label"}});
  }
  if (c.annotations.size() == n) {
    svg.open("g", {{"class", "annotations"}});
    for (size_t i = 0; i < n; ++i) {
      if (c.annotations[i].empty()) continue;
      bool below = up[i] == 0 && down[i] < 0;
      double y = below ? y_of(down[i]) + 13 : y_of(up[i]) - 4;
      svg.text(centre[i], y, c.annotations[i], "middle", {{"class", "annotation"}});
    }
    svg.close();
  }

  svg.open("g", {{"class", "categories"}});
  for (size_t i = 0; i < n; ++i) {
    std::string label = rotate ? fit_text(c.categories[i], 160) : c.categories[i];
    if (rotate) {
      double ly = bottom + 12;
      svg.text(centre[i] + 4, ly, label, "end",
               {{"transform",
                 fmt::format("rotate(-{} {} {})", kRotate, coord(centre[i] + 4), coord(ly))}});
    } else {
      svg.text(centre[i], bottom + 16, label, "middle");
    }
  }
  if (grouped) {
    double gy = bottom + label_h + 14;
    for (size_t i = 0; i < n;) {
      size_t j = i;
      while (j + 1 < n && c.groups[j + 1] == c.groups[i]) ++j;
      svg.text((centre[i] + centre[j]) / 2, gy, c.groups[i], "middle", {{"class", "group"}});
      svg.line(centre[i] - usable / 2, gy - 13, centre[j] + usable / 2, gy - 13, "bracket");
      i = j + 1;
    }
  }
  svg.close();
  return svg.str();
}

std::string hbar_chart(const HBarChart& c) {
  size_t n = c.labels.size();
  double label_w = 0;
  for (const auto& l : c.labels) label_w = std::max(label_w, text_width(l));
  double annot_w = 0;
  for (const auto& a : c.annotations) annot_w = std::max(annot_w, text_width(a, kSmallFont));
  double left = std::min(label_w, 260.0) + 16, right = std::max(24.0, annot_w + 12);
  double plot_w = c.width - left - right;
  double leg_h = legend_height(c.legend, c.width - 16);
  double top = leg_h + 8, plot_h = double(n) * c.row_height, bottom = top + plot_h;
  double hi = 0;
  for (double v : c.values) hi = std::max(hi, v);
  Ticks t = nice_ticks(0, hi, std::clamp(int(plot_w / 70), 2, 6));  // room for each tick label

  Svg svg(c.width, bottom + 40, c.title);
  legend(svg, c.legend, 8, 4, c.width - 16);
  x_axis(svg, t, left, left + plot_w, top, bottom, c.x_label);
  svg.open("g", {{"class", "bars"}});
  for (size_t i = 0; i < n; ++i) {
    double v = c.values[i];
    double y = top + double(i) * c.row_height;
    svg.text(left - 6, y + c.row_height / 2 + 4, fit_text(c.labels[i], left - 15), "end");
    svg.rect(left, y + 2, v / t.hi * plot_w, c.row_height - 4,
             i < c.colours.size() ? c.colours[i] : palette(0),
             i < c.tooltips.size() ? c.tooltips[i] : c.labels[i],
             {{"class", "bar"}, {"data-value", value_attr(v)}, {"data-category", c.labels[i]}});
    if (i < c.annotations.size())
      svg.text(left + v / t.hi * plot_w + 5, y + c.row_height / 2 + 4, c.annotations[i], "start",
               {{"class", "annotation"}});
  }
  svg.close();
  return svg.str();
}

std::string empty_chart(const std::string& title, const std::string& message) {
  Svg svg(640, 64, title);
  svg.rect(0.5, 0.5, 639, 63, "#f6f7f9", "", {{"stroke", "#d8dbe0"}, {"rx", "6"}});
  svg.text(320, 37, message, "middle", {{"class", "empty"}});
  return svg.str();
}

}  // namespace ss::report
