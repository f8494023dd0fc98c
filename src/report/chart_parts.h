// Pieces shared by the charts: text width estimates, axes and legends. Internal to src/report.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "report/svg.h"
#include "report/ticks.h"

namespace ss::report::parts {

inline constexpr double kFont = 12;       // labels and ticks
inline constexpr double kSmallFont = 11;  // annotations, legends

// Width of s in the page's sans-serif at size px (average glyph 0.58 em; UTF-8 aware).
double text_width(const std::string& s, double size = kFont);
// s shortened with "…" to fit width.
std::string fit_text(const std::string& s, double width, double size = kFont);

// Horizontal grid lines, tick labels left of x0 and the axis title, for a value axis from
// y_bottom (ticks.lo) up to y_top (ticks.hi).
void y_axis(Svg& svg, const Ticks& t, double x0, double x1, double y_top, double y_bottom,
            const std::string& title);
// Vertical grid lines and tick labels below y_bottom for x from x0 (ticks.lo) to x1 (ticks.hi).
void x_axis(Svg& svg, const Ticks& t, double x0, double x1, double y_top, double y_bottom,
            const std::string& title);

using LegendItems = std::vector<std::pair<std::string, std::string>>;  // (name, colour)
// Height the legend needs when laid out in rows within width.
double legend_height(const LegendItems& items, double width);
void legend(Svg& svg, const LegendItems& items, double x, double y, double width);

}  // namespace ss::report::parts
