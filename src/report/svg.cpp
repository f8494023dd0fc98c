#include "report/svg.h"

#include <fmt/format.h>

#include <cmath>

namespace ss::report {

std::string escape_xml(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        r += "&amp;";
        break;
      case '<':
        r += "&lt;";
        break;
      case '>':
        r += "&gt;";
        break;
      case '"':
        r += "&quot;";
        break;
      case '\'':
        r += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        r += c;
    }
  }
  return r;
}

std::string coord(double v) {
  double r = std::round(v * 100.0) / 100.0;
  if (r == 0) r = 0;  // no "-0"
  std::string s = fmt::format("{:.2f}", r);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

namespace {
void put_attrs(std::string& out, const Attrs& attrs) {
  for (const auto& [k, v] : attrs) out += fmt::format(" {}=\"{}\"", k, escape_xml(v));
}
}  // namespace

Svg::Svg(double width, double height, std::string_view aria_label) {
  open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
               {"viewBox", fmt::format("0 0 {} {}", coord(width), coord(height))},
               {"width", coord(width)},
               {"height", coord(height)},
               {"role", "img"},
               {"aria-label", std::string(aria_label)}});
}

Svg& Svg::open(std::string_view tag, const Attrs& attrs) {
  out_ += fmt::format("<{}", tag);
  put_attrs(out_, attrs);
  out_ += ">";
  open_.emplace_back(tag);
  return *this;
}

Svg& Svg::close() {
  if (!open_.empty()) {
    out_ += fmt::format("</{}>", open_.back());
    open_.pop_back();
  }
  return *this;
}

Svg& Svg::element(std::string_view tag, const Attrs& attrs, std::string_view tooltip) {
  out_ += fmt::format("<{}", tag);
  put_attrs(out_, attrs);
  if (tooltip.empty())
    out_ += "/>";
  else
    out_ += fmt::format("><title>{}</title></{}>", escape_xml(tooltip), tag);
  out_ += '\n';
  return *this;
}

Svg& Svg::rect(double x, double y, double w, double h, std::string_view fill,
               std::string_view tooltip, Attrs extra) {
  Attrs a = {{"x", coord(x)},
             {"y", coord(y)},
             {"width", coord(std::max(w, 0.0))},
             {"height", coord(std::max(h, 0.0))},
             {"fill", std::string(fill)}};
  a.insert(a.end(), extra.begin(), extra.end());
  return element("rect", a, tooltip);
}

Svg& Svg::line(double x1, double y1, double x2, double y2, std::string_view css_class) {
  return element("line", {{"x1", coord(x1)},
                          {"y1", coord(y1)},
                          {"x2", coord(x2)},
                          {"y2", coord(y2)},
                          {"class", std::string(css_class)}});
}

Svg& Svg::text(double x, double y, std::string_view s, std::string_view anchor, Attrs extra) {
  Attrs a = {{"x", coord(x)}, {"y", coord(y)}};
  if (anchor != "start") a.emplace_back("text-anchor", std::string(anchor));
  a.insert(a.end(), extra.begin(), extra.end());
  out_ += "<text";
  put_attrs(out_, a);
  out_ += fmt::format(">{}</text>\n", escape_xml(s));
  return *this;
}

Svg& Svg::raw(std::string_view markup) {
  out_ += markup;
  return *this;
}

std::string Svg::str() const {
  std::string r = out_;
  for (auto it = open_.rbegin(); it != open_.rend(); ++it) r += fmt::format("</{}>", *it);
  return r + "\n";
}

}  // namespace ss::report
