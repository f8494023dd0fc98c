// Axis specs: lists, ranges with units, and the errors of empty or inverted ranges.
#include "explore/axis.h"

#include <gtest/gtest.h>

#include "common/error.h"

using namespace ss::explore;

namespace {
std::vector<std::string> labels(const Axis& a) {
  std::vector<std::string> v;
  for (const auto& x : a.values) v.push_back(x.label);
  return v;
}
}  // namespace

TEST(Axis, ListOfIntegers) {
  const Axis a = parse_axis("se_cores.count=1,2,4,8");
  EXPECT_EQ(a.key, "se_cores.count");
  EXPECT_EQ(labels(a), (std::vector<std::string>{"1", "2", "4", "8"}));
  EXPECT_EQ(a.set(2), "se_cores.count=4");
  EXPECT_DOUBLE_EQ(a.values[3].number, 8);
}

TEST(Axis, GeometricRangeOfSizes) {
  const Axis a = parse_axis("buffers.weight.size=256KiB..2MiB:x2");
  EXPECT_EQ(labels(a), (std::vector<std::string>{"256 KiB", "512 KiB", "1024 KiB", "2048 KiB"}));
  EXPECT_EQ(a.set(0), "buffers.weight.size=\"256 KiB\"");
  EXPECT_DOUBLE_EQ(a.values[1].number, 512.0 * 1024 * 8);  // bits
}

TEST(Axis, LogRangeIncludesBothEnds) {
  const Axis a = parse_axis("tech.bond.pitch=1um..10um:log:6");
  ASSERT_EQ(a.values.size(), 6u);
  EXPECT_EQ(a.values.front().label, "1 um");
  EXPECT_EQ(a.values.back().label, "10 um");
  EXPECT_NEAR(a.values[1].number, 1e-6 * std::pow(10.0, 0.2), 1e-15);  // 1.58489 um
  EXPECT_EQ(a.values[1].label, "1.58489 um");
}

TEST(Axis, IntegerAndSteppedRanges) {
  EXPECT_EQ(labels(parse_axis("k=2..5")), (std::vector<std::string>{"2", "3", "4", "5"}));
  EXPECT_EQ(labels(parse_axis("k=0.25..1:lin:4")),
            (std::vector<std::string>{"0.25", "0.5", "0.75", "1"}));
  EXPECT_EQ(labels(parse_axis("f=400MHz..600MHz:+100MHz")),
            (std::vector<std::string>{"400 MHz", "500 MHz", "600 MHz"}));
}

TEST(Axis, CategoriesAndBooleans) {
  const Axis a = parse_axis("mapping.head_pruning=true,false");
  EXPECT_EQ(a.set(0), "mapping.head_pruning=true");
  const Axis o = parse_axis("attention_cores.order=qk_first,kv_first");
  EXPECT_EQ(o.set(1), "attention_cores.order=\"kv_first\"");
  EXPECT_FALSE(o.numeric);
}

TEST(Axis, BadSpecsAreErrors) {
  EXPECT_THROW(parse_axis("k=8..1"), ss::Error);             // inverted
  EXPECT_THROW(parse_axis("k="), ss::Error);                 // empty
  EXPECT_THROW(parse_axis("k=1..2:lin:0"), ss::Error);       // no values
  EXPECT_THROW(parse_axis("k=1um..2MHz:lin:3"), ss::Error);  // dimensions differ
  EXPECT_THROW(parse_axis("k=1..4:x1"), ss::Error);          // factor not above 1
  EXPECT_THROW(parse_axis("k=1,,2"), ss::Error);             // empty item
  EXPECT_THROW(parse_axis("k=1,1"), ss::Error);              // repeated value
  EXPECT_THROW(parse_axis("novalue"), ss::Error);
  try {
    parse_axis("se_cores.count=8..1");
    FAIL();
  } catch (const ss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("inverted"), std::string::npos) << e.what();
  }
}
