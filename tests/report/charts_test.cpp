// Chart geometry against hand computation. Frame: height 200, top 20, bottom 30, so the plot
// is 150 high from y = 20 to y = 170; width 400, left 50, right 10: 340 wide.
#include "report/charts.h"

#include <gtest/gtest.h>

#include <cmath>

#include "report_test_util.h"

using namespace ss::report;
using ss::report::test::elements;
using ss::report::test::num;

namespace {
Frame frame() { return {400, 200, 50, 10, 20, 30}; }
}  // namespace

TEST(BarChart, BarHeightIsValueOverAxisMaxTimesPlotHeight) {
  BarChart c;
  c.frame = frame();
  c.legend = false;
  c.categories = {"a", "b"};
  c.series = {{"s", "#000", {3, 7}}};
  auto bars = elements(bar_chart(c), "rect", "class=\"bar\"");
  ASSERT_EQ(bars.size(), 2u);
  // axis 0..8 (nice ticks of 7): 7/8 * 150 = 131.25, top at 170 - 131.25 = 38.75
  EXPECT_NEAR(num(bars[1], "height"), 131.25, 0.01);
  EXPECT_NEAR(num(bars[1], "y"), 38.75, 0.01);
  // 3/8 * 150 = 56.25, top at 113.75
  EXPECT_NEAR(num(bars[0], "height"), 56.25, 0.01);
  EXPECT_NEAR(num(bars[0], "y"), 113.75, 0.01);
  // two slots of 170 over 340; bars 72 % of a slot wide (122.4, minus a 1 px gap), centred
  EXPECT_NEAR(num(bars[0], "x"), 50 + 85 - 61.2, 0.01);
  EXPECT_NEAR(num(bars[0], "width"), 121.4, 0.01);
  EXPECT_EQ(bars[1].at("data-value"), "7");
}

TEST(BarChart, NegativeBarsHangFromZero) {
  BarChart c;
  c.frame = frame();
  c.legend = false;
  c.categories = {"a", "b"};
  c.series = {{"s", "#000", {-35, 12}}};
  auto bars = elements(bar_chart(c), "rect", "class=\"bar\"");
  // axis -40..20 (60 units over 150 px, 2.5 px per unit); zero at 170 - 40*2.5 = 70
  EXPECT_NEAR(num(bars[0], "y"), 70, 0.01);
  EXPECT_NEAR(num(bars[0], "height"), 87.5, 0.01);
  EXPECT_NEAR(num(bars[1], "y"), 70 - 30, 0.01);
  EXPECT_NEAR(num(bars[1], "height"), 30, 0.01);
}

TEST(BarChart, StackedSegmentsSumToTheTotal) {
  BarChart c;
  c.frame = frame();
  c.legend = false;
  c.stacked = true;
  c.categories = {"x", "y"};
  // totals 6 and 9 -> axis 0..10 (range 9 -> 10, step 2.5 -> 2, ceil(9/2)*2 = 10)
  c.series = {{"p", "#111", {1, 4}}, {"q", "#222", {2, 5}}, {"r", "#333", {3, std::nan("")}}};
  auto bars = elements(bar_chart(c), "rect", "class=\"bar\"");
  ASSERT_EQ(bars.size(), 5u);  // the NaN segment is not drawn
  double px_per_unit = 150.0 / 10;
  double sum_x = 0, top_x = 1e9;
  for (const auto& b : bars)
    if (b.at("data-category") == "x")
      sum_x += num(b, "height"), top_x = std::min(top_x, num(b, "y"));
  EXPECT_NEAR(sum_x, 6 * px_per_unit, 0.03);
  EXPECT_NEAR(top_x, 170 - 6 * px_per_unit, 0.01);
  // segments touch: q sits on p in category y
  const auto& p = bars[3];  // order: category x (p, q, r), then y (p, q)
  const auto& q = bars[4];
  EXPECT_EQ(p.at("data-series"), "p");
  EXPECT_EQ(q.at("data-series"), "q");
  EXPECT_NEAR(num(q, "y") + num(q, "height"), num(p, "y"), 0.02);
  EXPECT_NEAR(num(p, "height"), 4 * px_per_unit, 0.01);
  EXPECT_NEAR(num(q, "height"), 5 * px_per_unit, 0.01);
}

TEST(BarChart, AnnotationsAndTooltipsAreWritten) {
  BarChart c;
  c.frame = frame();
  c.categories = {"2D", "3D"};
  c.series = {{"energy", "#000", {10, 8}}};
  c.annotations = {"10", "\u221220.0 %"};
  c.unit = "µJ";
  std::string svg = bar_chart(c);
  EXPECT_NE(svg.find(">\u221220.0 %</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>3D: 8.00 µJ</title>"), std::string::npos);
}

TEST(HBarChart, WidthIsValueOverAxisMax) {
  HBarChart c;
  c.width = 400;
  c.labels = {"l0", "l1"};
  // plot ~346 px -> 4 ticks (a tick label per 70 px): range 1234 -> 2000, 2000/3 = 667 -> 500
  c.values = {500, 1234};  // axis 0..1500
  auto bars = elements(hbar_chart(c), "rect", "class=\"bar\"");
  ASSERT_EQ(bars.size(), 2u);
  // left margin = label width (2 chars * 0.58 * 12 = 13.92) + 16; right 24
  double plot_w = 400 - (13.92 + 16) - 24;
  EXPECT_NEAR(num(bars[1], "width"), 1234.0 / 1500 * plot_w, 0.01);
  EXPECT_NEAR(num(bars[0], "width"), 500.0 / 1500 * plot_w, 0.01);
}

TEST(Heatmap, OneCellPerValueColouredByTheScaleEnds) {
  Heatmap h;
  h.rows = 2;
  h.cols = 3;
  h.values = {0, 0.5, 1, 1, 0.5, 0};
  h.vmin = 0;
  h.vmax = 1;
  auto cells = elements(heatmap(h), "rect", "class=\"cell\"");
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells[0].at("fill"), "#440154");  // viridis(0)
  EXPECT_EQ(cells[2].at("fill"), "#fde725");  // viridis(1)
  EXPECT_EQ(cells[4].at("fill"), scale_colour(Scale::Viridis, 0.5));
  EXPECT_EQ(scale_colour(Scale::Viridis, 0.5), "#21908d");  // the middle anchor (33, 144, 141)
}

TEST(Heatmap, SpatialMapsPutRowZeroAtTheBottomAndKeepMillimetresSquare) {
  Heatmap h;
  h.rows = 2;
  h.cols = 4;
  h.values = std::vector<double>(8, 1);
  h.extent_mm = std::make_pair(4.0, 1.0);  // 1 mm x 0.5 mm cells
  h.plot_width = 200;
  auto cells = elements(heatmap(h), "rect", "class=\"cell\"");
  ASSERT_EQ(cells.size(), 8u);
  EXPECT_NEAR(num(cells[0], "width") - 0.25, 50, 0.01);
  EXPECT_NEAR(num(cells[0], "height") - 0.25, 25, 0.01);
  EXPECT_GT(num(cells[0], "y"), num(cells[4], "y"));  // row 0 below row 1
}

TEST(HBarChart, AnnotationsFollowTheBarEnd) {
  HBarChart c;
  c.width = 400;
  c.labels = {"l0"};
  // plot ~320 px -> 4 ticks: range 750 -> 1000, 1000/3 = 333 -> 500; axis 0..1000
  c.values = {750};
  c.annotations = {"+1.0 %"};
  std::string svg = hbar_chart(c);
  auto bar = elements(svg, "rect", "class=\"bar\"").at(0);
  auto label = elements(svg, "text", "class=\"annotation\"").at(0);
  // left 13.92 + 16; right = max(24, 6 chars * 0.58 * 11 + 12 = 50.28)
  double plot_w = 400 - 29.92 - 50.28;
  EXPECT_NEAR(num(bar, "width"), 0.75 * plot_w, 0.01);
  EXPECT_NEAR(num(label, "x"), 29.92 + 0.75 * plot_w + 5, 0.01);
}
