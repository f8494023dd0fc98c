// Colours: a categorical palette for series and sequential scales for heatmaps, as CSS hex.
#pragma once
#include <string>

namespace ss::report {

// The i-th categorical colour (Tableau 10, colour-blind friendly in its first six); wraps.
std::string palette(size_t i);

enum class Scale { Viridis, Inferno };
// t in [0, 1] (clamped) mapped through a perceptually uniform scale (matplotlib's viridis /
// inferno, 9 anchors, linear in between).
std::string scale_colour(Scale s, double t);
// Black or white, whichever reads better on the given background colour.
std::string text_on(const std::string& hex_background);

}  // namespace ss::report
