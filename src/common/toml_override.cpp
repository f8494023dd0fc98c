#include "common/toml_override.h"

#include "common/error.h"

namespace ss {

void apply_toml_override(toml::table& root, const std::string& file, const std::string& kv) {
  auto eq = kv.find('=');
  if (eq == std::string::npos || eq == 0)
    throw error_at(file, "--set " + kv, "expected key=value");
  std::string key = kv.substr(0, eq), text = kv.substr(eq + 1);
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + text);
  } catch (const toml::parse_error&) {
    parsed.insert_or_assign("v", text);
  }
  toml::table* t = &root;
  std::string path;
  for (size_t s = 0;;) {
    auto d = key.find('.', s);
    std::string part = key.substr(s, d == std::string::npos ? d : d - s);
    path += (path.empty() ? "" : ".") + part;
    toml::node* n = t->get(part);
    if (!n) throw error_at(file, "--set " + key, "unknown key '{}' (not in the file)", path);
    if (d == std::string::npos) {
      if (n->is_table()) throw error_at(file, "--set " + key, "'{}' is a table; set one of its keys", path);
      t->insert_or_assign(part, *parsed.get("v"));
      return;
    }
    t = n->as_table();
    if (!t) throw error_at(file, "--set " + key, "'{}' is not a table", path);
    s = d + 1;
  }
}

void split_overrides(const std::vector<std::string>& sets, std::vector<std::string>& arch_sets,
                     std::vector<std::string>& tech_sets) {
  for (const auto& s : sets) {
    if (s.rfind("tech.", 0) == 0)
      tech_sets.push_back(s.substr(5));
    else
      arch_sets.push_back(s);
  }
}

}  // namespace ss
