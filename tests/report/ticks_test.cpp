// Nice ticks computed by hand with Heckbert's rule: range rounded up to 1/2/5/10 x 10^k, step
// = that range / (n-1) rounded to the nearest 1/2/5/10 x 10^k, ends floored / ceiled to steps.
#include "report/ticks.h"

#include <gtest/gtest.h>

using namespace ss::report;

TEST(Ticks, ZeroToSeven) {
  // range 7 -> 10; 10/4 = 2.5 -> 2; [0, 8]
  Ticks t = nice_ticks(0, 7, 5);
  EXPECT_DOUBLE_EQ(t.step, 2);
  EXPECT_EQ(t.values, (std::vector<double>{0, 2, 4, 6, 8}));
  EXPECT_EQ(t.decimals, 0);
}

TEST(Ticks, Fractions) {
  // range 0.93 -> 1; 1/4 = 0.25 -> 0.2; [0, 1]
  Ticks t = nice_ticks(0, 0.93, 5);
  EXPECT_DOUBLE_EQ(t.step, 0.2);
  ASSERT_EQ(t.values.size(), 6u);
  EXPECT_DOUBLE_EQ(t.values[3], 0.6);  // not 0.6000000000000001
  EXPECT_DOUBLE_EQ(t.hi, 1.0);
  EXPECT_EQ(t.decimals, 1);
  EXPECT_EQ(format_tick(t.values[3], t.decimals), "0.6");
}

TEST(Ticks, Thousands) {
  // range 1234 -> 2000; 500 -> 5 x 100 = 500; [0, 1500]
  Ticks t = nice_ticks(0, 1234, 5);
  EXPECT_DOUBLE_EQ(t.step, 500);
  EXPECT_EQ(t.values, (std::vector<double>{0, 500, 1000, 1500}));
}

TEST(Ticks, NegativeRange) {
  // range 47 -> 50; 12.5 -> 10; floor(-3.5) = -4, ceil(1.2) = 2: [-40, 20]
  Ticks t = nice_ticks(-35, 12, 5);
  EXPECT_DOUBLE_EQ(t.step, 10);
  EXPECT_EQ(t.values, (std::vector<double>{-40, -30, -20, -10, 0, 10, 20}));
}

TEST(Ticks, FlatRangeIsWidened) {
  Ticks zero = nice_ticks(0, 0, 5);
  EXPECT_EQ(zero.lo, 0);
  EXPECT_GT(zero.hi, 0);
  Ticks five = nice_ticks(5, 5, 5);  // widened to [2.5, 7.5]: range 5 -> 5, step 1.25 -> 1
  EXPECT_DOUBLE_EQ(five.step, 1);
  EXPECT_DOUBLE_EQ(five.lo, 2);
  EXPECT_DOUBLE_EQ(five.hi, 8);
}

TEST(Format, ValuesAndChanges) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(15.234), "15.2");
  EXPECT_EQ(format_value(0.012345), "0.0123");
  EXPECT_EQ(format_value(61500), "61500");
  EXPECT_EQ(format_value(2.5e7), "2.5e+07");
  EXPECT_EQ(format_change(12.34), "+12.3 %");
  EXPECT_EQ(format_change(-4.0), "\u22124.0 %");
  EXPECT_EQ(format_change(0.01), "±0.0 %");
  EXPECT_EQ(format_change(std::nullopt), "n/a");
}
