#include "phys/style.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "common/error.h"

namespace ss::phys {

namespace {
std::map<std::string, std::unique_ptr<Style>>& registry() {
  static std::map<std::string, std::unique_ptr<Style>> r;
  return r;
}
}  // namespace

bool register_style(std::function<std::unique_ptr<Style>()> make) {
  auto s = make();
  const std::string n = s->name();
  registry()[n] = std::move(s);
  return true;
}

const Style& style(const std::string& name) {
  auto it = registry().find(name);
  if (it == registry().end())
    throw Error(fmt::format("unknown integration style '{}' (known: {})", name,
                            fmt::join(style_names(), ", ")));
  return *it->second;
}

std::vector<std::string> style_names() {
  std::vector<const Style*> v;
  for (const auto& [k, s] : registry()) v.push_back(s.get());
  std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->order() < b->order(); });
  std::vector<std::string> n;
  for (auto* s : v) n.push_back(s->name());
  return n;
}

std::vector<std::string> default_style_names() {
  auto n = style_names();
  // "arch" follows the file's own tiers; "3d-fold" is not one of the seed's styles (opt-in).
  n.erase(std::remove(n.begin(), n.end(), "arch"), n.end());
  n.erase(std::remove(n.begin(), n.end(), "3d-fold"), n.end());
  return n;
}

}  // namespace ss::phys
