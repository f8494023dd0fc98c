#include "report/svg.h"

#include <gtest/gtest.h>

using namespace ss::report;

TEST(Svg, EscapesTheFiveXmlCharacters) {
  EXPECT_EQ(escape_xml(R"(<a href="x">Tom & Jerry's</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;");
  EXPECT_EQ(escape_xml("plain µJ °C"), "plain µJ °C");  // UTF-8 passes through
}

TEST(Svg, DropsControlCharactersXmlForbids) {
  EXPECT_EQ(escape_xml(std::string("a\x01"
                                   "b\x1f"
                                   "c\td\n")),
            "abc\td\n");
}

TEST(Svg, CoordinatesHaveAtMostTwoDecimalsAndNoNegativeZero) {
  EXPECT_EQ(coord(12), "12");
  EXPECT_EQ(coord(12.5), "12.5");
  EXPECT_EQ(coord(1.0 / 3), "0.33");
  EXPECT_EQ(coord(-0.001), "0");
  EXPECT_EQ(coord(-2.005000001), "-2.01");
}

TEST(Svg, EscapesTextAndAttributesAndClosesWhatIsOpen) {
  Svg s(100, 50, "a < b");
  s.open("g", {{"class", "x\"y"}});
  s.text(1, 2, "<script>alert(1)</script>");
  s.rect(0, 0, 10, 5, "#fff", "tip & <b>");
  std::string out = s.str();
  EXPECT_NE(out.find("aria-label=\"a &lt; b\""), std::string::npos);
  EXPECT_NE(out.find("class=\"x&quot;y\""), std::string::npos);
  EXPECT_NE(out.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  EXPECT_NE(out.find("<title>tip &amp; &lt;b&gt;</title>"), std::string::npos);
  EXPECT_NE(out.find("viewBox=\"0 0 100 50\""), std::string::npos);
  // g then svg closed, in that order, at the end
  EXPECT_EQ(out.substr(out.size() - 11), "</g></svg>\n");
}
