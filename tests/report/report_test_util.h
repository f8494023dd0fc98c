// Helpers for report tests: the fixture document, and attributes of SVG elements found by a
// regular expression (the renderer writes one element per tag, attributes in double quotes).
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "common/files.h"

namespace ss::report::test {

inline nlohmann::json fixture() {
  return nlohmann::json::parse(
      read_file_text(std::string(SS_SOURCE_DIR) + "/tests/report/fixtures/report.json"));
}

using Element = std::map<std::string, std::string>;

// Every <tag ...> whose attributes contain `must_contain`, as attribute maps.
inline std::vector<Element> elements(const std::string& svg, const std::string& tag,
                                     const std::string& must_contain = "") {
  std::vector<Element> out;
  std::regex el("<" + tag + "\\s([^>]*?)/?>");
  std::regex attr("([\\w:-]+)=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), el); it != std::sregex_iterator();
       ++it) {
    std::string attrs = (*it)[1];
    if (!must_contain.empty() && attrs.find(must_contain) == std::string::npos) continue;
    Element e;
    for (auto a = std::sregex_iterator(attrs.begin(), attrs.end(), attr);
         a != std::sregex_iterator(); ++a)
      e[(*a)[1]] = (*a)[2];
    out.push_back(std::move(e));
  }
  return out;
}

inline double num(const Element& e, const std::string& key) { return std::stod(e.at(key)); }

}  // namespace ss::report::test
