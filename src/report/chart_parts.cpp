#include "report/chart_parts.h"

#include <algorithm>

namespace ss::report::parts {

namespace {
size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
constexpr double kLegendSwatch = 10, kLegendGap = 16, kLegendRow = 18;
}  // namespace

double text_width(const std::string& s, double size) {
  return 0.58 * size * double(utf8_length(s));
}

std::string fit_text(const std::string& s, double width, double size) {
  if (text_width(s, size) <= width) return s;
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && text_width(r + "\u2026", size) + 0.58 * size > width) break;
    r += s[i];
  }
  while (!r.empty() && (static_cast<unsigned char>(r.back()) & 0xC0) == 0xC0)
    r.pop_back();  // no split lead byte
  return r + "\u2026";
}

void y_axis(Svg& svg, const Ticks& t, double x0, double x1, double y_top, double y_bottom,
            const std::string& title) {
  svg.open("g", {{"class", "axis y"}});
  for (double v : t.values) {
    double y = y_bottom - (v - t.lo) / (t.hi - t.lo) * (y_bottom - y_top);
    svg.line(x0, y, x1, y, v == 0 ? "zero" : "grid");
    svg.text(x0 - 6, y + 4, format_tick(v, t.decimals), "end", {{"class", "tick"}});
  }
  if (!title.empty()) {
    double yc = (y_top + y_bottom) / 2;
    svg.text(14, yc, title, "middle",
             {{"class", "axis-title"}, {"transform", "rotate(-90 14 " + coord(yc) + ")"}});
  }
  svg.close();
}

void x_axis(Svg& svg, const Ticks& t, double x0, double x1, double y_top, double y_bottom,
            const std::string& title) {
  svg.open("g", {{"class", "axis x"}});
  for (double v : t.values) {
    double x = x0 + (v - t.lo) / (t.hi - t.lo) * (x1 - x0);
    svg.line(x, y_top, x, y_bottom, v == 0 ? "zero" : "grid");
    svg.text(x, y_bottom + 14, format_tick(v, t.decimals), "middle", {{"class", "tick"}});
  }
  if (!title.empty())
    svg.text((x0 + x1) / 2, y_bottom + 30, title, "middle", {{"class", "axis-title"}});
  svg.close();
}

double legend_height(const LegendItems& items, double width) {
  if (items.empty()) return 0;
  double x = 0;
  int rows = 1;
  for (const auto& [name, colour] : items) {
    double w = kLegendSwatch + 4 + text_width(name, kSmallFont) + kLegendGap;
    if (x > 0 && x + w > width) ++rows, x = 0;
    x += w;
  }
  return rows * kLegendRow + 6;
}

void legend(Svg& svg, const LegendItems& items, double x0, double y0, double width) {
  if (items.empty()) return;
  svg.open("g", {{"class", "legend"}});
  double x = 0, y = y0;
  for (const auto& [name, colour] : items) {
    double w = kLegendSwatch + 4 + text_width(name, kSmallFont) + kLegendGap;
    if (x > 0 && x + w > width) y += kLegendRow, x = 0;
    svg.rect(x0 + x, y + 3, kLegendSwatch, kLegendSwatch, colour, name, {{"rx", "2"}});
    svg.text(x0 + x + kLegendSwatch + 4, y + 12, name);
    x += w;
  }
  svg.close();
}

}  // namespace ss::report::parts
