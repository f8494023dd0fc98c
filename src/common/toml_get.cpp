#include "common/toml_get.h"

#include "common/files.h"

namespace ss {

toml::table parse_toml_text(const std::string& text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw Error(fmt::format("{}:{}:{}: {}", origin, b.line, b.column,
                                 printable(e.description())));
  }
}

toml::table parse_toml_file(const std::string& path) {
  return parse_toml_text(read_file_text(path), path);
}

}  // namespace ss
