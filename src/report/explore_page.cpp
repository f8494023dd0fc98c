#include "report/explore_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/chart_parts.h"
#include "report/page_style.h"
#include "report/svg.h"

namespace ss::report {

using namespace parts;

std::string scatter_chart(const ScatterChart& c) {
  const Frame& f = c.frame;
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  size_t n = 0;
  for (const auto& s : c.series)
    for (const auto& p : s.points)
      if (std::isfinite(p.x) && std::isfinite(p.y)) {
        x_lo = std::min(x_lo, p.x), x_hi = std::max(x_hi, p.x);
        y_lo = std::min(y_lo, p.y), y_hi = std::max(y_hi, p.y);
        ++n;
      }
  if (n == 0) return empty_chart(c.title, "no feasible design to plot");
  const Ticks tx = nice_ticks(x_lo, x_hi, 6), ty = nice_ticks(y_lo, y_hi, 5);
  LegendItems items;
  for (const auto& s : c.series)
    if (s.legend) items.emplace_back(s.name, s.colour);
  const double leg_h = legend_height(items, f.width - 16);
  const double top = leg_h + f.top, bottom = top + f.plot_h();
  const double x0 = f.left, x1 = f.width - f.right;
  auto X = [&](double v) { return x0 + (v - tx.lo) / (tx.hi - tx.lo) * (x1 - x0); };
  auto Y = [&](double v) { return bottom - (v - ty.lo) / (ty.hi - ty.lo) * f.plot_h(); };
  Svg svg(f.width, leg_h + f.height, c.title);
  legend(svg, items, 8, 4, f.width - 16);
  y_axis(svg, ty, x0, x1, top, bottom, c.y_label);
  x_axis(svg, tx, x0, x1, top, bottom, c.x_label);
  for (const auto& s : c.series) {
    svg.open("g", {{"class", s.front ? "front" : "cloud"}, {"data-series", s.name}});
    if (s.front && s.points.size() > 1) {
      auto pts = s.points;
      std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
      std::string d;
      for (size_t i = 0; i < pts.size(); ++i) {
        if (i) d += fmt::format(" L{} {}", coord(X(pts[i].x)), coord(Y(pts[i - 1].y)));
        d += fmt::format("{}{} {}", i ? " L" : "M", coord(X(pts[i].x)), coord(Y(pts[i].y)));
      }
      svg.element("path",
                  {{"d", d}, {"fill", "none"}, {"stroke", s.colour}, {"stroke-width", "1.6"}});
    }
    for (const auto& p : s.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      svg.element("circle",
                  {{"cx", coord(X(p.x))},
                   {"cy", coord(Y(p.y))},
                   {"r", s.front ? "3.4" : "1.8"},
                   {"fill", s.colour},
                   {"fill-opacity", s.front ? "1" : "0.35"},
                   {"class", "point"}},
                  p.tooltip);
      if (!p.label.empty())
        svg.text(X(p.x) + 5, Y(p.y) - 5, p.label, "start", {{"class", "annotation"}});
    }
    svg.close();
  }
  return svg.str();
}

std::string render_explore_page(const ExplorePage& p) {
  std::string o;
  o += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  o += fmt::format("<title>{}</title><style>{}</style></head><body><main>", escape_xml(p.title),
                   kPageCss);
  o += fmt::format(
      "<header class=\"top\"><p class=\"kicker\">spikestack exploration</p><h1>{}</h1>"
      "<p class=\"lead\">{}</p></header>",
      escape_xml(p.title), escape_xml(p.lead));
  if (!p.inputs.empty()) {
    o += "<dl class=\"inputs\">";
    for (const auto& [k, v] : p.inputs)
      o += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", escape_xml(k), escape_xml(v));
    o += "</dl>";
  }
  if (!p.note.empty()) o += fmt::format("<p class=\"note\">{}</p>", escape_xml(p.note));
  if (!p.figures.empty()) o += "<h2 id=\"fronts\">Pareto fronts</h2>";
  for (const auto& f : p.figures)
    o += fmt::format("<figure class=\"chart\"><h3>{}</h3>{}<figcaption>{}</figcaption></figure>",
                     escape_xml(f.title), f.svg, escape_xml(f.caption));
  for (const auto& t : p.tables) {
    o += fmt::format(
        "<h2 id=\"{}\">{}</h2><p class=\"lead\">{}</p><div class=\"table-wrap\"><table><thead><tr>",
        escape_xml(t.id), escape_xml(t.title), escape_xml(t.caption));
    for (const auto& h : t.header) o += "<th>" + escape_xml(h) + "</th>";
    o += "</tr></thead><tbody>";
    for (const auto& r : t.rows) {
      o += "<tr>";
      for (const auto& c : r) o += "<td>" + escape_xml(c) + "</td>";
      o += "</tr>";
    }
    o += "</tbody></table></div>";
  }
  o += fmt::format("<footer>{}</footer></main></body></html>\n", escape_xml(p.footer));
  return o;
}

}  // namespace ss::report
