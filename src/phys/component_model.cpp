#include "phys/component_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "common/error.h"

namespace ss::phys {

namespace {
std::map<std::string, std::unique_ptr<ComponentModel>>& registry() {
  static std::map<std::string, std::unique_ptr<ComponentModel>> r;
  return r;
}
}  // namespace

bool register_component_model(const std::string& impl, ComponentFactory f) {
  registry()[impl] = f();
  return true;
}

const ComponentModel& component_model(const std::string& impl, const std::string& arch_file,
                                      const std::string& block) {
  auto it = registry().find(impl);
  if (it == registry().end())
    throw error_at(arch_file, block + ".impl", "no physical model named '{}' (known: {})", impl,
                   fmt::join(component_model_names(), ", "));
  return *it->second;
}

std::vector<std::string> component_model_names() {
  std::vector<std::string> n;
  for (const auto& [k, v] : registry()) n.push_back(k);
  return n;
}

}  // namespace ss::phys
