#pragma once
#include <regex>
#include <string>

#include "common/files.h"
#include "tech/technology.h"

namespace ss::tech::testing {

inline std::string tech_path(const std::string& name) {
  return std::string(SS_SOURCE_DIR) + "/technologies/" + name + ".toml";
}
inline const Technology& tech28() {
  static const Technology t = load_technology(tech_path("28nm"));
  return t;
}
// The 28 nm file with one line replaced (regex on the whole text).
inline std::string edited28(const std::string& pattern, const std::string& replacement) {
  return std::regex_replace(read_file_text(tech_path("28nm")), std::regex(pattern), replacement,
                            std::regex_constants::format_first_only);
}

}  // namespace ss::tech::testing
