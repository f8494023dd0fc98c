#include "sim/activity.h"

#include "common/error.h"

namespace ss::sim {

double ComponentActivity::get(const std::string& counter) const {
  auto it = counters.find(counter);
  return it == counters.end() ? 0.0 : it->second;
}

const ComponentActivity* ComponentActivity::child(const std::string& n) const {
  for (const auto& c : children)
    if (c.name == n) return &c;
  return nullptr;
}

namespace {

nlohmann::json node_json(const ComponentActivity& c) {
  nlohmann::json j{{"name", c.name}, {"impl", c.impl}, {"counters", c.counters}};
  j["children"] = nlohmann::json::array();
  for (const auto& ch : c.children) j["children"].push_back(node_json(ch));
  return j;
}

ComponentActivity node_from(const nlohmann::json& j, const std::string& origin,
                            const std::string& path) {
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string())
    throw error_at(origin, path, "expected a component object with a \"name\"");
  ComponentActivity c;
  c.name = j["name"];
  c.impl = j.value("impl", "");
  if (j.contains("counters")) {
    if (!j["counters"].is_object()) throw error_at(origin, path + ".counters", "expected an object");
    for (auto& [k, v] : j["counters"].items()) {
      if (!v.is_number()) throw error_at(origin, path + ".counters." + k, "expected a number");
      c.counters[k] = v.get<double>();
    }
  }
  if (j.contains("children")) {
    if (!j["children"].is_array()) throw error_at(origin, path + ".children", "expected an array");
    for (size_t i = 0; i < j["children"].size(); ++i)
      c.children.push_back(
          node_from(j["children"][i], origin, path + ".children[" + std::to_string(i) + "]"));
  }
  return c;
}

}  // namespace

nlohmann::json Activity::to_json() const {
  nlohmann::json j{{"schema", "spikestack.activity/1"},
                   {"arch", arch},
                   {"model", model},
                   {"mode", mode},
                   {"samples", samples},
                   {"cycles", cycles}};
  j["layers"] = nlohmann::json::array();
  for (const auto& l : layers)
    j["layers"].push_back(
        {{"name", l.name}, {"unit", l.unit}, {"cycles", l.cycles}, {"counters", l.counters}});
  j["components"] = node_json(root);
  return j;
}

Activity Activity::from_json(const nlohmann::json& j, const std::string& origin) {
  if (!j.is_object() || j.value("schema", "") != "spikestack.activity/1")
    throw error_at(origin, "schema", "expected \"spikestack.activity/1\"");
  Activity a;
  try {
    a.arch = j.at("arch");
    a.model = j.at("model");
    a.mode = j.at("mode");
    a.samples = j.at("samples");
    a.cycles = j.at("cycles");
    for (const auto& l : j.at("layers")) {
      LayerActivity la;
      la.name = l.at("name");
      la.unit = l.at("unit");
      la.cycles = l.at("cycles");
      la.counters = l.at("counters").get<std::map<std::string, double>>();
      a.layers.push_back(std::move(la));
    }
  } catch (const nlohmann::json::exception& e) {
    throw error_at(origin, "", "malformed activity: {}", e.what());
  }
  if (!j.contains("components")) throw error_at(origin, "components", "missing");
  a.root = node_from(j["components"], origin, "components");
  return a;
}

}  // namespace ss::sim
