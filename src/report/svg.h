// A tiny SVG writer: elements with escaped attributes and text, nested groups, tooltips as
// <title> children. Coordinates are written with two decimals; nothing is measured here.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ss::report {

// Escapes &, <, >, " and ' for XML text and attribute values; drops control characters that
// XML 1.0 forbids (everything below 0x20 except tab, newline, carriage return).
std::string escape_xml(std::string_view s);
// A coordinate or length: at most two decimals, no trailing zeros, never "-0".
std::string coord(double v);

using Attrs = std::vector<std::pair<std::string, std::string>>;

class Svg {
 public:
  // width x height user units; the element scales to its container (viewBox, width 100%).
  Svg(double width, double height, std::string_view aria_label);

  Svg& open(std::string_view tag, const Attrs& attrs = {});
  Svg& close();
  // A childless element, or one whose only child is a <title> tooltip.
  Svg& element(std::string_view tag, const Attrs& attrs, std::string_view tooltip = {});
  Svg& rect(double x, double y, double w, double h, std::string_view fill,
            std::string_view tooltip = {}, Attrs extra = {});
  Svg& line(double x1, double y1, double x2, double y2, std::string_view css_class);
  // anchor: start, middle or end; extra attributes (class, transform) are appended.
  Svg& text(double x, double y, std::string_view s, std::string_view anchor = "start",
            Attrs extra = {});
  Svg& raw(std::string_view markup);  // already-valid markup (used for nested builders)

  // Closes every open element and returns the document fragment.
  std::string str() const;

 private:
  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace ss::report
